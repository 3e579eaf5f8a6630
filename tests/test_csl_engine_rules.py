"""CSL evaluation rules where bibkit once differed from citeproc-js, each pinned by a tiny style."""
from __future__ import annotations

from bibkit.csl import Processor


def _style(bib_layout: str, macros: str = "") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><id>t</id><title>t</title><updated>2020-01-01T00:00:00+00:00</updated></info>
  {macros}
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography><layout>{bib_layout}</layout></bibliography>
</style>"""


def _bib(style: str, item: dict) -> str:
    return Processor(style).bibliography([{"id": "x", **item}], format="text")[0]


def test_substitute_suppresses_only_variables_it_rendered_not_those_its_macro_mentions():
    # the substitute macro mentions `issued` in a branch not taken and tests it in a
    # condition: the date must still print after the substituted title
    macros = """
  <macro name="title-bib">
    <choose>
      <if type="legislation"><group delimiter=" "><text variable="title"/>
        <date variable="issued" form="numeric"/></group></if>
      <else-if variable="issued"><text variable="title" quotes="true"/></else-if>
    </choose>
  </macro>
  <macro name="author-bib">
    <names variable="author"><substitute><names variable="editor"/>
      <text macro="title-bib"/></substitute></names>
  </macro>"""
    layout = """<group delimiter=". "><text macro="author-bib"/><text variable="title"/>
      <date variable="issued"><date-part name="year"/></date></group>"""
    out = _bib(_style(layout, macros), {"type": "document", "title": "Alone",
                                        "issued": {"date-parts": [[2024, 9, 10]]}})
    assert out == "“Alone.” 2024"


def test_substitute_still_suppresses_the_variable_it_rendered():
    macros = """<macro name="a"><names variable="author"><substitute>
      <text variable="title"/></substitute></names></macro>"""
    layout = """<group delimiter=". "><text macro="a"/><text variable="title"/>
      <text variable="publisher"/></group>"""
    assert _bib(_style(layout, macros), {"type": "book", "title": "T", "publisher": "P"}) == "T. P"


_NUMBERS = _style("""<group delimiter=" | "><group delimiter=" "><label variable="page" form="short"/>
      <text variable="page"/></group><number variable="issue"/></group>""")


def test_page_of_colon_numbers_is_one_page_kept_with_hyphen_and_singular_label():
    assert _bib(_NUMBERS, {"type": "book", "page": "17:1\u201317:15"}) == "p. 17:1-17:15"
    assert _bib(_NUMBERS, {"type": "book", "page": "1.1-1.5"}) == "p. 1.1-1.5"


def test_page_range_with_particles_or_en_dash_stays_a_plural_range():
    assert _bib(_NUMBERS, {"type": "book", "page": "e101\u2013e105"}) == "pp. e101\u2013e105"
    assert _bib(_NUMBERS, {"type": "book", "page": "12 \u2013 15"}) == "pp. 12\u201315"


def test_number_keeps_leading_zeros():
    assert _bib(_NUMBERS, {"type": "book", "issue": "04"}) == "04"
    assert _bib(_NUMBERS, {"type": "book", "issue": "04-05"}) == "04\u201305"


def test_space_before_colon_becomes_narrow_no_break_space():
    layout = '<text variable="title"/>'
    assert _bib(_style(layout), {"type": "book", "title": "MoLE : Experts ?"}) == "MoLE\u202f: Experts\u202f?"
    assert _bib(_style(layout), {"type": "book", "title": "Plain: title"}) == "Plain: title"


def test_sort_ignores_punctuation_but_puts_symbols_before_letters():
    style = _style('<text variable="title"/>').replace(
        "<bibliography>", '<bibliography><sort><key variable="title"/></sort>')
    items = [{"id": "a", "type": "book", "title": "A Closer Look"},
             {"id": "g", "type": "book", "title": "$\u03b3-$MoD"},
             {"id": "q", "type": "book", "title": "\u201cQuoted\u201d first word"},
             {"id": "b", "type": "book", "title": "Beta"}]
    out = Processor(style).bibliography(items, format="text")
    assert out == ["$\u03b3-$MoD", "A Closer Look", "Beta", "\u201cQuoted\u201d first word"]


def _add_names_style(givenname: bool, bib_use_first: int) -> str:
    extra = ' disambiguate-add-givenname="true"' if givenname else ""
    return f"""<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><id>t</id><title>t</title><updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation et-al-min="3" et-al-use-first="1" disambiguate-add-names="true"{extra}>
    <layout><names variable="author"><name form="short"/></names></layout></citation>
  <bibliography et-al-min="3" et-al-use-first="{bib_use_first}"><layout>
    <names variable="author"><name form="short"/></names></layout></bibliography>
