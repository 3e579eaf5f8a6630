"""Time reading 10,000 MEDLINE (.nbib) records with bibkit against the ``nbib`` package, in one run.

    pip install -e '.[bench]'
    python benchmarks/bench_medline.py [--records 10000] [--repeat 3]

The records are the real PubMed exports of ../shared/exports/medline/ (110 records from five
files, old and new layouts and the PMC variant), repeated in turn until there are
``--records`` of them. Each figure is the best of ``--repeat`` runs in this process (the text
is built once, so the disk is out of the picture). bibkit's "read" is the importer alone
(canonical entries with names, dates, identifiers, keywords and every other tag kept);
"convert" adds key assignment and CSL-JSON output, as ``bibkit convert x.nbib --to csljson``.
nbib returns plain dictionaries (no line numbers, unknown tags dropped).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench_convert import best_of  # benchmarks/ is the script's folder, so on the path

import bibkit
from bibkit.keys import assign_keys

ROOT = Path(__file__).resolve().parents[1]
MEDLINE = ROOT.parent / "shared" / "exports" / "medline"


def with_cpu_time(func):
    """``func`` that also notes its CPU seconds (the figure that a loaded machine disturbs least)."""
    spent: list[float] = []

    def run():
        start = time.process_time()
        result = func()
        spent.append(time.process_time() - start)
        return result
    run.cpu = spent
    return run


def records() -> list[str]:
    """Each real record's text, blank-line separated, in file order."""
    out = []
    for path in sorted(MEDLINE.iterdir()):
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        out += [r.strip("\n") for r in text.split("\n\n") if r.strip()]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    real = records()
    text = "\n\n".join(real[i % len(real)] for i in range(args.records)) + "\n"

    def bibkit_read():
        return len(bibkit.loads(text, "medline", name="bench.nbib").entries)

    def bibkit_convert():
        lib = bibkit.loads(text, "medline", name="bench.nbib")
        assign_keys(lib.entries)
        bibkit.dumps(lib, "csljson")
        return len(lib.entries)

    rows = []
    for label, func in (("bibkit read (medline importer)", bibkit_read),
                        ("bibkit read + keys + CSL-JSON out", bibkit_convert)):
        timed = with_cpu_time(func)
        seconds, n = best_of(args.repeat, timed)
        rows.append((label, seconds, min(timed.cpu), n))
    try:
        import nbib
    except ImportError:
        print("nbib is not installed (pip install -e '.[bench]'); bibkit figures only")
    else:
        timed = with_cpu_time(lambda: len(nbib.read(text)))
        seconds, n = best_of(args.repeat, timed)
        rows.append(("nbib.read (peer)", seconds, min(timed.cpu), n))
    print(f"{args.records} MEDLINE records ({len(real)} real records repeated), {len(text) / 1e6:.1f} MB, "
          f"best of {args.repeat}: wall seconds, CPU seconds")
    peer = rows[-1] if rows[-1][0].startswith("nbib") else None
    for label, seconds, cpu, count in rows:
        ratio = f"{seconds / peer[1]:.2f}x nbib (CPU {cpu / peer[2]:.2f}x)" if peer else ""
        print(f"  {label:<36} {seconds:7.2f} s  {cpu:7.2f} s CPU  {count:6d} records  {ratio}")


if __name__ == "__main__":
    main()
