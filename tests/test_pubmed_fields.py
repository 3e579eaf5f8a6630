"""PubMed's date and name spellings, read once for MEDLINE, PubMed XML and the esummary look-up."""
from __future__ import annotations

import pytest

from bibkit.enrich.sources.pubmed import summary_to_csl
from bibkit.formats.pubmed_fields import name_from_short, parse_pubmed_date, type_from_publication_types


@pytest.mark.parametrize("text,start,end,season", [
    ("2006", [2006], None, None),
    ("2018 Jan", [2018, 1], None, None),
    ("2018 Mar 27", [2018, 3, 27], None, None),
    ("2018 Jan-Feb", [2018, 1], [2018, 2], None),
    ("1998 Dec-1999 Jan", [1998, 12], [1999, 1], None),
    ("2018 Jan 1-15", [2018, 1, 1], [2018, 1, 15], None),
    ("2017 Winter", [2017], None, 4),
    ("2004 JAN-FEB", [2004, 1], [2004, 2], None),
    ("20060110", [2006, 1, 10], None, None),
])
def test_pubmed_date_spellings(text, start, end, season):
    date = parse_pubmed_date(text)
    assert date.start.as_list() == start
    assert (date.end.as_list() if date.end else None) == end
    assert date.season == season


def test_what_is_not_a_date_is_none():
    assert parse_pubmed_date("someday") is None
    assert parse_pubmed_date("2018 Smarch") is None


def test_short_names_and_publication_types():
    assert (name_from_short("Casbon JA").family, name_from_short("Casbon JA").given) == ("Casbon", "J. A.")
    assert name_from_short("World Health Organization").literal == "World Health Organization"
    assert type_from_publication_types(["Journal Article", "Review"]) == "article-journal"
    assert type_from_publication_types(["Book Chapter"]) == "chapter"
    assert type_from_publication_types(["Preprint", "Journal Article"]) == "article"


def test_esummary_look_up_reads_names_and_dates_the_same_way():
    item = summary_to_csl({"title": "A title.", "authors": [{"name": "Casbon JA", "authtype": "Author"}],
                           "pubdate": "2018 Jan-Feb", "source": "BMC Bioinformatics"})
    assert item["author"] == [{"family": "Casbon", "given": "J. A."}]
    assert item["issued"] == {"date-parts": [[2018, 1], [2018, 2]]}
    assert summary_to_csl({"pubdate": "2006 Spring"})["issued"] == {"date-parts": [[2006]], "season": 1}
