"""``bibkit tidy`` beside bibtex-tidy on bibtex-tidy's own fixtures, with equivalent options.

    npm ci --prefix tests/js          # bibtex-tidy pinned in tests/js/package.json
    python benchmarks/compare_bibtex_tidy.py [--json] [--examples N]

For each option set, every fixture (``../shared/corpus/ordinary/bibtex-tidy-fixtures/``) is
tidied by both tools; the outputs are cut into entries, matched by position and key, and
compared byte for byte. Entries that differ are classified field by field (the first reason
found names the entry), so the figures say *why* the two disagree:

- ``pages-dash``: bibtex-tidy always rewrites ``1-2`` as ``1--2`` in ``pages`` (no option turns it
  off); bibkit changes no value no option names.
- ``duplicate-field``: bibtex-tidy silently keeps only the first of two same-named fields;
  bibkit keeps both and warns (which one is right is the owner's call).
- ``value-space``: bibtex-tidy keeps blank runs and space before a closing brace in values
  that bibkit trims or re-flows the same way BibTeX reads them.
- ``sort-order``: ``--sort``: bibkit keeps ``@string`` first (macros defined before use) and a
  crossref parent after its children; missing values sort last in both directions.
- ``wrap``: bibtex-tidy's wrap measures ``indent + str(align) + value`` (a bug: the number 14,
  not the padding); bibkit measures the real line.
- ``triple-braces``: bibtex-tidy writes a value given as ``{{{ACS Nano}}}`` as ``{{ACS Nano}}``
  (its double-brace check drops a level); bibkit keeps the value.
- ``months``: ``--months``: bibkit also turns ``{02}`` and ``{Mar.}`` into macros; bibtex-tidy
  only converts exact names and numbers without a leading zero.
- ``max-authors-concat``: ``--max-authors`` on ``FREED # { and Bonasso, P. and ...}``: bibtex-tidy
  counts the names of one operand; bibkit leaves a concatenation alone (the macro's names are
  not in the value).
- ``layout``: same fields and values, different bytes (e.g. a field name longer than the
  alignment column).
- ``other``: anything else (examples printed).
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bibkit.formats.bibtex.layout import Layout  # noqa: E402
from bibkit.transforms.tidy import DEFAULT_FIELD_ORDER, RawEntry, TidyOptions, read, tidy_text  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "corpus" / "ordinary" / "bibtex-tidy-fixtures"
RUNNER = ROOT / "tests" / "js" / "bibtex_tidy_run.js"

#: (name, bibtex-tidy API options, the equivalent bibkit options). bibtex-tidy escapes
#: non-ASCII characters by default; bibkit never changes a value unasked, so escape is off.
OPTION_SETS = [
    ("defaults", {"escape": False},
     TidyOptions(lowercase=True, layout=Layout(align=14, blank_lines=False))),
    ("values", {"escape": False, "curly": True, "numeric": True, "months": True, "sortFields": True,
                "removeEmptyFields": True, "enclosingBraces": ["title"], "maxAuthors": 3,
                "trailingCommas": True, "tab": True, "align": 20, "omit": ["abstract", "file"]},
     TidyOptions(lowercase=True, delimiters="curly", numeric=True, months=True, sort_fields=DEFAULT_FIELD_ORDER,
                 remove_empty_fields=True, enclosing_braces=("title",), max_authors=3, omit=("abstract", "file"),
                 layout=Layout(indent="\t", align=20, trailing_commas=True, blank_lines=False))),
    ("sort", {"escape": False, "sort": ["-year", "key"], "blankLines": True, "stripComments": True},
     TidyOptions(lowercase=True, sort=("-year", "key"), strip_comments=True,
                 layout=Layout(align=14, blank_lines=True))),
    ("wrap", {"escape": False, "wrap": 80, "space": 4},
     TidyOptions(lowercase=True, layout=Layout(indent="    ", align=14, wrap=80, blank_lines=False))),
]

# an entry, as both tools write it: "@type{key," up to the first line that is only "}"
_ENTRY = re.compile(r"^@(?!(?:string|preamble|comment)\b)[^\s{(]+\{.*?^\}$", re.M | re.S | re.I)


def fixture_files() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*.bib") if p.is_file())


def run_bibtex_tidy(files: list[Path], options: dict) -> dict[Path, str | None]:
    job = json.dumps({"files": [str(f) for f in files], "options": options})
    proc = subprocess.run(["node", str(RUNNER)], input=job, capture_output=True, text=True,
                          cwd=RUNNER.parent, check=True)
    return {Path(r["file"]): r.get("bibtex") for r in json.loads(proc.stdout)["results"]}


def split_entries(text: str) -> list[str]:
    return _ENTRY.findall(text)


def _key(chunk: str) -> str:
    m = re.match(r"@[^{]*\{([^,\n]*)", chunk)
    return m.group(1).strip() if m else ""


def _fields(chunk: str) -> RawEntry | None:
    blocks = [b for b in read(chunk)[0] if isinstance(b, RawEntry)]
    return blocks[0] if blocks else None


def _dashed(value: str) -> str:
    """bibtex-tidy's page-range rewrite (four passes of digit-dash-digit to en dash)."""
    for _ in range(4):
        value = re.sub(r"(\d)\s*-\s*(\d)", r"\1--\2", value)
    return value


