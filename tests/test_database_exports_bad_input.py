"""Bad database exports: unsafe XML refused, unreadable records reported as file:line with the
others still read, column mappings from the command line, no traceback on any text."""
from __future__ import annotations

import json

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from bibkit.api import loads
from bibkit.cli import main
from bibkit.formats.csv_tables import CSVImporter
from bibkit.formats.medline import MedlineImporter
from bibkit.formats.pubmed_xml import PubMedXMLImporter
from bibkit.formats.wos import WoSImporter, WoSTabImporter

ARTICLE = """<PubmedArticle><MedlineCitation><PMID>1</PMID><Article><Journal><Title>J</Title></Journal>
<ArticleTitle>{title}</ArticleTitle></Article></MedlineCitation></PubmedArticle>"""


def test_billion_laughs_is_refused_and_nothing_read():
    lol = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    text = (f'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [<!ENTITY lol0 "lol">{lol}]>\n'
            f"<PubmedArticleSet>{ARTICLE.format(title='&lol9;')}</PubmedArticleSet>")
    lib = PubMedXMLImporter().parse(text, "bomb.xml")
    assert lib.entries == []
    assert [(p.severity, p.code) for p in lib.problems] == [("error", "xml-unsafe")]
    assert "entities" in str(lib.problems[0])


def test_external_entity_naming_a_local_file_is_refused_and_the_file_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    text = (f'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'
            f"<PubmedArticleSet>{ARTICLE.format(title='&xxe;')}</PubmedArticleSet>")
    lib = PubMedXMLImporter().parse(text, "xxe.xml")
    assert lib.entries == [] and lib.problems[0].code == "xml-unsafe"
    assert "TOP SECRET" not in repr(lib)


def test_pubmed_doctype_line_alone_is_fine_and_broken_xml_names_its_line():
    text = ('<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2019//EN" '
            '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_190101.dtd">\n'
            f"<PubmedArticleSet>\n{ARTICLE.format(title='A &amp; B')}\n</PubmedArticleSet>\n")
    lib = loads(text, name="ok.xml")
    assert [e.title for e in lib.entries] == ["A & B"] and lib.entries[0].source.line == 4
    two = text.replace("</PubmedArticleSet>", ARTICLE.format(title="Second") + "\n</PubmedArticleSet>")
    broken = loads(two.replace("</Journal>", "", 1), "pubmed-xml", name="bad.xml")
    assert [e.title for e in broken.entries] == ["Second"]  # the broken record costs only itself
    expected = ["bad.xml:5: error: not well-formed XML (mismatched tag", "bad.xml:4: error: record 1 is not well-formed"]
    assert [str(p)[:len(e)] for p, e in zip(broken.problems, expected)] == expected and len(broken.problems) == 2


BOOK = """<?xml version="1.0" ?>
<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">
<PubmedArticleSet>
<PubmedBookArticle>
  <BookDocument>
    <PMID Version="1">20301295</PMID>
    <ArticleIdList><ArticleId IdType="bookaccession">NBK1250</ArticleId></ArticleIdList>
    <Book>
      <Publisher><PublisherName>University of Washington, Seattle</PublisherName>
        <PublisherLocation>Seattle (WA)</PublisherLocation></Publisher>
      <BookTitle book="gene">GeneReviews<sup>®</sup></BookTitle>
      <PubDate><Year>1993</Year></PubDate>
      <AuthorList Type="editors">
        <Author><LastName>Adam</LastName><ForeName>Margaret P</ForeName><Initials>MP</Initials></Author>
      </AuthorList>
      <Medium>Internet</Medium>
    </Book>
    <LocationLabel Type="chapter">CFTR-Related Disorders</LocationLabel>
    <ArticleTitle book="gene" part="cf">CFTR-Related Disorders</ArticleTitle>
    <Language>eng</Language>
    <AuthorList Type="authors">
      <Author><LastName>Ong</LastName><ForeName>Thida</ForeName><Initials>T</Initials></Author>
    </AuthorList>
    <PublicationType UI="D000000">Review</PublicationType>
    <Abstract><AbstractText Label="CLINICAL CHARACTERISTICS">CFTR-related disorders include ...</AbstractText></Abstract>
  </BookDocument>
  <PubmedBookData>
    <PublicationStatus>ppublish</PublicationStatus>
    <ArticleIdList><ArticleId IdType="pubmed">20301295</ArticleId></ArticleIdList>
  </PubmedBookData>
</PubmedBookArticle>
</PubmedArticleSet>
"""


