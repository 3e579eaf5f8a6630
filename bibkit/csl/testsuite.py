"""Run the official CSL test-suite fixtures.

`render_fixture(sections)` turns the raw sections of one fixture into the text compared with
its RESULT; `python -m bibkit.csl.testsuite DIR` runs a whole directory.
"""
from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import traceback
from pathlib import Path

from .processor import Processor

_SECTION = re.compile(r">>=+\s*([A-Z-]+)\s*=+>>\n?(.*?)\n?<<=+\s*\1\s*=+<<", re.S)


def parse_fixture(text: str) -> dict:
    return {m.group(1): m.group(2) for m in _SECTION.finditer(text)}


def _bib_html(proc, entries) -> str:
    lines = ['<div class="csl-bib-body">']
    for e in entries:
        if e is None:
            continue
        s = proc._out(e, "html")
        if '<div class="csl-block">' in s or '<div class="csl-left-margin">' in s or '<div class="csl-indent">' in s:
            s = _block_layout(s)
        lines.append('  <div class="csl-entry">%s</div>' % s)
    lines.append("</div>")
    return "\n".join(lines)


def _block_layout(s: str) -> str:
    divs = re.findall(r'<div class="csl-([a-z-]+)">((?:(?!<div).)*?)</div>', s)
    if divs and "".join('<div class="csl-%s">%s</div>' % d for d in divs) == s.rstrip() and \
            any(d[0] == "block" for d in divs) and any(d[0] == "left-margin" for d in divs):
        out = ""
        for cls, body in divs:
            piece = '<div class="csl-%s">%s</div>' % (cls, body)
            if cls in ("block", "indent"):
                out += "\n\n    " + piece + "\n"
            elif cls == "left-margin":
                out += "\n    " + piece
            else:
                out += piece
        return out + "\n  "
    if '<div class="csl-left-margin">' in s:
        m = re.search(r"(\s+)</div>$", s)
        tail = ""
        if m:
            tail = m.group(1)
            s = s[:m.start()] + "</div>"
        return "\n    " + s + "\n  " + tail
    if not s.startswith("<div") and s.endswith("</div>"):
        return s + "\n  "
    # citeproc-js puts display blocks on their own lines
    s = re.sub(r'(<div class="csl-(block|indent)">)', r"\n\n    \1", s)
    s = re.sub(r"</div>(?=[^<]|$)", "</div>\n", s)
    if not s.endswith("\n"):
        s += "\n"
    s = s.replace("</div>\n\n", "</div>\n")
    return s


def render_fixture(sections: dict) -> str:
    mode = sections.get("MODE", "citation").strip()
    items = json.loads(sections["INPUT"])
    proc = Processor(sections["CSL"])
    reg, order = proc._register(items)
    if mode == "bibliography" or mode == "bibliography-nosort":
        cite_order = None
        if "CITATIONS" in sections:
            data = json.loads(sections["CITATIONS"])
            by_id = {x[0]["citationID"]: x[0] for x in data}
            last = data[-1]
            seq = [cid for cid, _ in last[1]] + [last[0]["citationID"]] + [cid for cid, _ in last[2]]
            cite_order = [str(c["id"]) for cid in seq for c in by_id[cid]["citationItems"]]
        elif "CITATION-ITEMS" in sections:
            data = json.loads(sections["CITATION-ITEMS"])
            cite_order = [str(c["id"]) for g in data for c in g]
        if cite_order is not None:
            citations = _citations_from_sections(sections)
            proc.render_citations(reg, order, citations)
            ids = proc._number_and_sort(reg, order, cite_order)
        else:
            ids = proc._number_and_sort(reg, order, order)
        from .disambiguate import disambiguate
        dis = disambiguate(proc, reg, ids, [])
        entries = proc.bibliography_rich(reg, ids, dis)
        return _bib_html(proc, entries)
    if "CITATIONS" in sections:
        data = json.loads(sections["CITATIONS"])
        csl = sections["CSL"]
        return _citations_mode(proc, items, data, "first-reference-note-number" in csl,
                               '"citation-number"' in csl)
    # with no cites given, citeproc-js's runner cites every item in the bibliography's order
    cite_all = order
    if "CITATION-ITEMS" not in sections and proc.style.bibliography is not None \
            and proc.style.bibliography.sort:
        reg_sorted, _ = proc._register(items)
        cite_all = proc._number_and_sort(reg_sorted, order, order)
    citations = _citations_from_sections(sections, cite_all)
    rich = proc.render_citations(reg, order, citations)
    return "\n".join(proc._out(r, "html") for r in rich)


def _citations_from_sections(sections, order=None):
    if "CITATION-ITEMS" in sections:
        data = json.loads(sections["CITATION-ITEMS"])
        return [{"items": [dict(c) for c in g], "note": i + 1} for i, g in enumerate(data)]
    if "CITATIONS" in sections:
        data = json.loads(sections["CITATIONS"])
        return [{"items": [dict(c) for c in x[0]["citationItems"]],
                 "note": (x[0].get("properties") or {}).get("noteIndex", 0)} for x in data]
    return [{"items": [{"id": k} for k in order], "note": 1}]


