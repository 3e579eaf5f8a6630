"""The .bib files bibkit writes are accepted by the real bibtex (plain.bst) and biber/biblatex,
and the \\nocite{*} document compiles with pdflatex."""
from __future__ import annotations

from pathlib import Path

import pytest

import bibkit
from bibkit.keys import assign_keys
from tests.conftest import ROOT, require_shared
from tests.texcheck import check_with_biber, check_with_bibtex

# Problems that are the data's own, not the writer's: an AAS journal macro (\apj) undefined in
# plain LaTeX; a crossref to a parent the file does not have (bibtex counts it an error); CJK
# names pdflatex cannot typeset without CJK packages; a @preamble of \makeatletter code that
# only works where BibTeX puts it (biblatex runs preambles elsewhere).
DATA_ERRORS = {"bibtex-tidy-ads-export-month-macro.bib", "gen-crossref-simple.bib",
               "gen-unicode-keys-simple.bib"}
BIBER_DATA_ERRORS = DATA_ERRORS | {"bbt-percent-preamble-95-96.bib"}
ENCODINGS = {"gen-latin1-accents.bib": "latin-1"}


def messy_library(skip: set[str] = DATA_ERRORS) -> bibkit.Library:
    library = bibkit.Library()
    for path in sorted(require_shared("messy").glob("*.bib")):
        if path.name in skip:
            continue
        library.extend(bibkit.load(path, encoding=ENCODINGS.get(path.name)))
    # the messy files reuse keys across files (and one on purpose within a file)
    seen: set[str] = set()
    for entry in library.entries:
        if entry.key and entry.key.lower() in seen:
            entry.key = None
        elif entry.key:
            seen.add(entry.key.lower())
    assign_keys(library.entries)
    return library


def corpus_library() -> bibkit.Library:
    return bibkit.load(require_shared("corpus", "ordinary", "bibtex-tidy-fixtures", "biblatex", "biblatex-examples.bib"))


# biblatex-examples.bib uses biblatex macros (\mkbibquote) in its data: biber only.
BIBTEX_LIBRARIES = {"messy": messy_library}
BIBER_LIBRARIES = {"messy": lambda: messy_library(BIBER_DATA_ERRORS), "biblatex-examples": corpus_library}


def example_library() -> bibkit.Library:
    path = ROOT / "examples" / "references.bib"
    if not path.exists():
        pytest.skip("examples/references.bib not generated yet")
    return bibkit.load(path)


@pytest.mark.parametrize("name", sorted(BIBTEX_LIBRARIES))
def test_bibtex_with_plain_bst_accepts_what_bibkit_writes(name, tmp_path: Path):
    result = check_with_bibtex(bibkit.dumps(BIBTEX_LIBRARIES[name](), "bibtex"), tmp_path)
    assert result.ok, "\n".join(result.errors) + "\n" + result.log[-3000:]


@pytest.mark.parametrize("name", sorted(BIBER_LIBRARIES))
def test_biber_with_biblatex_accepts_what_bibkit_writes(name, tmp_path: Path):
    result = check_with_biber(bibkit.dumps(BIBER_LIBRARIES[name](), "biblatex"), tmp_path)
    assert result.ok, "\n".join(result.errors) + "\n" + result.log[-3000:]


def test_unicode_output_is_accepted_by_biber(tmp_path: Path):
    result = check_with_biber(bibkit.dumps(messy_library(BIBER_DATA_ERRORS), "biblatex", unicode=True), tmp_path)
    assert result.ok, "\n".join(result.errors)


def test_example_references_pass_bibtex_and_biber(tmp_path: Path):
    library = example_library()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert check_with_bibtex(bibkit.dumps(library, "bibtex"), tmp_path / "a").ok
    assert check_with_biber(bibkit.dumps(library, "biblatex"), tmp_path / "b").ok
