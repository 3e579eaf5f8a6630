"""Values a conversion must not alter (issue 17): each test reads the real file that showed it."""
from __future__ import annotations

import json
import re

import bibkit
from bibkit.api import dumps, loads
from tests.conftest import SHARED, require_shared


def test_a_title_nested_5000_braces_deep_is_read_and_the_entries_after_it_kept():
    # the shared messy file nests a title 300 levels deep; the same file at 5,000 levels
    source = require_shared("messy", "gen-nested-braces-300.bib").read_text(encoding="utf-8")
    for depth in (300, 5000):
        nested = "{" * (depth + 1) + "three hundred levels" + "}" * (depth + 1) + ","
        text = re.sub(r"\{+three hundred levels[\s}]*,", lambda _: nested, source, count=1)
        assert text.count("{") - source.count("{") == depth - 300
        library = loads(text, "bibtex")
        assert [e.key for e in library.entries] == ["nested300", "afternested"]
        assert library.entries[0].fields["title"] == "three hundred levels"
        again = loads(dumps(library, "bibtex"), "bibtex")
        assert [str(e.fields["title"]) for e in again.entries] == ["three hundred levels", "A well-formed entry number 1"]
        assert len(json.loads(bibkit.dumps(library, "csljson"))) == 2


BETTER_BIBTEX = SHARED / "corpus" / "ordinary" / "bibtex-tidy-fixtures" / "better-bibtex"


def _author_lines(path, **options) -> str:
    written = bibkit.dumps(bibkit.load(path, **options), "bibtex")
    return "\n".join(line for line in written.splitlines() if line.strip().startswith("author ="))


def test_undecodable_latex_in_names_is_written_back_as_the_latex_it_was():
    require_shared()
    preamble_macro = _author_lines(BETTER_BIBTEX / "BibTeX_import;_preamble_with_def_create_problems_732.bib")
    assert r"Franc{\ocirc{u}}, Jan" in preamble_macro and "textbackslash" not in preamble_macro
    lone_accent = _author_lines(BETTER_BIBTEX / "BBT_does_not_import_groups_from_JabRef_5.1_1641.bib")
    assert r"Bogad{\'o}ttir, Ragnhei{\d}ur" in lone_accent and "textbackslash" not in lone_accent
    math = _author_lines(BETTER_BIBTEX / "Unabbreviate_on_import_1436-3.bib")
    assert r"Kr{\"a}u$\beta$lich, J" in math and r"\$\textbackslash" not in math


def test_names_with_kept_latex_read_back_to_the_same_names():
    require_shared()
    path = BETTER_BIBTEX / "BibTeX_import;_preamble_with_def_create_problems_732.bib"
    first = bibkit.load(path)
    again = loads(dumps(first, "bibtex"), "bibtex")
    assert [n.family for n in again.entries[0].names["author"]] == [n.family for n in first.entries[0].names["author"]]
    assert str(first.entries[0].names["author"].names[0].family) == r"Franc{\ocirc{u}}"


def test_a_doi_is_written_as_the_source_wrote_it_and_compared_case_insensitively():
    require_shared()
    path = SHARED / "corpus" / "ordinary" / "iridia-references" / "biblio.bib"
    library = bibkit.load(path)
    entry = next(e for e in library.entries if e.key == "LimPoz2017automopso")
    assert entry.ids.doi == "10.1109/cec.2017.7969381"  # the comparison form
    item = json.loads(bibkit.dumps(bibkit.Library(blocks=[entry]), "csljson"))[0]
    assert item["DOI"] == "10.1109/CEC.2017.7969381"
    from bibkit.csl import Processor
    (reference,) = Processor("apa").bibliography([entry])
    assert "https://doi.org/10.1109/CEC.2017.7969381" in reference
    # CSL-JSON -> CSL-JSON and CSL-JSON -> BibTeX keep the spelling too
    back = loads(json.dumps([item]), "csljson")
    assert back.entries[0].ids.doi == "10.1109/cec.2017.7969381"
    assert json.loads(dumps(back, "csljson"))[0]["DOI"] == "10.1109/CEC.2017.7969381"
    assert "doi = {10.1109/CEC.2017.7969381}" in dumps(back, "bibtex")


def test_blank_lines_in_an_abstract_stay_paragraph_breaks():
    path = require_shared("corpus", "ordinary", "bibtex-tidy-fixtures", "better-bibtex",
                          "collaborators_to_contributors.bib")
    library = bibkit.load(path)
    (entry,) = [e for e in library.entries if e.key == "berger_vom_2020"]
    abstract = str(entry.fields["abstract"])
    paragraphs = abstract.split("\n\n")
    assert len(paragraphs) >= 2 and all(p.strip() == p and p for p in paragraphs)
    again = loads(dumps(library, "bibtex"), "bibtex")
    assert str(next(e for e in again.entries if e.key == "berger_vom_2020").fields["abstract"]) == abstract
    assert json.loads(dumps(again, "csljson"))[0]["abstract"].count("\n\n") == len(paragraphs) - 1


def test_a_csl_article_written_to_biblatex_reads_back_as_article_not_webpage():
    path = require_shared("real_api", "doi", "csl__10.5281_zenodo.8242099.json")
    library = bibkit.load(path, format="csljson")
    assert library.entries[0].type == "article"
    written = dumps(library, "biblatex")
    back = loads(written, "bibtex")
    assert back.entries[0].type == "article"
    assert dumps(back, "biblatex") == written  # and writing it again changes nothing
    assert json.loads(dumps(back, "csljson"))[0]["DOI"] == "10.5281/ZENODO.8242099"


def test_a_csl_event_survives_biblatex_as_eventtitle():
    from bibkit.csl.testsuite import parse_fixture

    fixture = require_shared("csl", "test-suite", "bugreports_NoEventInNestedMacroWithOldProcessor.txt")
    items = parse_fixture(fixture.read_text(encoding="utf-8"))["INPUT"]
    library = loads(items, "csljson")
    written = dumps(library, "biblatex")
    assert "eventtitle = {Big Event}" in written and "eventtitle = {Other Big Event}" in written
    back = json.loads(dumps(loads(written, "bibtex"), "csljson"))
    assert [(i["type"], i["event-title"]) for i in back] == [("paper-conference", "Big Event"),
                                                             ("speech", "Other Big Event")]
