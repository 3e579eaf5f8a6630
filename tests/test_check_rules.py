"""Every check of `bibkit check`: one input that triggers it, one that does not."""
from __future__ import annotations

from pathlib import Path

import pytest

from bibkit.check import CHECKS, load_for_check, run_checks
from tests.conftest import require_tool


def findings(tmp_path: Path, text: str | bytes, name: str = "refs.bib", *more: tuple[str, str], **options):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    paths = [path]
    for other_name, other_text in more:
        (tmp_path / other_name).write_text(other_text, encoding="utf-8")
        paths.append(tmp_path / other_name)
    lib = load_for_check([str(p) for p in paths], show_progress=False)
    return run_checks(lib, show_progress=False, **options)


def ids(found) -> set[str]:
    return {f.check for f in found}


ARTICLE = "@article{{{key},\n  author = {{Doe, Jane}},\n  title = {{{title}}},\n  journal = {{J}},\n  year = 2020{extra}\n}}\n"


def article(key="a", title="A study", extra=""):
    return ARTICLE.format(key=key, title=title, extra=extra)


# (check id, text that triggers it, text that does not)
CASES = [
    ("syntax-error", article(title="A} stray") , article()),
    ("control-character", article(title="Bell\x07 here"), article()),
    ("bad-key", "@misc{strange(key), title = {x}}\n", "@misc{fine-key:1, title = {x}}\n"),
    ("missing-key", "@misc{title = {x}, note = {y}}\n", "@misc{k, title = {x}}\n"),
    ("duplicate-field", "@misc{k, author = {A, B}, author = {C, D}, title = {x}}\n", "@misc{k, author = {A, B}, title = {x}}\n"),
    ("undefined-macro", article(extra=",\n  publisher = pub"), '@string{pub = "P"}\n' + article(extra=",\n  publisher = pub")),
    ("duplicate-string", '@string{pub = "P"}\n@string{pub = "Q"}\n' + article(extra=",\n  publisher = pub"),
     '@string{pub = "P"}\n@string{org = "Q"}\n' + article(extra=",\n  publisher = pub")),
    ("crossref-missing", "@inproceedings{c, author = {A, B}, title = {T}, crossref = {nothere}}\n",
     "@inproceedings{c, author = {A, B}, title = {T}, crossref = {p}}\n@proceedings{p, title = {P}, booktitle = {P}, year = 2000}\n"),
    ("crossref-cycle", "@misc{a, title = {A}, crossref = {b}}\n@misc{b, title = {B}, crossref = {a}}\n",
     "@misc{a, title = {A}, crossref = {b}}\n@misc{b, title = {B}}\n"),
    ("date-format", "@article{a, author = {A, B}, title = {T}, journaltitle = {J}, date = {May 2020}}\n",
     "@article{a, author = {A, B}, title = {T}, journaltitle = {J}, date = {2020-05}}\n"),
    ("invalid-doi", article(extra=",\n  doi = {not a doi}"), article(extra=",\n  doi = {10.1000/xyz}")),
    ("month-format", article(extra=",\n  month = {January}"), article(extra=",\n  month = jan")),
    ("year-format", "@article{a, author = {A, B}, title = {T}, journal = {J}, year = {2001a}}\n", article()),
    ("missing-required-field", "@article{a, author = {A, B}, title = {T}, year = 2000}\n", article()),
    ("unknown-entry-type", "@webpage{w, title = {T}}\n", "@misc{w, title = {T}}\n"),
    ("doi-resolver-prefix", article(extra=",\n  doi = {https://doi.org/10.1000/XYZ}"), article(extra=",\n  doi = {10.1000/XYZ}")),
    ("invalid-isbn", "@book{b, author = {A, B}, title = {T}, publisher = {P}, year = 2000, isbn = {978-0-306-40615-6}}\n",
     "@book{b, author = {A, B}, title = {T}, publisher = {P}, year = 2000, isbn = {978-0-306-40615-7}}\n"),
    ("invalid-issn", article(extra=",\n  issn = {0028-0837}"), article(extra=",\n  issn = {0028-0836}")),
    ("invalid-arxiv", "@misc{a, title = {T}, eprint = {12345}, archiveprefix = {arXiv}}\n",
     "@misc{a, title = {T}, eprint = {2501.12948}, archiveprefix = {arXiv}}\n"),
    ("invalid-url", article(extra=",\n  url = {www.example.com/a b}"), article(extra=",\n  url = {https://example.com/a}")),
    ("duplicate-key", article("Knuth84") + article("knuth84", "Other"), article("Knuth84") + article("Knuth85", "Other")),
    ("likely-duplicate", article("a", extra=",\n  doi = {10.1000/same}") + article("b", "Another title", extra=",\n  doi = {10.1000/SAME}"),
     article("a", extra=",\n  doi = {10.1000/one}") + article("b", "Another title", extra=",\n  doi = {10.1000/two}")),
    ("page-hyphen", article(extra=",\n  pages = {12-15}"), article(extra=",\n  pages = {12--15}")),
    ("unprotected-acronym", article(title="Learning BERT for DNA"), article(title="Learning {BERT} for {DNA} in Multi-Objective settings")),
    ("pdflatex-character", article(title="The α helix"), article(title="Über café Łódź")),
    ("mojibake", article(title="CafÃ© society"), article(title="Café society")),
    ("brace-depth", article(title="{" * 300 + "deep" + "}" * 300), article(title="{" * 10 + "deep" + "}" * 10)),
    ("latex-command", article(extra=",\n  note = {In \\apj}"), article(extra=",\n  note = {In \\emph{ApJ}}")),
]


