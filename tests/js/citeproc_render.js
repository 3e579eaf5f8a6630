#!/usr/bin/env node
// Render a bibliography (and optionally citations) with citeproc-js, the reference CSL
// processor, so bibkit's own engine can be checked against it (tests/test_citeproc_js_parity.py)
// and timed against it (benchmarks/bench_format.py).
//
// stdin: one JSON object
//   style        CSL style XML text (an independent style)
//   locales_dir  folder holding locales-xx-XX.xml (and optionally locales.json)
//   items        CSL-JSON items
//   lang         locale to force (default: the style's default-locale, else en-US)
//   format       "text" (default), "html" or "rtf"
//   citations    optional list of cite groups: [[{id, locator, label, prefix, suffix,
//                suppress-author, author-only}], ...]
//   repeat       optional: run the whole job this many times and report the time of each run
// stdout: {"bibliography": [string per entry], "citations": [string per group],
//          "times_ms": [wall time per run], "cpu_ms": [CPU time per run]}
// Timing covers engine construction (style parse), item registration and output, not process
// start-up or JSON input parsing.
"use strict";

const fs = require("fs");
const path = require("path");
const CSL = require("citeproc");

function readStdin() {
  return fs.readFileSync(0, "utf8");
}

function makeSys(job, itemsById) {
  const dir = job.locales_dir;
  let dialects = {};
  try {
    dialects = JSON.parse(fs.readFileSync(path.join(dir, "locales.json"), "utf8"))["primary-dialects"] || {};
  } catch (e) {
    dialects = {};
  }
  const cache = {};
  return {
    retrieveLocale(lang) {
      if (lang in cache) return cache[lang];
      const candidates = [lang];
      if (dialects[lang]) candidates.push(dialects[lang]);
      let xml = false;
      for (const name of candidates) {
        const file = path.join(dir, `locales-${name}.xml`);
        if (fs.existsSync(file)) {
          xml = fs.readFileSync(file, "utf8");
          break;
        }
      }
      cache[lang] = xml;
      return xml;
    },
    retrieveItem(id) {
      return itemsById[id];
    },
  };
}

function render(job, itemsById, ids) {
  const sys = makeSys(job, itemsById);
  const engine = job.lang
    ? new CSL.Engine(sys, job.style, job.lang, true)
    : new CSL.Engine(sys, job.style);
  engine.setOutputFormat(job.format || "text");
  const result = { bibliography: [], citations: [] };
  // every item is registered first, so numbering and disambiguation see the whole list
  engine.updateItems(ids);
  if (job.citations && job.citations.length) {
    for (const group of job.citations) {
      const citationItems = group.map((cite) => {
        const out = { id: String(cite.id) };
        for (const key of ["locator", "label", "prefix", "suffix", "suppress-author", "author-only"]) {
          if (cite[key] !== undefined && cite[key] !== null) out[key] = cite[key];
        }
        return out;
      });
      result.citations.push(engine.makeCitationCluster(citationItems));
    }
  }
  if (hasBibliography(job.style)) {
    const bib = engine.makeBibliography();
    if (bib) {
      result.bibliography = bib[1].map((entry) => entry.replace(/\n$/, ""));
    }
  }
  return result;
}

function hasBibliography(styleXml) {
  return /<bibliography[\s>]/.test(styleXml);
}

function main() {
  const job = JSON.parse(readStdin());
  const itemsById = {};
  const ids = [];
  for (const item of job.items || []) {
    const id = String(item.id);
    itemsById[id] = Object.assign({}, item, { id });
    ids.push(id);
  }
  const repeat = Math.max(1, job.repeat || 1);
  const times = [];
  const cpuTimes = [];
  let result = null;
  for (let i = 0; i < repeat; i++) {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    result = render(job, itemsById, ids);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    const cpu = process.cpuUsage(cpuStart);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
  }
  result.times_ms = times;
  result.cpu_ms = cpuTimes;
  process.stdout.write(JSON.stringify(result));
}

try {
  main();
} catch (err) {
  process.stderr.write(`citeproc_render.js: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
}
