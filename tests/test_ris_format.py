"""RIS in and out: the dialect quirks real exports have, and lossless round trips."""
from __future__ import annotations

from click.testing import CliRunner

from bibkit.api import dumps, loads
from bibkit.cli import main


def _one(text: str):
    lib = loads(text, "ris", name="t.ris")
    assert len(lib.entries) == 1, lib.problems
    return lib, lib.entries[0]


def test_au_and_a1_are_both_authors_in_order():
    _, e = _one("TY  - JOUR\nA1  - Smith, John\nAU  - Doe, Jane\nER  - \n")
    assert [n.family for n in e.authors] == ["Smith", "Doe"]


def test_a2_and_ed_are_editors():
    _, e = _one("TY  - CHAP\nAU  - Smith, J.\nA2  - Ed, One\nED  - Ed, Two\nER  - \n")
    assert [n.family for n in e.names["editor"]] == ["Ed", "Ed"]
    assert [n.given for n in e.names["editor"]] == ["One", "Two"]


def test_name_suffix_comes_third_in_ris():
    _, e = _one("TY  - JOUR\nAU  - King, Martin Luther, Jr.\nER  - \n")
    name = e.authors.names[0]
    assert (name.family, name.given, name.suffix) == ("King", "Martin Luther", "Jr.")


def test_py_slash_date_with_month_day_and_season():
    _, e = _one("TY  - JOUR\nPY  - 2020/05/01/\nER  - \n")
    assert e.dates["issued"].start.as_list() == [2020, 5, 1]
    _, e = _one("TY  - JOUR\nY1  - 1999///Spring\nER  - \n")
    assert e.dates["issued"].year == 1999 and e.dates["issued"].season == 1


def test_da_full_date_wins_over_py_year_and_both_are_written_back():
    text = "TY  - JOUR\nPY  - 2020\nDA  - 2020/05/01/\nER  - \n"
    _, e = _one(text)
    assert e.dates["issued"].start.as_list() == [2020, 5, 1]
    out = dumps(loads(text, "ris"), "ris")
    assert "PY  - 2020\n" in out and "DA  - 2020/05/01/\n" in out


def test_unreadable_date_is_reported_with_its_line_and_kept():
    lib, e = _one("TY  - JOUR\nTI  - x\nPY  - someday\nER  - \n")
    assert [(p.line, p.code) for p in lib.problems] == [(3, "bad-date")]
    assert e.extra["ris:PY"] == "someday"


def test_title_and_journal_dialects():
    _, e = _one("TY  - JOUR\nT1  - The Title\nJF  - Full Journal\nJA  - Abbr. J.\nER  - \n")
    assert e.title == "The Title"
    assert e.fields["container-title"] == "Full Journal"
    assert e.fields["container-title-short"] == "Abbr. J."
    _, e = _one("TY  - JOUR\nTI  - Other\nT2  - Secondary\nJO  - Journal\nER  - \n")
    assert e.fields["container-title"] == "Secondary"
    assert e.extra["ris:JO"] == "Journal"


def test_sp_ep_make_a_page_range_and_sp_alone_keeps_its_range():
    _, e = _one("TY  - JOUR\nSP  - 12\nEP  - 15\nER  - \n")
    assert e.fields["page"] == "12-15"
    _, e = _one("TY  - JOUR\nSP  - 101-109\nER  - \n")
    assert e.fields["page"] == "101-109"
    assert "SP  - 101-109\n" in dumps([e], "ris") and "EP  -" not in dumps([e], "ris")


def test_doi_url_abstract_keywords():
    _, e = _one("TY  - JOUR\nDO  - https://doi.org/10.1000/XYZ\nUR  - http://a.example\nUR  - http://b.example\n"
                "AB  - Abstract\nKW  - alpha\nKW  - beta, gamma\nER  - \n")
    assert e.ids.doi == "10.1000/xyz"
    assert e.ids.url == "http://a.example" and e.extra["ris:UR"] == "http://b.example"
    assert e.fields["abstract"] == "Abstract"
    out = dumps([e], "ris")
    assert "KW  - alpha\nKW  - beta, gamma\n" in out
    assert "DO  - https://doi.org/10.1000/XYZ\n" in out


def test_bad_doi_is_reported_and_kept():
    lib, e = _one("TY  - JOUR\nDO  - not a doi\nER  - \n")
    assert [(p.line, p.code) for p in lib.problems] == [(2, "bad-doi")]
    assert e.extra["ris:DO"] == "not a doi"


def test_blank_lines_and_wrapped_values_and_one_space_separator():
    text = "\n\nTY - JOUR\n\nTI  - A title that\n   goes on\n\nAU  - Smith, J.\nER  -\n\n"
    lib, e = _one(text)
    assert e.title == "A title that goes on"
    assert not lib.problems