def test_pubmed_book_chapter_has_its_book_editors_publisher_and_accession():
    lib = loads(BOOK, name="book.xml")
    assert not lib.problems
    entry = lib.entries[0]
    assert (entry.type, entry.title, entry.get("container-title")) == ("chapter", "CFTR-Related Disorders", "GeneReviews®")
    assert [n.family for n in entry.authors] == ["Ong"] and [n.family for n in entry.names["editor"]] == ["Adam"]
    assert (entry.get("publisher"), entry.get("publisher-place"), entry.year) == ("University of Washington, Seattle",
                                                                                  "Seattle (WA)", 1993)
    assert entry.ids.pmid == "20301295" and entry.extra["pubmed:ArticleId[bookaccession]"] == "NBK1250"
    assert entry.get("abstract") == "CLINICAL CHARACTERISTICS: CFTR-related disorders include ..."
    assert entry.extra["pubmed:PublicationType"] == "Review" and entry.source.line == 4


MEDLINE = """PMID- 1
TI  - First title
FAU - Doe, Jane
DP  - 2020 Jan-Feb

PMID- 2
TI  - Second
this line is not a tag line
AU  - Roe R
DP  - 1998 Dec-1999 Jan

PMID- 3
AU  - Poe E
"""


def test_medline_bad_line_and_untitled_record_reported_with_line_others_read():
    lib = loads(MEDLINE, name="r.nbib")
    assert [e.ids.pmid for e in lib.entries] == ["1", "2", "3"]
    assert [str(p) for p in lib.problems] == [
        "r.nbib:8: not a MEDLINE tag line (expected 'TAG - value'); skipped",
        "r.nbib:12: record 3 has no title (TI/BTI)",
    ]
    first, second = lib.entries[0], lib.entries[1]
    assert (first.dates["issued"].start.as_list(), first.dates["issued"].end.as_list()) == ([2020, 1], [2020, 2])
    assert (second.dates["issued"].start.as_list(), second.dates["issued"].end.as_list()) == ([1998, 12], [1999, 1])
    assert (second.authors.names[0].family, second.authors.names[0].given) == ("Roe", "R.")  # initials only


def test_medline_book_chapter_gets_its_book_and_type():
    text = "PMID- 9\nBTI - The Book\nTI  - The Chapter\nPT  - Book Chapter\nPB  - A Press\nPL  - Bethesda (MD)\n"
    entry = loads(text, name="b.nbib").entries[0]
    assert (entry.type, entry.title, entry.get("container-title")) == ("chapter", "The Chapter", "The Book")
    assert (entry.get("publisher"), entry.get("publisher-place")) == ("A Press", "Bethesda (MD)")


def test_wos_missing_er_and_stray_line_reported_records_kept():
    text = "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI One\nER\n\n?? what\nPT J\nTI Two\nPY 2020\n"
    lib = loads(text, name="w.txt")
    assert [e.title for e in lib.entries] == ["One", "Two"]
    assert [str(p) for p in lib.problems] == [
        "w.txt:7: not a Web of Science tag line (expected 'XX value'); skipped",
        "w.txt:8: last record has no 'ER'; ended at the end of the file",
    ]


