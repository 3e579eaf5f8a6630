"""The fast paths of name splitting give exactly what pybtex's BibTeX rules give."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pybtex.bibtex.utils import split_name_list
from pybtex.database import Person

from bibkit.latex import decode_plain
from bibkit.names import parse_name, parse_names

WORD = st.sampled_from(["Knuth", "Donald", "E.", "van", "der", "Berg", "Jr.", "de", "la", "O'Neil",
                        "Smith-Jones", "Lamport", "Anne", "Marie", "von", "Beethoven", "Ludwig",
                        "and", "AND", "Band", "Andrews", "Mc", "Łukasiewicz"])


def pybtex_name(raw: str):
    person = Person(raw)
    given = " ".join(person.first_names + person.middle_names)
    family = " ".join(person.last_names)
    if not family and given:
        family, given = given, ""
    return (decode_plain(family), decode_plain(given), decode_plain(" ".join(person.prelast_names)),
            decode_plain(" ".join(person.lineage_names)))


@settings(max_examples=300, deadline=None)
@given(st.lists(WORD.filter(lambda w: w.lower() != "and"), min_size=1, max_size=4),
       st.lists(WORD.filter(lambda w: w.lower() != "and"), max_size=3), st.booleans())
def test_fast_name_split_agrees_with_pybtex(first, last, comma):
    raw = (" ".join(last or ["X"]) + ", " + " ".join(first)) if comma else " ".join(first + last)
    name = parse_name(raw)
    assert (name.family, name.given, name.particle, name.suffix) == pybtex_name(raw)


@settings(max_examples=200, deadline=None)
@given(st.lists(WORD, min_size=1, max_size=8))
def test_fast_and_split_agrees_with_pybtex(words):
    value = " ".join(words)
    expected = [p for p in split_name_list(value) if p.strip()]
    parsed = parse_names(value)
    names = len(parsed.names) + (1 if parsed.others else 0)
    assert names == len([p for p in expected if p.strip()]) or not expected