def test_missing_er_is_a_warning_with_the_line_and_the_entry_is_kept():
    lib = loads("TY  - JOUR\nTI  - One\nTY  - BOOK\nTI  - Two\n", "ris", name="t.ris")
    assert [e.title for e in lib.entries] == ["One", "Two"]
    assert [(p.line, p.code) for p in lib.problems] == [(1, "ris-missing-er"), (3, "ris-missing-er")]


def test_lines_that_are_not_ris_are_reported_and_skipped():
    lib = loads("junk\nTY  - JOUR\nTI  - x\nER  - \nmore junk\n", "ris", name="t.ris")
    assert len(lib.entries) == 1
    assert [(p.line, p.code) for p in lib.problems] == [(1, "ris-syntax"), (5, "ris-syntax")]


def test_tag_before_ty_starts_an_entry_with_a_warning():
    lib = loads("TI  - Orphan\nER  - \n", "ris", name="t.ris")
    assert lib.entries[0].title == "Orphan"
    assert lib.problems[0].code == "ris-missing-ty" and lib.problems[0].line == 1


def test_unknown_type_is_kept_and_reported():
    lib, e = _one("TY  - WEIRD\nTI  - x\nER  - \n")
    assert e.type == "document" and lib.problems[0].code == "ris-bad-type"
    assert dumps([e], "ris").startswith("TY  - WEIRD\n")


def test_round_trip_keeps_every_tag():
    text = ("TY  - JOUR\nID  - k1\nA1  - Smith, John\nED  - Editor, E.\nT1  - Title\nJO  - J. Things\n"
            "JF  - Journal of Things\nY1  - 2019/03//\nVL  - 7\nIS  - 2\nSP  - 1\nEP  - 9\nSN  - 1234-5679\n"
            "DO  - 10.1/abc\nUR  - http://x.example\nAB  - Abs\nN1  - Note\nKW  - k\nLA  - en\n"
            "AD  - Some address\nC1  - custom one\nC1  - custom two\nER  - \n")
    first = loads(text, "ris")
    out = dumps(first, "ris")
    tags = lambda s: sorted(line[:2] + line[5:] for line in s.splitlines() if line.strip())
    assert tags(out) == tags(text)
    assert dumps(loads(out, "ris"), "ris") == out


def test_entries_from_other_formats_get_standard_tags():
    lib = loads("@article{k, author={Doe, Jane and Roe, R.}, title={T}, journal={J}, year=2001, month=mar, pages={3--4}, doi={10.1000/x}}", "bibtex")
    out = dumps(lib, "ris")
    for line in ("TY  - JOUR", "ID  - k", "AU  - Doe, Jane", "AU  - Roe, R.", "TI  - T", "T2  - J",
                 "PY  - 2001/03//", "SP  - 3", "EP  - 4", "DO  - 10.1000/x", "ER  - "):
        assert line in out.splitlines(), line


def test_cli_converts_ris_by_extension(tmp_path):
    src = tmp_path / "in.ris"
    src.write_text("TY  - BOOK\nID  - b1\nAU  - Doe, J.\nTI  - Book\nPY  - 2000\nPB  - Pub\nER  - \n")
    result = CliRunner().invoke(main, ["convert", str(src), "-t", "bibtex"])
    assert result.exit_code == 0, result.output
    assert "@book{b1," in result.output and "publisher = {Pub}" in result.output


def test_endnote_lists_continue_on_untagged_lines_and_notes_keep_their_line_breaks():
    text = ("TY  - JOUR\nAU  - Smith, A.\nDoe, J.\nKW  - citation\nreference\nlibrary\n"
            "SN  - 0000-0000\n9999-9999\nN1  - first line\n      * second line\n"
            "TI  - A title wrapped\n  over two lines\nER  -\n")
    lib, e = _one(text)
    assert not lib.problems
    assert [n.family for n in e.authors] == ["Smith", "Doe"]
    assert e.meta["ris_keywords"] == ["citation", "reference", "library"]
    assert e.ids.issn == "0000-0000" and e.extra["ris:SN"] == "9999-9999"
    assert e.fields["note"] == "first line\n* second line"
    assert e.title == "A title wrapped over two lines"
    again = loads(dumps([e], "ris"), "ris").entries[0]
    assert again.fields["note"] == e.fields["note"] and again.meta["ris_keywords"] == e.meta["ris_keywords"]


def test_numbering_lines_between_records_are_reported_not_fatal():
    lib = loads("1.\nTY  - JOUR\nTI  - One\nER  -\n\n2.\nTY  - JOUR\nTI  - Two\nER  -\n", "ris", name="n.ris")
    assert [e.title for e in lib.entries] == ["One", "Two"]
    assert [p.line for p in lib.problems] == [1, 6]
