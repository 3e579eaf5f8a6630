"""Values a conversion must not alter (issue 17): each test reads the real file that showed it."""
from __future__ import annotations

import bibkit
from bibkit.api import dumps, loads


def test_a_title_nested_5000_braces_deep_is_read_and_the_entries_after_it_kept():
    depth = 5000
    text = ("@article{deep, title={" + "{" * depth + "Deep" + "}" * depth + "}, author={X, Y}, year=2000}\n\n"
            "@article{after, title={After}, year=2001}\n")
    library = loads(text, "bibtex")
    assert [e.key for e in library.entries] == ["deep", "after"]
    assert library.entries[0].fields["title"] == "Deep"
    again = loads(dumps(library, "bibtex"), "bibtex")
    assert [str(e.fields["title"]) for e in again.entries] == ["Deep", "After"]
    assert bibkit.dumps(library, "csljson").count('"title"') == 2
