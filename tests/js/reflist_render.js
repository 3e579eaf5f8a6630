#!/usr/bin/env node
// Render one set of CSL-JSON items in many styles with citeproc-js, the reference CSL processor,
// for the reference-list importer's measure on text bibkit did not make
// (benchmarks/eval_reflist.py --citeproc, tests/test_reflist_citeproc.py).
//
// stdin: {"styles": {name: CSL XML}, "locales_dir": folder of locales-xx-XX.xml,
//         "items": [CSL-JSON item], "lang": optional locale}
// stdout: {name: [[item id, bibliography entry as plain text], ...] in the style's order}
// A style citeproc-js cannot run gets {"error": message} instead of a list.
"use strict";

const fs = require("fs");
const path = require("path");
const CSL = require("citeproc");

function main() {
  const job = JSON.parse(fs.readFileSync(0, "utf8"));
  const itemsById = {};
  const ids = [];
  for (const item of job.items || []) {
    const id = String(item.id);
    itemsById[id] = Object.assign({}, item, { id });
    ids.push(id);
  }
  const localeCache = {};
  const sys = {
    retrieveLocale(lang) {
      if (!(lang in localeCache)) {
        const file = path.join(job.locales_dir, `locales-${lang}.xml`);
        localeCache[lang] = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : false;
      }
      return localeCache[lang];
    },
    retrieveItem(id) {
      return itemsById[id];
    },
  };
  const out = {};
  for (const [name, xml] of Object.entries(job.styles)) {
    try {
      const engine = job.lang ? new CSL.Engine(sys, xml, job.lang, true) : new CSL.Engine(sys, xml);
      engine.setOutputFormat("text");
      engine.updateItems(ids);
      const bib = engine.makeBibliography();
      out[name] = bib ? bib[1].map((text, i) => [bib[0].entry_ids[i][0], text.replace(/\n$/, "")]) : [];
    } catch (err) {
      out[name] = { error: String(err && err.message ? err.message : err) };
    }
  }
  process.stdout.write(JSON.stringify(out));
}

main();
