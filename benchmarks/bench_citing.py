"""Time ``bibkit check --cited-in paper.aux`` beside checkcites on the same paper, in one run,
and say whether their undefined and unused lists agree.

    python benchmarks/bench_citing.py [BIB] [--cites N] [--repeat R]

Default BIB: ../shared/corpus/large/jgrey-main.bib (16.6k entries). The "paper" is a generated
``.aux`` citing N keys drawn from BIB (with repeats, seeded) plus 20 keys BIB lacks. Both
tools run as the user would run them (a process each, wall time, best of R); bibkit's figure
includes parsing BIB into its full model, checkcites only scans it line by line. A second
figure times bibkit's .tex reader alone on a generated 50k-citation LaTeX source.
"""
from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "corpus" / "large" / "jgrey-main.bib"


def best_of(repeat: int, cmd: list[str], cwd: Path) -> tuple[float, str]:
    best, out = float("inf"), ""
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, errors="replace")
        best = min(best, time.perf_counter() - start)
        out = proc.stdout
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("bib", nargs="?", default=str(DEFAULT))
    parser.add_argument("--cites", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import bibkit
    from bibkit.citing import tex_citations

    source = Path(args.bib)
    keys = [e.key for e in bibkit.load(source).entries if e.key]
    rng = random.Random(13)
    cited = [rng.choice(keys) for _ in range(args.cites)] + [f"undefined{i}" for i in range(20)]
    rng.shuffle(cited)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copy(source, folder / "refs.bib")
        (folder / "paper.aux").write_text("\\relax\n" + "".join(f"\\citation{{{k}}}\n" for k in cited)
                                          + "\\bibdata{refs}\n", encoding="utf-8")
        bibkit_cmd = [sys.executable, "-m", "bibkit", "check", "refs.bib", "--cited-in", "paper.aux",
                      "--select", "undefined-citation", "--select", "unused-entry"]
        t_bibkit, out_bibkit = best_of(args.repeat, bibkit_cmd, folder)
        print(f"entries: {len(keys)}, citations: {len(cited)}")
        print(f"bibkit check --cited-in:   {t_bibkit:7.2f} s")
        if shutil.which("checkcites"):
            t_cc, out_cc = best_of(args.repeat, ["checkcites", "--crossrefs", "paper.aux"], folder)
            print(f"checkcites --crossrefs:    {t_cc:7.2f} s   (bibkit/checkcites = {t_bibkit / t_cc:.2f})")
            undefined = set(re.findall(r"undefined citation '([^']+)'", out_bibkit))
            unused = set(re.findall(r"entry '([^']+)' is not cited", out_bibkit))
            report = out_cc.split("Report of undefined")
            cc_unused = set(re.findall(r"^=> (.+)$", report[0], re.M))
            cc_undefined = set(re.findall(r"^=> (.+)$", report[1], re.M)) if len(report) > 1 else set()
            print(f"undefined: bibkit {len(undefined)}, checkcites {len(cc_undefined)}, equal: {undefined == cc_undefined}")
            print(f"unused:    bibkit {len(unused)}, checkcites {len(cc_unused)}, equal: {unused == cc_unused}")
            if unused != cc_unused:
                print("  only bibkit:", sorted(unused - cc_unused)[:5], " only checkcites:", sorted(cc_unused - unused)[:5])
        else:
            print("checkcites is not installed: no peer figure")
    text = "".join(f"Paragraph {i} % \\cite{{no}}\n\\citep[see][p.~{i}]{{{keys[i % len(keys)]},{keys[(i * 7) % len(keys)]}}}"
                   f" and \\textcite{{{keys[(i * 13) % len(keys)]}}}.\n" for i in range(25_000))
    start = time.perf_counter()
    found = tex_citations(text, "big.tex")
    elapsed = time.perf_counter() - start
    print(f".tex reader: {len(found.citations)} citations in {len(text) / 1e6:.1f} MB: {elapsed:.2f} s")


if __name__ == "__main__":
    main()
