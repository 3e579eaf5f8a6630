"""``bibkit render`` against ``pandoc --citeproc`` (pandoc 3.x from the pypandoc-binary wheel),
paragraph by paragraph, on the documents of ``tests/data/render/`` and one CSL-JSON file.

Both outputs are brought to pandoc's plain text: pandoc's own with ``--citeproc``; bibkit's
Markdown through pandoc *without* citeproc (``-f markdown-citations``), so the footnote
numbers, superscripts and paragraphs are pandoc's reading of what bibkit wrote. Where the two
differ only in how the CSL engines render an entry -- bibkit follows citeproc-js -- the
difference has a name in :data:`CSL_DIFFERENCES` (the README lists them); any other difference is
the document's and fails the test. Shared by ``tests/test_render_pandoc_parity.py`` and
``benchmarks/compare_pandoc_render.py`` (which prints the table the README quotes).
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).parent / "data" / "render"
DOCUMENTS = ("syntax", "disambiguation", "notes", "lang")
STYLES = {
    "note": ("chicago-fullnote-bibliography", "chicago-note-bibliography", "oscola"),
    "author-date": ("chicago-author-date", "apa", "harvard-cite-them-right"),
    "numeric": ("ieee", "vancouver", "nature"),
}

#: how citeproc-js (bibkit's reference) and pandoc's Haskell citeproc render the same entry
#: differently; each maps both texts to a common form
CSL_DIFFERENCES: list[tuple[str, object]] = [
    ("no-break spaces: citeproc-js joins 'p.\u00a05', 'et al.\u00a02006', 'J.\u00a0Organomet.'",
     lambda s: s.replace("\u00a0", " ")),
    ("punctuation inside quotes the data itself holds: citeproc-js moves it in (\u201cX.\u201d)",
     lambda s: s.replace(".\u201d", "\u201d.").replace(",\u201d", "\u201d,")),
    ("quotes inside a title: pandoc makes them single quotes",
     lambda s: s.replace("\u2018", "\u201c").replace("\u2019\u2019", "")),
    ("text case: pandoc title-cases titles of items in other languages and 'Ed. & Trans.'",
     lambda s: s.lower()),
    ("locale term: pandoc keeps 'No.' for collection numbers in German",
     lambda s: s.replace("nr. ", "no. ")),
    ("pandoc's citeproc loses the delimiter before an editor's role in Vancouver ('editorHicks RD')",
     lambda s: re.sub(r"(in)?[.:,] ((?:[\w\-]+ ){0,1}[\w\-]+ [A-Z]{1,3}|[\w\-]+ [a-z]{1,3}), (editor|herausgeber)\.",
                      lambda m: f"{m.group(1) or ''}, {m.group(3)}{m.group(2)}.", s)),
]


@dataclass
class Comparison:
    style: str
    document: str
    paragraphs: int = 0
    identical: int = 0
    #: difference name -> paragraphs equal once it is accounted for
    explained: dict[str, int] = field(default_factory=dict)
    #: (pandoc, bibkit) paragraphs that no CSL difference explains
    unexplained: list[tuple[str, str]] = field(default_factory=list)
    same_count: bool = True


def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def _plain(pandoc: str, args: list[str], text: str | None = None) -> str:
    done = subprocess.run([pandoc, *args, "-t", "plain", "--wrap=none"], input=text,
                          capture_output=True, text=True, check=True)
    return done.stdout


def compare(style: str, document: str, workdir: Path, pandoc: str | None = None) -> Comparison:
    """Render ``document`` in ``style`` with both tools and compare the paragraphs."""
    from bibkit.csl.styles import find_style
    from bibkit.render import render_markdown

    pandoc = pandoc or pandoc_path()
    csl = workdir / f"{style}.csl"
    if not csl.exists():
        csl.write_text(find_style(style).xml, encoding="utf-8")
    source = DATA / f"{document}.md"
    refs = str(DATA / "refs.json")
    theirs = _paragraphs(_plain(pandoc, [str(source), "-f", "markdown", "--citeproc", "--csl", str(csl),
                                         "--bibliography", refs]))
    ours_md = render_markdown(source.read_text(encoding="utf-8"), str(source), bibliography=[refs],
                              csl=str(csl)).text
    ours = _paragraphs(_plain(pandoc, ["-f", "markdown-citations"], ours_md))
    result = Comparison(style, document, len(theirs), same_count=len(theirs) == len(ours))
    for a, b in zip(theirs, ours):
        if a == b:
            result.identical += 1
            continue
        for name, fix in CSL_DIFFERENCES:
            a, b = fix(a), fix(b)
            if a == b:
                result.explained[name] = result.explained.get(name, 0) + 1
                break
        else:
            result.unexplained.append((a, b))
    return result
