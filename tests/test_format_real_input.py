"""Reference lists that hold on real input: the inputs users met in issue 11, end to end.

Each case is one entry that used to crash the engine, print garbage or change the data; the
test formats it through the CLI (BibTeX and CSL-JSON) and checks the printed text.
"""
from __future__ import annotations

import json

import pytest

MONTH_RANGE_BIB = r"""@article{turing2019,
  author = {Turing, Alan M.},
  title = {Computing Machinery and Intelligence},
  journal = {Mind},
  date = {2019-10/2019-12},
  volume = {59}, pages = {433--460}
}
@book{doe2020, author = {Doe, Jane}, title = {A Book}, publisher = {Pub}, year = {2020}}
"""


@pytest.fixture
def run():
    from click.testing import CliRunner

    from bibkit.cli import main

    def invoke(*args: str):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return invoke


def _write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("style", ["apa", "chicago-author-date", "harvard-cite-them-right",
                                   "ieee", "modern-language-association"])
def test_month_range_date_formats_in_every_style(run, tmp_path, style):
    result = run("format", _write(tmp_path, "r.bib", MONTH_RANGE_BIB), "--style", style)
    assert result.exit_code == 0, result.output
    assert "Computing Machinery" in result.stdout and "A Book" in result.stdout
    assert "2019" in result.stdout


def test_month_range_in_a_year_only_style_prints_the_year_once():
    from bibkit.csl import Processor

    item = {"id": "x", "type": "article-journal", "title": "X", "container-title": "J",
            "author": [{"family": "Roe", "given": "R."}],
            "issued": {"date-parts": [[2019, 10], [2019, 12]]}}
    assert Processor("apa").bibliography([item]) == ["Roe, R. (2019). X. J."]
    # a style that prints months shows the range of months
    assert "Oct.\u2013Dec. 2019" in Processor("ieee").bibliography([item])[0]


@pytest.mark.parametrize(("style", "expected"), [("apa", "(2nd ed.)"), ("ieee", "2nd ed.")])
def test_ordinal_edition_typed_as_ordinal_is_not_suffixed_twice(run, tmp_path, style, expected):
    bib = "@book{doe, author={Doe, Jane}, title={A Book}, edition={2nd}, publisher={Pub}, year=2020}\n"
    out = run("format", _write(tmp_path, "e.bib", bib), "--style", style).stdout
    assert expected in out
    assert "2ndnd" not in out


def test_numeric_edition_still_gets_the_locales_ordinal():
    from bibkit.csl import Processor

    item = {"id": "b", "type": "book", "title": "B", "edition": "3", "publisher": "P",
            "issued": {"date-parts": [[2000]]}}
    assert "(3rd ed.)" in Processor("apa").bibliography([item])[0]


def test_colon_after_a_quoted_title_question_is_kept(run, tmp_path):
    bib = (r"@inproceedings{ribeiro2016, author={Ribeiro, Marco}, title={``Why Should I Trust "
           r"You?'': Explaining the Predictions of Any Classifier}, booktitle={KDD}, year=2016}" "\n")
    path = _write(tmp_path, "q.bib", bib)
    apa = run("format", path, "--style", "apa").stdout
    assert "\u201cWhy Should I Trust You?\u201d: Explaining" in apa
    ieee = run("format", path, "--style", "ieee").stdout
    assert "\u2018Why Should I Trust You?\u2019: Explaining" in ieee


MALFORMED = [
    {"id": "stringauthor", "type": "book", "title": "Strings", "author": "Doe, Jane",
     "publisher": "P", "issued": {"date-parts": [[2021]]}},
    {"id": "emptyname", "type": "book", "title": "Empty Name",
     "author": [{"foo": "bar"}, {"family": "Roe", "given": "Rita"}], "edition": ["2"],
     "issued": {"date-parts": [["abc"]]}},
    {"id": "nullparts", "type": "book", "title": "Null Parts",
     "author": [{"family": None, "given": "Ann", "literal": None}], "volume": {"n": 2},
     "issued": {"date-parts": [2018, 5]}},
]


def test_malformed_csljson_is_reported_by_id_and_field_and_formatted_from_what_is_usable(run, tmp_path):
    path = _write(tmp_path, "bad.json", json.dumps(MALFORMED, indent=1))
    result = run("format", path, "--style", "apa")
    assert result.exit_code == 1
    out, err = result.stdout, result.stderr
    lines = out.splitlines()
    assert len(lines) == 3, out
    assert "Doe, J. (2021). Strings" in out  # the string read as a name, not split into letters
    assert "D, o, e" not in out
    assert "None" not in out
    assert "Roe, R. (n.d.). Empty Name (2nd ed.)." in out  # the list's value is used
    assert "Ann. (2018). Null Parts" in out  # date-parts as a flat list read as one date
    assert "item 'stringauthor': author is a string" in err
    assert "item 'emptyname': author name 1" in err and "no family, given or literal part" in err
    assert "item 'emptyname': edition is a list" in err
    assert "item 'emptyname': issued date-parts" in err and "not all numbers" in err
    assert "item 'nullparts': volume is" in err
    assert "item 'nullparts': issued date-parts [2018, 5] is not a list of lists" in err
    assert all(line.startswith(path + ":") for line in err.splitlines()), err


def test_malformed_csljson_items_are_problems_of_the_import():
    import bibkit

    library = bibkit.loads(json.dumps(MALFORMED), "csljson")
    codes = {(p.severity, p.code) for p in library.problems}
    assert ("error", "bad-value") in codes
    entry = library.entries[0]
    assert [n.family for n in entry.names["author"].names] == ["Doe"]
    assert library.entries[1].fields["edition"] == "2"


