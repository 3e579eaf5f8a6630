"""The README's main job end to end: `bibkit convert examples/papers-listing.txt -o references.bib`."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from bibkit.cli import main
from tests.conftest import ROOT, require_shared
from tests.texcheck import check_with_biber, check_with_bibtex

EXAMPLE = ROOT / "examples" / "papers-listing.txt"


def convert(*args: str):
    return CliRunner().invoke(main, ["convert", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def bib(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("listing") / "references.bib"
    result = convert(str(EXAMPLE), "-o", str(out))
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_example_is_the_shared_listing():
    assert EXAMPLE.read_bytes() == require_shared("examples", "papers-listing.txt").read_bytes()


def test_example_converts_to_112_entries_with_unique_keys(bib):
    keys = re.findall(r"^@\w+\{([^,]+),", bib, re.MULTILINE)
    assert len(keys) == 112
    assert len({k.lower() for k in keys}) == 112
    assert all(re.fullmatch(r"[A-Za-z][\w:.-]*", k) for k in keys), keys


def test_example_bib_is_misc_with_listing_extras(bib):
    assert bib.count("@misc{") == 112
    assert "upvotes = {346}" in bib and "author-count = {200}" in bib
    assert "url = {https://aka.ms/vlmo.}" not in bib and "urls = {https://aka.ms/vlmo}" in bib


def test_example_bib_passes_bibtex(bib, tmp_path):
    result = check_with_bibtex(bib, tmp_path)
    assert result.ok, result.errors


def test_example_biblatex_passes_biber(tmp_path):
    out = tmp_path / "references.bib"
    result = convert(str(EXAMPLE), "-o", str(out), "--to", "biblatex", "-q")
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.count("@online{") == 112
    work = tmp_path / "tex"
    work.mkdir()
    checked = check_with_biber(text, work)
    assert checked.ok, checked.errors


def test_example_csljson_is_valid_and_marks_inferred_dates(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    out = tmp_path / "references.json"
    result = convert(str(EXAMPLE), "-o", str(out))
    assert result.exit_code == 0
    items = json.loads(out.read_text(encoding="utf-8"))
    schema = json.loads(require_shared("csl", "schema", "csl-data.json").read_text(encoding="utf-8"))
    jsonschema.validate(items, schema)
    assert len(items) == 112 and {i["type"] for i in items} == {"article"}
    r1 = next(i for i in items if "Incentivizing Reasoning" in i["title"])
    assert r1["issued"]["date-parts"] == [[2025, 1, 22]]
    assert r1["custom"]["bibkit"]["inferred-dates"] == ["issued"]
    assert "author" not in r1
    # case the listing prints is protected for CSL sentence-casing
    assert r1["title"].startswith('<span class="nocase">DeepSeek-R1</span>: Incentivizing')


def test_year_option_reaches_the_importer(tmp_path):
    out = tmp_path / "r.json"
    result = convert(str(EXAMPLE), "-o", str(out), "--year", "2026", "-q")
    assert result.exit_code == 0
    items = json.loads(out.read_text(encoding="utf-8"))
    r1 = next(i for i in items if "Incentivizing Reasoning" in i["title"])
    assert r1["issued"]["date-parts"] == [[2026, 1, 22]]


def test_warnings_name_file_and_line_and_authors_warning_is_printed_once(tmp_path):
    result = convert(str(EXAMPLE), "-o", str(tmp_path / "r.bib"))
    assert result.output.count("entries have no author names") == 1  # output holds stderr too
    assert re.search(r"papers-listing\.txt:\d+: title/abstract boundary uncertain", result.output)


def test_unknown_line_makes_exit_status_1_and_names_the_line(tmp_path):
    src = tmp_path / "mixed.txt"
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()[:5]
    src.write_text("\n".join(lines[:2] + ["just some words"] + lines[2:]) + "\n", encoding="utf-8")
    result = convert(str(src), "-o", str(tmp_path / "out.bib"))
    assert result.exit_code == 1
    assert f"{src}:3: error: not a paper card" in result.output
    assert (tmp_path / "out.bib").read_text(encoding="utf-8").count("@misc{") == 5
