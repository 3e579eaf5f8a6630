// The page of `bibkit serve`. The server keeps nothing between requests: this script holds the
// user's documents and choices (in localStorage, so a reload keeps them) and sends them with
// every call to the JSON API (/api/...), which does all the work with bibkit itself.
"use strict";

const STORE = "bibkit-serve";
const PASTED = "pasted text";
const $ = (id) => document.getElementById(id);

const state = Object.assign({
  paste: "", files: [], identifiers: "",
  keys: { pattern: "", rekey: false, policy: "second-a" }, merge: [], apart: [],
  style: "apa", styleTitle: "APA Style 7th edition", locale: "", markup: "html",
  out: "bibtex", unicode: false, tidy: {},
}, load());

function load() {
  try { return JSON.parse(localStorage.getItem(STORE)) || {}; } catch (e) { return {}; }
}

function save() {
  try { localStorage.setItem(STORE, JSON.stringify(state)); }
  catch (e) { status("Your input is too large to be kept over a reload (the browser's storage is full).", true); }
}

function status(text, error) {
  const el = $("status");
  el.textContent = text;
  el.className = error ? "error" : "";
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : String(c ?? ""));
  return node;
}

function documents() {
  const docs = [];
  if (state.paste.trim()) docs.push({ name: PASTED, text: state.paste });
  for (const f of state.files) docs.push(Object.assign({ name: f.name }, f.data !== undefined ? { data: f.data } : { text: f.text }));
  return docs;
}

function common() {
  return { documents: documents(), keys: state.keys, merge: state.merge };
}

async function api(path, body) {
  const response = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({ error: `the server answered ${response.status}` }));
  if (!response.ok) throw new Error(answer.error || `the server answered ${response.status}`);
  return answer;
}

function problemItems(list, problems) {
  list.replaceChildren(...problems.map((p) => el("li", { class: p.severity }, p.text)));
}

// ------------------------------------------------------------------ refreshing, newest answer wins

const latest = {};
function debounced(name, fn, ms) {
  let timer;
  return () => { clearTimeout(timer); timer = setTimeout(fn, ms); };
}

async function fresh(name, call, show) {
  const ticket = (latest[name] = (latest[name] || 0) + 1);
  try {
    const answer = await call();
    if (ticket === latest[name]) show(answer);
  } catch (e) {
    if (ticket === latest[name]) status(e.message, true);
  }
}

function refreshAll() { save(); refreshEntries(); refreshPreview(); refreshOut(); }
const refreshSoon = debounced("all", refreshAll, 350);

// ------------------------------------------------------------------ 1. In

function renderDocuments(info) {
  const byName = Object.fromEntries((info || []).map((d) => [d.name, d]));
  const items = documents().map((d) => {
    const i = byName[d.name] || {};
    const n = i.entries ?? 0;
    const label = `${d.name} · ${i.format || "?"} · ${n} ${n === 1 ? "entry" : "entries"}`;
    const remove = d.name === PASTED
      ? () => { state.paste = ""; $("paste").value = ""; refreshAll(); }
      : () => { state.files = state.files.filter((f) => f.name !== d.name); refreshAll(); };
    return el("li", { "data-name": d.name }, label, el("button", { type: "button", title: "remove", onclick: remove }, "×"));
  });
  $("documents").replaceChildren(...items);
}

function uniqueName(name) {
  const taken = new Set(documents().map((d) => d.name));
  if (!taken.has(name)) return name;
  const dot = name.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
  let n = 2;
  while (taken.has(`${stem} (${n})${ext}`)) n++;
  return `${stem} (${n})${ext}`;
}

