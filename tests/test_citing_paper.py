"""A real small paper (tests/citing_paper.py), compiled with pdflatex + bibtex (.aux) and with
biblatex + biber (.bcf): ``extract``, ``format --cited-in`` and ``check --cited-in`` agree with
the TeX tools and with checkcites on what it cites, in which order, and what is missing."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import bibkit
from bibkit.citing import read_cited, resolve
from bibkit.cli import main
from tests.citing_paper import CITED_AS_WRITTEN, EXTRACTED, UNDEFINED, UNUSED, write_paper
from tests.conftest import require_tool

TIMEOUT = 120


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT,
                          stdin=subprocess.DEVNULL, errors="replace")


@pytest.fixture(scope="module")
def paper(tmp_path_factory) -> dict[str, Path]:
    """The paper written out and compiled both ways (bibtex.aux/.bbl, biblatex.bcf/.bbl)."""
    for tool in ("pdflatex", "bibtex", "biber"):
        require_tool(tool)
    folder = tmp_path_factory.mktemp("paper")
    paths = write_paper(folder)
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error"]
    for main_file, tool in (("bibtex", "bibtex"), ("biblatex", "biber")):
        first = _run(latex + [f"{main_file}.tex"], folder)
        assert first.returncode == 0, first.stdout[-3000:]
        bib = _run([tool, main_file], folder)
        assert bib.returncode in (0, 1), bib.stdout + bib.stderr  # bibtex: 1 = warnings only
    paths.update(aux=folder / "bibtex.aux", bcf=folder / "biblatex.bcf",
                 bibtex_bbl=folder / "bibtex.bbl", biber_bbl=folder / "biblatex.bbl")
    return paths


DOCUMENTS = ["aux", "bcf", "bibtex", "biblatex", "markdown"]


def _keys(bib_text: str) -> list[str]:
    return re.findall(r"^@(?!string)\w+\{([^,\s]+),", bib_text, re.MULTILINE | re.IGNORECASE)


def _extract(paper, doc: str, *args: str):
    return CliRunner().invoke(main, ["extract", str(paper["bib"]), "--cited-in", str(paper[doc]), *args])


@pytest.mark.parametrize("doc", DOCUMENTS)
def test_extract_gives_exactly_the_cited_entries_in_citation_order(paper, doc):
    result = _extract(paper, doc)
    assert _keys(result.stdout) == EXTRACTED
    assert result.exit_code == 1  # the paper cites a key the .bib lacks


@pytest.mark.parametrize("doc", DOCUMENTS)
def test_every_reader_finds_the_citations_in_the_order_they_are_made(paper, doc):
    cited = read_cited(str(paper[doc]))
    assert [k for k in cited.keys() if k != "turing36"] == CITED_AS_WRITTEN  # biblatex.tex adds turing36 later


def test_aux_reader_agrees_with_the_compiled_aux_and_bibtex_bbl(paper):
    """bibtex numbers what it found in citation order: our order minus what bibtex cannot find
    (the ids alias and the undefined key) is exactly the \\bibitem order of unsrtnat."""
    bbl = re.findall(r"\\bibitem(?:\[[^\]]*\])?\{([^}]+)\}", paper["bibtex_bbl"].read_text())
    found = resolve(read_cited(str(paper["aux"])), bibkit.load(paper["bib"]).entries)
    aliased = {entry.key for _, entry in found.aliased}
    assert [e.key for e in found.cited if e.key not in aliased] == bbl


def test_extract_writes_entries_exactly_as_the_source_has_them(paper):
    source = paper["bib"].read_text()
    out = _extract(paper, "aux").stdout
    for block in re.split(r"\n\n(?=@)", out.strip()):
        assert block in source, block
    assert "@string{acm = {ACM Press}}" in out  # podc86 uses the macro


def test_extract_writes_other_formats_and_files(paper, tmp_path):
    target = tmp_path / "cited.json"
    result = _extract(paper, "markdown", "-o", str(target))
    assert result.exit_code == 1
    written = bibkit.load(target)
    assert [e.key for e in written.entries] == EXTRACTED
    lamport86 = next(e for e in written.entries if e.key == "lamport86")
    assert "Distributed Computing" in lamport86.fields["container-title"]  # crossref inherited for CSL


@pytest.mark.parametrize("doc", DOCUMENTS)
def test_undefined_citations_are_reported_at_their_document_line(paper, doc):
    result = _extract(paper, doc)
    lines = [line for line in result.stderr.splitlines() if "undefined citation" in line]
    assert len(lines) == 1
    where, _, message = lines[0].rpartition(": ")
    assert message == "undefined citation 'nosuchkey'"
    file, line = where.rsplit(":", 1)
    assert "nosuchkey" in Path(file).read_text().splitlines()[int(line) - 1]


@pytest.mark.parametrize("doc", DOCUMENTS)
def test_format_ieee_numbers_the_cited_entries_in_order_of_first_citation(paper, doc):
    result = CliRunner().invoke(main, ["format", str(paper["bib"]), "--cited-in", str(paper[doc]),
                                       "--style", "ieee"])
    assert result.exit_code == 1
    assert "undefined citation 'nosuchkey'" in result.stderr
    lines = result.stdout.strip().splitlines()
    cited = EXTRACTED[:-1]  # the crossref parent is not cited: it lends its data, not an entry
    families = {"knuth84": "Knuth", "turing36": "Turing", "hoare78": "Hoare", "wirth76": "Wirth",
                "lamport86": "Interprocess", "shannon48": "Shannon", "lamport94": "Document Preparation"}
    assert len(lines) == len(cited)
    for number, (line, key) in enumerate(zip(lines, cited), 1):
        assert line.startswith(f"[{number}] ") and families[key] in line, line
    assert "New York: ACM Press" in lines[4]  # lamport86 formatted with its crossref parent's data


def test_format_order_matches_biber_sorting_none(paper):
    """biber (sorting=none) orders by first citation too, except that it puts an entry cited
    only through an ids alias at the end; everything else is in our order."""
    bbl = re.findall(r"\\entry\{([^}]+)\}", paper["biber_bbl"].read_text())
    found = resolve(read_cited(str(paper["bcf"])), bibkit.load(paper["bib"]).entries)
    ours = [e.key for e in found.cited]
    assert [k for k in ours if k != "turing36"] == [k for k in bbl if k != "turing36"]
    assert set(ours) == set(bbl)


def _checkcites(paper, doc: str) -> tuple[list[str], list[str]]:
    require_tool("checkcites")
    target = paper[doc]
    backend = ["--backend", "biber"] if doc == "bcf" else []
    lists = []
    for what in ("--unused", "--undefined"):
        out = _run(["checkcites", "--crossrefs", *backend, what, target.name], target.parent).stdout
        lists.append(re.findall(r"^=> (\S+)$", out, re.MULTILINE))
    return lists[0], lists[1]


#: each form of the paper, and the compiled file checkcites reads for it
COMPILED = {"aux": "aux", "bibtex": "aux", "markdown": "aux", "bcf": "bcf", "biblatex": "bcf"}


@pytest.mark.parametrize("doc", DOCUMENTS)
def test_undefined_and_unused_equal_checkcites(paper, doc):
    """checkcites does not know ids aliases: what it calls undefined is our undefined plus the
    aliases, what it calls unused is our unused plus the entries cited only by an alias."""
    unused_cc, undefined_cc = _checkcites(paper, COMPILED[doc])
    cited = read_cited(str(paper[doc]))
    found = resolve(cited, bibkit.load(paper["bib"]).entries)
    undefined = [c.key for c in found.undefined]
    unused = [e.key for e in found.unused]
    assert undefined == UNDEFINED and unused == UNUSED
    aliases = [c.key for c, _ in found.aliased]
    only_by_alias = [e.key for _, e in found.aliased if e.key not in cited.keys()]
    assert sorted(undefined_cc) == sorted(undefined + aliases)
    assert sorted(unused_cc) == sorted(unused + only_by_alias)


@pytest.mark.parametrize("doc", DOCUMENTS)
def test_check_reports_undefined_unused_and_alias_citations(paper, doc):
    result = CliRunner().invoke(main, ["check", str(paper["bib"]), "--cited-in", str(paper[doc]),
                                       "--select", "undefined-citation", "--select", "unused-entry",
                                       "--select", "alias-citation"])
    assert result.exit_code == 2  # an undefined citation is an error
    found = re.findall(r"\[([\w-]+)\] (.*)", result.stdout)
    assert [(c, m.split("'")[1]) for c, m in found if c == "undefined-citation"] == [("undefined-citation", "nosuchkey")]
    assert sorted(m.split("'")[1] for c, m in found if c == "unused-entry") == sorted(UNUSED)
    assert [m.split("'")[1] for c, m in found if c == "alias-citation"] == ["turing1936"]