def test_csv_short_row_reported_and_read_as_far_as_it_goes():
    text = "title,author,year,journal\nA,\"Doe, J.\",2020,J\nB,\"Roe, R.\"\n"
    lib = loads(text, "csv", name="t.csv")
    assert [e.title for e in lib.entries] == ["A", "B"]
    assert [str(p) for p in lib.problems] == ["t.csv:3: row has 2 cells for 4 columns; read as far as they go"]


def test_map_option_reads_any_table_and_overrides_a_known_layout(tmp_path):
    src = tmp_path / "sheet.csv"
    src.write_text("Paper,Who,When,Where,Notes\nA study,\"Doe, Jane; Roe, R.\",2021,Nature,kept\n", encoding="utf-8")
    runner = CliRunner()
    plain = runner.invoke(main, ["convert", str(src), "--to", "csljson"])
    assert plain.exit_code == 1 and "--map title=" in plain.output
    mapped = runner.invoke(main, ["convert", str(src), "--to", "csljson", "--map", "title=Paper", "--map", "author=Who",
                                  "--map", "year=When", "--map", "journal=Where"])
    assert mapped.exit_code == 0, mapped.output
    item = json.loads(mapped.stdout)[0]
    assert (item["title"], item["container-title"], item["issued"]["date-parts"]) == ("A study", "Nature", [[2021]])
    assert [a["family"] for a in item["author"]] == ["Doe", "Roe"]
    assert item["custom"]["bibkit"]["extra"]["csv:Notes"] == "kept"  # nothing lost
    bad = runner.invoke(main, ["convert", str(src), "--map", "title"])
    assert bad.exit_code == 2 and "FIELD=HEADING" in bad.output
    unknown = runner.invoke(main, ["convert", str(src), "--to", "csljson", "--map", "colour=Paper"])
    assert unknown.exit_code == 1 and "no field named 'colour'" in unknown.output


def test_bibtex_named_columns_need_no_mapping():
    text = '"ID","title","year","author","pages","volume","number","ENTRYTYPE","journal"\n' \
           '"id_1","A title",1996,"Ziegler, T. R. and Doe, J.","91-92",20,3,"article","Jpen"\n'
    assert CSVImporter().detect(text) == 0.8
    entry = loads(text, name="r.csv").entries[0]
    assert (entry.key, entry.type, entry.year, entry.get("issue"), entry.get("page")) == ("id_1", "article-journal", 1996, "3", "91-92")
    assert [n.family for n in entry.authors] == ["Ziegler", "Doe"]
    thesis = loads('title,author,year,type\nT,"Doe, J.",2001,PhD thesis\nU,"Roe, R.",2002,phdthesis\n', "csv").entries
    assert [(e.type, e.get("genre")) for e in thesis] == [("article-journal", "PhD thesis"), ("thesis", "")]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["PMID- 1", "TI  - T", "      more", "", "AU  - X Y", "FAU - ,", "DP  - 20xx",
                                 "PT J", "AU Smith, J", "   cont", "ER", "EF", "garbage ☃", "LID - [doi]",
                                 "title,author", '"a,b",c', "\t"]), max_size=25))
def test_no_traceback_on_any_mix_of_tag_lines(lines):
    text = "\n".join(lines)
    for imp in (MedlineImporter(), WoSImporter(), WoSTabImporter(), CSVImporter(), PubMedXMLImporter()):
        imp.detect(text)
        lib = imp.parse(text, "h.txt")
        assert all(p.file == "h.txt" for p in lib.problems)


def test_scopus_bom_before_the_first_quote_is_read_from_a_string_too():
    from tests.conftest import require_shared

    raw = require_shared("exports", "scopus-csv", "scopus_v2.csv").read_bytes().decode("utf-8")
    assert raw.startswith('\ufeff"Authors"')
    lib = loads(raw, name="<string>")  # no file, no extension: the content alone
    assert len(lib.entries) == 88 and lib.entries[0].authors.names[0].family == "Hao"
    assert lib.entries[0].source.format == "scopus-csv"