@pytest.mark.parametrize("check_id,bad,good", CASES, ids=[c[0] for c in CASES])
def test_check_triggers_on_bad_input_and_not_on_good(tmp_path, check_id, bad, good):
    found = findings(tmp_path, bad)
    assert check_id in ids(found), [str(f) for f in found]
    assert all(f.severity == CHECKS[check_id].severity for f in found if f.check == check_id)
    clean = findings(tmp_path, good, "good.bib")
    assert check_id not in ids(clean), [str(f) for f in clean]


def test_every_registered_check_has_a_case_here_or_in_the_other_formats():
    covered = {c[0] for c in CASES} | {"encoding", "missing-er", "unknown-type"}
    covered |= {"undefined-citation", "unused-entry", "alias-citation"}  # tests/test_extract_cli.py
    assert covered == set(CHECKS)


def test_encoding_error_for_undeclared_latin1_and_info_for_a_declared_one(tmp_path):
    bad = findings(tmp_path, article(title="M\xfcller").encode("latin-1"))
    assert [(f.check, f.severity) for f in bad if f.check == "encoding"] == [("encoding", "error")]
    assert "pdflatex-character" not in ids(bad)  # the replacement characters are the encoding's problem
    declared = findings(tmp_path, ("% -*- coding: latin-1 -*-\n" + article(title="M\xfcller")).encode("latin-1"), "d.bib")
    assert [(f.check, f.severity) for f in declared] == [("encoding", "info")]
    assert "encoding" not in ids(findings(tmp_path, article(title="Müller"), "u.bib"))


def test_ris_missing_er_and_unknown_type(tmp_path):
    found = findings(tmp_path, "TY  - WEIRD\nTI  - T\n", "refs.ris")
    assert {"missing-er", "unknown-type"} <= ids(found)
    clean = findings(tmp_path, "TY  - JOUR\nAU  - Doe, J.\nTI  - T\nT2  - J\nPY  - 2000\nER  - \n", "ok.ris")
    assert not ({"missing-er", "unknown-type"} & ids(clean)), [str(f) for f in clean]


def test_required_fields_of_a_ris_entry_are_judged_by_the_bibtex_it_would_become(tmp_path):
    found = findings(tmp_path, "TY  - JOUR\nAU  - Doe, J.\nTI  - T\nPY  - 2000\nER  - \n", "refs.ris")
    assert any(f.check == "missing-required-field" and "journal" in f.message for f in found)


def test_biblatex_model_accepts_legacy_aliases_and_requires_its_own_fields(tmp_path):
    text = "@article{a, author = {A, B}, title = {T}, journal = {J}, date = {2020}}\n"
    assert "missing-required-field" not in ids(findings(tmp_path, text))
    thesis = "@thesis{t, author = {A, B}, title = {T}, institution = {U}, date = {2020}}\n"
    found = findings(tmp_path, thesis, "t.bib")
    assert any(f.check == "missing-required-field" and "type" in f.message and "biblatex" in f.message for f in found)


def test_required_fields_inherited_through_crossref_count(tmp_path):
    text = ("@inproceedings{c, author = {A, B}, title = {T}, crossref = {p}}\n"
            "@proceedings{p, title = {Proc}, booktitle = {Proc}, year = 2000}\n")
    assert "missing-required-field" not in ids(findings(tmp_path, text))


def test_macros_and_crossrefs_resolve_across_inputs_given_together(tmp_path):
    found = findings(tmp_path, article(extra=",\n  publisher = pub,\n  crossref = {p}"), "main.bib",
                     ("abbrev.bib", '@string{pub = "P"}\n@proceedings{p, title = {P}, year = 2000}\n'))
    assert not ({"undefined-macro", "crossref-missing"} & ids(found)), [str(f) for f in found]


def test_duplicate_key_points_at_the_first_use_and_says_the_case_differs(tmp_path):
    found = [f for f in findings(tmp_path, article("Knuth84") + article("knuth84", "Other")) if f.check == "duplicate-key"]
    assert len(found) == 1 and found[0].line == 7
    assert "refs.bib:1" in found[0].message and "differ only in case" in found[0].message


