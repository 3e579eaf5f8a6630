"""``bibkit extract``, ``format --cited-in`` and ``check --cited-in`` on small documents (no TeX
needed): exit statuses, messages, bad documents, and the .bib that extract writes."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import bibkit
from bibkit.cli import main

BIB = r"""@string{jacm = {Journal of the ACM}}
@string{pub = "Big" # " Press"}

@preamble{"\providecommand{\noopsort}[1]{}"}

% a comment nobody cites
@article{first, author = {Ann First}, title = {One}, journal = jacm, year = 2001}
@book{second, author = {Bob Second}, title = {{T}wo}, publisher = pub, year = {2002}}
@article{third, author = {Cy Third}, title = {Three}, journal = {J}, year = {2003}, ids = {old3}}
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"bib": tmp_path / "refs.bib", "tex": tmp_path / "paper.tex", "md": tmp_path / "paper.md"}
    paths["bib"].write_text(BIB, encoding="utf-8")
    paths["tex"].write_text("\\cite{third}\n\\cite{second}\n", encoding="utf-8")
    paths["md"].write_text("[@old3] and @missing, and [@second]\n", encoding="utf-8")
    return paths


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_extract_without_undefined_citations_exits_0_and_keeps_only_needed_macros(files, tmp_path):
    out = tmp_path / "cited.bib"
    result = run("extract", files["bib"], "--cited-in", files["tex"], "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert re.findall(r"^@(\w+)\{(\w+)", text, re.M) == [("string", "pub"), ("article", "third"), ("book", "second")]
    assert "@preamble" in text and "jacm" not in text and "comment" not in text
    assert "wrote 2 entries" in result.stderr
    assert [e.key for e in bibkit.load(out).entries] == ["third", "second"]


def test_extract_reports_undefined_and_aliases_and_still_writes(files):
    result = run("extract", files["bib"], "--cited-in", files["md"])
    assert result.exit_code == 1
    assert f"{files['md']}:1: undefined citation 'missing'" in result.stderr.splitlines()
    assert "'old3' is an old key (ids alias) of 'third'" in result.stderr
    assert re.findall(r"^@(?!string)\w+\{(\w+)", result.stdout, re.M) == ["third", "second"]


def test_extract_to_biblatex_normalises_through_the_writer(files):
    result = run("extract", files["bib"], "--cited-in", files["tex"], "--to", "biblatex")
    assert result.exit_code == 0
    assert "date = {2003}" in result.stdout and "journaltitle = {J}" in result.stdout


def test_extract_with_several_documents_concatenates_their_citations(files):
    result = run("extract", files["bib"], "--cited-in", files["tex"], "--cited-in", files["md"], "-q")
    assert result.exit_code == 1
    assert re.findall(r"^@(?!string)\w+\{(\w+)", result.stdout, re.M) == ["third", "second"]
    assert "ids alias" not in result.stderr  # -q: warnings are not printed, errors are
    assert "undefined citation 'missing'" in result.stderr


@pytest.mark.parametrize("doc, message", [("paper.docx", "cannot tell what it cites"),
                                          ("nothere.tex", "no such file")])
def test_extract_bad_document_is_a_usage_error_without_traceback(files, tmp_path, doc, message):
    if doc.endswith(".docx"):
        (tmp_path / doc).write_text("x")
    result = run("extract", files["bib"], "--cited-in", tmp_path / doc)
    assert result.exit_code == 2 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_extract_needs_a_document(files):
    result = run("extract", files["bib"])
    assert result.exit_code == 2 and "--cited-in" in result.stderr


def test_format_cited_in_numbers_by_first_citation_with_bibtex_unsrt(files):
    result = run("format", files["bib"], "--cited-in", files["tex"], "--style", "bibtex:unsrt")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert [line[:3] for line in lines] == ["[1]", "[2]"]
    assert "Third" in lines[0] and "Second" in lines[1]


def test_format_cited_in_with_a_sorting_style_keeps_the_style_order(files):
    result = run("format", files["bib"], "--cited-in", files["md"], "--style", "apa")
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("Second") and lines[1].startswith("Third")


def test_format_latex_cited_in_gives_bibitems_in_citation_order(files):
    result = run("format", files["bib"], "--cited-in", files["tex"], "--style", "ieee", "--to", "latex")
    assert re.findall(r"\\bibitem\[(.*?)\]\{(\w+)\}", result.stdout) == [("1", "third"), ("2", "second")]


def test_check_cited_in_json_lists_the_citation_findings(files):
    result = run("check", files["bib"], "--cited-in", files["md"], "--format", "json")
    doc = json.loads(result.stdout)
    found = {(f["check"], f["file"].rsplit("/", 1)[-1], f["line"]) for f in doc["findings"]
             if f["check"] in ("undefined-citation", "unused-entry", "alias-citation")}
    assert found == {("undefined-citation", "paper.md", 1), ("alias-citation", "paper.md", 1),
                     ("unused-entry", "refs.bib", 7)}
    assert result.exit_code == 2


def test_check_without_a_document_has_no_citation_findings(files):
    result = run("check", files["bib"], "--select", "unused-entry", "--select", "undefined-citation")
    assert result.exit_code == 0 and "[unused-entry]" not in result.stdout


CITATION_CASES = [  # (check, document that triggers it, document that does not)
    ("undefined-citation", "\\cite{first,nothere}", "\\cite{first}"),
    ("unused-entry", "\\cite{first,second}", "\\cite{first,second,third}"),
    ("alias-citation", "\\cite{old3}", "\\cite{third}"),
]


@pytest.mark.parametrize("check_id, bad, good", CITATION_CASES, ids=[c[0] for c in CITATION_CASES])
def test_citation_check_triggers_on_bad_document_and_not_on_good(files, check_id, bad, good):
    from bibkit.check import CHECKS, load_for_check, run_checks
    from bibkit.citing import tex_citations

    library = load_for_check([str(files["bib"])], show_progress=False)
    found = run_checks(library, [check_id], show_progress=False, cited=tex_citations(bad, "doc.tex"))
    assert [f.check for f in found] == [check_id] and found[0].severity == CHECKS[check_id].severity
    assert run_checks(library, [check_id], show_progress=False, cited=tex_citations(good, "doc.tex")) == []


def test_extract_on_biblatex_examples_is_verbatim_with_parents_and_biber_accepts_it(tmp_path):
    """The biblatex manual's own examples: a crossref child and a 'related' entry bring what they
    refer to, every entry is the source's text, and biber reads the result without errors."""
    from tests.conftest import require_shared
    from tests.texcheck import check_with_biber

    source = require_shared("corpus", "ordinary", "bibtex-tidy-fixtures", "biblatex", "biblatex-examples.bib")
    doc = tmp_path / "paper.tex"
    doc.write_text("\\textcite{westfahl:space} and \\parencite{vangennep:related} and \\cite{aristotle:poetics}\n")
    result = run("extract", source, "--cited-in", doc)
    assert result.exit_code == 0, result.stderr
    keys = re.findall(r"^@(?!string)\w+\{([^,]+),", result.stdout, re.M)
    assert keys[:3] == ["westfahl:space", "vangennep:related", "aristotle:poetics"]
    assert keys[3:] == ["westfahl:frontier", "vizedom:related", "vangennep"]  # related of related too
    text = source.read_text(encoding="utf-8")
    for block in re.split(r"\n\n(?=@)", result.stdout.strip()):
        assert block in text, block
    checked = check_with_biber(result.stdout, tmp_path)
    assert checked.ok, "\n".join(checked.errors)
