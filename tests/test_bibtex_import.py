"""What the BibTeX reader makes of real and messy input: values, names, dates, problems."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import bibkit
from bibkit.model import Name
from tests.conftest import require_shared


def messy(name: str, **options) -> bibkit.Library:
    return bibkit.load(require_shared("messy", name), **options)


def codes(lib: bibkit.Library) -> set[str]:
    return {p.code for p in lib.problems}


def test_accents_in_names_decode_to_unicode_and_custom_fields_are_kept():
    lib = messy("bbt-accents-ring-above-1115.bib")
    (entry,) = lib.entries
    assert any(n.family == "Řehůřek" for n in entry.authors)
    assert entry.dates["issued"].start.month == 5
    assert "day" in entry.extra or entry.dates["issued"].start.day
    assert "language" in entry.fields or "language" in entry.extra


def test_key_with_leading_space_is_trimmed_and_href_is_kept_verbatim():
    (entry,) = messy("bbt-href-spaces-key-space-2504.bib").entries
    assert entry.key == "GAP4.13dev"
    out = bibkit.dumps([entry], "bibtex")
    assert "\\href {" in out or "\\href{" in out


def test_math_in_title_is_kept_verbatim_and_month_macro_is_read():
    (entry,) = messy("bbt-math-in-title-627.bib").entries
    assert "$t$-$J$" in entry.title
    assert entry.dates["issued"].start.month == 10
    assert "$t$-$J$" in bibkit.dumps([entry], "bibtex")


def test_percent_is_text_preamble_is_verbatim_and_mojibake_is_not_repaired():
    lib = messy("bbt-percent-preamble-95-96.bib")
    (entry,) = lib.entries
    assert "%" in entry.fields["abstract"]
    assert "Â°" in entry.fields["abstract"]
    (preamble,) = lib.preambles
    assert "\\makeatletter" in preamble.value
    out = bibkit.dumps(lib, "bibtex")
    assert preamble.value.strip() in out


def test_string_concatenation_keeps_the_trailing_space():
    (entry,) = messy("bbt-string-space-concat-1081.bib").entries
    assert entry.fields["container-title"] == "a space between this and this"


def test_string_macros_are_written_back_as_macros():
    lib = messy("bbt-string-space-concat-1081.bib")
    out = bibkit.dumps(lib, "bibtex")
    assert "@string{j = {a space between this }}" in out
    assert 'j # "and this"' in out


def test_annotation_fields_with_dashes_and_colons_are_kept():
    lib = messy("biber-annotations.bib")
    assert len(lib.entries) == 2
    names = {k.lower() for e in lib.entries for k in e.extra}
    assert "author-an" in names
    assert any(":" in n for n in names)


def test_non_utf8_file_without_declaration_fails_clearly_with_the_line():
    lib = messy("gen-latin1-accents.bib")
    errors = [p for p in lib.problems if p.code == "encoding"]
    assert errors and errors[0].line is not None and "--encoding" in errors[0].message
    assert lib.has_errors


def test_non_utf8_file_decodes_with_an_explicit_encoding():
    lib = messy("gen-latin1-accents.bib", encoding="latin-1")
    assert not lib.has_errors
    text = " ".join(str(v) for e in lib.entries for v in e.fields.values())
    text += " ".join(n.display() for e in lib.entries for n in e.authors)
    assert "ü" in text or "é" in text


def test_latin9_file_honours_its_coding_cookie():
    lib = messy("biber-latin9-encoding1.bib")
    (entry,) = lib.entries
    assert "Š" in entry.key or "Š" in entry.title


def test_ads_export_keeps_journal_macro_and_eprint_fields():
    lib = messy("bibtex-tidy-ads-export-month-macro.bib")
    assert len(lib.entries) == 2
    assert all(e.dates["issued"].start.month == 1 for e in lib.entries)
    journals = {e.fields.get("container-title") for e in lib.entries}
    assert "\\apj" in journals
    assert any(e.ids.arxiv for e in lib.entries)


def test_undefined_macros_in_concatenation_are_reported_and_their_names_kept():
    lib = messy("bibtex-tidy-concatenation.bib")
    (entry,) = lib.entries
    assert entry.title == "AB"
    undefined = [p for p in lib.problems if p.code == "undefined-macro"]
    assert {"aubert", "Varacca"} <= {p.message.split("'")[1] for p in undefined}
    assert "Varacca" in entry.authors.names[-1].display()


def test_parenthesis_delimited_entries_are_read():
    assert len(messy("bibtex-tidy-entry-with-parentheses.bib").entries) == 2


def test_strange_and_missing_keys_keep_all_four_entries_with_warnings():
    lib = messy("bibtex-tidy-strange-and-empty-keys.bib")
    assert len(lib.entries) == 4
    assert {"bad-key", "missing-key"} <= codes(lib)
    assert sum(1 for e in lib.entries if e.key is None) == 1


def test_bom_is_stripped_silently():
    lib = messy("bibtexparser-bom-article.bib")
    assert len(lib.entries) == 1 and not lib.problems
    assert lib.entries[0].dates["issued"].start.month == 1


def test_comments_only_file_is_an_empty_library_that_keeps_its_comments():
    lib = messy("bibtexparser-comments-only.bib")
    assert lib.entries == [] and len(lib.comments) == 3
    out = bibkit.dumps(lib, "bibtex")
    assert out.count("@comment") == 3


def test_control_characters_are_removed_with_a_warning():
    lib = messy("gen-control-chars-in-field.bib")
    assert len(lib.entries) == 2 and "control-char" in codes(lib)
    assert not any(ord(c) < 32 for e in lib.entries for c in e.title)


def test_crlf_line_breaks_inside_values_become_spaces():
    lib = messy("gen-crlf.bib")
    assert len(lib.entries) == 2
    assert all("\r" not in e.title and "\n" not in e.title for e in lib.entries)


def test_crossref_children_inherit_on_request_and_missing_parents_are_reported():
    lib = messy("gen-crossref-simple.bib", resolve_crossref=True)
    assert len(lib.entries) == 3 and "crossref-missing" in codes(lib)
    child = next(e for e in lib.entries if e.extra.get("crossref") and e.fields.get("container-title"))
    assert child.year and child.fields.get("publisher")


def test_duplicate_keys_and_fields_are_reported_and_data_kept():
    lib = messy("gen-duplicate-key-and-field.bib")
    assert len(lib.entries) == 3
    assert {"duplicate-key", "duplicate-field"} <= codes(lib)
    two = next(e for e in lib.entries if e.key == "twoAuthors")
    assert two.authors.names == [Name(family="First", given="F")]
    assert "Second" in two.extra["author-duplicate"]


def test_long_fields_are_not_truncated():
    (entry,) = messy("gen-long-field-multiline.bib").entries
    assert len(entry.fields["abstract"]) > 19000
    assert len(entry.authors) == 200


def test_months_are_mapped_and_sept_is_read_with_a_warning_and_urls_are_byte_exact():
    lib = messy("gen-month-and-url.bib")
    months = [e.dates["issued"].start.month for e in lib.entries]
    assert months[:4] == [1, 3, 4, 9]
    assert any("sept" in p.message for p in lib.problems)
    assert lib.entries[0].ids.url == "https://example.org/a_b%20c?d=1&e=2#f_g"
    out = bibkit.dumps(lib, "bibtex")
    assert "https://example.org/a_b%20c?d=1&e=2#f_g" in out
    assert "https://example.org/~user/x_y.pdf" in out


def test_deeply_nested_braces_do_not_stop_the_next_entry():
    lib = messy("gen-nested-braces-300.bib")
    assert [e.key for e in lib.entries] == ["nested300", "afternested"]


def test_preambles_are_kept_in_order_with_the_noopsort_trick():
    lib = messy("gen-preamble-and-comment.bib")
    assert len(lib.entries) == 1 and len(lib.preambles) == 2
    out = bibkit.dumps(lib, "bibtex")
    assert out.index("noopsort}[1]") < out.index("providecommand")
    assert "{\\noopsort{a}}Sorted" in out
    assert "\\printfirst{2000}{1999}" in out


def test_stray_closing_brace_is_reported_and_orphaned_fields_are_put_back():
    lib = messy("gen-unbalanced-extra-close-brace.bib")
    assert len(lib.entries) == 3
    stray = [p for p in lib.problems if p.code == "stray-brace"]
    assert stray and all(p.line for p in stray)
    broken = next(e for e in lib.entries if e.key == "extraClose")
    assert broken.fields.get("container-title") == "J" and broken.year == 2000


def test_unicode_keys_are_accepted():
    keys = [e.key for e in messy("gen-unicode-keys-simple.bib").entries]
    assert keys == ["Gödel1931", "Łukasiewicz1920", "湯川1935"]


def test_epilog_text_survives_a_round_trip_and_undefined_preamble_macro_is_reported():
    lib = messy("jabref-epilog-text.bib")
    assert len(lib.entries) == 2 and "undefined-macro" in codes(lib)
    out = bibkit.dumps(lib, "bibtex")
    assert "And here comes some arbitrary text" in out
    assert "Universität" in out


def test_names_follow_bibtex_rules():
    lib = bibkit.loads(
        "@book{a, author = {van der Berg, Jr., Jan and {World Health Organization} and "
        "Ludwig van Beethoven and M. {D}e Vos and others}}", "bibtex")
    names = lib.entries[0].authors
    assert names.others
    assert names.names[0] == Name(family="Berg", given="Jan", particle="van der", suffix="Jr.")
    assert names.names[1] == Name(literal="World Health Organization")
    assert names.names[2] == Name(family="Beethoven", given="Ludwig", particle="van")
    assert names.names[3].particle == "De" and names.names[3].family == "Vos"


def test_names_survive_a_round_trip_through_bibtex():
    text = ("@book{a, author = {van der Berg, Jr., Jan and {World Health Organization} and "
            "M. {D}e Vos and D. {Tena~Cucala} and A. {Van Gelder} and others}}")
    first = bibkit.loads(text, "bibtex").entries[0]
    again = bibkit.loads(bibkit.dumps([first], "bibtex"), "bibtex").entries[0]
    assert again.authors == first.authors


def test_protected_title_spans_survive_to_bibtex_and_become_nocase_in_csl():
    lib = bibkit.loads("@article{a, title = {{BERT}: Pre-training of {Deep} Transformers}}", "bibtex")
    entry = lib.entries[0]
    assert entry.title.protected_spans() == ["BERT", "Deep"]
    assert "{BERT}: Pre-training of {Deep} Transformers" in bibkit.dumps(lib, "bibtex")
    from bibkit.model_csl import entry_to_csl
    assert entry_to_csl(entry)["title"] == '<span class="nocase">BERT</span>: Pre-training of <span class="nocase">Deep</span> Transformers'


def test_identifiers_are_normalised():
    lib = bibkit.loads(
        "@article{a, doi = {https://doi.org/10.1000/ABC.Def}, eprint = {arXiv:2501.12948v2}, "
        "archivePrefix = {arXiv}, primaryClass = {cs.CL}}", "bibtex")
    ids = lib.entries[0].ids
    assert ids.doi == "10.1000/abc.def"
    assert (ids.arxiv, ids.arxiv_version, ids.arxiv_class) == ("2501.12948", "v2", "cs.CL")


def test_fields_repeating_a_complete_entry_are_not_merged_into_it():
    text = ("@inproceedings{a,\n  title = {One},\n  pages = {9-14},\n}\n\n,\n  pages = {3382-3388},\n"
            "  year = {2016},\n}\n")
    lib = bibkit.loads(text, "bibtex", name="pasted.bib")
    (entry,) = lib.entries
    assert entry.fields["page"] == "9-14" and entry.year is None
    (problem,) = [p for p in lib.problems if p.code == "orphan-fields"]
    assert problem.line == 6 and problem.severity == "error"
    assert "3382-3388" in bibkit.dumps(lib, "bibtex")  # kept, as a comment


def test_inferred_dates_keep_their_mark_through_bibtex():
    from bibkit.model import Date, DateParts, Entry, Text

    entry = Entry(key="a", type="article", fields={"title": Text("T")},
                  dates={"issued": Date(DateParts(2025, 1, 16), inferred=True)})
    out = bibkit.dumps([entry], "bibtex")
    assert "bibkit-inferred = {issued}" in out
    again = bibkit.loads(out, "bibtex").entries[0]
    assert again.dates["issued"].inferred and "bibkit-inferred" not in again.extra


_CONTROL_TEXT = st.text(alphabet=["a", " ", "\n", "\x07", "\x00", "\x1b", "[", "3", "1", "m", "\x7f"], max_size=60)


@settings(max_examples=300, deadline=None)
@given(_CONTROL_TEXT)
def test_control_characters_are_stripped_line_by_line(text):
    """The reader touches only lines with a control character; the result is the line-by-line rule."""
    from bibkit.formats.bibtex import BibTeXReader
    from bibkit.formats.bibtex.reader import _ANSI, _CONTROL

    expected_lines, expected_warnings = [], []
    for number, line in enumerate(text.split("\n"), 1):
        if _CONTROL.search(line):
            expected_warnings.append((number, ", ".join(sorted({f"U+{ord(c):04X}" for c in _CONTROL.findall(line)}))))
            line = _CONTROL.sub("", _ANSI.sub("", line))
        expected_lines.append(line)
    reader = BibTeXReader("t.bib")
    assert reader._strip_control_characters(text) == "\n".join(expected_lines)
    assert [(p.line, p.message[p.message.index("(") + 1:-1]) for p in reader.library.problems] == expected_warnings
