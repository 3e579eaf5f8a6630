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
from pathlib import Path

from bench_convert import best_of  # benchmarks/ is the script's folder, so on the path

import bibkit
from bibkit.keys import assign_keys

ROOT = Path(__file__).resolve().parents[1]
MEDLINE = ROOT.parent / "shared" / "exports" / "medline"


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
    t_read, n = best_of(args.repeat, bibkit_read)
    rows.append(("bibkit read (medline importer)", t_read, n))
    t_conv, n = best_of(args.repeat, bibkit_convert)
    rows.append(("bibkit read + keys + CSL-JSON out", t_conv, n))
    try:
        import nbib
    except ImportError:
        print("nbib is not installed (pip install -e '.[bench]'); bibkit figures only")
    else:
        t_peer, refs = best_of(args.repeat, lambda: nbib.read(text))
        rows.append(("nbib.read (peer)", t_peer, len(refs)))
    print(f"{args.records} MEDLINE records ({len(real)} real records repeated), {len(text) / 1e6:.1f} MB, "
          f"best of {args.repeat}")
    for label, seconds, count in rows:
        ratio = f"{seconds / rows[-1][1]:.2f}x nbib" if rows[-1][0].startswith("nbib") else ""
        print(f"  {label:<36} {seconds:7.2f} s  {count:6d} records  {ratio}")


if __name__ == "__main__":
    main()