function toBase64(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

async function addFiles(fileList) {
  for (const file of fileList) {
    // the bytes go to the server, which decodes them as the CLI decodes a file (encodings, BOM)
    const data = toBase64(await file.arrayBuffer());
    state.files.push({ name: uniqueName(file.name.replace(/[\\/]/g, "_")), data });
  }
  refreshAll();
}

async function lookup() {
  const identifiers = $("identifiers").value.split("\n").filter((t) => t.trim());
  if (!identifiers.length) return;
  $("lookup").disabled = true;
  status(`Looking up ${identifiers.length}…`);
  try {
    const answer = await api("/api/lookup", { identifiers });
    problemItems($("lookup-problems"), answer.problems);
    if (answer.entries) {
      const prior = state.files.find((f) => f.name === "looked-up.bib");
      if (prior) prior.text = prior.text.trimEnd() + "\n\n" + answer.text;
      else state.files.push({ name: "looked-up.bib", text: answer.text });
    }
    status(`Found ${answer.entries} of ${identifiers.length}.`);
    refreshAll();
  } catch (e) {
    status(e.message, true);
  } finally {
    $("lookup").disabled = false;
  }
}

// ------------------------------------------------------------------ 2. See and fix

let findingsShown = [];

function refreshEntries() {
  if (!documents().length) {
    renderEntries({ entries: [], problems: [], duplicates: [], documents: [], summary: null });
    return;
  }
  fresh("entries", () => api("/api/entries", common()), renderEntries);
}

function renderEntries(answer) {
  renderDocuments(answer.documents);
  const s = answer.summary;
  $("summary").textContent = s
    ? `${s.entries} entries · ${s.errors} errors · ${s.warnings} warnings · ${s.duplicates} duplicate groups`
    : "No entries yet.";
  problemItems($("problems"), answer.problems);
  findingsShown = answer.entries.flatMap((e) => e.findings).concat(answer.problems);
  const fixable = findingsShown.filter((f) => f.fixable);
  $("fix-all").disabled = !fixable.length;
  $("fix-all").textContent = fixable.length === 1 ? "Apply the safe fix"
    : fixable.length ? `Apply all ${fixable.length} safe fixes` : "Apply all safe fixes";
  renderDuplicates(answer.duplicates);
  const rows = [];
  for (const e of answer.entries) {
    const worst = e.findings.some((f) => f.severity === "error") ? "error" : "warning";
    const badge = e.findings.length ? el("span", { class: `badge ${worst}` }, e.findings.length) : "";
    const row = el("tr", { "data-id": e.id, class: e.findings.length ? "has-problems" : "" },
      el("td", { class: "key" }, e.key), el("td", {}, e.authors), el("td", {}, e.year),
      el("td", {}, e.title), el("td", {}, e.type), el("td", { class: "source" }, e.source), el("td", {}, badge));
    rows.push(row);
    if (e.findings.length) {
      const details = el("tr", { class: "details", hidden: "" }, el("td", { colspan: "7" },
        el("ul", { class: "problems" }, ...e.findings.map((f) => el("li", { class: f.severity },
          el("span", {}, f.text),
          f.fixable ? el("button", { type: "button", onclick: () => applyFixes([f.id]) }, `Fix: ${f.fix.description}`) : "")))));
      row.addEventListener("click", () => { details.hidden = !details.hidden; });
      rows.push(details);
    }
  }
  $("entries").tBodies[0].replaceChildren(...rows);
}

function renderDuplicates(groups) {
  const shown = groups.filter((g) => !state.apart.includes(g.id));
  const items = shown.map((g) => {
    const why = g.matches.map((m) => `${m.rule} ${m.score}${m.why ? ": " + m.why : ""}`).join("; ");
    const merge = () => { state.merge = g.merged ? state.merge.filter((id) => id !== g.id) : state.merge.concat([g.id]); refreshAll(); };
    const apart = () => { state.apart.push(g.id); state.merge = state.merge.filter((id) => id !== g.id); refreshAll(); };
    return el("div", { class: g.merged ? "group merged" : "group" },
      el("div", {}, (g.merged ? "Merged: " : "Same work? ") + g.members.map((m, i) => `${g.keys[i]} (${m})`).join(" · ")),
      el("div", { class: "why" }, why),
      el("button", { type: "button", onclick: merge }, g.merged ? "Undo merge" : "Merge"),
      g.merged ? "" : el("button", { type: "button", class: "quiet", onclick: apart }, "Keep apart"));
  });
  $("duplicates").replaceChildren(...items);
}

async function applyFixes(ids) {
  try {
    const answer = await api("/api/fix", { documents: documents(), findings: ids });
    for (const doc of answer.documents) {
      if (doc.name === PASTED) { state.paste = doc.text; $("paste").value = doc.text; }
      else {
        const file = state.files.find((f) => f.name === doc.name);
        if (file && file.text !== doc.text) { delete file.data; file.text = doc.text; }
      }
    }
    status(`${answer.fixed} fixed. ${answer.messages.join(" ")}`);
    refreshAll();
  } catch (e) {
    status(e.message, true);
  }
}

// ------------------------------------------------------------------ 3. Format

function refreshPreview() {
  if (!documents().length) { $("citation").replaceChildren(); $("bibliography").replaceChildren(); $("preview-count").textContent = ""; return; }
  const body = Object.assign(common(), { style: state.style, locale: state.locale || null, markup: state.markup });
  fresh("preview", () => api("/api/format", body), (answer) => {
    show($("citation"), answer.citation);
    show($("bibliography"), answer.bibliography);
    $("preview-count").textContent = `(${answer.entries} entries)`;
  });
}

function show(target, text) {
  if (state.markup === "html") target.innerHTML = text; // bibkit's engine escapes the entries' text
  else target.replaceChildren(el("pre", {}, text));
}

const searchStyles = debounced("styles", async () => {
  const q = $("style-search").value.trim();
  if (!q) { $("style-results").replaceChildren(); return; }
  fresh("styles", () => api(`/api/styles?q=${encodeURIComponent(q)}&limit=40`), (styles) => {
    $("style-results").replaceChildren(...styles.map((s, i) => el("li", {
      role: "option", "data-name": s.name, class: i === 0 ? "active" : "",
      onmousedown: (ev) => { ev.preventDefault(); chooseStyle(s); },
    }, s.title, el("span", { class: "name" }, s.name))));
  });
}, 120);

function chooseStyle(s) {
  state.style = s.name;
  state.styleTitle = s.title;
  $("style-search").value = "";
  $("style-results").replaceChildren();
  showStyle();
  refreshAll();
}

function showStyle() { $("style-current").textContent = `${state.styleTitle || state.style} (${state.style})`; }

function styleKeys(ev) {
  const items = [...$("style-results").children];
  if (!items.length) return;
  let i = items.findIndex((li) => li.classList.contains("active"));
  if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
    ev.preventDefault();
    items[i]?.classList.remove("active");
    i = Math.max(0, Math.min(items.length - 1, i + (ev.key === "ArrowDown" ? 1 : -1)));
    items[i].classList.add("active");
    items[i].scrollIntoView({ block: "nearest" });
  } else if (ev.key === "Enter") {
    ev.preventDefault();
    const li = items[Math.max(i, 0)];
    chooseStyle({ name: li.dataset.name, title: li.firstChild.textContent });
  } else if (ev.key === "Escape") {
    $("style-results").replaceChildren();
  }
}

