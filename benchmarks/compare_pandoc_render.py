"""``bibkit render`` against ``pandoc --citeproc``: per style, how many paragraphs of the
documents in ``tests/data/render/`` are identical, and what the others differ by.

    python benchmarks/compare_pandoc_render.py            # the table the README quotes
    python benchmarks/compare_pandoc_render.py --show     # and every unexplained paragraph pair

Needs pandoc 3.x (the pypandoc-binary wheel, in the test extra). The comparison itself is
``tests/render_parity.py``, which the parity test runs too.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import render_parity as rp  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print the unexplained paragraph pairs")
    args = parser.parse_args()
    import subprocess

    version = subprocess.run([rp.pandoc_path(), "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    print(f"{version}; documents: {', '.join(rp.DOCUMENTS)}")
    print("| class | style | paragraphs | identical | equal but for a listed CSL difference | other |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for kind, styles in rp.STYLES.items():
            for style in styles:
                total = same = 0
                explained: Counter = Counter()
                other = []
                for doc in rp.DOCUMENTS:
                    c = rp.compare(style, doc, Path(tmp))
                    total += c.paragraphs
                    same += c.identical
                    explained.update(c.explained)
                    other += [(doc, a, b) for a, b in c.unexplained]
                    if not c.same_count:
                        other.append((doc, "paragraph count", "differs"))
                print(f"| {kind} | {style} | {total} | {same} | {sum(explained.values())} | {len(other)} |")
                if args.show:
                    for name, n in explained.items():
                        print(f"    {n} x {name}")
                    for doc, a, b in other:
                        print(f"    {doc}\n      pandoc: {a}\n      bibkit: {b}")


if __name__ == "__main__":
    main()