def test_processor_given_raw_malformed_items_never_splits_names_or_prints_none():
    from bibkit.csl import Processor

    items = [{"id": "a", "type": "book", "title": "A", "author": "World Health Organization",
              "issued": {"date-parts": [[2020]]}},
             {"id": "b", "type": "book", "title": "B", "author": [{}, {"given": None, "family": "Roe"}],
              "issued": {"date-parts": [[2020]]}}]
    out = Processor("apa").bibliography(items)
    assert "Roe. (2020). B." in out
    assert any(e.startswith("World Health Organization. (2020). A") for e in out), out
    assert not any("None" in e or "W, o" in e for e in out)


#: A style whose macro calls itself for books: the engine cannot render a book in it.
LOOP_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Loops on books</title><id>loop</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <macro name="loop">
    <choose><if type="book"><text macro="loop"/></if><else><text variable="title"/></else></choose>
  </macro>
  <citation><layout><text macro="loop"/></layout></citation>
  <bibliography><layout><names variable="author"/><text macro="loop" prefix=". "/></layout></bibliography>
</style>
"""


@pytest.mark.parametrize("to", ["text", "html", "latex"])
def test_entry_the_engine_cannot_render_is_reported_and_the_rest_is_formatted(run, tmp_path, to):
    bib = _write(tmp_path, "r.bib", MONTH_RANGE_BIB)
    style = _write(tmp_path, "loop.csl", LOOP_STYLE)
    result = run("format", bib, "--style", style, "--to", to)
    assert result.exit_code == 1
    assert "Computing Machinery and Intelligence" in result.stdout
    assert "A Book" not in result.stdout
    assert f"{bib}:8: error: entry 'doe2020' could not be formatted" in result.stderr
    assert "RecursionError" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_cite_of_an_entry_the_engine_cannot_render_is_reported(run, tmp_path):
    bib = _write(tmp_path, "r.bib", MONTH_RANGE_BIB)
    style = _write(tmp_path, "loop.csl", LOOP_STYLE)
    result = run("cite", bib, "turing2019", "doe2020", "--style", style)
    assert result.exit_code == 1
    assert "Computing Machinery" in result.stdout
    assert "entry 'doe2020' could not be formatted" in result.stderr


def test_processor_leaves_out_an_unrenderable_item_and_says_which():
    from bibkit.csl import Processor
    from bibkit.csl.processor import RenderFailure

    items = [{"id": "ok", "type": "book", "title": "Fine", "issued": {"date-parts": [[2001]]}},
             {"id": "bad", "type": ["book"], "title": "Typed as a list"}]
    failures: list = []
    out = Processor("apa").bibliography(items, failures=failures)
    assert out == ["Fine. (2001)."]
    assert [f.id for f in failures] == ["bad"] and isinstance(failures[0], RenderFailure)
    assert "TypeError" in failures[0].message
    with pytest.warns(RuntimeWarning, match="'bad' could not be rendered"):
        assert Processor("apa").bibliography(items) == ["Fine. (2001)."]
    cites = Processor("apa").citations([[{"id": "ok"}], [{"id": "bad"}]], items, failures=[])
    assert cites[0] == "(Fine, 2001)"


def test_format_never_raises_on_the_shared_messy_files_and_recorded_api_answers():
    """Every messy file, recorded API answer and example in ../shared formats or is reported:
    a user never sees a traceback (corpus/ordinary: see the README's command)."""
    from click.testing import CliRunner

    from bibkit.cli import main
    from tests.conftest import require_shared

    paths = [p for folder in ("messy", "real_api", "examples")
             for p in sorted(require_shared(folder).rglob("*")) if p.is_file()]
    assert len(paths) > 60
    crashed = []
    for path in paths:
        for to in ("text", "latex"):
            result = CliRunner().invoke(main, ["format", str(path), "--style", "apa", "--to", to])
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                crashed.append(f"{path.name} --to {to}: {result.exception!r}")
            elif "Traceback" in result.output:
                crashed.append(f"{path.name} --to {to}: printed a traceback")
    assert not crashed, "\n".join(crashed)


def test_crossref_csl_answer_with_list_values_formats_cleanly(run):
    """Crossref's CSL-JSON gives ISSN, subtitle and original-title as lists: read as text
    (reported as warnings), never printed as "[]"."""
    from tests.conftest import require_shared

    path = require_shared("real_api", "doi", "csl__10.1021_ja01577a030.json")
    result = run("format", str(path), "--style", "apa")
    assert result.exit_code == 0, result.stderr
    assert "Correlation of the Base Strengths of Amines1." in result.stdout
    assert "[]" not in result.stdout
    assert "ISSN is a list" in result.stderr


def test_one_styles_name_options_never_leak_into_the_next_style():
    """Styles whose cs:names has no cs:name share a default name node: its cached options
    must be each style's own (AMA shows 3 names of 7, Vancouver 6)."""
    from bibkit.csl import Processor

    people = [{"family": f"F{i}", "given": "A"} for i in range(7)]
    item = {"id": "a", "type": "article-journal", "title": "T", "container-title": "J",
            "author": people, "issued": {"date-parts": [[2018]]}}
    ama = Processor("american-medical-association").bibliography([item])[0]
    vancouver = Processor("vancouver-nlm").bibliography([item])[0]
    again = Processor("american-medical-association").bibliography([item])[0]
    assert "F2 A, et al." in ama and ama == again
    assert "F5 A, et al." in vancouver
