"""CSV out: the chosen columns, every value intact, formulas made inert (OWASP CSV injection)."""
from __future__ import annotations

import csv
import io

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from bibkit.api import dumps, loads
from bibkit.cli import main
from bibkit.formats.csv_export import FORMULA_STARTS, neutralise
from bibkit.model import Entry, Identifiers, Library, Name, NameList, Text

BIB = r"""@article{safe,
  author = {Doe, Jane and {World Health Organization}},
  title = {Commas, "quotes" and a
           newline},
  journal = {Nature},
  year = 2020, pages = {1--9}, doi = {10.1000/xyz}
}
@misc{evil,
  author = {Smith, John},
  title = {=HYPERLINK("http://example.com","x")},
  note = {+1},
  howpublished = {@SUM(A1)},
  year = 1999
}
"""


def _read(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_convert_to_csv_writes_the_chosen_columns_in_order(tmp_path):
    src = tmp_path / "refs.bib"
    src.write_text(BIB)
    out = tmp_path / "refs.csv"
    result = CliRunner().invoke(main, ["convert", str(src), "--to", "csv", "-o", str(out),
                                       "--columns", "key,author,year,title,doi"])
    assert result.exit_code == 0, result.output
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["key", "author", "year", "title", "doi"]
    assert rows[1] == ["safe", "Doe, Jane and {World Health Organization}", "2020",
                       'Commas, "quotes" and a newline', "10.1000/xyz"]
    assert rows[2][3] == "'" + '=HYPERLINK("http://example.com","x")'
    assert "'journal' has no place in the chosen CSV columns" in result.output  # the loss report


def test_columns_are_refused_for_other_formats(tmp_path):
    src = tmp_path / "refs.bib"
    src.write_text(BIB)
    result = CliRunner().invoke(main, ["convert", str(src), "--to", "ris", "--columns", "key"])
    assert result.exit_code == 2 and "--columns is for CSV output" in result.output


def test_bibtex_and_csl_column_names_and_verbatim_fields_are_found():
    library = loads(BIB, "bibtex")
    rows = _read(dumps(library, "csv", columns="key,journal,container-title,pages,page,note,howpublished,nosuch"))
    assert rows[0]["journal"] == rows[0]["container-title"] == "Nature"
    assert rows[0]["pages"] == rows[0]["page"] == "1–9"
    assert rows[1]["note"] == "'+1" and rows[1]["howpublished"] == "'@SUM(A1)" and rows[1]["nosuch"] == ""


cells = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(cells, cells, cells), min_size=1, max_size=5))
def test_every_value_reads_back_intact_and_no_cell_starts_a_formula(rows):
    entries = []
    for i, (title, family, note) in enumerate(rows):
        entry = Entry(key=f"k{i}", type="article-journal", fields={"title": Text(title), "note": Text(note)},
                      names={"author": NameList([Name(literal=family)])} if family.strip() else {},
                      ids=Identifiers(doi="10.1/a"))
        entries.append(entry)
    text = dumps(Library.of(entries), "csv", columns=["key", "title", "note", "doi"])
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert read[0] == ["key", "title", "note", "doi"]
    assert len(read) == len(entries) + 1
    for entry, row in zip(entries, read[1:]):
        for value in row:
            assert not value.startswith(FORMULA_STARTS)
        assert row[1] == neutralise(str(entry.fields["title"]))
        assert row[2] == neutralise(str(entry.fields["note"]))
        unquoted = [v[1:] if v.startswith("'") and v[1:].startswith(FORMULA_STARTS) else v for v in row]
        assert unquoted[:3] == [entry.key, str(entry.fields["title"]), str(entry.fields["note"])]
