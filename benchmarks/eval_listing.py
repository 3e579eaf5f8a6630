"""Accuracy of the paper-listing importer against hand-made gold annotations.

The gold file is JSON Lines, one object per annotated listing line (``line``, ``title``,
``abstract``, ``authors_count``, ``date_iso``, ``year_inferred``, ``upvotes``,
``trailing_count``, ``urls``, ``arxiv_id``). The listing is read with the real importer
(``bibkit.load(..., format="listing")``), exactly as ``bibkit convert`` reads it, and each
annotated line's entry is compared field by field. Exact-title accuracy is the headline figure.

    python benchmarks/eval_listing.py                      # the seed gold (20 lines)
    python benchmarks/eval_listing.py --gold other.jsonl --listing other-listing.txt

Notes on the comparison:
* abstracts are compared after decoding the LaTeX escapes ``\\%``, ``\\&``, ``\\_``, ``\\#``,
  which the importer decodes on purpose (so exporters do not escape them twice);
* the arXiv id is scored too, but cards do not print it: only enrichment can supply it, so a
  low figure there is expected and says nothing about the split.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_GOLD = ROOT.parent / "shared" / "examples" / "seed_sample_gold.jsonl"


def _date_iso(entry) -> str | None:
    issued = entry.dates.get("issued")
    if not issued or issued.start is None:
        return None
    p = issued.start
    return "-".join(f"{v:02d}" if i else f"{v:04d}" for i, v in enumerate(p.as_list()))


def _int(value: str | None) -> int | None:
    return int(value) if value not in (None, "") else None


def observed(entry) -> dict:
    """The gold file's fields, as the importer produced them."""
    issued = entry.dates.get("issued")
    return {
        "title": str(entry.fields.get("title", "")),
        "abstract": str(entry.fields.get("abstract", "")),
        "authors_count": _int(entry.extra.get("author-count")),
        "date_iso": _date_iso(entry),
        "year_inferred": bool(issued and issued.inferred),
        "upvotes": _int(entry.extra.get("upvotes")),
        "trailing_count": _int(entry.extra.get("comments")),
        "urls": entry.extra.get("urls", "").split(),
        "arxiv_id": entry.ids.arxiv or None,
    }


def expected(gold: dict, field: str):
    value = gold.get(field)
    if field == "abstract" and isinstance(value, str):
        return re.sub(r"\\([%&_#])", r"\1", value)
    if field == "urls":
        return list(value or [])
    return value


FIELDS = ("title", "abstract", "authors_count", "date_iso", "year_inferred", "upvotes",
          "trailing_count", "urls", "arxiv_id")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="gold JSON Lines file")
    parser.add_argument("--listing", type=Path, default=None,
                        help="the listing the gold annotates (default: papers-listing.txt beside the gold)")
    parser.add_argument("--year", type=int, default=None, help="passed to the importer like convert --year")
    parser.add_argument("-v", "--verbose", action="store_true", help="show every mismatch, not only titles")
    args = parser.parse_args(argv)

    import bibkit

    listing = args.listing or args.gold.parent / "papers-listing.txt"
    if not listing.exists():
        listing = ROOT / "examples" / "papers-listing.txt"
    golds = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    options = {"year": args.year} if args.year is not None else {}
    started = time.perf_counter()
    library = bibkit.load(listing, format="listing", **options)
    elapsed = time.perf_counter() - started
    by_line = {e.source.line: e for e in library.entries if e.source}

    hits = {f: 0 for f in FIELDS}
    mismatches: list[str] = []
    for gold in golds:
        entry = by_line.get(gold["line"])
        got = observed(entry) if entry is not None else {}
        for field in FIELDS:
            want = expected(gold, field)
            have = got.get(field)
            if have == want:
                hits[field] += 1
            elif field == "title" or args.verbose:
                mismatches.append(f"  line {gold['line']} {field}:\n    gold: {want!r}\n    got:  {have!r}")

    n = len(golds)
    print(f"listing: {listing} ({len(library.entries)} entries read in {elapsed * 1000:.0f} ms)")
    print(f"gold:    {args.gold} ({n} lines)")
    print(f"exact-title accuracy: {hits['title']}/{n} = {100 * hits['title'] / n:.1f}%")
    for field in FIELDS[1:]:
        note = "  (not printed on cards; needs enrichment)" if field == "arxiv_id" else ""
        print(f"  {field:<15} {hits[field]:>3}/{n} = {100 * hits[field] / n:5.1f}%{note}")
    confidences = [e.meta.get("title_confidence") for e in library.entries if "title_confidence" in e.meta]
    if confidences:
        low = sum(1 for c in confidences if c < 0.5)
        print(f"title confidence: {low} of {len(confidences)} cards below 0.5 (warned)")
    if mismatches:
        print("mismatches:")
        print("\n".join(mismatches))
    return 0 if hits["title"] == n else 1


if __name__ == "__main__":
    sys.exit(main())
