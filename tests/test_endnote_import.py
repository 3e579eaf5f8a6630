"""EndNote XML and EndNote tagged (Refer) exports read into canonical entries."""
from __future__ import annotations

import csv

import pytest

from bibkit import registry
from bibkit.api import load, loads
from tests.conftest import require_shared

# (file under shared/exports, records in MANIFEST.md, first record, last record); each record is
# (title, first author's family name, year, container, volume, pages, DOI), read off the file
EXPORTS = [
    ("endnote-xml/Dump-Converted test.xml", 25,
     ("AAN's First 21st-Century Position Statement on Ethical Consideration in Dementia Diagnosis and Care",
      None, 2021, "Neurology", "97", "704-704", "10.1212/wnl.0000000000012606"),
     ("A Review of Scientific Ethics Issues Associated with the Recently Approved Drugs for Alzheimer's Disease",
      "Yeo-Teh", 2023, "Science & Engineering Ethics", "29", "2", "10.1007/s11948-022-00422-0")),
    ("endnote-xml/EndnoteXmlImporterTestArticle.xml", 1,
     ("Trends in the lifetime risk of developing cancer in Great Britain: comparison of risk for those born "
      "from 1930 to 1960", "Ahmad", 2015, "Br J Cancer", "112", "943-7", "10.1038/bjc.2014.606"), None),
    ("endnote-xml/Endnote_3_citations.xml", 3,
     ("Important roles of enthalpic and entropic contributions to CO2 capture from simulated flue gas and "
      "ambient air using mesoporous silica grafted amines", "Alkhabbaz", 2014, "J Am Chem Soc", "136",
      "13170-3", "10.1021/ja507655x"),
     ("Strong CO2 binding in a water-stable, triazolate-bridged metal-organic framework functionalized with "
      "ethylenediamine", "Demessence", 2009, "J Am Chem Soc", "131", "8784-6", "10.1021/ja903411w")),
    ("endnote-xml/SpiderCite demo.xml", 10,
     ("A multicenter, randomized, split-face clinical trial evaluating the efficacy and safety of chromophore "
      "gel-assisted blue light phototherapy for the treatment of acne", "Antoniou", 2016, "Int J Dermatol", "55",
      "1321-1328", "10.1111/ijd.13349"),
     ("Blue light phototherapy in the treatment of acne", "Tzung", 2004, "Photodermatol Photoimmunol Photomed",
      "20", "266-9", "10.1111/j.1600-0781.2004.00109.x")),
    ("endnote-xml/endnote-sm.xml", 5,
     ("In situ carcinomas of the female breast. Diagnostic and therapeutic aspects with special reference to "
      "histological growth patterns. Clinical review", "Blichert-Toft", 1990, "Acta Chirurgica Scandinavica",
      "156", "113-9", ""),
     ("Do we all have cancer?", "Resch", 2008, "Journal fur Pharmakologie und Therapie", "17", "1-2", "")),
    ("endnote-refer/Endnote.book.example.enw", 1,
     ("Git : dezentrale Versionsverwaltung im Team : Grundlagen und Workflows", "Preißel", 2016, "", "",
      "XX, 327", ""), None),
    ("endnote-refer/ais_enl.txt", 6,
     ("How Trust Leads to Commitment on Microsourcing Platforms: Unraveling the Effects of Governance and "
      "Third-Party Mechanisms on Triadic Microsourcing Relationships", "Guo", 2021,
      "Management Information Systems Quarterly", "45", "1309-1348", ""),
     ("IT INNOVATIONS AND ENTREPRENEURSHIP IN EMERGING ECONOMIES - IS CLOUD COMPUTING A MAGIC INGREDIENT FOR "
      "EGYPTIAN ENTREPRENEURS?", "El-Gazzar", 2017, "Research Papers", "", "1044-1061", "")),
    ("endnote-refer/citations.enw", 13,
     ("Attention functioning among adolescents with multiple learning, attentional, behavioral, and emotional "
      "difficulties", "Shalev", 2016, "Journal of learning disabilities", "49", "582-596", ""),
     ("Are attention and cognitive control altered by fMRI scanner environment? Evidence from Go/No-go tasks "
      "in ADHD", "Kolodny", 2022, "Brain imaging and behavior", "16", "1003-1013", "")),
    ("endnote-refer/scholar.enw", 1,
     ("Shortcuts for faster image creation in PyMOL", "Mooers", 2020, "Protein Science", "29", "268-276", ""),
     None),
]


def _summary(entry):
    first = entry.authors.names[0].family if entry.authors.names else None
    pages = entry.get("page") or entry.get("number-of-pages")
    return (entry.title, first, entry.year, entry.get("container-title"), entry.get("volume"), pages, entry.ids.doi)


@pytest.mark.parametrize("relpath, count, first, last", EXPORTS, ids=[e[0] for e in EXPORTS])
def test_each_real_endnote_export_is_detected_and_read_whole(relpath, count, first, last):
    path = require_shared("exports", *relpath.split("/"))
    text = path.read_text(encoding="utf-8-sig")
    expected_format = "endnote-xml" if relpath.startswith("endnote-xml") else "refer"
    assert registry.detect_importer(text).name == expected_format
    library = loads(text, name=path.name)  # no extension hint: detected from the content
    assert not [p for p in library.problems if p.severity == "error"]
    entries = library.entries
    assert len(entries) == count
    assert all(e.title for e in entries)
    assert _summary(entries[0]) == first
    assert _summary(entries[-1]) == (last or first)