</style>"""


_SHARED_FIRST_AUTHOR = [
    {"id": "a", "type": "book", "author": [{"family": "M"}, {"family": "B"}, {"family": "O"}]},
    {"id": "b", "type": "book", "author": [{"family": "M"}, {"family": "I"}, {"family": "A"},
                                           {"family": "X"}]},
]


def test_bibliography_shows_names_added_for_citations_when_style_adds_names_and_givennames():
    out = Processor(_add_names_style(True, 1)).bibliography(_SHARED_FIRST_AUTHOR, format="text")
    assert out == ["M, B, et al.", "M, I, et al."]


def test_bibliography_added_names_never_shorten_its_own_et_al_list():
    out = Processor(_add_names_style(True, 3)).bibliography(_SHARED_FIRST_AUTHOR, format="text")
    assert out == ["M, B, O", "M, I, A, et al."]


def test_bibliography_keeps_its_et_al_list_when_style_adds_names_only():
    out = Processor(_add_names_style(False, 1)).bibliography(_SHARED_FIRST_AUTHOR, format="text")
    assert out == ["M et al.", "M et al."]


_IS_NUMERIC = _style("""<group delimiter=" "><text variable="number"/><choose>
      <if is-numeric="number"><text value="NUM"/></if><else><text value="TXT"/></else></choose></group>""")


def test_lower_case_roman_numbers_are_numeric_and_ranged():
    assert _bib(_IS_NUMERIC, {"type": "book", "number": "iv"}) == "iv NUM"
    assert _bib(_IS_NUMERIC, {"type": "book", "number": "x-xii"}) == "x\u2013xii NUM"
    assert _bib(_IS_NUMERIC, {"type": "book", "number": "5b-7"}) == "5b\u20137 NUM"


def test_words_of_roman_letters_and_upper_case_romans_are_not_numeric():
    assert _bib(_IS_NUMERIC, {"type": "book", "number": "mix"}) == "mix TXT"
    assert _bib(_IS_NUMERIC, {"type": "book", "number": "IV"}) == "IV TXT"


def test_initializing_keeps_a_lower_case_hyphenated_given_name_whole():
    style = _style('<names variable="author"><name initialize-with=". "/></names>')
    assert _bib(style, {"type": "book", "author": [{"family": "X", "given": "jean-paul"}]}) == "jean-paul X"
    assert _bib(style, {"type": "book", "author": [{"family": "X", "given": "Jean-paul"}]}) == "J. X"


def test_curly_quotes_in_data_keep_their_shape_outside_style_quotes():
    style = _style('<group delimiter=" | "><text variable="title"/><text variable="title" quotes="true"/></group>')
    item = {"type": "book", "title": "\u201cClementine\u201d - Methods"}
    en_gb = Processor(style, locale="en-GB").bibliography([{"id": "x", **item}], format="text")[0]
    assert en_gb == "\u201cClementine\u201d - Methods | \u2018\u201cClementine\u201d - Methods\u2019"
    en_us = Processor(style).bibliography([{"id": "x", **item}], format="text")[0]
    assert en_us == "\u201cClementine\u201d - Methods | \u201c\u2018Clementine\u2019 - Methods\u201d"
    straight = _bib(style, {"type": "book", "title": '"Clementine" - Methods'})
    assert straight == "\u201cClementine\u201d - Methods | \u201c\u2018Clementine\u2019 - Methods\u201d"


def test_title_case_leaves_a_lone_letter_alone_unless_it_opens_a_title_or_subtitle():
    style = _style('<text variable="title" text-case="title"/>')
    # citeproc-js capitalises a letter before a hyphen only in the title's first run (before
    # any punctuation): "X-Ray" here, "x-Ray" after the comma (both its output)
    assert _bib(style, {"type": "book", "title": "vitamin b and x-ray of 07-x"}) == "Vitamin b and X-Ray of 07-x"
    assert _bib(style, {"type": "book", "title": "vitamin b, and x-ray of 07-x"}) == "Vitamin b, and x-Ray of 07-x"
    assert _bib(style, {"type": "book", "title": "a study: a life"}) == "A Study: A Life"


def test_term_of_only_line_break_and_indentation_is_empty():
    style = _style('<names variable="author"><name et-al-min="2" et-al-use-first="1"/>'
                   '<et-al term="and others"/></names>').replace(
        "<citation>", '<locale><terms><term name="and others">\n      </term></terms></locale><citation>')
    authors = [{"family": "Doe", "given": "Jo"}, {"family": "Roe", "given": "Al"}]
    assert _bib(style, {"type": "book", "author": authors}) == "Jo Doe"


def test_locator_with_its_own_leading_label_drops_the_style_label():
    style = _style("").replace(
        '<citation><layout><text variable="title"/></layout></citation>',
        '<citation><layout><group delimiter=", "><text variable="title"/><group delimiter=" ">'
        '<label variable="locator" form="short"/><text variable="locator"/></group></group>'
        '</layout></citation>')
    items = [{"id": "a", "type": "book", "title": "T"}]
    cites = [[{"id": "a", "locator": "vol. 1, fol. 186", "label": "page"}],
             [{"id": "a", "locator": "12", "label": "page"}]]
    assert Processor(style).citations(cites, items, format="text") == ["T, vol. 1, fol. 186", "T, p. 12"]


def test_curly_quotes_in_a_cite_prefix_keep_their_shape_and_leave_punctuation_out():
    items = [{"id": "a", "type": "book", "title": "T"}]
    cites = [[{"id": "a", "prefix": "meaning \u2018God willing\u2019. See "}]]
    out = Processor(_style("")).citations(cites, items, format="text")
    assert out == ["meaning \u2018God willing\u2019. See T"]


def test_run_of_straight_single_quotes_is_apostrophes():
    assert _bib(_style('<text variable="title"/>'), {"type": "book", "title": "l'''"}) == "l\u2019\u2019\u2019"


def test_number_keeps_superscript_tags_of_a_non_numeric_value_literal():
    style = _style('<number variable="volume"/>')
    assert _bib(style, {"type": "book", "volume": "1<sup>er</sup>"}) == "1<sup>er</sup>"
    assert _bib(style, {"type": "book", "volume": 'Suppl. "2"'}) == "Suppl. \u201c2\u201d"


def test_sort_key_of_abbreviated_names_leaves_out_et_al():
    macros = """<macro name="key"><names variable="author"><name name-as-sort-order="all"/></names></macro>
  <macro name="count"><names variable="author"><name form="count"/></names></macro>"""
    style = _style('<names variable="author"><name form="short" and="text"/></names>', macros).replace(
        "<bibliography>", '<bibliography><sort><key macro="key" names-min="1" names-use-first="1"/>'
        '<key macro="count" sort="descending"/></sort>')
    smith, roe = {"family": "Smith", "given": "A"}, {"family": "Roe", "given": "B"}
    items = [{"id": "1", "type": "book", "author": [smith]},
             {"id": "2", "type": "book", "author": [smith, roe]}]
    assert Processor(style).bibliography(items, format="text") == ["Smith and Roe", "Smith"]


def test_initials_with_or_without_spaces_name_the_same_person():
    style = _style("").replace(
        '<citation><layout><text variable="title"/></layout></citation>',
        '<citation disambiguate-add-givenname="true" givenname-disambiguation-rule="all-names">'
        '<layout delimiter="; "><group delimiter=", "><names variable="author">'
        '<name form="short" initialize-with=". "/></names><text variable="title"/></group>'
        '</layout></citation>')
    items = [{"id": "a", "type": "book", "title": "A", "author": [{"family": "Doe", "given": "J. J."}]},
             {"id": "b", "type": "book", "title": "B", "author": [{"family": "Doe", "given": "J.J."}]}]
    cites = Processor(style).citations([[{"id": "a"}, {"id": "b"}]], items, format="text")
    assert cites == ["Doe, A; Doe, B"]


def test_markup_in_given_name_survives_initializing():
    style = _style('<names variable="author"><name initialize-with=". "/></names>')
    item = {"type": "book", "author": [{"family": "Doe", "given": "<b>John</b>-Quiggly"}]}
    out = Processor(style).bibliography([{"id": "x", **item}], format="html")[0]
    assert out == "<b>J.</b>-Q. Doe"


def test_locator_ampersand_uses_the_locale_symbol():
    style = _style("").replace(
        '<citation><layout><text variable="title"/></layout></citation>',
        '<locale><terms><term name="and" form="symbol">AND</term></terms></locale>'
        '<citation><layout><text variable="locator"/></layout></citation>')
    items = [{"id": "a", "type": "book", "title": "T"}]
    out = Processor(style).citations([[{"id": "a", "locator": "213 & 235"}]], items, format="text")
    assert out == ["213 AND 235"]


def test_modifier_glottal_stop_prints_as_superscript():
    style = _style('<text variable="title"/>')
    out = Processor(style).bibliography([{"id": "x", "type": "book", "title": "a\u02c0"}], format="html")
    assert out == ["a<sup>\u0294</sup>"]



def test_year_suffix_tells_apart_works_that_the_subsequent_et_al_form_would_merge():
    style = _style("").replace(
        '<citation><layout><text variable="title"/></layout></citation>',
        '<citation disambiguate-add-year-suffix="true" et-al-min="3" et-al-use-first="3" '
        'et-al-subsequent-min="1" et-al-subsequent-use-first="1"><layout delimiter="; ">'
        '<names variable="author"><name form="short"/></names>'
        '<date prefix=" " variable="issued"><date-part name="year"/></date></layout></citation>')
    year = {"date-parts": [[2000]]}
    items = [{"id": "a", "type": "book", "issued": year, "author": [{"family": "Baur"}, {"family": "Fr"}]},
             {"id": "b", "type": "book", "issued": year, "author": [{"family": "Baur"}, {"family": "Sch"}]}]
    out = Processor(style).citations([[{"id": "a"}, {"id": "b"}]], items, format="text")
    assert out == ["Baur, Fr 2000a; Baur, Sch 2000b"]


def test_back_reference_is_told_apart_from_a_work_only_cited_in_full():
    style = """<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0">
  <info><id>t</id><title>t</title><updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation><layout delimiter="; " suffix="."><choose>
    <if position="subsequent"><group delimiter=", "><names variable="author"><name form="short"/></names>
      <choose><if disambiguate="true"><text variable="title"/></if></choose>
      <text variable="first-reference-note-number" prefix="supra note "/></group></if>
    <else><group delimiter=", "><names variable="author"/><text variable="title"/></group></else>
  </choose></layout></citation>
