"""The MkDocs plugin ``bibkit``, through a real ``mkdocs build`` of a small site."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mkdocs")

REFS = Path(__file__).parent / "data" / "render" / "refs.json"


def _site(tmp_path: Path, plugin: str) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(REFS, tmp_path / "refs.json")
    (tmp_path / "more.yaml").write_text(
        "references:\n- id: extra2021\n  type: book\n  title: An extra book\n"
        "  author:\n  - family: Extra\n    given: Eve\n  issued:\n    date-parts: [[2021]]\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Cited\nnav:\n  - index.md\n  - notes.md\n  - references.md\n"
        f"markdown_extensions:\n  - footnotes\nplugins:\n{plugin}", encoding="utf-8")
    (docs / "index.md").write_text(
        "# Home\n\nKnuth wrote it [@knuth:ct:a, p. 3]; so did @doody [chap. 3].\n\n"
        "Two at once [@aksin; @extra2021]. Unknown [@nobody].\n", encoding="utf-8")
    (docs / "notes.md").write_text(
        "---\ncsl: chicago-fullnote-bibliography\n---\n# Notes\n\nA note style page [@kullback].\n",
        encoding="utf-8")
    (docs / "references.md").write_text("# References\n\n::: {#refs}\n:::\n", encoding="utf-8")
    return tmp_path


def _build(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=root,
                          capture_output=True, text=True, timeout=300)


def test_mkdocs_build_renders_citations_and_a_reference_list_per_page(tmp_path):
    root = _site(tmp_path, "  - bibkit:\n      bibliography: [refs.json, more.yaml]\n      csl: apa\n")
    done = _build(root)
    assert done.returncode == 0, done.stderr
    assert "index.md:5: undefined citation 'nobody'" in done.stderr
    home = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert "(Knuth, 1984, p. 3)" in home and "Doody (1974, Chapter 3)" in home
    assert "(Aksın et al., 2006; Extra, 2021)" in home and "<strong>nobody?</strong>" in home
    assert "References</h1>" in home and "<em>The TeXbook: A</em>" in home and "Extra, E. (2021)" in home
    notes = (root / "site" / "notes" / "index.html").read_text(encoding="utf-8")
    # the page's own front matter picks a note style: the citation becomes a footnote
    assert 'class="footnote"' in notes and "Solomon Kullback, <em>Information Theory and Statistics</em>" in notes


def test_mkdocs_build_with_one_reference_list_for_the_site(tmp_path):
    root = _site(tmp_path, "  - bibkit:\n      bibliography: [refs.json, more.yaml]\n"
                           "      csl: ieee\n      reference_list: site\n")
    done = _build(root)
    assert done.returncode == 0, done.stderr
    home = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert "[1, p. 3]" in home and "The TeXbook" not in home  # no list on the page itself
    refs = (root / "site" / "references" / "index.html").read_text(encoding="utf-8")
    for title in ("The TeXbook", "Information Theory and Statistics", "An extra book"):
        assert title in refs
