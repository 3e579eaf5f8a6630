"""MODS XML in and out: real exports read whole, nothing lost through a MODS round trip."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bibkit import registry
from bibkit.api import dumps, load, loads
from bibkit.model import Date, DateParts, Entry, Library, Name, NameList, Text
from tests.conftest import require_shared
from tests.test_endnote_import import BILLION_LAUGHS, external_entity
from tests.test_export_losses import FILES, check_file

# (file, records in MANIFEST.md, first, last): (title, first author or editor, year, container,
# volume, pages, DOI) read off the file
EXPORTS = [
    ("MODSImporterTestMods.xml", 1,
     ("At Gettysburg, or, What a Girl Saw and Heard of the Battle: A True Narrative", "Alleman", 1889,
      "A Celebration of Women Writers: Americana", "", "", ""), None),
    ("MODSImporterTestModsCollection.xml", 3,
     ("A new microcosm to investigate oxygen dynamics at the sea ice water interface", "Mock", 2003,
      "Aquatic Microbial Ecology", "30", "197-205", ""),
     ("Sea ice - an introduction to its physics, chemistry, biology and geology", "Thomas", 2003, "", "", "", "")),
]


def _summary(entry):
    people = entry.authors.names or entry.names.get("editor", None) and entry.names["editor"].names
    return (entry.title, people[0].family if people else None, entry.year, entry.get("container-title"),
            entry.get("volume"), entry.get("page"), entry.ids.doi)


@pytest.mark.parametrize("filename, count, first, last", EXPORTS, ids=[e[0] for e in EXPORTS])
def test_each_real_mods_export_is_detected_and_read_whole(filename, count, first, last):
    path = require_shared("exports", "mods", filename)
    library = load(path)  # a .xml file: the format comes from the content
    assert registry.detect_importer(path.read_bytes().decode("latin-1")).name == "mods"
    assert not [p for p in library.problems if p.severity == "error"]
    assert len(library.entries) == count and all(e.title for e in library.entries)
    assert _summary(library.entries[0]) == first
    assert _summary(library.entries[-1]) == (last or first)


def test_bibutils_collection_maps_host_part_identifiers_and_subjects():
    path = require_shared("exports", "mods", "MODSImporterTestModsCollection.xml")
    mock, schewe, book = load(path).entries
    assert mock.key == "Mock++2003" and mock.type == "article-journal"
    assert (mock.get("container-title-short"), mock.get("issue"), mock.ids.issn) == ("Aquat Microb Ecol", "2", "0948-3055")
    assert "Sea ice" in mock.meta["ris_keywords"] and mock.get("note") == "Marine"
    assert mock.extra["identifier-local"] == "IPÖ @ msteffens @ 713"  # latin-1 file, declared in the XML
    assert schewe.ids.doi == "10.1007/s00300-003-0526-8"
    assert book.type == "book" and book.ids.isbn == "0-632-05808-0" and book.get("number-of-pages") == "402"
    assert [n.family for n in book.names["editor"]] == ["Thomas", "Dieckmann"]


def test_mods_round_trip_keeps_every_value():
    path = require_shared("exports", "mods", "MODSImporterTestModsCollection.xml")
    library = load(path)
    again = loads(dumps(library, "mods"), "mods")
    for before, after in zip(library.entries, again.entries, strict=True):
        assert (before.key, before.type, before.names, before.dates, before.ids, before.extra) == \
               (after.key, after.type, after.names, after.dates, after.ids, after.extra)
        assert {k: str(v) for k, v in before.fields.items()} == {k: str(v) for k, v in after.fields.items()}


def test_every_bibtex_value_is_written_to_mods_or_named():
    """The bibtex-tidy fixtures (the odd cases) to MODS and back: each value found or reported."""
    files = [p for p in FILES if "bibtex-tidy-fixtures" in p.parts and p.stat().st_size < 400_000]
    if not files:
        require_shared("corpus", "ordinary", "bibtex-tidy-fixtures")
    silent = [line for path in files for line in check_file(path, "mods")]
    assert not silent, "\n".join(silent[:30])


def test_mods_refuses_entity_bombs_and_external_entities(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    for text in (BILLION_LAUGHS, external_entity(secret)):
        text = text.replace("<xml><records><record>", '<mods xmlns="http://www.loc.gov/mods/v3"><titleInfo>') \
                   .replace("</record></records></xml>", "</titleInfo></mods>")
        assert registry.detect_importer(text).name == "mods"
        library = loads(text, "mods", name="evil.xml")
        assert library.entries == []
        [problem] = library.problems
        assert problem.code == "unsafe-xml" and "TOP SECRET" not in problem.message


def test_a_broken_mods_record_is_reported_and_the_others_are_read():
    text = ('<?xml version="1.0"?>\n<mods:modsCollection xmlns:mods="http://www.loc.gov/mods/v3">\n'
            '<mods:mods><mods:titleInfo><mods:title>First</mods:title></mods:titleInfo></mods:mods>\n'
            '<mods:mods><mods:titleInfo><mods:title>Broken</mods:titel></mods:titleInfo></mods:mods>\n'
            '<mods:mods><mods:titleInfo><mods:title>Third</mods:title></mods:titleInfo></mods:mods>\n'
            '</mods:modsCollection>\n')
    assert [e.title for e in loads(text.replace("titel", "title"), "mods").entries] == ["First", "Broken", "Third"]
    library = loads(text, "mods", name="b.xml")
    assert [e.title for e in library.entries] == ["First", "Third"]
    assert [e.source.line for e in library.entries] == [3, 5]
    codes = [(p.line, p.code) for p in library.problems]
    assert codes[0][1] == "bad-xml" and codes[1:] == [(4, "bad-record")]


def test_mods_names_keep_every_part_and_detail():
    text = ('<mods xmlns="http://www.loc.gov/mods/v3"><titleInfo><nonSort>The</nonSort><title>Title</title>'
            '<subTitle>a sub</subTitle></titleInfo>'
            '<name type="personal"><namePart type="family">Smith</namePart><namePart>John</namePart>'
            '<namePart type="date">1900-1980</namePart><affiliation>Uni X</affiliation>'
            '<role><roleTerm type="text">thesis advisor</roleTerm></role></name>'
            '<name type="corporate"><namePart>World Health Organization</namePart>'
            '<role><roleTerm type="code" authority="marcrelator">aut</roleTerm></role></name>'
            '<name><namePart>Doe, Jane</namePart></name></mods>')
    [entry] = loads(text, "mods").entries
    assert entry.title == "The Title: a sub"
    [advisor] = entry.names["thesis-advisor"]
    assert (advisor.family, advisor.given) == ("Smith", "John")
    assert entry.extra["name-namePart-date"] == "John Smith: 1900-1980"
    assert entry.extra["name-affiliation"] == "John Smith: Uni X"
    assert [n.literal or n.family for n in entry.authors] == ["World Health Organization", "Doe"]
    again = loads(dumps(loads(text, "mods"), "mods"), "mods").entries[0]
    assert again.names == entry.names and again.extra == entry.extra


_words = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), blacklist_characters="\ufeff"),
                 min_size=1, max_size=12)
_phrase = st.lists(_words, min_size=1, max_size=5).map(" ".join)


@settings(max_examples=120, deadline=None)
@given(title=_phrase, container=_phrase, families=st.lists(_words, min_size=1, max_size=3), given_name=_words,
       year=st.integers(1000, 2999), month=st.none() | st.integers(1, 12), volume=_words, pages=_phrase,
       kind=st.sampled_from(["article-journal", "chapter", "paper-conference", "book", "report", "thesis"]),
       note=_phrase)
def test_generated_entries_survive_a_mods_round_trip(title, container, families, given_name, year, month, volume,
                                                     pages, kind, note):
    entry = Entry(key="k1", type=kind, fields={"title": Text(title), "container-title": Text(container),
                                               "volume": Text(volume), "page": Text(pages), "note": Text(note)},
                  names={"author": NameList([Name(family=f, given=given_name) for f in families])},
                  dates={"issued": Date(start=DateParts(year, month))})
    [back] = loads(dumps(Library.of([entry]), "mods"), "mods").entries
    assert (back.key, back.type, back.names, back.dates) == (entry.key, entry.type, entry.names, entry.dates)
    assert {k: str(v) for k, v in back.fields.items()} == {k: str(v) for k, v in entry.fields.items()}