</style>"""
    doe = [{"family": "Doe", "given": "John"}]
    items = [{"id": "a", "type": "book", "title": "His Book", "author": doe},
             {"id": "b", "type": "book", "title": "His Other Book", "author": doe}]
    out = Processor(style).citations([[{"id": "a"}, {"id": "b"}], [{"id": "a"}]], items, format="text")
    assert out[1] == "Doe, His Book, supra note 1."


def test_title_case_keeps_abbreviations_lower_and_a_period_opens_no_subtitle():
    style = _style('<text variable="title" text-case="title"/>')
    assert _bib(style, {"type": "book", "title": "the e.g. of i.e. things"}) == "The e.g. of i.e. Things"
    assert _bib(style, {"type": "book", "title": "the end. a new start"}) == "The End. a New Start"


def test_capitalize_all_raises_every_initial_of_an_abbreviation():
    style = _style('<text variable="title" text-case="capitalize-all"/>')
    assert _bib(style, {"type": "book", "title": "h.b. 1117 of the u.s."}) == "H.B. 1117 Of The U.S."


def test_punctuation_moves_into_curly_quotes_typed_at_top_level():
    style = _style('<text variable="title" suffix="."/>')
    assert _bib(style, {"type": "book", "title": "Father \u2018Rumours\u2019"}) == "Father \u2018Rumours.\u2019"


def test_subsequent_author_substitute_compares_the_rendered_names_not_et_al():
    style = _style('<group delimiter=". "><names variable="author"><name et-al-min="3" et-al-use-first="1"/>'
                   '</names><text variable="title"/></group>').replace(
        "<bibliography>", '<bibliography subsequent-author-substitute="---">')
    three = [{"family": "Doe", "given": "Leah"}, {"family": "B"}, {"family": "C"}]
    items = [{"id": "a", "type": "book", "title": "A", "author": three},
             {"id": "b", "type": "book", "title": "B", "author": three[:1]}]
    assert Processor(style).bibliography(items, format="text") == ["Leah Doe et al. A", "---. B"]
