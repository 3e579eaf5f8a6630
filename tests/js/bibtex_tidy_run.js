// Run bibtex-tidy (pinned in package.json) over many files in one Node process.
// stdin: {"files": [paths], "options": {bibtex-tidy API options}}
// stdout: {"results": [{"file": path, "bibtex": text} | {"file": path, "error": message}]}
const fs = require("fs");
const { tidy } = require("bibtex-tidy");

const job = JSON.parse(fs.readFileSync(0, "utf8"));
const results = job.files.map((file) => {
  try {
    const input = fs.readFileSync(file, "utf8");
    return { file, bibtex: tidy(input, job.options).bibtex };
  } catch (err) {
    return { file, error: String(err && err.message ? err.message : err) };
  }
});
process.stdout.write(JSON.stringify({ results }));
