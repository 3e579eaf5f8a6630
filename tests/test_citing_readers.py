"""The readers of what a document cites (.tex, Markdown, .aux, .bcf) and their resolution
against a library: every form of citation, what is not a citation, and bad input."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bibkit
from bibkit.citing import (ALL, markdown_citations, read_aux, read_bcf, read_cited, read_tex, resolve,
                           tex_citations)
from bibkit.diagnostics import BibkitError


def keys(cited) -> list[str]:
    return [c.key for c in cited.citations]


# ------------------------------------------------------------------------------------ .tex

@pytest.mark.parametrize("source, expected", [
    (r"\cite{a}", ["a"]),
    (r"\cite{a, b ,c}", ["a", "b", "c"]),
    (r"\citep[see][p.~3]{a}", ["a"]),
    (r"\citet*[chap.~2]{a}", ["a"]),
    (r"\parencite[{a [b]} c]{k}", ["k"]),
    (r"\textcite{a}\autocite{b}\footcite{c}\smartcite{d}\supercite{e}\citeauthor{f}", list("abcdef")),
    (r"\Textcite{a} \Parencite*{b} \fullcite{c} \citeyearpar{d}", list("abcd")),
    (r"\cites(pre)(post)[p1][p2]{a}[x]{b,c}{d} after", ["a", "b", "c", "d"]),
    (r"\parencites[see][1]{a}[2]{b}", ["a", "b"]),
    (r"\volcite[see]{2}[3--4]{a}", ["a"]),
    (r"\nocite{a}\nocite{*}", ["a", ALL]),
    ("\\cite\n  {a}", ["a"]),
    ("\\cite\n\n{a}", []),  # a blank line ends the search for arguments
    (r"\cite", []),
    (r"\cite[unclosed{a}", []),
    (r"\citestyle{authoryear}\citetext{see \citealp{a}}", ["a"]),  # not key arguments
    (r"\newcommand{\mycite}[1]{\cite{#1}}\cite{\macro}", []),  # a parameter, a macro: no keys
])
def test_tex_cite_family(source, expected):
    assert keys(tex_citations(source)) == expected


@pytest.mark.parametrize("source", [
    "% \\cite{a}",
    "text % \\cite{a}",
    "\\verb|\\cite{a}|",
    "\\verb*+\\cite{a}+",
    "\\begin{verbatim}\n\\cite{a}\n\\end{verbatim}",
    "\\begin{lstlisting}\\cite{a}\\end{lstlisting}",
    "\\begin{comment}\n\\cite{a}\n",
    "\\\\cite{a}",  # a line break followed by the text "cite{a}"
    "\\iffalse\n\\cite{a}\\fill\n\\fi",
])
def test_tex_text_that_is_not_a_citation(source):
    assert keys(tex_citations(source)) == []


def test_tex_escaped_percent_does_not_start_a_comment():
    assert keys(tex_citations(r"50\% of \cite{a} % \cite{b}")) == ["a"]


def test_tex_keeps_lines_through_comments_and_verbatim():
    text = "one\n% \\cite{x}\n\\begin{verbatim}\n\\cite{y}\n\\end{verbatim}\n\\cites{a}\n{b}\n"
    assert [(c.key, c.line) for c in tex_citations(text, "doc.tex").citations] == [("a", 6), ("b", 7)]


def test_tex_follows_includes_relative_to_the_including_file(tmp_path: Path):
    (tmp_path / "chapters" / "parts").mkdir(parents=True)
    (tmp_path / "main.tex").write_text("\\cite{m1}\n\\include{chapters/one}\n\\input chapters/plain\n\\cite{m2}\n"
                                       "\\bibliography{refs,more}\n\\addbibresource[glob]{x.bib}\n")
    (tmp_path / "chapters" / "one.tex").write_text("\\cite{c1}\n\\subfile{parts/two}\n\\input{missing}\n")
    (tmp_path / "chapters" / "parts" / "two.tex").write_text("\\cite{c2}\n\\input{../one}\n")
    (tmp_path / "chapters" / "plain.tex").write_text("\\cite{p}\n")
    cited = read_tex(str(tmp_path / "main.tex"))
    assert keys(cited) == ["m1", "c1", "c2", "p", "m2"]
    assert cited.bib_files == ["refs", "more", "x.bib"]
    two = next(c for c in cited.citations if c.key == "c2")
    assert two.file.endswith("two.tex") and two.line == 1
    messages = [(p.line, p.message) for p in cited.problems]
    assert (3, "cannot find included file 'missing'") in messages
    assert any("includes itself" in m for _, m in messages)  # one -> two -> one: not followed again


# ------------------------------------------------------------------------------- Markdown

@pytest.mark.parametrize("source, expected", [
    ("[@a]", ["a"]),
    ("[see @a, p. 3; @b, chap. 2]", ["a", "b"]),
    ("[-@a] says", ["a"]),
    ("@a says [p. 4]", ["a"]),
    ("as @doe99. And @doe:2020, or @x_y-z.", ["doe99", "doe:2020", "x_y-z"]),
    ("@{10.1000/xyz} and [@{a b}]", ["10.1000/xyz", "a b"]),
    ("write to someone@example.org or a@b", []),
    (r"a \@b", []),
    ("`@a` and ``x `@b` y``", []),
    ("```\n@a\n```\n~~~~\n@b\n~~~~", []),
    ("para\n\n    @a in an indented code block\n", []),
    ("- item\n\n    @a continues the item\n", ["a"]),
    ("<!-- @a\n@b -->@c", ["c"]),
    ("`unclosed @a", ["a"]),
    ("see @fig-plot, @sec:intro and @tbl-1 of @figueroa20", ["figueroa20"]),  # cross-references
])
def test_markdown_pandoc_citations(source, expected):
    assert keys(markdown_citations(source)) == expected


def test_markdown_nocite_comes_after_the_text_with_its_header_line():
    text = "---\ntitle: t\nbibliography: [a.bib, b.bib]\nnocite: |\n  @n1, @n2\n---\nText [@a].\n"
    cited = markdown_citations(text, "p.md")
    assert [(c.key, c.line) for c in cited.citations] == [("a", 7), ("n1", 5), ("n2", 5)]
    assert cited.bib_files == ["a.bib", "b.bib"]


def test_markdown_nocite_all():
    cited = markdown_citations("---\nnocite: '@*'\n---\n@a\n")
    assert keys(cited) == ["a", ALL] and cited.cites_all


# ----------------------------------------------------------------------------- .aux, .bcf

def test_aux_reads_citations_bibdata_and_nested_aux(tmp_path: Path):
    (tmp_path / "main.aux").write_text("\\relax\n\\citation{a,b}\n\\@input{ch1.aux}\n\\citation{*}\n"
                                       "\\abx@aux@cite{0}{d}\n\\@input{notyet.aux}\n\\bibdata{refs,other}\n")
    (tmp_path / "ch1.aux").write_text("\\relax\n\\citation{c}\n\\@input{main.aux}\n")
    cited = read_aux(str(tmp_path / "main.aux"))
    assert keys(cited) == ["a", "b", "c", ALL, "d"]
    assert cited.citations[2].file.endswith("ch1.aux") and cited.citations[2].line == 2
    assert cited.bib_files == ["refs", "other"]
    assert [(p.line, p.code) for p in cited.problems] == [(6, "citing-missing-input")]


def test_bcf_cut_short_gives_what_came_before_and_the_line(tmp_path: Path):
    path = tmp_path / "doc.bcf"
    path.write_text('<?xml version="1.0"?>\n<bcf:controlfile xmlns:bcf="https://sourceforge.net/projects/biblatex">\n'
                    '<bcf:bibdata section="0"><bcf:datasource type="file">refs.bib</bcf:datasource></bcf:bibdata>\n'
                    '<bcf:section number="0">\n<bcf:citekey order="1">a</bcf:citekey>\n'
                    '<bcf:citekey order="2" nocite="1">*</bcf:citekey>\n<bcf:citekey order="3">b')
    cited = read_bcf(str(path))
    assert [(c.key, c.line) for c in cited.citations] == [("a", 5), (ALL, 6)]
    assert cited.bib_files == ["refs.bib"]
    assert [(p.severity, p.line) for p in cited.problems] == [("error", 7)]


def test_unknown_document_kind_and_missing_document_are_user_errors(tmp_path: Path):
    with pytest.raises(BibkitError, match="extension"):
        read_cited(str(tmp_path / "paper.docx"))
    with pytest.raises(BibkitError, match="no such file"):
        read_cited(str(tmp_path / "paper.tex"))


# ----------------------------------------------------------------------------- resolution

BIB = r"""
@article{a, title = {A}, ids = {olda, oldera}}
@inproceedings{child, title = {C}, crossref = {proc}}
@book{b, title = {B}}
@inproceedings{child2, title = {C2}, crossref = {proc}, xdata = {pub}}
@xdata{pub, publisher = {P}}
@proceedings{proc, title = {Proc}, crossref = {series}}
@book{series, title = {S}}
@book{unused, title = {U}}
"""


def _library():
    return bibkit.loads(BIB, "bibtex", name="refs.bib")


def test_resolve_order_aliases_parents_undefined_and_unused():
    found = resolve(tex_citations(r"\cite{child}\cite{olda}\cite{nope,a}\cite{child2}\cite{nope}", "d.tex"),
                    _library().entries)
    assert [e.key for e in found.cited] == ["child", "a", "child2"]
    assert [e.key for e in found.parents] == ["proc", "pub", "series"]  # chains and xdata too
    assert [(c.key, e.key) for c, e in found.aliased] == [("olda", "a")]
    assert [(c.key, c.line) for c in found.undefined] == [("nope", 1)]
    assert [e.key for e in found.unused] == ["b", "unused"]


def test_nocite_all_takes_the_rest_in_file_order_after_what_was_cited_before():
    found = resolve(tex_citations(r"\cite{unused}\nocite{*}\cite{b}"), _library().entries)
    assert [e.key for e in found.cited] == ["unused", "a", "child", "b", "child2", "pub", "proc", "series"]
    assert found.unused == [] and found.parents == []


def test_bibtex_order_puts_a_cited_parent_after_its_children():
    found = resolve(tex_citations(r"\cite{series,proc,child}"), _library().entries)
    assert [e.key for e in found.entries] == ["series", "proc", "child"]
    assert [e.key for e in found.bibtex_order()] == ["child", "proc", "series"]


# ------------------------------------------------------------------------------ robustness

_TEXISH = st.lists(st.sampled_from(list("\\{}[]()%*@,; \n\tabcite-_:.`~<>!#$") + [
    "\\cite", "\\cites", "\\nocite", "\\verb", "\\begin{verbatim}", "\\end{verbatim}", "\\input", "---\n",
    "```\n", "<!--", "-->", "@*", "nocite: "]), max_size=120).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXISH)
def test_tex_reader_never_crashes_and_points_inside_the_text(text):
    cited = tex_citations(text, "random.tex")
    lines = text.count("\n") + 1
    assert all(1 <= c.line <= lines and c.key.strip() == c.key and c.key for c in cited.citations)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_TEXISH, st.text(max_size=200)))
def test_markdown_reader_never_crashes_and_points_inside_the_text(text):
    cited = markdown_citations(text, "random.md")
    lines = text.count("\n") + 1
    assert all(1 <= c.line <= lines and c.key for c in cited.citations)
