"""``bibkit.sphinx`` in a real ``sphinx-build`` of a small project (reST and MyST pages).

The project in ``tests/data/sphinx_project`` is a sphinxcontrib-bibtex project whose
``conf.py`` names ``bibkit.sphinx`` instead: the roles, the directive and ``bibtex_bibfiles``
are sphinxcontrib-bibtex's. The expected texts are APA 7 and IEEE as their manuals print them.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import require_tool

pytest.importorskip("sphinx")
pytest.importorskip("myst_parser")

PROJECT = Path(__file__).parent / "data" / "sphinx_project"


def sphinx_build(src: Path, out: Path, builder: str, *options: str) -> str:
    """Run sphinx-build; returns its warnings (stderr)."""
    done = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", builder, *options, str(src), str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stderr


def _text(html: str) -> str:
    """The visible text of an HTML page, spaces collapsed."""
    body = html[html.index("<h1"):]
    body = re.sub(r"<[^>]+>", "", body).replace("&amp;", "&").replace("\u00b6", "")
    return re.sub(r"\s+", " ", body)


@pytest.fixture(scope="module")
def html_build(tmp_path_factory):
    src = tmp_path_factory.mktemp("sphinx") / "src"
    shutil.copytree(PROJECT, src)
    warnings = sphinx_build(src, src / "_build" / "html", "html")
    return src, warnings


def _page(build, name: str) -> str:
    return (build[0] / "_build" / "html" / f"{name}.html").read_text(encoding="utf-8")


def test_roles_print_the_csl_styles_citation_forms(html_build):
    text = _text(_page(html_build, "index"))
    assert "Parenthetical (Nelson, 1987);" in text
    assert "narrative Smith et al. (2020a);" in text
    assert "with a prefix and a locator (see Smith et al., 2020a, pp. 3–5)." in text
    assert "Every author (Smith, Jones, & Doe, 2020a)." in text
    assert "Two at once (Nelson, 1987; Smith et al., 2020a)." in text


def test_year_suffixes_are_assigned_over_the_whole_project(html_build):
    # index.rst cites only the first 2020 paper, chapter.md only the second: 2020a and 2020b
    # come from rendering every document's citations together
    assert "Smith et al. (2020a)" in _text(_page(html_build, "index"))
    assert "(Smith et al., 2020b)" in _text(_page(html_build, "chapter"))


def test_myst_markdown_uses_the_same_roles(html_build):
    text = _text(_page(html_build, "chapter"))
    assert "MyST Markdown cites (Smith et al., 2020b) and Nelson (1987)." in text


def test_bibliography_lists_cited_entries_and_citations_link_to_them(html_build):
    page = _page(html_build, "index")
    text = _text(page)
    assert ("Nelson, E. (1987). Radically Elementary Probability Theory. Princeton University Press. "
            "Smith, A., Jones, B., & Doe, C. (2020a). First study of things. Journal of Things, 3, 1–10. "
            "Smith, A., Jones, B., & Doe, C. (2020b). Second study of things. Journal of Things, 4, 11–20. "
            "https://doi.org/10.1000/xyz123") in text
    assert "Zed" not in text
    anchors = set(re.findall(r'id="(bibliography-index-0-[^"]+)"', page))
    assert anchors == {f"bibliography-index-0-{k}" for k in ("nelson1987", "smith2020first", "smith2020second")}
    chapter = _page(html_build, "chapter")
    assert 'href="index.html#bibliography-index-0-smith2020second"' in chapter
    assert "<em>Radically Elementary Probability Theory</em>" in page


def test_notcited_bibliography_lists_only_entries_nothing_cites(html_build):
    text = _text(_page(html_build, "chapter"))
    assert text.endswith("Further reading Zed, Z. (2001). Never cited in the text. ") or \
        "Further reading Zed, Z. (2001). Never cited in the text." in text
    assert "Nelson, E. (1987)" not in text


def test_undefined_key_is_a_warning_at_its_file_and_line(html_build):
    src, warnings = html_build
    # docutils gives inline markup the line its paragraph starts on
    assert f"{src / 'index.rst'}:4: WARNING: undefined citation 'nosuchkey'" in warnings
    assert "Missing nosuchkey." in _text(_page(html_build, "index"))


def test_edited_bib_file_rebuilds_the_documents_that_cite(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(PROJECT, src)
    out = src / "_build" / "html"
    sphinx_build(src, out, "html")
    bib = src / "refs.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("Radically Elementary", "Radically Simple"),
                   encoding="utf-8")
    sphinx_build(src, out, "html")
    assert "Radically Simple Probability Theory" in (out / "index.html").read_text(encoding="utf-8")


def test_unknown_style_is_a_warning_and_the_pages_still_build(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(PROJECT, src)
    warnings = sphinx_build(src, src / "_build" / "html", "html", "-D", "bibkit_csl_style=no-such-style")
    assert "no-such-style" in warnings
    assert "Parenthetical nelson1987;" in _text((src / "_build" / "html" / "index.html").read_text(encoding="utf-8"))


def test_latex_output_numbers_citations_in_reading_order_and_pdflatex_builds_it(tmp_path):
    pdflatex = require_tool("pdflatex")
    pdftotext = require_tool("pdftotext")
    src = tmp_path / "src"
    shutil.copytree(PROJECT, src)
    out = src / "_build" / "latex"
    sphinx_build(src, out, "latex", "-D", "bibkit_csl_style=ieee")
    for _ in range(2):  # the second run resolves the cross-references
        done = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", "citing.tex"],
                              cwd=out, capture_output=True, timeout=300, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, done.stdout.decode("utf-8", "replace")[-3000:]
    log = (out / "citing.log").read_text(encoding="latin-1")
    assert "undefined references" not in log
    subprocess.run([pdftotext, "-enc", "UTF-8", "citing.pdf", "citing.txt"], cwd=out, check=True, timeout=120)
    text = re.sub(r"\s+", " ", (out / "citing.txt").read_text(encoding="utf-8"))
    # numbers follow the order a reader meets the citations, across both documents
    assert "Parenthetical [1]; narrative A. Smith, B. Jones, and C. Doe [2];" in text
    assert "see [2, pp. 3–5]" in text
    assert "MyST Markdown cites [3] and E. Nelson [1]." in text
    assert "[1] E. Nelson, Radically Elementary Probability Theory. Princeton University Press, 1987." in text
    assert "[3] A. Smith, B. Jones, and C. Doe, “Second study of things,”" in text


@pytest.mark.parametrize("text, keys, prefix, locator, label, suffix", [
    ("nelson1987", ["nelson1987"], "", "", "", ""),
    ("a, b", ["a", "b"], "", "", "", ""),
    ("{see}a{p. 3}", ["a"], "see", "3", "page", ""),
    ("{compare}a,b{chap. 2}", ["a", "b"], "compare", "2", "chapter", ""),
    ("a{and elsewhere}", ["a"], "", "", "", ", and elsewhere"),
])
def test_role_text_gives_keys_prefix_and_locator(text, keys, prefix, locator, label, suffix):
    from bibkit.sphinx.roles import parse_role_text

    spec = parse_role_text(text, "p")
    assert (spec.keys, spec.prefix, spec.locator, spec.label, spec.suffix) == (keys, prefix, locator, label, suffix)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.sampled_from(["p", "t", "ps", "ct", "year", "cite"]))
def test_any_role_text_parses_without_error(text, role):
    from bibkit.sphinx.roles import parse_role_text

    spec = parse_role_text(text, role)
    assert all(k and k == k.strip() and "," not in k for k in spec.keys)


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=80))
def test_engine_html_reads_back_as_the_same_text(text):
    from bibkit.csl.backends import get_backend
    from bibkit.sphinx.html_nodes import html_to_nodes

    html = "<i>" + get_backend("html").escape(text) + "</i>"
    assert "".join(n.astext() for n in html_to_nodes(html)) == text
