"""``bibkit format``, ``bibkit cite`` and ``bibkit styles`` end to end through the CLI."""
from __future__ import annotations

import pytest

BIB = r"""@article{doe2020,
  author = {Doe, John and van der Berg, Ann},
  title = {On {DNA} and Things},
  journal = {Journal of Things},
  year = {2020}, volume = {3}, number = {2}, pages = {1--10},
  doi = {10.1234/things.2020}
}

@book{abel1999,
  author = {Abel, Bob},
  title = {A Book About Nothing},
  publisher = {Pub House},
  address = {London},
  year = {1999}
}
"""


@pytest.fixture
def run(tmp_path):
    from click.testing import CliRunner

    from bibkit.cli import main  # importing the package registers every command

    def invoke(*args: str, input: str | None = None):
        return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def bib(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    return str(path)


def _stdout(result) -> str:
    return result.stdout if hasattr(result, "stdout") else result.output


def _stderr(result) -> str:
    return result.stderr if hasattr(result, "stderr") else result.output


# ------------------------------------------------------------------ format


def test_format_prints_apa_reference_list_one_entry_per_line(run, bib):
    result = run("format", bib, "--style", "apa")
    assert result.exit_code == 0, _stderr(result)
    lines = _stdout(result).strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Abel, B. (1999).")  # APA sorts by author
    assert lines[1].startswith("Doe, J., & van der Berg, A. (2020).")
    assert "https://doi.org/10.1234/things.2020" in lines[1]


def test_format_output_is_what_the_processor_makes(run, bib):
    import bibkit
    from bibkit.csl import Processor
    from bibkit.csl.styles import resolve_style
    from bibkit.model_csl import entry_to_csl

    items = [entry_to_csl(e) for e in bibkit.load(bib).entries]
    expected = Processor(resolve_style("ieee"), locale="en-US").bibliography(items, format="text")
    result = run("format", bib, "--style", "ieee")
    assert _stdout(result).splitlines() == expected


def test_format_reads_stdin_with_explicit_input_format(run):
    result = run("format", "-", "-f", "bibtex", "--style", "apa", input=BIB)
    assert result.exit_code == 0, _stderr(result)
    assert _stdout(result).startswith("Abel, B. (1999).")


def test_format_latin1_input_with_encoding_option(run, tmp_path):
    path = tmp_path / "latin1.bib"
    path.write_bytes("@book{m, author = {Müller, Jörg}, title = {Bücher}, publisher = {P}, year = {2000}}\n"
                     .encode("latin-1"))
    result = run("format", str(path), "--encoding", "latin-1", "--style", "apa")
    assert result.exit_code == 0, _stderr(result)
    assert _stdout(result).startswith("Müller, J. (2000). Bücher.")


def test_format_html_wraps_entries_in_a_bibliography_body(run, bib):
    result = run("format", bib, "--style", "apa", "--to", "html")
    assert result.exit_code == 0
    out = _stdout(result)
    assert out.startswith('<div class="csl-bib-body">')
    assert out.rstrip().endswith("</div>")
    assert "Journal of Things" in out and "<i>" in out
    assert out.count('<div class="csl-entry">') == 2


def test_format_html_wraps_numeric_entries_with_margins_too(run, bib):
    out = _stdout(run("format", bib, "--style", "ieee", "--to", "html"))
    assert out.count('<div class="csl-entry"><div class="csl-left-margin">[') == 2


def test_format_markdown_separates_entries_by_blank_lines(run, bib):
    result = run("format", bib, "--style", "apa", "--to", "md")
    assert result.exit_code == 0
    paragraphs = [p for p in _stdout(result).split("\n\n") if p.strip()]
    assert len(paragraphs) == 2
    assert "*Journal of Things*" in paragraphs[1] or "_Journal of Things_" in paragraphs[1]


def test_format_latex_escapes_and_italicises(run, bib):
    result = run("format", bib, "--style", "apa", "--to", "latex")
    assert result.exit_code == 0
    out = _stdout(result)
    assert "\\&" in out  # APA's ampersand between authors
    assert "\\textit{" in out or "\\emph{" in out


def test_format_writes_output_file_instead_of_stdout(run, bib, tmp_path):
    out = tmp_path / "refs.txt"
    result = run("format", bib, "--style", "ieee", "-o", str(out))
    assert result.exit_code == 0
    assert _stdout(result) == ""
    text = out.read_text(encoding="utf-8")
    assert text == _stdout(run("format", bib, "--style", "ieee"))
    assert "J. Doe and A. van der Berg" in text


def test_format_with_locale_uses_that_locales_terms(run, bib):
    result = run("format", bib, "--style", "chicago", "--locale", "de-DE")
    assert result.exit_code == 0
    assert "Doe, John, und Ann van der Berg" in _stdout(result)


def test_format_unknown_locale_warns_and_falls_back_to_english(run, bib):
    result = run("format", bib, "--style", "chicago", "--locale", "xx-YY")
    assert result.exit_code == 0
    assert "no CSL locale for 'xx-YY'" in _stderr(result)
    assert "Doe, John, and Ann van der Berg" in _stdout(result)


def test_format_dependent_style_uses_its_default_locale(run, bib, tmp_path, monkeypatch):
    from bibkit.csl import styles

    folder = tmp_path / "mystyles"
    folder.mkdir()
    (folder / "german-chicago.csl").write_text(
        '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" default-locale="de-DE">'
        "<info><title>German Chicago</title><id>urn:gc</id>"
        '<link href="http://www.zotero.org/styles/chicago-author-date" rel="independent-parent"/>'
        "<updated>2026-01-01T00:00:00+00:00</updated></info></style>",
        encoding="utf-8",
    )
    monkeypatch.setenv(styles.ENV_VAR, str(folder))
    result = run("format", bib, "--style", "german-chicago")
    assert result.exit_code == 0, _stderr(result)
    assert " und " in _stdout(result)


def test_format_unknown_style_is_a_clear_error_with_suggestions(run, bib):
    result = run("format", bib, "--style", "chicgo")
    assert result.exit_code == 2
    assert "unknown CSL style 'chicgo'" in _stderr(result)
    assert "chicago" in _stderr(result)
    assert "Traceback" not in _stderr(result)


def test_format_bibtex_plain_goes_through_pybtex(run, bib):
    result = run("format", bib, "--style", "bibtex:plain")
    assert result.exit_code == 0, _stderr(result)
    lines = _stdout(result).strip().splitlines()
    assert lines[0] == "[1] Bob Abel. A Book About Nothing. Pub House, London, 1999."
    assert lines[1].startswith("[2] John Doe and Ann van der Berg. On DNA and things.")


def test_format_bibtex_alpha_html(run, bib):
    result = run("format", bib, "--style", "bibtex:alpha", "--to", "html")
    assert result.exit_code == 0
    assert "[Abe99]" in _stdout(result)
    assert "<em>A Book About Nothing</em>" in _stdout(result)


def test_format_bibtex_style_warns_about_incomplete_entry_and_keeps_it(run, tmp_path):
    path = tmp_path / "incomplete.bib"
    path.write_text("@article{nojournal, author = {Roe, Ann}, title = {Orphan}, year = {2001}}\n")
    result = run("format", str(path), "--style", "bibtex:unsrt")
    assert result.exit_code == 0
    assert _stdout(result).strip() == "[1] Ann Roe. Orphan. 2001."
    assert "incomplete.bib:1: nojournal: bibtex:unsrt needs field 'journal'" in _stderr(result)


def test_format_bibtex_style_formats_a_crossref_cycle_without_following_it(run, tmp_path):
    path = tmp_path / "cycle.bib"
    path.write_text("@inproceedings{a, title={A}, author={X, Y}, crossref={b}, year=2000}\n"
                    "@proceedings{b, title={B}, editor={Z, W}, crossref={a}, year=2000}\n")
    result = run("format", str(path), "--style", "bibtex:plain")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert _stdout(result).strip().splitlines() == ["[1] W Z, editor. B, 2000.", "[2] Y X. A. 2000."]
    assert "cycle.bib:1: crossref cycle through 'b'" in _stderr(result)


def test_format_unknown_bibtex_style_lists_available_ones(run, bib):
    result = run("format", bib, "--style", "bibtex:nosuch")
    assert result.exit_code == 2
    assert "unknown BibTeX style 'nosuch'" in _stderr(result)
    assert "unsrt" in _stderr(result)


def test_format_reports_bad_input_but_formats_the_rest(run, tmp_path):
    path = tmp_path / "broken.bib"
    path.write_text(BIB + "\n@article{broken, title = {Unclosed\n", encoding="utf-8")
    result = run("format", str(path), "--style", "apa")
    assert result.exit_code != 0
    assert "broken.bib:" in _stderr(result)
    assert "Abel, B. (1999)." in _stdout(result)


def test_format_same_key_in_two_files_formats_both_and_warns(run, bib, tmp_path):
    second = tmp_path / "copy.bib"
    second.write_text(BIB, encoding="utf-8")
    result = run("format", bib, str(second), "--style", "apa")
    assert len(_stdout(result).strip().splitlines()) == 4
    assert "copy.bib:1: duplicate key 'doe2020'" in _stderr(result)


def test_format_missing_file_is_an_error_not_a_traceback(run, tmp_path):
    result = run("format", str(tmp_path / "absent.bib"), "--style", "apa")
    assert result.exit_code != 0
    assert "Traceback" not in _stderr(result)


# ------------------------------------------------------------------ cite


def test_cite_prints_one_citation_for_the_keys(run, bib):
    result = run("cite", bib, "doe2020", "abel1999", "--style", "apa")
    assert result.exit_code == 0, _stderr(result)
    assert _stdout(result).strip() == "(Abel, 1999; Doe & van der Berg, 2020)"


def test_cite_with_locator_in_a_numeric_style(run, bib):
    result = run("cite", bib, "doe2020", "--style", "ieee", "--locator", "12")
    assert result.exit_code == 0, _stderr(result)
    assert _stdout(result).strip() == "[1, p. 12]"


def test_cite_unknown_key_is_reported_with_a_suggestion_and_fails(run, bib):
    result = run("cite", bib, "doe2021", "--style", "apa")
    assert result.exit_code == 1
    assert "no entry with key 'doe2021'" in _stderr(result)
    assert "doe2020" in _stderr(result)
    assert _stdout(result) == ""


def test_cite_bibtex_style_uses_the_styles_labels(run, bib):
    assert _stdout(run("cite", bib, "doe2020", "--style", "bibtex:plain")).strip() == "[2]"
    assert _stdout(run("cite", bib, "abel1999", "--style", "bibtex:alpha")).strip() == "[Abe99]"


# ------------------------------------------------------------------ styles


def test_styles_lists_matching_names_with_titles(run):
    result = run("styles", "nature")
    assert result.exit_code == 0
    lines = _stdout(result).splitlines()
    assert lines[0].split() == ["nature", "Nature"]
    assert all("nature" in line.lower() for line in lines)


def test_styles_lists_bibtex_styles_too(run):
    out = _stdout(run("styles", "bibtex"))
    assert "bibtex:plain" in out and "bibtex:alpha" in out


def test_styles_independent_flag_hides_dependent_styles(run):
    out = _stdout(run("styles", "2d materials", "--independent"))
    assert "2d-materials" not in out


def test_styles_without_match_fails(run):
    result = run("styles", "zzqqxx-no-such-style")
    assert result.exit_code == 1
    assert "no style matches" in _stderr(result)


def test_latex_output_is_one_thebibliography_environment_with_a_bibitem_per_key(tmp_path):
    from click.testing import CliRunner
    from bibkit.cli import main

    bib = tmp_path / "refs.bib"
    bib.write_text("@article{knuth84, author = {Knuth, Donald}, title = {Literate Programming}, "
                   "journal = {The Computer Journal}, year = 1984}\n"
                   "@book{lamport94, author = {Lamport, Leslie}, title = {{LaTeX}: A Document "
                   "Preparation System}, publisher = {Addison-Wesley}, year = 1994}\n")
    result = CliRunner().invoke(main, ["format", str(bib), "--style", "apa", "--to", "latex"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("\\begin{thebibliography}{}") and out.rstrip().endswith("\\end{thebibliography}")
    assert "]{knuth84} Knuth" in out and "]{lamport94} Lamport" in out
    assert out.count("\\bibitem[") == 2
