"""Real database exports (../shared/exports): PubMed, Web of Science, Scopus and IEEE Xplore.

Each file is read the way a new user reads it (``bibkit.api.load``: extension, then content),
whole: the record count of the exports' MANIFEST, every record titled, and the first and last
record's title, first author, year, container, volume, pages and DOI as the file has them.
"""
from __future__ import annotations

import re

import pytest

from bibkit import registry
from bibkit.api import load
from bibkit.io import read_input
from tests.conftest import require_shared

#: file -> (importer, first record, last record); a record is (title start, first author's
#: family name, year, container start, volume, pages, DOI), read off the file by hand
EXPECTED = [
    ("medline/blue-light.nbib", "medline",
     ("Formulation of Herbal Gel of Antirrhinum", "Shahtalebi", 2018, "Advanced biomedical research", "7", "53", "10.4103/abr.abr_99_17"),
     ("[Therapy of acne with visible light. Dec", "Meffert", 1990, "Dermatologische Monatschrift", "176", "597-603", "")),
    ("medline/fade.nbib", "medline",
     ("Characterization and mitigation of fragm", "Gregory", 2020, "NAR genomics and bioinformatic", "2", "lqaa070", "10.1093/nargab/lqaa070"),
     None),
    ("medline/medline-cancer.nbib", "medline",
     ("Prognostic value of preoperative von Wil", "Marfia", 2016, "Cancer medicine", "", "", "10.1002/cam4.747"),
     ("The targeted proteins in tumor cells tre", "Fang", 2016, "Journal of dairy science", "", "", "10.3168/jds.2016-10971")),
    ("medline/pmc_medlars.txt", "medline",
     ("A method package for electrophysiologica", "Takeuchi", 2018, "MethodsX", "5", "283-98", "10.1016/j.mex.2018.03.007"),
     ("Invited Editorial presents an accurate s", "Buchbinder", 2010, "The Medical journal of Austral", "192", "338-41", "")),
    ("medline/pubmed_result2.txt", "medline",
     ("A high level interface to SCOP and ASTRA", "Casbon", 2006, "BMC bioinformatics", "7", "10", "10.1186/1471-2105-7-10"),
     ("PDB file parser and structure class impl", "Hamelryck", 2003, "Bioinformatics (Oxford, Englan", "19", "2308-10", "")),
    ("pubmed-xml/pubmed-29768149.xml", "pubmed-xml",
     ("Inhaled Combined Budesonide-Formoterol a", "O'Byrne", 2018, "The New England journal of med", "378", "1865-1876", "10.1056/nejmoa1715274"),
     None),
    ("pubmed-xml/pubmed1.xml", "pubmed-xml",
     ("The treatment of AIDS behind the walls o", "Olivero", 1990, "Social justice (San Francisco,", "17", "113-25", ""),
     ("Magnetic studies of Chromatium flavocyto", "Strekas", 1976, "Biochimica et biophysica acta", "446", "179-91", "10.1016/0005-2795(76)90109-4")),
    ("pubmed-xml/pubmed4.xml", "pubmed-xml",
     ("Leucocyte telomere length, genetic varia", "Bao", 2017, "Gut", "66", "1116-1122", "10.1136/gutjnl-2016-312510"),
     None),
    ("pubmed-xml/pubmed7.xml", "pubmed-xml",
     ("Development of a pulmonary imaging bioma", "Guo", 2018, "Journal of medical imaging (Be", "5", "026002", "10.1117/1.jmi.5.2.026002"),
     None),
    ("wos/IsiImporterTestWOS.isi", "wos",
     ("Optical and photoelectric spectroscopy o", "Gamernyk", 2006, "JOURNAL OF PHYSICS-CONDENSED M", "18", "5323-5331", ""),
     ("Optical waveguides in Sn2P2S6 by low flu", "Guarino", 2006, "OPTICS EXPRESS", "14", "2344-2358", "")),
    ("wos/wos_plaintext.txt", "wos",
     ("Knowledge networks as channels and condu", "Owen-Smith", 2004, "ORGANIZATION SCIENCE", "15", "5-21", "10.1287/orsc.1030.0054"),
     ("Engineering research in ocean sector: An", "Dastidar", 2005, "SCIENTOMETRICS", "65", "199-213", "10.1007/s11192-005-0268-1")),
    ("wos/wos_sample.txt", "wos",
     ("Mapping the application of Geographic In", "Toh", 2026, "SURVEY REVIEW", "", "", "10.1080/00396265.2026.2635057"),
     ("PubMedMetaTool: Automated metadata extra", "Souza", 2025, "SOFTWARE IMPACTS", "24", "100766", "10.1016/j.simpa.2025.100766")),
    ("wos/wos_tab_delimited_win_utf8.txt", "wos-tab",
     ("Knowledge networks as channels and condu", "Owen-Smith", 2004, "ORGANIZATION SCIENCE", "15", "5-21", "10.1287/orsc.1030.0054"),
     ("Engineering research in ocean sector: An", "Dastidar", 2005, "SCIENTOMETRICS", "65", "199-213", "10.1007/s11192-005-0268-1")),
    ("scopus-csv/scopus.csv", "scopus-csv",
     ("Scalable molecular dynamics with NAMD", "Phillips", 2005, "Journal of Computational Chemi", "26", "1781-1802", "10.1002/jcc.20289"),
     ("Proceedings - 1999 International Confere", None, 1999, "Proceedings - 1999 Internation", "", "", "")),
    ("scopus-csv/scopus_sample.csv", "scopus-csv",
     ("Quantitative analysis of studies that us", "Liu", 2026, "Digital Health", "12", "", "10.1177/20552076261415846"),
     ("Evidences and perspectives of transjugul", "Li", 2025, "Medicine (United States)", "104", "e46229", "10.1097/md.0000000000046229")),
    ("scopus-csv/scopus_v2.csv", "scopus-csv",
     ("Gender-specific visual perturbation effe", "Hao", 2023, "Ergonomics", "66", "704-715", "10.1080/00140139.2022.2113152"),
     ("“Simulation of medical goggles to stop a", "Yang", 2023, "Ergonomics", "66", "350-365", "10.1080/00140139.2022.2084565")),
    ("ieee-csv/ieee.csv", "ieee-csv",
     ("Exascale Computing Trends: Adjusting to ", "Kogge", 2013, "Computing in Science & Enginee", "15", "16-26", "10.1109/mcse.2013.95"),
     ("Methodology and Application of HPC: I/O ", "Chang", 2016, "2016 5th Workshop on Extreme-S", "", "1-8", "10.1109/espt.2016.005")),
    ("ieee-csv/ieee_5.csv", "ieee-csv",
     ("CUDA accelerated iris template matching ", "Vandal", 2010, "2010 Fourth IEEE International", "", "1-7", "10.1109/btas.2010.5634505"),
     ("[Title page i]", None, 2011, "2011 11th IEEE/ACM Internation", "", "i", "10.1109/ccgrid.2011.1")),
]


