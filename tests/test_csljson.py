"""CSL-JSON: valid against the official schema, and a lossless round trip through the model."""
from __future__ import annotations

import json

import pytest

import bibkit
from bibkit.model_csl import entry_to_csl, markup_to_text, text_to_markup
from tests.conftest import SHARED, require_shared

CORPUS = sorted((SHARED / "corpus" / "ordinary").rglob("*.bib")) if SHARED.exists() else []


@pytest.fixture(scope="module")
def validator():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(require_shared("csl", "schema", "csl-data.json").read_text())
    return jsonschema.Draft7Validator(schema)


def test_csljson_written_from_the_ordinary_corpus_validates_against_the_schema(validator):
    if not CORPUS:
        pytest.skip("shared corpus missing")
    count = 0
    failures = []
    for path in CORPUS:
        items = json.loads(bibkit.dumps(bibkit.load(path, resolve_crossref=True), "csljson"))
        count += len(items)
        for error in validator.iter_errors(items):
            failures.append(f"{path.name}: {list(error.absolute_path)[:3]}: {error.message[:120]}")
    assert count > 20000
    assert not failures, "\n".join(failures[:30])


def test_messy_files_give_valid_csljson(validator):
    for path in sorted(require_shared("messy").glob("*.bib")):
        items = json.loads(bibkit.dumps(bibkit.load(path), "csljson"))
        errors = [e.message for e in validator.iter_errors(items)]
        assert not errors, f"{path.name}: {errors[:3]}"


def test_csljson_round_trip_keeps_names_dates_identifiers_and_unknown_fields():
    text = ("@inproceedings{k, author = {van der Berg, Jan and {ACME Corp.} and others}, "
            "title = {{BERT} and \\emph{friends}}, booktitle = {Proc. X}, year = 2020, month = may, "
            "doi = {10.1000/ABC}, eprint = {2001.00001v3}, archiveprefix = {arXiv}, mycustom = {keep me}}")
    entry = bibkit.loads(text, "bibtex").entries[0]
    again = bibkit.loads(bibkit.dumps([entry], "csljson"), "csljson").entries[0]
    assert again.key == "k" and again.type == "paper-conference"
    assert again.authors == entry.authors and again.authors.others
    assert again.dates == entry.dates
    assert again.ids.doi == "10.1000/abc" and again.ids.arxiv == "2001.00001" and again.ids.arxiv_version == "v3"
    assert again.extra["mycustom"] == "keep me"
    assert again.title == entry.title and again.title.marks == entry.title.marks


def test_marks_become_csl_rich_text_markup_and_back():
    entry = bibkit.loads("@article{a, title = {A {DNA} \\emph{in vivo} study}}", "bibtex").entries[0]
    markup = text_to_markup(entry.title)
    assert markup == 'A <span class="nocase">DNA</span> <i>in vivo</i> study'
    assert markup_to_text(markup) == entry.title
    assert markup_to_text(markup).marks == entry.title.marks


def test_arxiv_preprints_get_publisher_and_number_for_citation_styles():
    entry = bibkit.loads("@misc{a, title = {T}, eprint = {2501.12948}, archiveprefix = {arXiv}}", "bibtex").entries[0]
    item = entry_to_csl(entry)
    assert item["publisher"] == "arXiv" and item["number"] == "arXiv:2501.12948"
    assert item["URL"] == "https://arxiv.org/abs/2501.12948"
    back = bibkit.loads(json.dumps([item]), "csljson").entries[0]
    assert "publisher" not in back.fields and back.ids.url == "" and back.ids.arxiv == "2501.12948"


def test_invalid_json_is_reported_with_its_line():
    lib = bibkit.loads('[\n{"id": "a", "type": "book"},\n{"id": oops}\n]', "csljson", name="bad.json")
    assert lib.has_errors and lib.problems[0].line == 3


def test_a_subtitle_is_appended_to_the_csl_title_once_however_often_the_item_is_converted():
    from bibkit.api import dumps, loads

    bib = "@book{a, title={{BERT} Style}, subtitle={In Greek Literature}, year=2000}"
    once = dumps(loads(bib, "bibtex"), "csljson")
    twice = dumps(loads(once, "csljson"), "csljson")
    assert twice == once
    assert '"title": "<span class=\\"nocase\\">BERT</span> Style: In Greek Literature"' in once
    back = loads(once, "csljson").entries[0]
    assert back.fields["title"] == "BERT Style" and back.fields["title"].marks
    assert back.extra["subtitle"] == "In Greek Literature"
