"""Affixes and edge punctuation are not part of a field's value; entries are built from spans."""
from __future__ import annotations

import pytest

from bibkit.reflist.build import build_entry, find_identifiers, parse_date, parse_name_list
from bibkit.reflist.fields import strip_affixes


@pytest.mark.parametrize("label, raw, value", [
    ("volume", "(Vol. 3,", "3"),
    ("volume", "vol. 36,", "36"),
    ("issue", "no. 11,", "11"),
    ("pages", "pp. 1761–1800).", "1761–1800"),
    ("pages", "p. 12.", "12"),
    ("editor", "In O. Card (Ed.),", "O. Card"),
    ("editor", "In: Smith, J., Doe, K. (eds.)", "Smith, J., Doe, K."),
    ("editor", "edited by Jane Doe,", "Jane Doe"),
    ("container", "In: Proceedings of the IEEE,", "Proceedings of the IEEE"),
    ("title", "“Virtual Machine Tool.”", "Virtual Machine Tool"),
    ("title", "Why do we remember the past?", "Why do we remember the past?"),
    ("date", "(2011).", "2011"),
    ("place", "London:", "London"),
    ("edition", "2nd ed.", "2nd"),
    ("url", "<https://example.org/a>.", "https://example.org/a"),
])
def test_affixes_and_edge_punctuation_are_stripped(label, raw, value):
    assert strip_affixes(label, raw) == value


def fams(value):
    return [(n.family, n.given) for n in parse_name_list(value)]


def test_inverted_names_with_initials_and_ampersand():
    assert fams("Antony, J., Lozano, A., & Bennion, K.") == [("Antony", "J."), ("Lozano", "A."), ("Bennion", "K.")]


def test_given_first_names_and_et_al():
    nl = parse_name_list("U. Ramer, E. L. Thorndike, et al.")
    assert [(n.family, n.given) for n in nl] == [("Ramer", "U."), ("Thorndike", "E. L.")] and nl.others


def test_vancouver_names_get_initials():
    assert fams("Antony J, Lozano AB, Bennion K.") == [("Antony", "J."), ("Lozano", "A. B."), ("Bennion", "K.")]


def test_chicago_first_inverted_then_given_first():
    assert fams("Antony, James, Andrew Lozano, and K. Bennion") == [
        ("Antony", "James"), ("Lozano", "Andrew"), ("Bennion", "K.")]


def test_dates_with_suffix_and_month():
    d, suffix = parse_date("(2019a).")
    assert d.year == 2019 and suffix == "a"
    d, _ = parse_date("March 2020")
    assert (d.start.year, d.start.month) == (2020, 3)


def test_identifiers_come_from_patterns_not_labels():
    ids = find_identifiers("Foo. arXiv:2501.12948v2. doi:10.1162/JOCN_a_02113. ISBN 978-0-262-03384-8. "
                           "https://example.org/x.")
    assert ids["doi"] == "10.1162/jocn_a_02113"
    assert (ids["arxiv"], ids["arxiv_version"]) == ("2501.12948", "v2")
    assert ids["isbn"] == "9780262033848"
    assert ids["url"] == "https://example.org/x"


def test_entry_from_labelled_words_is_canonical_and_typed():
    words = "Antony, J., & Chen, J. (2024). Memory for narratives. Journal of Cognition, 36(11), 2368-2385.".split()
    labels = ["author"] * 5 + ["date"] + ["title"] * 3 + ["container"] * 3 + ["volume", "pages"]
    built = build_entry(words, labels, [0.99] * len(words), " ".join(words))
    e = built.entry
    assert e.type == "article-journal"
    assert [n.family for n in e.names["author"]] == ["Antony", "Chen"]
    assert e.fields["title"] == "Memory for narratives"
    assert e.fields["container-title"] == "Journal of Cognition"
    assert (e.fields["volume"], e.fields["issue"], e.fields["page"]) == ("36", "11", "2368–2385")
    assert e.year == 2024 and not built.uncertain and not built.missing


def test_low_confidence_fields_are_reported():
    words = "Doe, J. 2020. A title. Some Press.".split()
    labels = ["author", "author", "date", "title", "title", "publisher", "publisher"]
    probs = [0.99, 0.99, 0.99, 0.99, 0.99, 0.3, 0.4]
    built = build_entry(words, labels, probs, " ".join(words))
    assert built.entry.type == "book"
    assert [u[0] for u in built.uncertain] == ["publisher"]


def test_a_lone_container_is_taken_as_the_title_and_reported():
    words = "Thorndike, E. L. Educational Psychology. New York: Teachers College, 1913.".split()
    labels = ["author"] * 3 + ["container"] * 2 + ["place"] * 2 + ["publisher"] * 2 + ["date"]
    built = build_entry(words, labels, [0.99] * len(words), " ".join(words))
    assert built.entry.title == "Educational Psychology" and "container-title" not in built.entry.fields
    assert built.entry.type == "book" and [u[0] for u in built.uncertain] == ["title"]


def test_in_before_a_container_without_editors_means_proceedings():
    words = "A. Vaswani, “Attention is all you need,” in Advances in Neural Information Processing Systems, 2017.".split()
    labels = ["author"] * 2 + ["title"] * 5 + ["container"] * 7 + ["date"]
    built = build_entry(words, labels, [0.99] * len(words), " ".join(words))
    assert built.entry.type == "paper-conference"
    assert built.entry.fields["container-title"] == "Advances in Neural Information Processing Systems"