def test_respiratory_endnote_xml_matches_its_csv_record_by_record():
    xml = require_shared("dedupe-sr", "respiratory", "Respiratory.xml")
    with open(xml.with_name("records_pre_merged.csv"), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    library = load(xml)
    assert not library.problems
    assert len(library.entries) == len(rows) == 1988
    for number, (row, entry) in enumerate(zip(rows, library.entries), 1):
        assert entry.title == row["title"], number
        assert str(entry.year) == row["year"], number
        written = row["author"].split(" and ")[0].rstrip(",")  # EndNote's "Family, Given, Suffix"
        name = entry.authors.names[0] if entry.authors.names else None
        if name is None:
            assert written == "", number
        elif name.literal:
            assert name.literal == written, number
        else:
            family = f"{name.particle} {name.family}".strip()
            assert ", ".join(p for p in (family, name.given, name.suffix) if p) == written, number


def test_endnote_xml_keeps_provenance_custom_fields_and_keywords_verbatim():
    path = require_shared("exports", "endnote-xml", "endnote-sm.xml")
    entries = load(path).entries
    first = entries[0]
    assert first.extra["accession-num"] == "2158737"
    assert first.extra["remote-database-name"]
    assert {k: v for k, v in entries[3].extra.items() if k.startswith("custom")} == {
        f"custom{n}": f"C{n}" for n in range(1, 8)}
    assert first.meta["endnote"]["source-app"].startswith("EndNote")
    words = first.meta["ris_keywords"]
    assert first.get("keyword") == ", ".join(words) and len(words) > 3


STYLED = ('<?xml version="1.0" encoding="UTF-8" ?><xml><records>'
          '<record><ref-type name="Book Section">5</ref-type><contributors><authors><author>'
          '<style face="normal" font="default" size="100%">World Health Organization,</style></author></authors>'
          '<secondary-authors><author>Smith, J. W., 2nd</author></secondary-authors></contributors>'
          '<titles><title><style face="normal">The gene </style><style face="italic">BRCA1</style></title>'
          '<secondary-title>A Book</secondary-title></titles><dates><year>2019</year>'
          '<pub-dates><date>Apr-Jun</date></pub-dates></dates><custom7>my value</custom7></record>'
          '<record><ref-type>17</ref-type><titles><title>Second</title></titles></record>'
          '</records></xml>')


def test_endnote_xml_styles_roles_and_dates_map_to_the_model():
    library = loads(STYLED)
    book, article = library.entries
    assert book.type == "chapter" and book.source_type == "Book Section"
    assert book.title == "The gene BRCA1"
    assert [(book.title[m.start:m.end], m.kind) for m in book.title.marks] == [("BRCA1", "italic")]
    assert book.authors.names[0].literal == "World Health Organization"
    editor = book.names["editor"].names[0]
    assert (editor.family, editor.given, editor.suffix) == ("Smith", "J. W.", "2nd")
    issued = book.dates["issued"]
    assert (issued.start.month, issued.end.month) == (4, 6)
    assert book.extra["custom7"] == "my value"
    assert article.type == "article-journal" and article.source_type == "Journal Article"


def test_a_broken_endnote_record_is_reported_and_the_others_are_read():
    broken = STYLED.replace("<title>Second</title>", "<title>Second</titel>")
    library = loads(broken, name="broken.xml")
    assert [e.title for e in library.entries] == ["The gene BRCA1"]
    errors = [p for p in library.problems if p.severity == "error"]
    assert any(p.code == "bad-record" and "record 2" in p.message for p in errors)
    assert all(p.file == "broken.xml" for p in errors)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE xml [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<xml><records><record><ref-type name="Journal Article">17</ref-type><titles><title>&lol9;</title></titles></record></records></xml>
"""


def external_entity(secret) -> str:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE xml [<!ENTITY secret SYSTEM "file://{secret}">]>\n'
            '<xml><records><record><ref-type name="Journal Article">17</ref-type>'
            '<titles><title>&secret;</title></titles></record></records></xml>\n')


def test_endnote_xml_refuses_entity_bombs_and_external_entities(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    for text in (BILLION_LAUGHS, external_entity(secret)):
        assert registry.detect_importer(text).name == "endnote-xml"  # recognised, then refused
        library = loads(text, name="evil.xml")
        assert library.entries == []
        [problem] = library.problems
        assert problem.severity == "error" and problem.code == "unsafe-xml"
        assert "DOCTYPE" in problem.message and "TOP SECRET" not in problem.message


def test_refer_records_without_a_type_are_typed_from_their_fields_and_bad_lines_reported():
    text = ("%T Untyped in a journal\n%A Doe, Jane\n%J Some Journal\n%V 3\n%D 2001\n\n"
            "stray line\n%0 Book\n%T A book\n%I Pub\n%P 300\n%K one\ntwo, with comma\n%Q odd\n%0 Thesis\n%T Next\n")
    library = registry.importer("refer").parse(text, "t.enw")
    first, book, thesis = library.entries
    assert first.type == "article-journal" and first.meta["type_inferred"]
    assert book.type == "book" and book.get("number-of-pages") == "300"
    assert book.meta["ris_keywords"] == ["one", "two, with comma"]
    assert thesis.title == "Next"
    assert any(p.line == 7 and p.code == "refer-syntax" for p in library.problems)
