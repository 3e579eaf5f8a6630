"""Processor API and output backends."""
from __future__ import annotations

import pytest

from bibkit.csl import Processor

STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><id>t</id><title>t</title><updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation><layout prefix="(" suffix=")" delimiter="; ">
    <group delimiter=" "><names variable="author"><name form="short"/></names>
    <date variable="issued"><date-part name="year"/></date></group></layout></citation>
  <bibliography><sort><key variable="author"/></sort><layout suffix=".">
    <group delimiter=". ">
      <names variable="author"><name name-as-sort-order="all" initialize-with=". "/></names>
      <text variable="title" font-style="italic"/>
      <text variable="publisher" font-weight="bold"/>
    </group></layout></bibliography>
</style>"""

ITEMS = [
    {"id": "b", "type": "book", "title": "Tom & Jerry <script>alert(1)</script>",
     "author": [{"family": "Zed", "given": "Anna"}], "issued": {"date-parts": [[2001]]},
     "publisher": "100% $ #_{}~^\\"},
    {"id": "a", "type": "book", "title": "Alpha", "author": [{"family": "Able", "given": "Bob"}],
     "issued": {"date-parts": [[1999]]}},
]


def test_style_given_as_xml_text_sorts_bibliography():
    out = Processor(STYLE).bibliography(ITEMS, format="text")
    assert out[0].startswith("Able, B. Alpha")
    assert out[1].startswith("Zed, A. Tom & Jerry <script>")


def test_style_given_as_path(tmp_path):
    p = tmp_path / "s.csl"
    p.write_text(STYLE, encoding="utf-8")
    assert Processor(str(p)).citations([[{"id": "a"}]], ITEMS) == ["(Able 1999)"]


def test_html_escapes_markup_in_data():
    html = Processor(STYLE).bibliography(ITEMS, format="html")[1]
    assert "<script>" not in html
    assert "&#60;script&#62;" in html and "&#38;" in html
    assert "<i>Tom &#38; Jerry" in html


def test_latex_escapes_specials_and_formats():
    tex = Processor(STYLE).bibliography(ITEMS, format="latex")[1]
    assert r"\emph{Tom \& Jerry" in tex
    assert r"\textbf{100\% \$ \#\_\{\}\textasciitilde{}\textasciicircum{}\textbackslash{}}" in tex


def test_latex_thebibliography_environment_labels_author_date_entries_by_their_citation():
    tex = Processor(STYLE).latex_bibliography(ITEMS)
    assert tex.startswith("\\begin{thebibliography}{}")  # no number for an author-date style
    assert "\\bibitem[{Able 1999}]{a} Able" in tex
    assert tex.endswith("\\end{thebibliography}")


def test_markdown_escapes_and_emphasis():
    md = Processor(STYLE).bibliography(ITEMS, format="markdown")[1]
    assert "*Tom &amp; Jerry \\<script\\>" in md
    assert "**100% $ \\#\\_" in md


def test_citation_cluster_with_affixes_and_locator():
    p = Processor(STYLE)
    out = p.citations([[{"id": "a"}, {"id": "b"}]], ITEMS)
    assert out == ["(Able 1999; Zed 2001)"]


def test_unknown_format_is_a_clear_error():
    with pytest.raises(ValueError):
        Processor(STYLE).bibliography(ITEMS, format="docx")


def test_doctype_is_refused():
    bad = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><style/>'
    with pytest.raises(ValueError):
        Processor(bad)


def test_canonical_entries_are_converted(monkeypatch):
    import sys
    import types

    mod = types.ModuleType("bibkit.model_csl")
    mod.entry_to_csl = lambda e: {"id": e.key, "type": "book", "title": e.title,
                                  "author": [{"family": "Canon", "given": "C"}],
                                  "issued": {"date-parts": [[2020]]}}
    monkeypatch.setitem(sys.modules, "bibkit.model_csl", mod)

    class Entry:
        key = "k1"
        title = "Canonical"
    assert Processor(STYLE).citations([[{"id": "k1"}]], [Entry()]) == ["(Canon 2020)"]


def test_style_given_by_name_uses_style_collection():
    out = Processor("apa").bibliography(ITEMS, format="html")
    assert out[0].startswith("Able, B. (1999). <i>Alpha</i>")


def test_locale_option_changes_terms():
    style = STYLE.replace('<date variable="issued"><date-part name="year"/></date>',
                          '<text term="and"/>')
    assert Processor(style, locale="de-DE").citations([[{"id": "a"}]], ITEMS) == ["(Able und)"]


def test_malformed_style_is_a_value_error_not_a_crash():
    with pytest.raises(ValueError):
        Processor("<style><citation>")
    with pytest.raises(ValueError):
        Processor("<notastyle/>")
