"""CITATION.cff in (the work, preferred-citation, references) and out (a software entry)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from bibkit import registry
from bibkit.api import dumps, load, loads
from bibkit.cli import main
from bibkit.model import Date, DateParts, Entry, Library, Name, NameList, Text
from tests.conftest import IN_CI, require_shared

# (file, entries: the work + preferred-citation + references as MANIFEST.md counts them,
#  first entry, last entry): (title, first author, author count, year, container, volume, pages, DOI)
EXPORTS = [
    ("xarray-CITATION.cff", 2,
     ("xarray", "Hoyer", 32, None, "", "", "", "10.5281/zenodo.598201"),
     ("xarray: N-D labeled Arrays and Datasets in Python", "Hoyer", 2, 2017, "Journal of Open Research Software",
      "5", "", "10.5334/jors.148")),
    ("cffconvert-CITATION.cff", 3,
     ("cffconvert", "Spaaks", 1, 2021, "", "", "", "10.5281/zenodo.1162057"),
     ("How to Cite Software in APA Style", "McAdoo", 1, None, "", "", "", "")),
    ("reprozip-CITATION.cff", 4,
     ("ReproZip", "Rampin", 5, 2021, "", "", "", "10.5281/zenodo.5081097"),
     ("ReproZip: The Reproducibility Packer", "Rampin", 5, 2016, "Journal of Open Source Software", "", "",
      "10.21105/joss.00107")),
    ("jabref-CITATION.cff", 2,
     ("JabRef", "Kopp", 8, None, "", "", "", ""),
     ("JabRef: BibTeX-based literature management software", "Kopp", 3, 2023, "TUGboat", "44", "441-447",
      "10.47397/tb/44-3/tb138kopp-jabref")),
]


def _summary(entry):
    return (entry.title, entry.authors.names[0].family, len(entry.authors), entry.year, entry.get("container-title"),
            entry.get("volume"), entry.get("page"), entry.ids.doi)


@pytest.mark.parametrize("filename, count, first, last", EXPORTS, ids=[e[0] for e in EXPORTS])
def test_each_real_citation_cff_is_detected_and_read_whole(filename, count, first, last):
    path = require_shared("exports", "cff", filename)
    text = path.read_text(encoding="utf-8")
    assert registry.detect_importer(text).name == "cff"
    library = loads(text, name="CITATION")  # no extension: detected from the content
    assert not library.problems
    entries = library.entries
    assert len(entries) == count and all(e.title for e in entries)
    assert _summary(entries[0]) == first and _summary(entries[-1]) == last
    assert entries[0].type == "software" and entries[0].meta["cff_role"] == "work"
    assert [e.meta["cff_role"] for e in entries[1:]].count("preferred-citation") <= 1


def test_people_details_and_identifiers_survive_a_cff_round_trip():
    path = require_shared("exports", "cff", "cffconvert-CITATION.cff")
    library = load(path)
    again = loads(dumps(library, "cff"), "cff")
    for before, after in zip(library.entries, again.entries, strict=True):
        assert (before.type, before.names, before.dates, before.ids, before.extra, before.meta["cff_role"]) == \
               (after.type, after.names, after.dates, after.ids, after.extra, after.meta["cff_role"])
        assert {k: str(v) for k, v in before.fields.items()} == {k: str(v) for k, v in after.fields.items()}
    orcids = json.loads(library.entries[0].extra["cff-authors"])
    assert orcids[0]["orcid"] == "https://orcid.org/0000-0002-7064-4069"
    van_der = library.entries[1].authors.names[0]
    assert (van_der.particle, van_der.family) == ("van der", "Zwaan")


SOFTWARE_BIB = r"""@software{bibkit,
  author = {Doe, Jane and van der Berg, Piet and {The bibkit team}},
  title = {bibkit: read any references},
  version = {0.1.0}, date = {2026-12-04}, doi = {10.5281/zenodo.1234},
  url = {https://example.org/bibkit}, license = {MIT}, keywords = {bibliography, BibTeX},
  abstract = {Tools for bibliographies.}, note = {not a CFF key}
}
@article{paper, author = {Doe, Jane}, title = {A paper}, journal = {J. Soft.}, year = 2025,
  volume = 3, pages = {1--10}, doi = {10.1000/abc}}
"""


def _cff_schema() -> dict:
    """cffconvert's JSON schema for CFF 1.2.0, read from the installed package without importing it
    (cffconvert pins jsonschema < 4, so .ci/run installs it with --no-deps for its schema only)."""
    spec = importlib.util.find_spec("cffconvert")
    if spec is None or not spec.submodule_search_locations:
        if IN_CI:
            pytest.fail("cffconvert (its schema) is required under CI=true")
        pytest.skip("cffconvert is not installed (pip install --no-deps cffconvert)")
    return json.loads((Path(spec.submodule_search_locations[0]) / "schemas" / "1.2.0" / "schema.json").read_text())


def test_convert_a_software_entry_to_cff_that_validates_against_cffconverts_schema(tmp_path):
    import jsonschema

    src = tmp_path / "refs.bib"
    src.write_text(SOFTWARE_BIB)
    out = tmp_path / "CITATION.cff"
    result = CliRunner().invoke(main, ["convert", str(src), "--to", "cff", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "'note' has no place in CITATION.cff" in result.output
    data = yaml.safe_load(out.read_text())
    validator = jsonschema.Draft7Validator(_cff_schema(), format_checker=jsonschema.FormatChecker())
    assert [e.message for e in validator.iter_errors(data)] == []
    assert data["type"] == "software" and data["version"] == "0.1.0" and data["date-released"] == "2026-12-04"
    assert data["authors"][1] == {"family-names": "Berg", "given-names": "Piet", "name-particle": "van der"}
    assert data["authors"][2] == {"name": "The bibkit team"}
    assert data["references"][0]["journal"] == "J. Soft." and data["references"][0]["start"] == "1"
    back = load(out).entries
    assert [e.title for e in back] == ["bibkit: read any references", "A paper"]


def test_cff_files_read_and_written_again_still_validate():
    import jsonschema

    validator = jsonschema.Draft7Validator(_cff_schema(), format_checker=jsonschema.FormatChecker())
    for name in ("xarray-CITATION.cff", "reprozip-CITATION.cff", "jabref-CITATION.cff"):
        data = yaml.safe_load(dumps(load(require_shared("exports", "cff", name)), "cff"))
        assert [e.message for e in validator.iter_errors(data)] == [], name


def test_cff_out_without_a_software_entry_is_a_clear_usage_error(tmp_path):
    src = tmp_path / "refs.bib"
    src.write_text(SOFTWARE_BIB.split("@article")[0].replace("@software", "@article") )
    result = CliRunner().invoke(main, ["convert", str(src), "--to", "cff"])
    assert result.exit_code == 2 and "software" in result.output and "Traceback" not in result.output


def test_broken_cff_is_reported_with_its_line():
    library = loads("cff-version: 1.2.0\ntitle: x\nauthors: [\n", "cff", name="CITATION.cff")
    assert library.entries == []
    [problem] = library.problems
    assert problem.severity == "error" and problem.line and problem.file == "CITATION.cff"


def test_a_date_that_is_no_date_is_kept_and_reported():
    library = loads("cff-version: 1.2.0\ntitle: x\ndate-released: 2020-13-45\nauthors:\n  - name: Team\n", "cff", name="C.cff")
    [entry] = library.entries
    assert entry.extra["date-released"] == "2020-13-45" and "issued" not in entry.dates
    assert [(p.line, p.code) for p in library.problems] == [(3, "bad-date")]


def test_bibkit_formats_lists_the_new_readers_and_writers():
    output = CliRunner().invoke(main, ["formats"]).output
    importers, exporters = output.split("exporters:")
    for name in ("endnote-xml", "refer", "mods", "cff"):
        assert f"  {name} " in importers
    for name in ("mods", "cff", "csv"):
        assert f"  {name} " in exporters


_words = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), blacklist_characters="\ufeff"),
                 min_size=1, max_size=12)
_phrase = st.lists(_words, min_size=1, max_size=5).map(" ".join)


@settings(max_examples=100, deadline=None)
@given(title=_phrase, ref_title=_phrase, family=_words, given_name=_words, particle=st.sampled_from(["", "van der"]),
       released=st.dates(), year=st.integers(1000, 2999), volume=_words, container=_phrase,
       kind=st.sampled_from(["article-journal", "paper-conference", "book", "report", "thesis", "dataset"]))
def test_generated_software_and_reference_survive_a_cff_round_trip(title, ref_title, family, given_name, particle,
                                                                   released, year, volume, container, kind):
    person = Name(family=family, given=given_name, particle=particle)
    software = Entry(key="sw", type="software", fields={"title": Text(title), "version": Text(volume)},
                     names={"author": NameList([person, Name(literal=container)])},
                     dates={"issued": Date(start=DateParts(released.year, released.month, released.day))})
    ref = Entry(key="ref", type=kind, fields={"title": Text(ref_title), "container-title": Text(container),
                                             "volume": Text(volume)},
                names={"author": NameList([person])}, dates={"issued": Date(start=DateParts(year))})
    text = dumps(Library.of([software, ref]), "cff")
    back = loads(text, "cff").entries
    assert [e.type for e in back] == ["software", kind]
    for before, after in zip([software, ref], back):
        assert (after.names, after.dates) == (before.names, before.dates)
        assert {k: str(v) for k, v in after.fields.items()} == {k: str(v) for k, v in before.fields.items()}
