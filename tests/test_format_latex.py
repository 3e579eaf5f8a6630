"""``bibkit format --to latex`` compiles with pdflatex and prints the list as the style intends.

The PDF's text (pdftotext) is checked: numeric styles show the style's own number once per
entry (no ``[1] [1]``) and ``\\cite`` prints that number; author-date styles show no number;
URLs and DOIs are ``\\url`` (verbatim, so ``_`` and ``%`` survive) and text is escaped.
"""
from __future__ import annotations

import re
import subprocess

import pytest

from tests.conftest import require_tool

BIB = r"""@article{turing1950,
  author = {Turing, Alan M.},
  title = {Computing Machinery and Intelligence},
  journal = {Mind}, year = {1950}, volume = {59}, number = {236}, pages = {433--460},
  doi = {10.1093/mind/LIX.236.433}
}
@misc{ribeiro2016,
  author = {Ribeiro, Marco Tulio and Singh, Sameer and Guestrin, Carlos},
  title = {``Why Should I Trust You?'': Explaining the Predictions of Any Classifier},
  year = {2016}, url = {https://example.org/kdd_2016/trust%20you}
}
@book{knuth1984,
  author = {Knuth, Donald E.},
  title = {The {\TeX}book: 100\% of \& \#1 and $x_1$},
  publisher = {Addison-Wesley}, year = {1984}, edition = {2nd}
}
"""

DOCUMENT = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage{lmodern}
\usepackage{url}
\begin{document}
See \cite{turing1950} and \cite{knuth1984}.
\input{refs.tex}
\end{document}
"""


def _compile(tmp_path, style: str) -> tuple[str, str]:
    """The LaTeX bibkit writes for ``style`` and the text of the compiled PDF."""
    from click.testing import CliRunner

    from bibkit.cli import main

    require_tool("pdflatex")
    require_tool("pdftotext")
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    result = CliRunner().invoke(main, ["format", str(tmp_path / "refs.bib"), "--style", style,
                                       "--to", "latex", "-o", str(tmp_path / "refs.tex")])
    assert result.exit_code == 0, result.output
    (tmp_path / "doc.tex").write_text(DOCUMENT, encoding="utf-8")
    for _ in range(2):  # the second run resolves \cite from the .aux
        done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                              cwd=tmp_path, capture_output=True, text=True, errors="replace",
                              timeout=120, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, done.stdout[-3000:]
    assert "undefined" not in done.stdout.lower(), "a \\cite did not resolve"
    subprocess.run(["pdftotext", "-enc", "UTF-8", "doc.pdf", "doc.txt"], cwd=tmp_path, check=True,
                   timeout=60)
    text = (tmp_path / "doc.txt").read_text(encoding="utf-8")
    return (tmp_path / "refs.tex").read_text(encoding="utf-8"), " ".join(text.split())


def _entry_starts(text: str, label: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(label), text)]


@pytest.mark.parametrize(("style", "labels"), [
    ("ieee", ["[1]", "[2]", "[3]"]),
    ("nature", ["1.", "2.", "3."]),
])
def test_numeric_style_prints_its_own_number_once_and_cite_uses_it(tmp_path, style, labels):
    latex, pdf = _compile(tmp_path, style)
    assert "\\bibitem[1]{turing1950}" in latex
    refs = pdf[pdf.index("References"):]
    for label in labels:
        assert len(_entry_starts(refs, label + " ")) == 1, (label, refs)
    assert "[1] [1]" not in pdf and "1. 1." not in pdf
    # the style's number, in the order the bibliography gives
    number = {"turing1950": 1, "ribeiro2016": 2, "knuth1984": 3}
    assert f"See [{number['turing1950']}] and [{number['knuth1984']}]." in pdf
    assert "Computing Machinery and Intelligence" in refs


@pytest.mark.parametrize(("style", "cite"), [
    ("apa", "[Turing, 1950]"),
    ("chicago-author-date", "[Turing 1950]"),
])
def test_author_date_style_prints_no_number_and_cite_gives_the_citation(tmp_path, style, cite):
    latex, pdf = _compile(tmp_path, style)
    refs = pdf[pdf.index("References"):]
    assert not re.search(r"\[\d+\]", refs), refs
    assert f"See {cite} and" in pdf
    assert re.search(r"Turing, A(lan)?\.? ?M?\.?", refs)


@pytest.mark.parametrize("style", ["ieee", "apa", "nature", "chicago-author-date"])
def test_latex_urls_are_verbatim_and_text_is_escaped(tmp_path, style):
    latex, pdf = _compile(tmp_path, style)
    if style != "nature":  # Nature's style prints neither URLs nor DOIs
        assert "\\url{https://example.org/kdd_2016/trust%20you}" in latex
        assert "https://example.org/kdd_2016/trust%20you" in pdf.replace(" ", "")
        assert "10.1093/mind/LIX.236.433}" in latex  # as the source wrote it
        assert "10.1093/mind/lix.236.433" in pdf.replace(" ", "").lower()
    assert "100% of & #1" in pdf
    assert "Why Should I Trust You?" in pdf
    assert "\u201c" in pdf or "\u2018" in pdf  # typographic quotes, not garbage glyphs


@pytest.mark.parametrize("style", ["ieee", "nature", "vancouver-nlm"])
def test_bibkit_cite_gives_the_number_the_latex_list_labels_the_entry_with(tmp_path, style):
    from click.testing import CliRunner

    from bibkit.cli import main

    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    latex = CliRunner().invoke(main, ["format", str(bib), "--style", style, "--to", "latex"]).stdout
    labels = dict((key, number) for number, key in re.findall(r"\\bibitem\[(\d+)\]\{([^}]+)\}", latex))
    assert len(labels) == 3
    for key, number in labels.items():
        cite = CliRunner().invoke(main, ["cite", str(bib), key, "--style", style]).stdout
        assert re.sub(r"\D", "", cite) == number, (key, cite, number)


def test_latex_text_uses_macros_pdflatex_knows_for_unicode():
    from bibkit.csl.backends import get_backend

    escape = get_backend("latex").escape
    assert escape("Erd\u0151s & Sz\u00e9kely") == "Erd{\\H{o}}s \\& Sz{\\'e}kely"
    assert escape("Titre\u202f: sous-titre") == "Titre{\\,}: sous-titre"  # French spacing
    assert escape("\u03bb-calculus") == "{\\ensuremath{\\lambda}}-calculus"
    assert escape("zero\u200bwidth") == "zerowidth"
