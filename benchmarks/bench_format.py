"""Formatting speed: bibkit's CSL engine against citeproc-py and citeproc-js, same run, same data.

The items are real: entries of ``../shared/corpus/large/jgrey-main.bib`` read with
``bibkit.load`` and converted with ``entry_to_csl``; every engine gets the same CSL-JSON, the same
style XML and en-US. Each measurement covers style parsing, item registration and rendering
the whole bibliography as plain text; process start-up and input conversion are excluded
(citeproc-js is timed inside Node by ``tests/js/citeproc_render.js``; citeproc-py runs once,
it is slow). The best of
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
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_SOURCE = ROOT.parent / "shared" / "corpus" / "large" / "jgrey-main.bib"
JS_HELPER = ROOT / "tests" / "js" / "citeproc_render.js"
LOCALES = ROOT / "bibkit" / "csl" / "locales"


def load_items(source: Path, limit: int) -> list[dict]:
    import bibkit
    from bibkit.model_csl import entry_to_csl

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


def _best(run, repeat: int) -> tuple[float, float, list[str]]:
    """Best wall and CPU seconds of ``repeat`` calls of ``run()``, and its last output."""
    wall = cpu = float("inf")
    out: list[str] = []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        out = run()
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - cpu_started)
    return wall, cpu, out


def time_bibkit(xml: str, items: list[dict], repeat: int) -> tuple[float, float, list[str]]:
    from bibkit.csl import Processor, processor

    def run() -> list[str]:
        # the engine caches compiled styles; every peer compiles the style in every run, so
        # bibkit must too (a private cache, cleared here only to keep the comparison fair)
        getattr(processor, "_STYLE_CACHE", {}).clear()
        return Processor(xml, locale="en-US").bibliography(items, format="text")

    return _best(run, repeat)


def time_citeproc_py(xml: str, items: list[dict], repeat: int) -> tuple[float, float, list[str]]:
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    warnings.filterwarnings("ignore", module=r"citeproc\.")  # "unsupported argument" noise

    def run() -> list[str]:
        style = CitationStylesStyle(io.BytesIO(xml.encode("utf-8")), locale="en-US", validate=False)
        bib = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
        for item in items:
            bib.register(Citation([CitationItem(str(item["id"]))]))
        return [str(entry) for entry in bib.bibliography()]

    return _best(run, repeat)


def time_citeproc_js(xml: str, items: list[dict], repeat: int) -> tuple[float, float, list[str]]:
    node = shutil.which("node")
    if not node or not (JS_HELPER.parent / "node_modules" / "citeproc").is_dir():
        raise RuntimeError("node or tests/js/node_modules missing (npm ci --prefix tests/js)")
    job = {"style": xml, "locales_dir": str(LOCALES), "items": items, "lang": "en-US",
           "format": "text", "repeat": repeat}
    done = subprocess.run([node, str(JS_HELPER)], input=json.dumps(job), capture_output=True,
                          check=False, text=True, encoding="utf-8", timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed")
    result = json.loads(done.stdout)
    return min(result["times_ms"]) / 1000, min(result["cpu_ms"]) / 1000, result["bibliography"]


def agreement(ours: list[str], reference: list[str]) -> float:
    """Share of entries whose text is identical in both outputs (position-independent)."""
    common = Counter(e.strip() for e in ours) & Counter(e.strip() for e in reference)
    return sum(common.values()) / max(1, len(reference))


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

    print(f"\n{'style':<6} {'entries':>7}  {'engine':<12} {'wall s':>8} {'CPU s':>8} "
          f"{'entries/s':>10}  same text as citeproc-js / note")
    rows = []
    for style in args.styles:
        xml = resolve_style(style)
        for size in args.sizes:
            subset = items[:size]
            rates: dict[str, float] = {}
            cpu_rates: dict[str, float] = {}
            outputs: dict[str, list[str]] = {}
            for name, timer in reversed(list(timers.items())):  # citeproc-js first: the reference
                if name == "citeproc-py" and args.py_cap and size > args.py_cap:
                    print(f"{style:<6} {size:>7}  {name:<12} {'-':>8} {'-':>8} {'-':>10}  "
                          f"skipped: capped at {args.py_cap} entries (--py-cap)")
                    continue
                try:
                    seconds, cpu, out = timer(xml, subset, max(1, args.repeat if name != "citeproc-py" else 1))
                except Exception as exc:  # noqa: BLE001 - a peer failing must not hide the others
                    print(f"{style:<6} {size:>7}  {name:<12} {'-':>8} {'-':>8} {'-':>10}  failed: {exc}")
                    continue
                rates[name] = size / seconds
                cpu_rates[name] = size / max(cpu, 1e-9)
                outputs[name] = out
                note = "" if len(out) == size else f"made {len(out)} entries; "
                if name != "citeproc-js" and "citeproc-js" in outputs:
                    note += f"{agreement(out, outputs['citeproc-js']):.1%}"
                print(f"{style:<6} {size:>7}  {name:<12} {seconds:>8.2f} {cpu:>8.2f} "
                      f"{rates[name]:>10.0f}  {note}")
            rows.append((style, size, rates, cpu_rates))

    print("\nspeed ratios (bibkit entries/s / peer entries/s; >1 = bibkit faster), wall (CPU)")
    for style, size, rates, cpu_rates in rows:
        if "bibkit" not in rates:
            continue
        parts = [f"bibkit/{peer} = {rates['bibkit'] / rates[peer]:.2f} "
                 f"({cpu_rates['bibkit'] / cpu_rates[peer]:.2f})"
                 for peer in ("citeproc-py", "citeproc-js") if peer in rates]
        print(f"  {style:<6} {size:>6}: " + ("; ".join(parts) if parts else "no peer measured"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