def classify(ours: str, theirs: str, source: RawEntry | None, sorting: bool) -> str:
    a, b = _fields(ours), _fields(theirs)
    if a is None or b is None:
        return "other"
    if a.key != b.key:
        return "sort-order" if sorting else "other"
    names_a = [f.name for f in a.fields]
    names_b = [f.name for f in b.fields]
    if len(names_a) != len(set(n.lower() for n in names_a)) and len(names_b) < len(names_a):
        return "duplicate-field"
    if names_a != names_b:
        return "other"
    for fa, fb in zip(a.fields, b.fields):
        va, vb = fa.render(), fb.render()
        if va == vb:
            continue
        if fa.name.lower() == "pages" and _dashed(va) == vb:
            continue  # counted below if nothing else differs
        if fa.name.lower() == "month" and fa.parts and fa.parts[0].kind == "bare":
            return "months"
        if fa.name.lower() == "author" and "#" in va:
            return "max-authors-concat"
        if va == "{" + vb + "}" and vb.startswith("{{"):
            return "triple-braces"
        if " ".join(va.split()) == " ".join(vb.split()) or va.replace(" }", "}") == vb.replace(" }", "}"):
            return "value-space"
        return "other"
    if any(fa.name.lower() == "pages" and fa.render() != fb.render() for fa, fb in zip(a.fields, b.fields)):
        return "pages-dash"
    if "\n    " in ours or "\n    " in theirs:
        return "wrap"
    return "layout"


def compare(files: list[Path], name: str, bt_options: dict, ours: TidyOptions, examples: int = 0) -> dict:
    t0 = time.perf_counter()
    theirs_all = run_bibtex_tidy(files, bt_options)
    t1 = time.perf_counter()
    total = same = 0
    kinds: Counter = Counter()
    shown: Counter = Counter()
    bibkit_seconds = 0.0
    order_differs: list[str] = []
    for path in files:
        theirs = theirs_all.get(path)
        if theirs is None:
            kinds["bibtex-tidy-failed"] += 1
            continue
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        s = time.perf_counter()
        mine = tidy_text(text, ours, str(path)).text
        bibkit_seconds += time.perf_counter() - s
        ea, eb = split_entries(mine), split_entries(theirs)
        if ours.sort:
            # entries compared by key; the order itself is compared per file
            if [_key(e) for e in ea] != [_key(e) for e in eb]:
                order_differs.append(str(path.relative_to(FIXTURES)))
            by_key: dict[str, list[str]] = {}
            for e in eb:
                by_key.setdefault(_key(e), []).append(e)
            eb = [by_key[_key(e)].pop(0) if by_key.get(_key(e)) else "" for e in ea]
        for i in range(max(len(ea), len(eb))):
            total += 1
            if i < len(ea) and i < len(eb) and ea[i] == eb[i]:
                same += 1
                continue
            if i >= len(ea) or i >= len(eb) or not eb[i]:
                kind = "entry-count"
            else:
                kind = classify(ea[i], eb[i], None, bool(ours.sort))
            kinds[kind] += 1
            if examples and shown[kind] < examples and kind in ("other", "layout", "entry-count"):
                shown[kind] += 1
                print(f"--- {kind}: {path.relative_to(FIXTURES)} entry {i}", file=sys.stderr)
                print("bibkit:\n" + (ea[i] if i < len(ea) else "<none>"), file=sys.stderr)
                print("bibtex-tidy:\n" + (eb[i] if i < len(eb) else "<none>"), file=sys.stderr)
    return {"options": name, "files": len(files), "entries": total, "identical": same,
            "share": round(same / total, 4) if total else 0.0, "differences": dict(kinds.most_common()),
            "files_in_another_order": order_differs if ours.sort else None,
            "bibtex_tidy_seconds": round(t1 - t0, 2), "bibkit_seconds": round(bibkit_seconds, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    parser.add_argument("--examples", type=int, default=0, help="print N examples of unexplained differences")
    parser.add_argument("--sets", default=",".join(n for n, _, _ in OPTION_SETS), help="option sets to run")
    args = parser.parse_args()
    files = fixture_files()
    wanted = set(args.sets.split(","))
    reports = [compare(files, n, bt, ours, args.examples) for n, bt, ours in OPTION_SETS if n in wanted]
    if args.json:
        print(json.dumps(reports, indent=2))
        return
    for r in reports:
        print(f"{r['options']:<10} {r['identical']}/{r['entries']} entries byte-identical ({r['share']:.1%}) "
              f"in {r['files']} files; bibtex-tidy {r['bibtex_tidy_seconds']} s, bibkit {r['bibkit_seconds']} s")
        for kind, n in r["differences"].items():
            print(f"    {kind:<20} {n}")
        if r["files_in_another_order"] is not None:
            print(f"    entries in another order in {len(r['files_in_another_order'])} files: "
                  + ", ".join(r["files_in_another_order"][:5]))


if __name__ == "__main__":
    main()
