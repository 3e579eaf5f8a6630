"""``bibkit render`` and :mod:`bibkit.render`: pandoc's citation syntax and metadata in, the
cited document out (the comparison with pandoc itself is tests/test_render_pandoc_parity.py)."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from bibkit.citing.locators import parse_locator
from bibkit.citing.markdown import parse_citations
from bibkit.cli import main
from bibkit.render import read_document, render_markdown

REFS = str(Path(__file__).parent / "data" / "render" / "refs.json")


def render(text: str, **options) -> str:
    options.setdefault("bibliography", [REFS])
    return render_markdown(text, "doc.md", **options).text


@pytest.mark.parametrize("suffix, label, locator, rest", [
    (", pp. 33-35 and passim", "page", "33-35", " and passim"),
    (", 33, 35-37, and elsewhere", "page", "33, 35-37", ", and elsewhere"),
    (", chap. 3", "chapter", "3", ""),
    (", sec. 2.3", "section", "2.3", ""),
    (", § 5", "section", "5", ""),
    (", vol. 2, p. 5", "volume", "2", ", p. 5"),
    (", {pp. iv, vi-xi}", "page", "iv, vi-xi", ""),
    (", xii", None, None, ", xii"),  # no label and no digit: not a locator
    (", see p. 3", None, None, ", see p. 3"),
])
def test_locators_are_read_from_the_suffix_as_pandoc_reads_them(suffix, label, locator, rest):
    found = parse_locator(suffix)
    assert (found.label, found.locator, found.suffix) == (label, locator, rest)


def test_locator_labels_are_the_documents_language():
    assert parse_locator(", S. 33", "de-DE").locator == "33"
    assert parse_locator(", Kap. 3", "de-DE").label == "chapter"


def test_citation_clusters_keep_prefix_suffix_suppression_and_footnotes():
    body = "See [see @a, p. 3; -@b]. @c [p. 4] says.[^1] Link [@x](http://e) and ^[inline @d].\n\n[^1]: Note [@e].\n"
    clusters, notes = parse_citations(body)
    got = [(c.in_text, c.note, [(x.key, x.prefix, x.suffix, x.suppress_author) for x in c.cites]) for c in clusters]
    assert got == [
        (False, None, [("a", "see", ", p. 3", False), ("b", "", "", True)]),
        (True, None, [("c", "", "p. 4", False)]),
        (True, "^1", [("d", "", "", False)]),
        (False, "1", [("e", "", "", False)]),
    ]
    assert [n.label for n in notes] == ["1", "^1"]


def test_author_date_citations_in_text_and_in_brackets():
    out = render("A [see @kullback, pp. 33-35 and passim]. @aksin [p. 3] says; [-@doody].\n",
                 csl="chicago-author-date")
    assert out.startswith("A (see Kullback 1959, 33–35 and passim). Aksın et al. (2006, 3) says; (1974).")


def test_note_style_moves_citations_into_numbered_footnotes_after_the_punctuation():
    out = render("First [@kullback]. Again [@kullback]. Own note.[^n]\n\n[^n]: Cites [@doody].\n",
                 csl="chicago-fullnote-bibliography")
    assert out.startswith("First.[^bibkit-cite-1] Again.[^bibkit-cite-2] Own note.[^n]")
    assert "[^n]: Cites (Terrence Doody" in out
    assert "[^bibkit-cite-2]: Kullback, *Information Theory and Statistics*." in out  # short form


def test_ibid_and_ibid_with_locator_in_a_style_that_uses_them():
    out = render("First [@kullback]. Again [@kullback]. Here [@kullback, 5].\n", csl="oscola")
    assert "[^bibkit-cite-2]: Ibid." in out and "[^bibkit-cite-3]: Ibid 5." in out


def test_disambiguation_spans_the_document_and_the_bibliography():
    out = render("[@knuth:ct:b] and later [@knuth:ct:c]\n", csl="apa")
    assert out.startswith("(Knuth, 1986a) and later (Knuth, 1986b)")
    assert "Knuth, D. E. (1986a)" in out and "Knuth, D. E. (1986b)" in out


def test_metadata_nocite_all_title_and_refs_placement():
    text = ("---\nnocite: '@*'\nreference-section-title: Works\nbibliography: unused.bib\n---\n"
            "Text [@aksin].\n\n::: {#refs}\n:::\n\nAfter.\n")
    out = render(text, csl="ieee")
    assert out.startswith("Text \\[1\\].")
    head, after = out.split("After.")
    assert "\\[25\\]" in head and "\\[26\\]" not in head and "nocite" not in head and "Works" not in out  # placed by the div
    assert after.strip() == ""


def test_numeric_citations_are_numbered_in_order_of_first_citation():
    out = render("[@doody] [@aksin; @doody] [@kullback]\n", csl="ieee")
    assert out.startswith("\\[1\\] \\[1\\], \\[2\\] \\[3\\]")


def test_undefined_keys_print_as_pandoc_prints_them_and_exit_1(tmp_path):
    doc = tmp_path / "paper.md"
    doc.write_text(f"---\nbibliography: {REFS}\n---\n\nOne [@aksin].\nTwo [@nobody].\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(doc), "--csl", "apa"])
    assert result.exit_code == 1
    assert f"{doc}:6: undefined citation 'nobody'" in result.stderr
    assert "Two (**nobody?**)." in result.stdout


def test_render_writes_html_with_footnotes(tmp_path):
    doc = tmp_path / "paper.md"
    doc.write_text("Cited [@kullback].^[An inline note [@doody].]\n", encoding="utf-8")
    out = tmp_path / "paper.html"
    result = CliRunner().invoke(main, ["render", str(doc), "-b", REFS, "--csl", "chicago-fullnote-bibliography",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert '<div class="footnote">' in html and "<em>Information Theory and Statistics</em>" in html
    assert "^[" not in html


def test_a_broken_yaml_header_is_reported_at_its_line_and_the_body_still_rendered():
    result = render_markdown("---\ntitle: [unclosed\n---\nText [@aksin].\n", "d.md", bibliography=[REFS])
    assert result.problems and result.problems[0].line == 2 and result.problems[0].severity == "error"
    assert "Aksın" in result.text


def test_unknown_style_is_a_clear_error(tmp_path):
    doc = tmp_path / "d.md"
    doc.write_text("[@aksin]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(doc), "-b", REFS, "--csl", "no-such-style-xyz"])
    assert result.exit_code == 2 and "error" in result.stderr and "Traceback" not in result.output


_PIECES = st.sampled_from(["[@aksin]", "@doody", "[see @kullback, p. 3; -@aksin]", "@knuth:ct:a [chap. 2]",
                           "[^1]", "\n\n[^1]: note [@doody]\n\n", "^[inline @aksin]", "[@nobody]", "`[@code]`",
                           "::: {#refs}\n:::\n", "\n```\n@x\n```\n", " word ", ".", "\n", "[", "]", "@", "^[", "---\n"])


@settings(max_examples=60, deadline=None)
@given(st.lists(_PIECES, max_size=25), st.sampled_from(["apa", "chicago-fullnote-bibliography", "ieee"]))
def test_any_mix_of_syntax_renders_without_a_traceback_and_keeps_every_word(pieces, style):
    text = "".join(pieces)
    result = render_markdown(text, "random.md", bibliography=[REFS], csl=style)
    assert result.text.count("word") == text.count("word")
    defined = read_document(text)
    assert len(result.cited.clusters) == len(defined.clusters)


def test_references_in_the_metadata_and_the_documents_language():
    text = ("---\nlang: de-DE\nreferences:\n- id: mueller\n  type: book\n  title: Ein Buch\n"
            "  author:\n  - family: Müller\n    given: Anna\n  issued:\n    date-parts: [[2019]]\n---\n"
            "Siehe [@mueller, S. 12].\n")
    result = render_markdown(text, "d.md", csl="apa")
    assert result.text.startswith("---\nlang: de-DE\n---\nSiehe (Müller, 2019, S. 12).")
    assert "Müller, A. (2019). *Ein Buch*." in result.text and not result.undefined


_VALUES = st.sampled_from(["3", "[]", "[a.bib, 2]", "{x: 1}", "true", "'@*'", "null", "apa", "de-DE", "'@aksin'"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["bibliography", "csl", "lang", "nocite", "link-citations", "references",
                                           "reference-section-title", "suppress-bibliography"]), _VALUES),
                max_size=5))
def test_any_metadata_values_give_a_document_or_a_clear_error_never_a_traceback(tmp_path_factory, pairs):
    doc = tmp_path_factory.mktemp("meta") / "d.md"
    header = "".join(f"{k}: {v}\n" for k, v in dict(pairs).items())
    doc.write_text(f"---\n{header}---\nText [@aksin] and @doody.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(doc), "-b", REFS])
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def test_a_metadata_date_pyyaml_cannot_build_is_read_as_text():
    from bibkit.render import render_markdown

    doc = "---\nreferences:\n- id: a\n  type: book\n  title: T\n  issued: 2020-13-45\n---\n\nText [@a].\n"
    out = render_markdown(doc, "d.md")
    assert "Text (*T* 2020-13-45)." in out.text  # the date as written, as a literal date prints
