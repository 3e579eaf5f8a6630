// citation-js (Node): BibTeX in, CSL-JSON out; the peer of `bibkit convert` in bench_scale.py.
//     node benchmarks/citation_js_convert.js IN.bib OUT.json
//
// citation-js stops at the first value its grammar rejects (a lone "$", "{\d}u"), so the file
// is handed to it in batches of 1,000 entries (cut before each "@" that starts a line) and a
// batch it rejects is read again entry by entry, the rejected entries counted and left out.
const fs = require("fs");
const { Cite } = require("@citation-js/core");
require("@citation-js/plugin-bibtex");
require("@citation-js/plugin-csl");

const [input, output] = process.argv.slice(2);
const chunks = fs.readFileSync(input, "utf8").split(/\n(?=@)/);
const out = fs.openSync(output, "w");
let written = 0;
let rejected = 0;

function convert(text) {
  return new Cite(text).format("data", { format: "object" });
}

function write(items) {
  for (const item of items) {
    fs.writeSync(out, (written ? ",\n" : "[\n") + JSON.stringify(item));
    written += 1;
  }
}

for (let i = 0; i < chunks.length; i += 1000) {
  const batch = chunks.slice(i, i + 1000);
  try {
    write(convert(batch.join("\n")));
  } catch (err) {
    for (const chunk of batch) {
      try {
        write(convert(chunk));
      } catch (err2) {
        rejected += 1;
      }
    }
  }
}
fs.writeSync(out, written ? "\n]\n" : "[]\n");
fs.closeSync(out);
console.error(`citation-js: ${written} items, ${rejected} entries rejected`);
