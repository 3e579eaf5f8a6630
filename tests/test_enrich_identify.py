"""Identifiers typed by users, and identifiers hidden in entries, reduce to one normal form."""
from __future__ import annotations

import pytest

from bibkit.api import loads
from bibkit.enrich.identify import entry_identifiers, parse_identifier
from bibkit.enrich.match import judge
from bibkit.enrich.merge import parse_overwrite
from bibkit.model import Date, DateParts, Entry, Name, NameList, Text


@pytest.mark.parametrize("text, expected", [
    ("10.1038/S41586-021-03819-2", ("doi", "10.1038/s41586-021-03819-2")),
    ("doi:10.1000/xyz", ("doi", "10.1000/xyz")),
    ("https://doi.org/10.1000/ABC", ("doi", "10.1000/abc")),
    ("https://dx.doi.org/10.1000/x", ("doi", "10.1000/x")),
    ("arXiv:2501.12948v2", ("arxiv", "2501.12948v2")),
    ("2501.12948", ("arxiv", "2501.12948")),
    ("0704.0001", ("arxiv", "0704.0001")),
    ("https://arxiv.org/abs/1706.03762v5", ("arxiv", "1706.03762v5")),
    ("https://arxiv.org/pdf/1706.03762v5.pdf", ("arxiv", "1706.03762v5")),
    ("arxiv.org/abs/hep-th/9711200", ("arxiv", "hep-th/9711200")),
    ("hep-th/9711200v3", ("arxiv", "hep-th/9711200v3")),
    ("math.AG/0601001", ("arxiv", "math.AG/0601001")),
    ("10.48550/arXiv.2501.12948", ("arxiv", "2501.12948")),
    ("https://doi.org/10.48550/arXiv.hep-th/9711200", ("arxiv", "hep-th/9711200")),
    ("ISBN 978-0-262-03384-8", ("isbn", "9780262033848")),
    ("isbn:0262033844", ("isbn", "0262033844")),
    ("9780262033848", ("isbn", "9780262033848")),
    ("pmid:32015507", ("pmid", "32015507")),
    ("PMID 32015507", ("pmid", "32015507")),
    ("https://pubmed.ncbi.nlm.nih.gov/32015507/", ("pmid", "32015507")),
])
def test_identifier_forms_reduce_to_kind_and_normal_form(text, expected):
    assert parse_identifier(text) == expected


@pytest.mark.parametrize("text", ["nonsense", "", "isbn:9780262033849", "arXiv:notanid", "doi:"])
def test_non_identifiers_are_refused(text):
    assert parse_identifier(text) is None


def test_arxiv_id_in_a_journal_field_counts_as_an_identifier():
    lib = loads("@article{k, title={T}, journal={arXiv preprint arXiv:1810.04805}, year={2018}}", "bibtex")
    assert entry_identifiers(lib.entries[0]) == [("arxiv", "1810.04805")]


def _entry(title: str, year: int | None, authors: int = 0, inferred: bool = False) -> Entry:
    e = Entry(fields={"title": Text(title)})
    if year:
        e.dates["issued"] = Date(start=DateParts(year), inferred=inferred)
    if authors:
        e.names["author"] = NameList([Name(family=f"A{i}") for i in range(authors)])
    return e


def test_title_match_accepts_case_and_punctuation_differences():
    assert judge(_entry("Attention is all you need.", 2017), _entry("Attention Is All You Need", 2017)).accepted


def test_title_match_rejects_same_title_of_another_year():
    verdict = judge(_entry("Attention Is All You Need", 2017), _entry("Attention is all you need", 2023))
    assert not verdict.accepted and "year" in verdict.reason


def test_title_match_rejects_a_different_title():
    verdict = judge(_entry("Attention Is All You Need", 2017), _entry("Attention Is Not All You Need", 2017))
    assert not verdict.accepted and "title" in verdict.reason


def test_listing_author_count_must_agree():
    listed = _entry("DeepSeek-R1: Incentivizing Reasoning", 2025)
    listed.extra["author-count"] = "200"
    assert not judge(listed, _entry("DeepSeek-R1: Incentivizing Reasoning", 2025, authors=3)).accepted
    assert judge(listed, _entry("DeepSeek-R1: Incentivizing Reasoning", 2025, authors=200)).accepted


def test_inferred_year_allows_one_year_of_slack():
    assert judge(_entry("A Long Enough Title Here", 2024, inferred=True), _entry("A Long Enough Title Here", 2025)).accepted


def test_overwrite_accepts_bibtex_names_and_refuses_unknown_fields():
    assert parse_overwrite("journal, year,pages") == {"container-title", "issued", "page"}
    with pytest.raises(ValueError):
        parse_overwrite("abstractt")


def test_a_truncated_author_list_does_not_contradict_the_count():
    listed = _entry("DeepSeek-R1: Incentivizing Reasoning", 2025)
    listed.extra["author-count"] = "200"
    hit = _entry("DeepSeek-R1: Incentivizing Reasoning", 2025, authors=100)
    hit.names["author"].others = True
    assert judge(listed, hit).accepted
