"""Time ``bibkit convert`` against a bare bibtexparser v2 parse and pybtex's parse, in one run.

    python benchmarks/bench_convert.py [FILE] [--repeat N]

Default FILE: the largest file of ../shared/corpus/ (large/jgrey-main.bib, 16.6k entries).
Each measurement is the best of N runs in this process (the file is read once, so disk is out
of the picture). bibkit's figures are the whole conversion: parse, normalise to the canonical
model, assign missing keys, write the output text.
"""
from __future__ import annotations

import argparse
import gc
import logging
import time
from pathlib import Path

import bibtexparser
import pybtex.errors
from pybtex.database import parse_string as pybtex_parse

import bibkit
from bibkit.parallel import job_count
from bibkit.keys import assign_keys

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "corpus" / "large" / "jgrey-main.bib"


def best_of(repeat: int, func) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(DEFAULT))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    text = Path(args.file).read_text(encoding="utf-8")

    def bibkit_convert(fmt: str, jobs: int | None = 1):
        def run():
            lib = bibkit.loads(text, "bibtex", name=args.file, jobs=jobs)
            assign_keys(lib.entries)
            return bibkit.dumps(lib, fmt), len(lib.entries)
        return run

    rows = []
    t_bare, lib = best_of(args.repeat, lambda: bibtexparser.parse_string(text, parse_stack=[]))
    n = len(lib.entries)
    rows.append(("bibtexparser v2 parse, no middleware", t_bare))
    t_default, _ = best_of(args.repeat, lambda: bibtexparser.parse_string(text))
    rows.append(("bibtexparser v2 parse, default middleware", t_default))

    def bare_no_gc():  # bibkit pauses the cyclic GC while parsing; the same favour for the peer
        gc.disable()
        try:
            return bibtexparser.parse_string(text, parse_stack=[])
        finally:
            gc.enable()

    t_bare_nogc, _ = best_of(args.repeat, bare_no_gc)
    rows.append(("bibtexparser v2 parse, no middleware, GC paused", t_bare_nogc))
    pybtex.errors.set_strict_mode(False)  # like bibkit, go on past bad blocks
    pybtex.errors.report_error = lambda error: None  # and do not print each recovered error

    def pybtex_run():
        return pybtex_parse(text, "bibtex")

    t_pybtex, _ = best_of(args.repeat, pybtex_run)
    rows.append(("pybtex parse", t_pybtex))
    t_json, _ = best_of(args.repeat, bibkit_convert("csljson"))
    rows.append(("bibkit convert bibtex -> csljson, 1 process", t_json))
    t_bib, _ = best_of(args.repeat, bibkit_convert("bibtex"))
    rows.append(("bibkit convert bibtex -> bibtex, 1 process", t_bib))
    jobs = job_count(None)
    if jobs > 1:  # what users get by default on this machine: the reader's pieces (bibkit.formats.bibtex.pieces)
        t_json_n, _ = best_of(args.repeat, bibkit_convert("csljson", None))
        rows.append((f"bibkit convert bibtex -> csljson, {jobs} processes", t_json_n))
        t_bib_n, _ = best_of(args.repeat, bibkit_convert("bibtex", None))
        rows.append((f"bibkit convert bibtex -> bibtex, {jobs} processes", t_bib_n))

    print(f"file: {args.file} ({n} entries, {len(text) / 1e6:.1f} MB), best of {args.repeat}")
    print(f"{'':44} {'seconds':>8} {'entries/s':>10} {'x bare parse':>13}")
    for name, seconds in rows:
        print(f"{name:50} {seconds:8.2f} {n / seconds:10.0f} {seconds / t_bare:13.2f}")
    print(f"goal: bibkit's whole conversion within 1.5x of bibtexparser's bare parse "
          f"(csljson {t_json / t_bare:.2f}x, bibtex {t_bib / t_bare:.2f}x; against the bare parse "
          f"with the GC paused too: {t_json / t_bare_nogc:.2f}x, {t_bib / t_bare_nogc:.2f}x); one process "
          f"each, the like-for-like figure")


if __name__ == "__main__":
    main()
