"""Time ``bibkit render`` on a document with N citations beside ``pandoc --citeproc`` on the
same document and bibliography, in one run.

    python benchmarks/bench_render.py [--cites 500] [--repeat 3] [--style chicago-author-date ...]

The bibliography is ``../shared/corpus/ordinary/bibtex-tidy-fixtures/biblatex/biblatex-examples.bib``
(biblatex's own 92 example entries) written once as CSL-JSON, which both tools read. The
document is generated (seeded): paragraphs of bracketed, multi-key, locator, suppressed-author
and in-text citations of random keys, and a few footnotes. Figures: wall time of each command
as a user runs it (a process each, best of R), and bibkit's in-process time
(:func:`bibkit.render.render_markdown`, without interpreter start-up and imports).
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIB = ROOT.parent / "shared" / "corpus" / "ordinary" / "bibtex-tidy-fixtures" / "biblatex" / "biblatex-examples.bib"


def document(keys: list[str], cites: int, seed: int = 7) -> str:
    """A Markdown document with ``cites`` citations of ``keys``."""
    rnd = random.Random(seed)
    forms = [
        lambda: f"[@{rnd.choice(keys)}]",
        lambda: f"[@{rnd.choice(keys)}; @{rnd.choice(keys)}]",
        lambda: f"[see @{rnd.choice(keys)}, pp. {rnd.randint(1, 300)}-{rnd.randint(301, 400)}]",
        lambda: f"[-@{rnd.choice(keys)}, chap. {rnd.randint(1, 9)}]",
        lambda: f"@{rnd.choice(keys)} [p. {rnd.randint(1, 99)}]",
        lambda: f"@{rnd.choice(keys)}",
    ]
    paragraphs, done, notes = [], 0, 0
    while done < cites:
        sentences = []
        for _ in range(5):
            if done >= cites:
                break
            sentences.append(f"Some words about the matter {rnd.choice(forms)()}.")
            done += 1
        if rnd.random() < 0.2:
            notes += 1
            sentences.append(f"A remark.[^n{notes}]")
            paragraphs.append(" ".join(sentences))
            paragraphs.append(f"[^n{notes}]: A note that cites nothing.")
        else:
            paragraphs.append(" ".join(sentences))
    return "---\ntitle: Benchmark\n---\n\n" + "\n\n".join(paragraphs) + "\n\n# References\n"


def best_of(repeat: int, fn) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cites", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--style", action="append", default=None)
    args = parser.parse_args()
    styles = args.style or ["chicago-author-date", "chicago-fullnote-bibliography", "ieee"]
    from bibkit.api import load
    from bibkit.csl.styles import find_style
    from bibkit.model_csl import entry_to_csl
    from bibkit.render import render_markdown

    try:
        import pypandoc
        pandoc = pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        pandoc = None
    entries = load(str(BIB)).entries
    items = [entry_to_csl(e) for e in entries]
    keys = [i["id"] for i in items]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        refs = tmp / "refs.json"
        refs.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        doc = tmp / "doc.md"
        text = document(keys, args.cites)
        doc.write_text(text, encoding="utf-8")
        print(f"{args.cites} citations, {len(keys)} entries ({BIB.name}); best of {args.repeat}")
        for style in styles:
            csl = tmp / f"{style}.csl"
            csl.write_text(find_style(style).xml, encoding="utf-8")
            api = best_of(args.repeat, lambda: render_markdown(text, str(doc), bibliography=[str(refs)], csl=str(csl)))
            cli = best_of(args.repeat, lambda: subprocess.run(
                [sys.executable, "-m", "bibkit", "render", str(doc), "-b", str(refs), "--csl", str(csl),
                 "-o", str(tmp / "out.md")], capture_output=True, check=False))
            line = f"{style:32} bibkit API {api:6.3f} s   bibkit render {cli:6.3f} s"
            if pandoc:
                pd = best_of(args.repeat, lambda: subprocess.run(
                    [pandoc, str(doc), "--citeproc", "--csl", str(csl), "--bibliography", str(refs),
                     "-t", "markdown", "-o", str(tmp / "pd.md")], capture_output=True, check=True))
                line += f"   pandoc --citeproc {pd:6.3f} s   (pandoc/bibkit render {pd / cli:4.2f}x)"
            print(line, flush=True)


if __name__ == "__main__":
    main()
