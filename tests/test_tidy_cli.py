"""``bibkit tidy`` on real corpus files: each option does what it says, and keeps every other value."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from bibkit.cli import main
from bibkit.transforms.tidy import DEFAULT_FIELD_ORDER, RawEntry, Verbatim, read
from tests.conftest import require_shared

FIXTURES = ("corpus", "ordinary", "bibtex-tidy-fixtures")
EXAMPLES = FIXTURES + ("biber", "examples.bib")  # 126 entries, upper-case fields, empty fields, abstracts
QUOTED = ("corpus", "ordinary", "aibasel-bib", "crossref.bib")  # quoted values, @string, 101 comments
NUMBERS = ("corpus", "ordinary", "krr-up-bibliography", "procs.bib")  # {2004}, empty fields
URLDOI = FIXTURES + ("better-bibtex", "Jabref_import_-_groups_lost_1730-3.bib")  # url + doi, months
JOURNALS = FIXTURES + ("better-bibtex", "Unabbreviate_on_import_1436-1.bib")  # 499 abbreviated journals
FULL_JOURNALS = FIXTURES + ("autocomplete-bibtex", "PaglioneBibTeX.bib")  # journals spelt out


def tidy(path: Path, *options: str, input: str | None = None):
    return CliRunner().invoke(main, ["tidy", str(path), *options], input=input, catch_exceptions=False)


def entries(text: str) -> list[RawEntry]:
    return [b for b in read(text)[0] if isinstance(b, RawEntry)]


def values(text: str, skip: tuple[str, ...] = ()) -> Counter:
    """Every (key, field, value) of a text, values compared without layout (blank runs as one)."""
    out: Counter = Counter()
    for e in entries(text):
        for f in e.fields:
            if f.name.lower() not in skip:
                out[(e.key, f.name.lower(), " ".join(f.content.split()))] += 1
    return out


def others(text: str) -> list[str]:
    return [b.text for b in read(text)[0] if isinstance(b, Verbatim)]


def corpus(*parts: str) -> tuple[Path, str]:
    path = require_shared(*parts)
    return path, path.read_text(encoding="utf-8-sig")


# --------------------------------------------------------------------------- whole-file behaviour


@pytest.mark.parametrize("parts", [EXAMPLES, QUOTED, NUMBERS])
def test_tidy_without_options_keeps_every_value_comment_and_macro(parts):
    path, text = corpus(*parts)
    result = tidy(path)
    assert result.exit_code == 0, result.output
    assert values(result.stdout) == values(text)
    assert [e.key for e in entries(result.stdout)] == [e.key for e in entries(text)]
    assert others(result.stdout) == others(text)


@pytest.mark.parametrize("options", [
    (),
    ("--sort=-year,key", "--sort-fields", "--align", "14", "--wrap", "60", "--curly", "--numeric", "--months",
     "--lowercase", "--enclosing-braces", "--max-authors", "3", "--trailing-commas", "--no-blank-lines",
     "--remove-empty-fields", "--remove-url-if-doi", "--omit=abstract"),
    ("--quotes", "--tab", "--wrap", "--strip-comments"),
])
@pytest.mark.parametrize("parts", [EXAMPLES, QUOTED])
def test_tidy_is_idempotent_and_check_passes_on_its_output(tmp_path, parts, options):
    path, text = corpus(*parts)
    first = tidy(path, *options)
    out = tmp_path / "tidy.bib"
    out.write_text(first.stdout, encoding="utf-8")
    again = tidy(out, *options)
    assert again.stdout == first.stdout
    assert tidy(out, "--check", *options).exit_code == 0


def test_check_exits_1_names_the_file_and_writes_nothing(tmp_path):
    path, text = corpus(*EXAMPLES)
    copy = tmp_path / "examples.bib"
    copy.write_text(text, encoding="utf-8")
    result = tidy(copy, "--check")
    assert result.exit_code == 1
    assert f"{copy}: not tidy" in result.stderr
    assert result.stdout == "" and copy.read_text(encoding="utf-8") == text


def test_in_place_rewrites_the_file_and_output_writes_elsewhere(tmp_path):
    path, text = corpus(*URLDOI)
    copy = tmp_path / "refs.bib"
    copy.write_text(text, encoding="utf-8")
    assert tidy(copy, "--in-place", "--sort").exit_code == 0
    tidied = copy.read_text(encoding="utf-8")
    assert tidied != text and values(tidied) == values(text)
    other = tmp_path / "out.bib"
    assert tidy(path, "-o", str(other), "--sort").exit_code == 0
    assert other.read_text(encoding="utf-8") == tidied


def test_a_damaged_block_is_kept_as_written_with_its_line_and_exit_1(tmp_path):
    path, text = corpus(*URLDOI)
    damaged = tmp_path / "damaged.bib"
    broken = "@article{broken, title = {no closing brace\n\n"
    damaged.write_text(broken + text, encoding="utf-8")
    result = tidy(damaged)
    assert result.exit_code == 1
    assert f"{damaged}:1: error: could not read this block" in result.stderr
    assert values(result.stdout) == values(text)  # the rest is still tidied
    assert "no closing brace" in result.stdout


# --------------------------------------------------------------------------- one test per option


def test_sort_descending_year_then_key():
    path, text = corpus(*NUMBERS)
    out = tidy(path, "--sort=-year,key").stdout
    es = entries(out)
    years = [int(e.get("year").content) for e in es if e.get("year") and e.get("year").content.isdigit()]
    assert years == sorted(years, reverse=True) and len(set(years)) > 5
    assert values(out) == values(text)


def test_sort_alone_before_the_file_sorts_by_key_and_keeps_strings_first():
    path, text = corpus(*QUOTED)
    result = CliRunner().invoke(main, ["tidy", "--sort", str(path)])
    keys = [e.key for e in entries(result.stdout)]
    assert keys == sorted(keys, key=str.lower)
    blocks = read(result.stdout)[0]
    first_entry = next(i for i, b in enumerate(blocks) if isinstance(b, RawEntry))
    assert not any(isinstance(b, Verbatim) and b.kind == "string" for b in blocks[first_entry:])
    assert values(result.stdout) == values(text) and sorted(others(result.stdout)) == sorted(others(text))


def test_sort_fields_default_order_and_given_order():
    path, text = corpus(*EXAMPLES)
    for option, order in (("--sort-fields", DEFAULT_FIELD_ORDER), ("--sort-fields=year,author,title", ("year", "author", "title"))):
        out = tidy(path, option).stdout
        for e in entries(out):
            ranks = [order.index(f.name.lower()) for f in e.fields if f.name.lower() in order]
            assert ranks == sorted(ranks)
        assert values(out) == values(text)


def test_omit_removes_only_the_named_fields():
    path, text = corpus(*EXAMPLES)
    out = tidy(path, "--omit=abstract,Annotation").stdout
    assert not any(f.name.lower() in ("abstract", "annotation") for e in entries(out) for f in e.fields)
    assert values(out) == values(text, skip=("abstract", "annotation"))


def test_remove_empty_fields():
    path, text = corpus(*NUMBERS)
    empty = {(k, f) for (k, f, v) in values(text) if not v.strip()}
    assert empty
    out = tidy(path, "--remove-empty-fields").stdout
    assert not any(not v.strip() for (_, _, v) in values(out))
    assert values(out) == Counter({k: n for k, n in values(text).items() if k[2].strip()})


def test_remove_url_if_doi():
    path, text = corpus(*URLDOI)
    out = tidy(path, "--remove-url-if-doi").stdout
    for e in entries(out):
        assert not (e.get("url") and e.get("doi"))
    with_doi = {e.key for e in entries(text) if e.get("doi")}
    kept = Counter({k: n for k, n in values(text).items() if not (k[1] == "url" and k[0] in with_doi)})
    assert values(out) == kept


@pytest.mark.parametrize("options, indent", [(("--indent", "4"), "    "), (("--tab",), "\t")])
def test_indent_and_tab(options, indent):
    path, text = corpus(*URLDOI)
    out = tidy(path, *options).stdout
    field_lines = [line for line in out.splitlines() if re.match(r"\s+\w[\w-]*\s*=", line)]
    assert field_lines and all(line.startswith(indent) and not line[len(indent)].isspace() for line in field_lines)
    assert values(out) == values(text)


def test_align_puts_equals_signs_in_one_column():
    path, text = corpus(*EXAMPLES)
    out = tidy(path, "--align", "14").stdout
    columns = {line.index(" = ") for line in out.splitlines() if re.match(r"  [\w-]{1,12} +=", line)}
    assert columns == {2 + 13}
    assert values(out) == values(text)


def test_wrap_keeps_lines_within_the_column():
    path, text = corpus(*EXAMPLES)
    out = tidy(path, "--wrap", "70").stdout
    long = [line for line in out.splitlines() if len(line) > 70 and " " in line.strip()
            and not line.lstrip().startswith(("@", "%"))]
    assert not [line for line in long if re.match(r"\s{4}", line)]  # wrapped value lines fit
    assert any(line.startswith("    ") for line in out.splitlines())
    assert values(out) == values(text)


def test_curly_and_quotes_change_only_delimiters():
    path, text = corpus(*QUOTED)
    curly = tidy(path, "--curly").stdout
    assert not any(p.kind == "quoted" for e in entries(curly) for f in e.fields for p in (f.parts or ()))
    assert values(curly) == values(text)
    quoted = tidy(path, "--quotes").stdout
    kinds = Counter(p.kind for e in entries(quoted) for f in e.fields for p in (f.parts or ()))
    assert kinds["braced"] < kinds["quoted"] / 20
    assert values(quoted) == values(text)


def test_numeric_writes_numbers_bare():
    path, text = corpus(*NUMBERS)
    out = tidy(path, "--numeric").stdout
    assert re.search(r"=\s*\{\d+\}", text) and not re.search(r"=\s*\{[1-9]\d*\}", out)
    assert values(out) == values(text)


def test_months_become_macros():
    path, text = corpus(*EXAMPLES)
    before = [e.get("month").content for e in entries(text) if e.get("month")]
    out = tidy(path, "--months").stdout
    after = [e.get("month") for e in entries(out) if e.get("month")]
    assert any(not m.isalpha() or len(m) > 3 for m in before)
    macros = [m for m in after if m.single and m.single.kind == "bare"]
    assert len(macros) >= len(after) - 1 and all(m.content in ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec") for m in macros)
    assert values(out, skip=("month",)) == values(text, skip=("month",))


def test_lowercase_field_names_and_types():
    path, text = corpus(*EXAMPLES)
    assert any(e.type != e.type.lower() for e in entries(text))
    assert any(f.name != f.name.lower() for e in entries(text) for f in e.fields)
    out = tidy(path, "--lowercase").stdout
    assert all(f.name.islower() or not f.name.isalpha() for e in entries(out) for f in e.fields)
    assert all(e.type == e.type.lower() for e in entries(out))
    assert values(out) == values(text)


def test_enclosing_braces_protects_titles_once():
    path, text = corpus(*EXAMPLES)
    out = tidy(path, "--enclosing-braces=title,journaltitle").stdout
    for e in entries(out):
        for name in ("title", "journaltitle"):
            f = e.get(name)
            if f is not None and f.single and f.single.kind == "braced" and f.content:
                assert f.render().startswith("{{") and f.render().endswith("}}")
    unprotected = Counter({(k, f, v[1:-1] if f in ("title", "journaltitle") and v.startswith("{") and not v.startswith("{{") else v): n
                           for (k, f, v), n in values(out).items()})
    assert values(out, skip=("title", "journaltitle")) == values(text, skip=("title", "journaltitle"))
    assert sum(unprotected.values()) == sum(values(text).values())


def test_max_authors_keeps_the_first_n_and_others():
    path, text = corpus(*EXAMPLES)
    out = tidy(path, "--max-authors", "2").stdout
    truncated = 0
    for before, after in zip(entries(text), entries(out)):
        if before.get("author") is None:
            continue
        names = re.split(r"\s+and\s+", before.get("author").content)
        now = after.get("author").content
        if len(names) > 2:
            truncated += 1
            assert now == " and ".join(names[:2] + ["others"])
        else:
            assert now == before.get("author").content
    assert truncated >= 5
    assert values(out, skip=("author",)) == values(text, skip=("author",))


def test_trailing_commas():
    path, text = corpus(*URLDOI)
    out = tidy(path, "--trailing-commas").stdout
    lines = out.splitlines()
    closing = [i for i, line in enumerate(lines) if line == "}" and lines[i - 1].startswith("  ")]
    assert closing and all(lines[i - 1].endswith(",") for i in closing)
    assert values(out) == values(text)


def test_strip_comments_removes_comments_only():
    path, text = corpus(*QUOTED)
    out = tidy(path, "--strip-comments").stdout
    kinds = Counter(b.kind for b in read(out)[0] if isinstance(b, Verbatim))
    assert kinds["comment"] == 0 and kinds["string"] == Counter(b.kind for b in read(text)[0] if isinstance(b, Verbatim))["string"]
    assert values(out) == values(text)


def test_blank_lines_between_entries_or_none():
    path, text = corpus(*URLDOI)
    with_blank = tidy(path).stdout
    without = tidy(path, "--no-blank-lines").stdout
    assert "}\n\n@" in with_blank and "}\n\n" not in without and "}\n@" in without
    assert values(without) == values(text)


def test_abbreviate_journals_iso4():
    path, text = corpus(*FULL_JOURNALS)
    out = tidy(path, "--abbreviate-journals").stdout
    journals = {e.key: e.get("journal").content for e in entries(out) if e.get("journal")}
    assert "J. Am. Chem. Soc." in journals.values() or "Phys. Rev. Lett." in journals.values() or \
        sum(j.count(".") for j in journals.values()) > 20
    assert values(out, skip=("journal",)) == values(text, skip=("journal",))


def test_unabbreviate_journals_from_a_list_and_from_the_file(tmp_path):
    path, text = corpus(*JOURNALS)
    listing = tmp_path / "journals.csv"
    listing.write_text("Applied Physics Letters;Appl. Phys. Lett.\nPhysical Review B;Phys. Rev. B\n", encoding="utf-8")
    out = tidy(path, "--unabbreviate-journals", "--journal-list", str(listing)).stdout
    journals = Counter(e.get("journal").content for e in entries(out) if e.get("journal"))
    # spellings without dots or spaces ("Appl Phys Lett") are the same abbreviation
    assert journals["Applied Physics Letters"] >= 75 and journals["Physical Review B"] >= 74
    assert not [j for j in journals if j.replace(" ", "").replace(".", "").lower() in ("applphyslett", "physrevb")]
    assert journals["Nano Lett."] == 53  # not known: left alone
    assert values(out, skip=("journal",)) == values(text, skip=("journal",))
    # the file itself: one entry spelling the name out teaches it for the others
    teach = "@article{teacher, journal = {Nano Letters}, title = {T}, year = 2000}\n\n"
    own = tmp_path / "own.bib"
    own.write_text(teach + text, encoding="utf-8")
    journals = Counter(e.get("journal").content for e in entries(tidy(own, "--unabbreviate-journals").stdout)
                       if e.get("journal"))
    assert journals["Nano Letters"] >= 54 and journals["Nano Lett."] == 0


def test_tidy_is_idempotent_on_every_small_fixture_with_every_option():
    """The 200-odd bibtex-tidy fixtures under 100 kB hold the syntax oddities (quotes with
    braces, ``#`` chains, paragraph breaks, stray spaces); every option at once, twice."""
    from bibkit.formats.bibtex.layout import Layout
    from bibkit.transforms.tidy import TidyOptions, tidy_text

    folder = require_shared(*FIXTURES)
    options = [
        TidyOptions(sort=("-year", "key"), sort_fields=("author", "title"), delimiters="curly", numeric=True,
                    months=True, lowercase=True, enclosing_braces=("title",), max_authors=3, strip_comments=True,
                    remove_empty_fields=True, remove_url_if_doi=True, omit=("abstract",),
                    layout=Layout(align=14, wrap=80, trailing_commas=True, blank_lines=False)),
        TidyOptions(delimiters="quotes", layout=Layout(indent="\t", wrap=60)),
    ]
    files = [p for p in sorted(folder.rglob("*.bib")) if p.stat().st_size < 100_000]
    assert len(files) > 200
    for path in files:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        for option in options:
            once = tidy_text(text, option).text
            assert tidy_text(once, option).text == once, path


@pytest.mark.parametrize("declared", [False, True])
def test_in_place_writes_a_latin1_file_back_as_latin1(tmp_path, declared):
    cookie = "% -*- coding: latin-1 -*-\n" if declared else ""
    path = tmp_path / "latin.bib"
    path.write_bytes((cookie + "@article{m,   title={Caf\u00e9 M\u00fcller}, year=2001}\n").encode("latin-1"))
    args = ["tidy", "--in-place", str(path)] + ([] if declared else ["--encoding", "latin-1"])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    data = path.read_bytes()
    assert "Caf\u00e9 M\u00fcller".encode("latin-1") in data  # still Latin-1, not UTF-8
    assert "title = {Caf\u00e9".encode("latin-1") in data  # and tidied