def _citations_mode(proc, items, data, uses_first_note=False, uses_number=False) -> str:
    reg, order = proc._register(items)
    by_id = {x[0]["citationID"]: x[0] for x in data}
    last = data[-1]
    pre, post = last[1], last[2]
    seq = [(cid, note) for cid, note in pre] + [(last[0]["citationID"], (last[0].get("properties") or {}).get("noteIndex", 0))] + [(cid, note) for cid, note in post]

    def build(sequence):
        return [{"items": [dict(c) for c in by_id[cid]["citationItems"]], "note": note} for cid, note in sequence]

    final_cits = build(seq)
    final = [proc._out(r, "html") for r in proc.render_citations(reg, order, final_cits)]
    final_dis = _dis_sig(proc._last_dis)
    # the state before the last call: each citation in the note it had then
    known_note = {}
    for call in data[:-1]:
        known_note[call[0]["citationID"]] = (call[0].get("properties") or {}).get("noteIndex", 0)
        for cid, note in list(call[1]) + list(call[2]):
            known_note[cid] = note
    prev_seq = [(cid, known_note.get(cid, note)) for cid, note in seq if cid != last[0]["citationID"]]
    reg2, order2 = proc._register(items)
    prev = {}
    prev_dis = {}
    if prev_seq:
        out = [proc._out(r, "html") for r in proc.render_citations(reg2, order2, build(prev_seq))]
        prev = {cid: s for (cid, _), s in zip(prev_seq, out)}
        prev_dis = _dis_sig(proc._last_dis)
    # citeproc-js also reports a citation as updated when one of its items got another
    # citation number or first-reference note number (where the style uses them),
    # even where its text stays the same
    def numbering(sequence, registry):
        first_note = {}
        for cid, note in sequence:
            for c in by_id[cid]["citationItems"]:
                first_note.setdefault(str(c["id"]), note)
        return {k: (registry[k].get("citation-number") if uses_number and k in registry else None,
                    first_note.get(k) if uses_first_note else None) for k in first_note}
    final_numbers = numbering(seq, reg)
    prev_numbers = numbering(prev_seq, reg2) if prev_seq else {}
    lines = []
    for i, ((cid, _), s) in enumerate(zip(seq, final)):
        ids = [str(c["id"]) for c in by_id[cid]["citationItems"]]
        changed = any(prev_dis.get(k) != final_dis.get(k) for k in ids) if prev_seq else False
        renumbered = cid in prev and any(prev_numbers.get(k) != final_numbers.get(k) for k in ids)
        mark = ">>" if cid == last[0]["citationID"] or prev.get(cid) != s or changed or renumbered else ".."
        lines.append("%s[%d] %s" % (mark, i, s))
    return "\n".join(lines)


def _dis_sig(dis_map) -> dict:
    return {k: (d.add_names, tuple(sorted(d.name_levels.items(), key=repr)), d.year_suffix, d.condition)
            for k, d in (dis_map or {}).items()}


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def run(directory: str, verbose=False, filt=None, timeout=10):
    files = sorted(Path(directory).glob("*.txt"))
    if filt:
        files = [f for f in files if filt in f.name]
    passed = 0
    failures: dict = {}
    use_alarm = hasattr(signal, "SIGALRM")
    for f in files:
        name = f.stem
        cat = name.split("_")[0]
        try:
            sec = parse_fixture(f.read_text(encoding="utf-8"))
            if use_alarm:
                signal.signal(signal.SIGALRM, _alarm)
                signal.alarm(timeout)
            try:
                got = render_fixture(sec)
            finally:
                if use_alarm:
                    signal.alarm(0)
            want = sec.get("RESULT", "")
            if got.strip() == want.strip():
                passed += 1
                continue
            msg = None if not verbose else "  want: %s\n  got:  %s" % (want.strip(), got.strip())
        except _Timeout:
            msg = "  timeout"
        except Exception as e:  # noqa: BLE001 - a fixture must never crash the runner
            msg = "  error: %s: %s" % (type(e).__name__, e)
            if verbose:
                msg += "\n" + traceback.format_exc(limit=3)
        failures.setdefault(cat, []).append((name, msg))
    return passed, failures


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bibkit.csl.testsuite")
    ap.add_argument("directory")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--filter")
    ap.add_argument("--floor", type=int)
    a = ap.parse_args(argv)
    passed, failures = run(a.directory, a.verbose, a.filter)
    failed = sum(len(v) for v in failures.values())
    for cat in sorted(failures, key=lambda c: -len(failures[c])):
        print("%s: %d failed" % (cat, len(failures[cat])))
        for name, msg in failures[cat]:
            print("  " + name)
            if msg:
                print(msg)
    print("%d passed, %d failed" % (passed, failed))
    if a.floor is not None and passed < a.floor:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
