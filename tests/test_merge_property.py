"""Property: the order of the entries never changes the merge result or the keys."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from bibkit.api import dumps, loads
from bibkit.transforms.merge import dedupe_library, merge_libraries

AUTHORS = ["Smith, John", "Smith, J.", "Doe, Jane", "{World Health Organization}", "Müller, Jörg", ""]
TITLES = ["Widget Theory", "Widget theory.", "Widget Theory, Part II", "Gadgets", "The Gadgets", "Über Alles", ""]
JOURNALS = ["", "Journal A", "Journal B"]
DOIS = ["", "10.1000/x", "10.1000/X", "10.1000/y", "10.48550/arXiv.2001.00001"]

row = st.tuples(st.sampled_from(AUTHORS), st.sampled_from(TITLES), st.sampled_from([2019, 2020, 2022, None]),
                st.sampled_from(JOURNALS), st.sampled_from(DOIS), st.sampled_from(["", "k1", "k2", "smith2019widget"]))


def bib(rows) -> str:
    parts = []
    for author, title, year, journal, doi, key in rows:
        fields = [f"title={{{title}}}"]
        for name, value in (("author", author), ("year", year), ("journal", journal), ("doi", doi)):
            if value:
                fields.append(f"{name}={{{value}}}")
        parts.append(f"@article{{{key}, {', '.join(fields)}}}")
    return "\n".join(parts)


def canonical(result) -> tuple:
    entries = sorted(dumps([e], "bibtex") for e in result.library.entries)
    conflicts = sorted((c.key, c.field, c.kept, c.other, c.resolution) for c in result.conflicts)
    return entries, conflicts


@settings(max_examples=80, deadline=None)
@given(st.lists(row, max_size=7), st.lists(row, min_size=1, max_size=7), st.randoms(use_true_random=False),
       st.sampled_from(["combine", "first", "last", "overwrite"]))
def test_shuffling_inputs_never_changes_the_merge(old_rows, new_rows, rnd, strategy):
    def run(shuffle: bool):
        o, n = list(old_rows), list(new_rows)
        if shuffle:
            rnd.shuffle(o)
            rnd.shuffle(n)
        return merge_libraries(loads(bib(o), "bibtex"), [loads(bib(n), "bibtex")], strategy)

    assert canonical(run(False)) == canonical(run(True))


@settings(max_examples=60, deadline=None)
@given(st.lists(row, min_size=1, max_size=10), st.randoms(use_true_random=False))
def test_shuffling_never_changes_dedupe(rows, rnd):
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    a = dedupe_library(loads(bib(rows), "bibtex"))
    b = dedupe_library(loads(bib(shuffled), "bibtex"))
    assert canonical(a) == canonical(b)
