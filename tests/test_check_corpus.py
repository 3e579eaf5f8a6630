"""`bibkit check` on the shared corpora: each messy file's named problem is found, and the
ordinary real-world bibliographies are checked without a crash."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from bibkit.check import load_for_check, run_checks
from bibkit.cli import main
from tests.conftest import require_shared

#: messy file -> the checks that must report the problem its MANIFEST.md names
MESSY_EXPECTED = {
    "bbt-percent-preamble-95-96.bib": {"mojibake"},
    "biber-latin9-encoding1.bib": {"encoding"},
    "bibtex-tidy-ads-export-month-macro.bib": {"latex-command"},
    "bibtex-tidy-concatenation.bib": {"undefined-macro"},
    "bibtex-tidy-strange-and-empty-keys.bib": {"bad-key", "missing-key"},
    "bibtexparser-bom-article.bib": {"month-format"},
    "gen-control-chars-in-field.bib": {"control-character"},
    "gen-crossref-simple.bib": {"crossref-missing"},
    "gen-duplicate-key-and-field.bib": {"duplicate-key", "duplicate-field"},
    "gen-latin1-accents.bib": {"encoding"},
    "gen-month-and-url.bib": {"month-format"},
    "gen-nested-braces-300.bib": {"brace-depth"},
    "gen-preamble-and-comment.bib": {"year-format"},
    "gen-unbalanced-extra-close-brace.bib": {"syntax-error"},
    "jabref-epilog-text.bib": {"undefined-macro"},
}
#: files whose special feature a good reader handles silently: checking them finds no error
MESSY_READABLE = {
    "bbt-accents-ring-above-1115.bib", "bbt-href-spaces-key-space-2504.bib", "bbt-math-in-title-627.bib",
    "bbt-string-space-concat-1081.bib", "biber-annotations.bib", "bibtex-tidy-entry-with-parentheses.bib",
    "bibtexparser-comments-only.bib", "gen-crlf.bib", "gen-long-field-multiline.bib", "gen-unicode-keys-simple.bib",
}
LINE = re.compile(r"^.+?(:\d+)?: (error|warning|info): \[[a-z-]+\] .+$")


def test_every_messy_file_is_classified():
    messy = require_shared("messy")
    assert {p.name for p in messy.glob("*.bib")} == set(MESSY_EXPECTED) | MESSY_READABLE


@pytest.mark.parametrize("name", sorted(MESSY_EXPECTED))
def test_check_finds_the_problem_the_manifest_names(name):
    path = require_shared("messy", name)
    found = run_checks(load_for_check([str(path)], show_progress=False), show_progress=False)
    assert MESSY_EXPECTED[name] <= {f.check for f in found}, [str(f) for f in found]
    assert all(f.line is not None for f in found if f.check in MESSY_EXPECTED[name] and f.check != "encoding")


@pytest.mark.parametrize("name", sorted(MESSY_READABLE))
def test_check_finds_no_error_where_the_reader_recovers(name):
    path = require_shared("messy", name)
    found = run_checks(load_for_check([str(path)], show_progress=False), show_progress=False)
    assert not [str(f) for f in found if f.severity == "error"]


def test_check_runs_over_the_ordinary_corpus_without_crashing():
    root = require_shared("corpus", "ordinary")
    files = sorted(str(p) for p in root.rglob("*.bib"))
    assert len(files) > 200
    result = CliRunner().invoke(main, ["check", *files])
    assert isinstance(result.exception, SystemExit) or result.exception is None, result.exception
    assert result.exit_code in (0, 1, 2)
    lines = result.stdout.splitlines()
    assert lines and all(LINE.match(line) for line in lines), next(l for l in lines if not LINE.match(l))