def manifest_counts() -> dict[str, int]:
    """file -> record count, from the exports' MANIFEST table (computed from the files)."""
    text = require_shared("exports", "MANIFEST.md").read_text(encoding="utf-8")
    counts = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 9 and cells[2].startswith("`"):
            counts[cells[2].strip("`")] = int(re.match(r"\d+", cells[8]).group(0))
    return counts


def _summary(entry) -> tuple:
    first = entry.authors.names[0] if entry.authors else None
    family = (first.family or first.literal) if first else None
    return (entry.title[:40], family, entry.year, entry.get("container-title")[:30], entry.get("volume"),
            entry.get("page"), entry.ids.doi)


@pytest.mark.parametrize("rel,fmt,first,last", EXPECTED, ids=[e[0] for e in EXPECTED])
def test_real_export_is_read_whole_with_its_format_detected(rel, fmt, first, last):
    path = require_shared("exports", *rel.split("/"))
    text, _ = read_input(str(path))
    assert registry.detect_importer(text).name == fmt  # from the content alone
    lib = load(path)
    assert not [p for p in lib.problems if p.severity == "error"], lib.problems
    entries = lib.entries
    assert len(entries) == manifest_counts()[rel]
    assert all(e.title for e in entries), [e.source for e in entries if not e.title]
    assert all(e.source.format for e in entries) and {e.source.format for e in entries} <= {fmt, "wos"}
    assert _summary(entries[0]) == first
    assert _summary(entries[-1]) == (last or first)


def test_every_export_of_these_formats_is_in_the_table():
    """A file added to ../shared/exports for one of these formats gets checked too."""
    covered = {rel for rel, *_ in EXPECTED}
    listed = {rel for rel in manifest_counts() if rel.split("/")[0] in ("medline", "pubmed-xml", "wos", "ieee-csv")
              or rel.endswith(".csv")}
    assert listed == covered


# --------------------------------------------------------------------------- what each format carries


def _entries(rel: str):
    return load(require_shared("exports", *rel.split("/"))).entries


def test_medline_full_names_initials_journal_abbreviation_ids_mesh_and_type():
    entry = _entries("medline/pubmed_result2.txt")[0]
    assert [(n.family, n.given) for n in entry.authors][:3] == [("Casbon", "James A"), ("Crooks", "Gavin E"),
                                                               ("Saqi", "Mansoor A S")]
    assert entry.extra["medline:AU"].split("\n")[:2] == ["Casbon JA", "Crooks GE"]  # the initials, verbatim
    assert (entry.get("container-title"), entry.get("container-title-short")) == ("BMC bioinformatics", "BMC Bioinformatics")
    assert (entry.ids.pmid, entry.ids.pmcid, entry.ids.issn) == ("16403221", "PMC1373603", "1471-2105")
    assert "*Databases, Protein" in entry.get("keyword").split("; ")
    assert entry.type == "article-journal"
    assert entry.get("abstract").startswith("BACKGROUND: Benchmarking algorithms")
    assert "medline:PHST" in entry.extra and "medline:EDAT" in entry.extra  # nothing lost


