"""Formatting speed: bibkit's CSL engine against citeproc-py and citeproc-js, same run, same data.

The items are real: entries of ``../shared/corpus/large/jgrey-main.bib`` read with
``bibkit.load`` and converted with ``entry_to_csl``; every engine gets the same CSL-JSON, the same
style XML and en-US. Each measurement covers style parsing, item registration and rendering
the whole bibliography as plain text; process start-up and input conversion are excluded
(citeproc-js is timed inside Node by ``tests/js/citeproc_render.js``). The best of
``--repeat`` runs is kept (the first Node run includes JIT warm-up).

    python benchmarks/bench_format.py                       # 1,000 and 10,000 entries, APA and IEEE
    python benchmarks/bench_format.py --sizes 500 --styles apa nature --repeat 3

Ratios are bibkit's entries/second divided by the peer's: above 1 means bibkit is faster.
"""
from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_SOURCE = ROOT.parent / "shared" / "corpus" / "large" / "jgrey-main.bib"
JS_HELPER = ROOT / "tests" / "js" / "citeproc_render.js"
LOCALES = ROOT / "bibkit" / "csl" / "locales"


def load_items(source: Path, limit: int) -> list[dict]:
    import bibkit
    from bibkit.formats.csljson import entry_to_csl

    started = time.perf_counter()
    library = bibkit.load(source)
    items, seen = [], set()
    for entry in library.entries:
        item = entry_to_csl(entry)
        if str(item.get("id")) in seen:
            continue
        seen.add(str(item.get("id")))
        items.append(item)
    print(
        f"loaded {len(items)} items from {source.name} in {time.perf_counter() - started:.1f} s "
        f"({len(library.problems)} input problems)"
    )
    if len(items) < limit:
        # repeat the real items under new ids rather than invent data
        base = list(items)
        copy = 1
        while len(items) < limit:
            items.extend({**it, "id": f"{it['id']}~{copy}"} for it in base[: limit - len(items)])
            copy += 1
    return items


def time_bibkit(xml: str, items: list[dict], repeat: int) -> tuple[float, int]:
    from bibkit.csl import Processor

    best, count = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        out = Processor(xml, locale="en-US").bibliography(items, format="text")
        best = min(best, time.perf_counter() - started)
        count = len(out)
    return best, count


def time_citeproc_py(xml: str, items: list[dict], repeat: int) -> tuple[float, int]:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    warnings.filterwarnings("ignore", module=r"citeproc\.")  # "unsupported argument" noise
    best, count = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        style = CitationStylesStyle(io.BytesIO(xml.encode("utf-8")), locale="en-US", validate=False)
        bib = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
        for item in items:
            bib.register(Citation([CitationItem(str(item["id"]))]))
        out = [str(entry) for entry in bib.bibliography()]
        best = min(best, time.perf_counter() - started)
        count = len(out)
    return best, count


def time_citeproc_js(xml: str, items: list[dict], repeat: int) -> tuple[float, int]:
    node = shutil.which("node")
    if not node or not (JS_HELPER.parent / "node_modules" / "citeproc").is_dir():
        raise RuntimeError("node or tests/js/node_modules missing (npm ci --prefix tests/js)")
    job = {"style": xml, "locales_dir": str(LOCALES), "items": items, "lang": "en-US",
           "format": "text", "repeat": repeat}
    done = subprocess.run([node, str(JS_HELPER)], input=json.dumps(job), capture_output=True,
                          text=True, encoding="utf-8", timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed")
    result = json.loads(done.stdout)
    return min(result["times_ms"]) / 1000, len(result["bibliography"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--styles", nargs="+", default=["apa", "ieee"])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--repeat", type=int, default=2, help="runs per measurement; best kept")
    parser.add_argument("--py-cap", type=int, default=1000,
                        help="largest size given to citeproc-py (it is slow); 0 = no cap")
    parser.add_argument("--peers", nargs="+", default=["citeproc-py", "citeproc-js"],
                        choices=["citeproc-py", "citeproc-js"])
    args = parser.parse_args(argv)

    from bibkit.csl.styles import resolve_style

    if not args.source.exists():
        print(f"source data missing: {args.source}", file=sys.stderr)
        return 2
    items = load_items(args.source, max(args.sizes))
    timers = {"bibkit": time_bibkit}
    if "citeproc-py" in args.peers:
        timers["citeproc-py"] = time_citeproc_py
    if "citeproc-js" in args.peers:
        timers["citeproc-js"] = time_citeproc_js

    print(f"\n{'style':<6} {'entries':>7}  {'engine':<12} {'seconds':>8} {'entries/s':>10}  note")
    rows = []
    for style in args.styles:
        xml = resolve_style(style)
        for size in args.sizes:
            subset = items[:size]
            rates: dict[str, float] = {}
            for name, timer in timers.items():
                if name == "citeproc-py" and args.py_cap and size > args.py_cap:
                    print(f"{style:<6} {size:>7}  {name:<12} {'-':>8} {'-':>10}  "
                          f"skipped: capped at {args.py_cap} entries (--py-cap)")
                    continue
                try:
                    seconds, count = timer(xml, subset, max(1, args.repeat if name != "citeproc-py" else 1))
                except Exception as exc:  # noqa: BLE001 - a peer failing must not hide the others
                    print(f"{style:<6} {size:>7}  {name:<12} {'-':>8} {'-':>10}  failed: {exc}")
                    continue
                rates[name] = size / seconds
                note = "" if count == size else f"made {count} entries"
                print(f"{style:<6} {size:>7}  {name:<12} {seconds:>8.2f} {rates[name]:>10.0f}  {note}")
            rows.append((style, size, rates))

    print("\nspeed ratios (bibkit entries/s / peer entries/s; >1 = bibkit faster)")
    for style, size, rates in rows:
        if "bibkit" not in rates:
            continue
        parts = [f"bibkit/{peer} = {rates['bibkit'] / rates[peer]:.2f}"
                 for peer in ("citeproc-py", "citeproc-js") if peer in rates]
        print(f"  {style:<6} {size:>6}: " + ("; ".join(parts) if parts else "no peer measured"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