def test_acronym_finding_names_each_word_once_and_skips_all_caps_titles(tmp_path):
    found = [f for f in findings(tmp_path, article(title="BERT and BERT meet iPhone")) if f.check == "unprotected-acronym"]
    assert len(found) == 1 and "BERT, iPhone" in found[0].message
    assert "unprotected-acronym" not in ids(findings(tmp_path, article(title="AN ALL CAPS TITLE"), "caps.bib"))


def test_page_hyphen_is_only_for_bibtex_sources(tmp_path):
    ris = "TY  - JOUR\nAU  - Doe, J.\nTI  - T\nT2  - J\nPY  - 2000\nSP  - 12-15\nER  - \n"
    assert "page-hyphen" not in ids(findings(tmp_path, ris, "r.ris"))


def test_select_and_ignore_choose_checks(tmp_path):
    text = article(title="BERT", extra=",\n  pages = {1-2}")
    assert ids(findings(tmp_path, text, select=["page-hyphen"])) == {"page-hyphen"}
    assert "page-hyphen" not in ids(findings(tmp_path, text, ignore=["page-hyphen"]))


def test_findings_carry_the_line_of_the_offending_field(tmp_path):
    found = findings(tmp_path, article(extra=",\n  pages = {12-15}"))
    assert [(f.check, f.line) for f in found if f.check == "page-hyphen"] == [("page-hyphen", 6)]


def test_pdflatex_character_names_the_package_when_t1_fontenc_suffices(tmp_path):
    found = [f for f in findings(tmp_path, article(title="Sąd «Łódź»")) if f.check == "pdflatex-character"]
    assert len(found) == 1 and "\\usepackage[T1]{fontenc}" in found[0].message
    found = [f for f in findings(tmp_path, article(title="Sąd α"), "g.bib") if f.check == "pdflatex-character"]
    assert "T1 fontenc is not enough" in found[0].message


def test_pdflatex_character_table_agrees_with_pdflatex():
    from bibkit.check.pdflatex_table import typesettable
    from bibkit.check.text import pdflatex_support

    sample = [ord(c) for c in "éąłőðþĀŋ“„€™‰′−αЖẞǎ‹•«–"]
    require_tool("pdflatex")
    default = typesettable(sample, "")
    t1 = typesettable(sample, "\\usepackage[T1]{fontenc}")
    for code in sample:
        expected = "default" if code in default else ("t1" if code in t1 else "none")
        assert pdflatex_support(chr(code)) == expected, chr(code)


def test_month_format_flags_exactly_the_months_biber_warns_about(tmp_path):
    import re
    import subprocess

    biber = require_tool("biber")
    text = "".join(f"@misc{{{key}, title = {{T}}, month = {value}}}\n" for key, value in
                   [("a", "jan"), ("b", "{5}"), ("c", "{jan}"), ("d", "{January}"), ("e", '"March"'), ("f", "5")])
    path = tmp_path / "m.bib"
    path.write_text(text, encoding="utf-8")
    run = subprocess.run([biber, "--tool", "--output-file=out.bib", "m.bib"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    warned = set(re.findall(r"legacy month field .* in entry '(\w+)'", run.stdout + run.stderr))
    lib = load_for_check([str(path)], show_progress=False)
    ours = {e.key for e in lib.entries for f in run_checks(lib, select=["month-format"], show_progress=False)
            if f.line is not None and e.source.line == f.line}
    assert warned == {"c", "d", "e"}
    assert ours == warned


def test_duplicate_key_message_names_the_first_spelling_whatever_the_key_holds(tmp_path):
    """The key index packs a key and its place into one string: keys with digits and colons
    (what the packing itself uses) come back exactly."""
    found = [f for f in findings(tmp_path, article("12:Knuth:84") + article("12:KNUTH:84", "Other"))
             if f.check == "duplicate-key"]
    assert len(found) == 1
    assert found[0].message == "key '12:KNUTH:84' is already used at " + str(tmp_path / "refs.bib") + \
        ":1 (as '12:Knuth:84': keys differ only in case)"


def test_key_index_gives_back_each_first_spelling_and_place_exactly():
    """Places in the first entry's file are packed without its path; others whole."""
    from bibkit.check.keys import KeyIndex
    from bibkit.model import Entry, Source

    index = KeyIndex()
    firsts = [Entry(type="book", key="9=Ab!", source=Source("a:1.bib", 12)),
              Entry(type="book", key="x", source=Source("other.bib", 3)),
              Entry(type="book", key="Y2", source=Source("a:1.bib")),
              Entry(type="book", key="z:", source=None)]
    assert [index.add(e) for e in firsts] == [None] * 4
    for first in firsts:
        again = Entry(type="book", key=first.key.upper(), source=Source("b.bib", 1))
        message = index.add(again).message
        assert f"already used at {first.where()}" in message
        assert (f"(as {first.key!r}" in message) == (first.key != first.key.upper())