def test_medline_issue_and_month_and_a_review_stays_a_journal_article():
    entries = _entries("medline/blue-light.nbib")
    second = entries[1]
    assert (second.get("volume"), second.get("issue"), second.get("page")) == ("57", "1", "94-103")
    assert second.dates["issued"].start.as_list() == [2018, 1]
    assert all(e.type == "article-journal" for e in entries)


def test_pubmed_xml_names_initials_abstract_sections_mesh_qualifiers_and_ids():
    entry = _entries("pubmed-xml/pubmed4.xml")[0]
    assert (entry.authors.names[0].family, entry.authors.names[0].given) == ("Bao", "Ying")
    assert entry.get("container-title-short") == "Gut"
    assert (entry.get("issue"), entry.ids.pmid, entry.ids.pmcid) == ("6", "27797938", "PMC5442267")
    assert "Adenocarcinoma/*epidemiology" in entry.get("keyword").split("; ")
    assert entry.dates["issued"].start.as_list() == [2017, 6]
    # elements without a slot are kept under their path, e.g. the grants
    assert "pubmed:MedlineCitation/Article/GrantList/Grant/GrantID" in entry.extra


def test_pubmed_xml_season_date_and_the_references_ids_are_not_the_articles():
    olivero = _entries("pubmed-xml/pubmed1.xml")[0]
    assert olivero.dates["issued"].year == 1990 and olivero.dates["issued"].season == 1  # "Spring"
    guo = _entries("pubmed-xml/pubmed7.xml")[0]
    assert guo.ids.pmid == "29963580" and guo.ids.doi == "10.1117/1.jmi.5.2.026002"
    assert "pubmed:PubmedData/ReferenceList/Reference/Citation" in guo.extra


def test_wos_plain_and_tab_delimited_give_the_same_records():
    plain = _entries("wos/wos_plaintext.txt")
    tab = _entries("wos/wos_tab_delimited_win_utf8.txt")
    assert [_summary(e) for e in plain] == [_summary(e) for e in tab]
    assert [[n.display() for n in e.authors] for e in plain] == [[n.display() for n in e.authors] for e in tab]
    first = plain[0]
    assert [n.display() for n in first.authors] == ["J. Owen-Smith", "W. W. Powell"]
    assert first.get("container-title-short") == "Organ Sci."
    assert first.dates["issued"].start.as_list() == [2004, 1] and first.dates["issued"].end.as_list() == [2004, 2]
    assert first.extra["wos:UT"] == "WOS:000220015600001"  # the accession number, kept


def test_scopus_full_names_win_and_a_funding_text_column_the_heading_lacks_is_placed():
    v2 = _entries("scopus-csv/scopus_v2.csv")[0]
    assert [n.display() for n in v2.authors] == ["Jie Hao", "Robin High", "Ka-Chun Siu"]
    assert v2.extra["scopus:Authors"] == "Hao J.; High R.; Siu K.-C."
    assert v2.extra["scopus:Author-s-ID"] == "57221302630; 6701683718; 57192938181"  # a field name any format can write
    assert (v2.ids.pmid, v2.ids.issn, v2.get("container-title-short")) == ("35965444", "0014-0139", "Ergonomics")
    old = _entries("scopus-csv/scopus.csv")
    # rows written with a "Funding Text 2" cell under a heading that has only "Funding Text 1"
    assert all(e.extra.get("scopus:EID", "").startswith("2-s2.0-") for e in old)
    assert old[-1].type == "paper-conference" and "scopus:Authors" in old[-1].extra  # "[No author name available]"


def test_ieee_authors_terms_and_conference_type():
    entries = _entries("ieee-csv/ieee.csv")
    assert [n.display() for n in entries[0].authors] == ["P. Kogge", "J. Shalf"]
    assert entries[0].type == "article-journal" and entries[-1].type == "paper-conference"
    assert "Computer architecture" in entries[0].get("keyword").split("; ")


def test_converted_exports_are_accepted_by_bibtex_and_biber(tmp_path):
    """The first records of one file of each format, written as .bib, run through the real
    tools (the verbatim extra fields included: their names are valid BibTeX field names)."""
    from bibkit.api import dumps
    from bibkit.keys import assign_keys
    from bibkit.model import Library
    from tests.texcheck import check_with_biber, check_with_bibtex

    files = ["medline/blue-light.nbib", "pubmed-xml/pubmed4.xml", "wos/wos_sample.txt", "scopus-csv/scopus_v2.csv",
             "ieee-csv/ieee.csv", "wos/wos_tab_delimited_win_utf8.txt"]
    lib = Library.of(e for rel in files for e in _entries(rel)[:8])
    assign_keys(lib.entries)
    assert len(lib.entries) == 8 + 1 + 8 + 8 + 8 + 8
    (tmp_path / "bibtex").mkdir()
    (tmp_path / "biber").mkdir()
    result = check_with_bibtex(dumps(lib, "bibtex"), tmp_path / "bibtex")
    assert result.ok, result.errors
    result = check_with_biber(dumps(lib, "biblatex"), tmp_path / "biber")
    assert result.ok, result.errors