// ------------------------------------------------------------------ 4. Out

let output = { text: "", filename: "references.bib" };

function tidyChoices() {
  const tidy = {};
  for (const input of document.querySelectorAll("[data-tidy]")) {
    const name = input.dataset.tidy;
    if (input.type === "checkbox" && input.checked) tidy[name] = input.dataset.value || true;
    if (input.type === "number" && Number(input.value) > 0) tidy[name] = Number(input.value);
  }
  return tidy;
}

function refreshOut() {
  if (!documents().length) { $("out-text").value = ""; problemItems($("out-problems"), []); return; }
  const body = Object.assign(common(), {
    to: state.out, unicode: state.unicode, tidy: Object.keys(state.tidy).length ? state.tidy : null,
    style: state.style, locale: state.locale || null, markup: state.markup,
  });
  fresh("out", () => api("/api/export", body), (answer) => {
    output = answer;
    $("out-text").value = answer.text;
    problemItems($("out-problems"), answer.problems);
  });
}

async function copyOut() {
  try { await navigator.clipboard.writeText(output.text); status("Copied."); }
  catch (e) { $("out-text").select(); document.execCommand("copy"); status("Copied."); }
}

function downloadOut() {
  const type = output.filename.endsWith(".html") ? "text/html" : output.filename.endsWith(".json") ? "application/json" : "text/plain";
  const url = URL.createObjectURL(new Blob([output.text], { type: `${type};charset=utf-8` }));
  const a = el("a", { href: url, download: output.filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// ------------------------------------------------------------------ start

async function start() {
  let info;
  try { info = await api("/api/info"); } catch (e) { status(e.message, true); return; }
  $("version").textContent = info.version;
  $("policy").replaceChildren(...info.key_policies.map((p) => el("option", { value: p }, p)));
  $("locale").replaceChildren(el("option", { value: "" }, "the style's own"), ...info.locales.map((l) => el("option", { value: l }, l)));
  const outs = info.exporters.map((e) => el("option", { value: e.name }, `${e.name} (${e.extension})`));
  $("out-format").replaceChildren(...outs, el("option", { value: "formatted" }, "formatted list (style above)"));

  state.keys.pattern = state.keys.pattern || info.default_pattern;
  $("paste").value = state.paste;
  $("identifiers").value = state.identifiers;
  $("pattern").value = state.keys.pattern;
  $("rekey").checked = state.keys.rekey;
  $("policy").value = state.keys.policy;
  $("locale").value = state.locale;
  $("markup").value = state.markup;
  $("out-format").value = state.out;
  $("unicode").checked = state.unicode;
  for (const input of document.querySelectorAll("[data-tidy]")) {
    const v = state.tidy[input.dataset.tidy];
    if (input.type === "checkbox") input.checked = v !== undefined;
    else if (v !== undefined) input.value = v;
  }
  showStyle();

  $("paste").addEventListener("input", () => { state.paste = $("paste").value; refreshSoon(); });
  $("identifiers").addEventListener("input", () => { state.identifiers = $("identifiers").value; save(); });
  $("lookup").addEventListener("click", lookup);
  $("files").addEventListener("change", (ev) => { addFiles(ev.target.files); ev.target.value = ""; });
  const drop = $("drop");
  drop.addEventListener("dragover", (ev) => { ev.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (ev) => { ev.preventDefault(); drop.classList.remove("over"); addFiles(ev.dataTransfer.files); });
  $("pattern").addEventListener("input", () => { state.keys.pattern = $("pattern").value; refreshSoon(); });
  $("rekey").addEventListener("change", () => { state.keys.rekey = $("rekey").checked; refreshAll(); });
  $("policy").addEventListener("change", () => { state.keys.policy = $("policy").value; refreshAll(); });
  $("fix-all").addEventListener("click", () => applyFixes(findingsShown.filter((f) => f.fixable).map((f) => f.id)));
  $("style-search").addEventListener("input", searchStyles);
  $("style-search").addEventListener("keydown", styleKeys);
  $("style-search").addEventListener("blur", () => setTimeout(() => $("style-results").replaceChildren(), 150));
  $("locale").addEventListener("change", () => { state.locale = $("locale").value; refreshAll(); });
  $("markup").addEventListener("change", () => { state.markup = $("markup").value; refreshAll(); });
  $("out-format").addEventListener("change", () => { state.out = $("out-format").value; refreshAll(); });
  $("unicode").addEventListener("change", () => { state.unicode = $("unicode").checked; refreshAll(); });
  for (const input of document.querySelectorAll("[data-tidy]")) {
    input.addEventListener("change", () => { state.tidy = tidyChoices(); refreshAll(); });
  }
  $("copy").addEventListener("click", copyOut);
  $("download").addEventListener("click", downloadOut);
  refreshAll();
}

document.addEventListener("DOMContentLoaded", start);
