"""The page's live preview: 500 real entries in APA through a running ``bibkit serve``, against peers.

The entries are the first 500 of ``../shared/corpus/large/jgrey-main.bib`` (a researcher's own
.bib, with its @string definitions), sent as the page sends them: one JSON POST to
``/api/format`` over loopback, which reads the .bib, gives keys and formats the list and a
sample citation. The first request is timed apart (the style was parsed at start-up, in the
background); then the best of ``--repeat``. In the same run, on the same entries:

- ``bibkit format --style apa`` as a new process (what a terminal user waits for);
- citeproc-py and citeproc-js formatting the same CSL-JSON items with the same APA XML
  (``benchmarks/bench_format.py``'s runners: style parsing, registration and rendering only,
  no .bib reading, so they are favoured).

    python benchmarks/bench_serve.py                     # 500 entries
    python benchmarks/bench_serve.py --size 1000 --repeat 5

Ratios are the peer's seconds divided by the page's: above 1 means the page is faster.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

DEFAULT_SOURCE = ROOT.parent / "shared" / "corpus" / "large" / "jgrey-main.bib"
_ENTRY = re.compile(r"(?im)^@(?!string\b|comment\b|preamble\b)[a-z]+\s*[{(]")


def first_entries(source: Path, size: int) -> str:
    """The file's text up to its ``size``-th entry (its @strings before that point come along)."""
    text = source.read_text(encoding="utf-8", errors="replace")
    starts = [m.start() for m in _ENTRY.finditer(text)]
    return text[: starts[size]] if len(starts) > size else text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--style", default="apa")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args(argv)

    import bibkit
    from bibkit.csl.styles import find_style
    from bibkit.model_csl import entry_to_csl
    from tests.serve_helpers import serving

    text = first_entries(args.source, args.size)
    library = bibkit.loads(text, "bibtex", name="refs.bib")
    print(f"{len(library.entries)} entries from {args.source.name} ({len(text) / 1024:.0f} KiB of .bib)")
    payload = {"documents": [{"name": "refs.bib", "text": text}], "style": args.style, "markup": "html"}

    with serving() as server:
        time.sleep(2.0)  # let the start-up warm-up (style catalogue, APA) finish, as a user reading the page would
        started = time.perf_counter()
        status, answer = server.post("/api/format", payload, timeout=300)
        first = time.perf_counter() - started
        assert status == 200, answer
        best = float("inf")
        for _ in range(args.repeat):
            started = time.perf_counter()
            status, answer = server.post("/api/format", payload, timeout=300)
            best = min(best, time.perf_counter() - started)
    shown = answer["bibliography"].count('class="csl-entry"')
    print(f"page preview ({args.style}, {shown} entries listed): first {first:.3f} s, best of {args.repeat} {best:.3f} s")

    rows = [("bibkit serve /api/format (page preview)", best)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "refs.bib"
        path.write_text(text, encoding="utf-8")
        cli = float("inf")
        for _ in range(max(1, args.repeat // 2)):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "bibkit", "format", str(path), "--style", args.style, "-q"],
                           check=False, capture_output=True)
            cli = min(cli, time.perf_counter() - started)
        rows.append(("bibkit format (new process)", cli))

    from bench_format import time_citeproc_js, time_citeproc_py

    items, seen = [], set()
    for entry in library.entries:
        item = entry_to_csl(entry)
        if str(item["id"]) not in seen:
            seen.add(str(item["id"]))
            items.append(item)
    xml = find_style(args.style).xml
    for name, runner in (("citeproc-py", time_citeproc_py), ("citeproc-js", time_citeproc_js)):
        try:
            wall, _cpu, _out = runner(xml, items, max(1, args.repeat // 2))
            rows.append((f"{name} (items only)", wall))
        except Exception as exc:  # noqa: BLE001  (a missing peer is reported, not fatal)
            print(f"{name}: not measured ({exc})")
    print(f"\n{'':44} {'seconds':>8} {'peer / page':>12}")
    for name, seconds in rows:
        print(f"{name:44} {seconds:8.3f} {seconds / best:12.2f}")
    print(json.dumps({"size": len(library.entries), "style": args.style, "first_s": round(first, 3),
                      "best_s": round(best, 3), "peers": {n: round(s, 3) for n, s in rows[1:]}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
