"""``bibkit format`` of a .bib streamed gives exactly the whole-file list (text and messages).

The streamed path (:mod:`bibkit.format_stream`) decides sort, numbers, year-suffixes and added
names on compact records and renders in parts; these tests cut files into tiny batches and
spans on two processes and compare its output, messages and exit status byte for byte with
``BIBKIT_STREAM=0`` (the whole file at once) for the shipped style and the popular ones.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import bibkit.format_stream as format_stream
from bibkit.cli import main
from bibkit.formats.bibtex import stream

from .conftest import require_shared

ROOT = Path(__file__).resolve().parents[1]
STYLES = [str(ROOT / "styles" / "bibkit-numeric.csl"), "apa", "ieee", "chicago-author-date", "nature", "vancouver",
          "harvard-cite-them-right"]

#: entries that make the list's decisions depend on each other: a repeated key, cites that
#: collide (year-suffixes, added names, given names), crossrefs (resolving, missing, a cycle),
#: an entry the engine cannot render (from the corpus), one without any printable field, a
#: control character (reported before every other problem of the file)
TRICKY = r"""
@article{smith2020, author = {Smith, John and Doe, Anne and Roe, Bob}, title = {Alpha}, journal = {J}, year = 2020, publisher = NOMACRO}
@article{smith2020b, author = {Smith, John and Doe, Anne and Poe, Carl}, title = {Beta}, journal = {J}, year = 2020}
@article{smith2020c, author = {Smith, Jane}, title = {Gamma}, journal = {J}, year = 2020}
@article{smithk, author = {Smith, Karl}, title = {Kappa}, journal = {J}, year = 2020}
@article{smith2020d, author = {Smith, John}, title = {Delta}, journal = {J}, year = 2020}
@article{smith2020d, author = {Smith, John}, title = {Delta again}, journal = {J}, year = 2020}
@book{parent, editor = {Lee, Ann}, title = {Proceedings}, year = 2019, crossref = {child}}
@inproceedings{child, author = {Lee, Bo}, title = {A paper}, crossref = {parent}}
@inproceedings{orphan, author = {Lee, Cy}, title = {Another}, crossref = {nowhere}, year = 2018}
@misc{empty}
@report{lse137132_,
 title = {European children's use and understanding of generative AI},
 subtitle = {EU Kids Online 2026},
 author = {Staksrud, Elisabeth and Mascheroni, Giovanna and Ni Bhroin, Niamh and {\cS}eng{\"u}l-{\.I}nal, G{\"u}lbin},
 year = {2026},
 number = {10.21953/researchonline.lse.ac.uk.00137132},
 institution = {{EU Kids Online}},
}
"""
TRICKY += "@article{zed, author = {Zed, Zoe}, title = {La\x0cst}, journal = {K}, year = 2001}\n"


@pytest.fixture
def tiny_batches(monkeypatch):
    """Batches of a few entries and spans of three, so every file has several of each."""
    monkeypatch.setattr(stream, "BATCH_BYTES", 400)
    monkeypatch.setattr(format_stream, "CHUNK", 3)
    monkeypatch.setenv("BIBKIT_JOBS", "2")
    streamed = []
    real = format_stream.format_stream

    def recorded(*args, **kwargs):
        result = real(*args, **kwargs)
        streamed.append(args[0])
        return result
    monkeypatch.setattr(format_stream, "format_stream", recorded)
    return streamed


def _run(args: list[str], whole: bool):
    result = CliRunner().invoke(main, ["format", *args], env={"BIBKIT_STREAM": "0" if whole else "1"},
                                catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _same(path: Path, style: str, to: str = "text") -> None:
    args = [str(path), "--style", style, "-t", to]
    assert _run(args, False) == _run(args, True), (path.name, style, to)


@pytest.mark.parametrize("style", STYLES)
def test_tricky_entries_format_the_same_streamed(tmp_path, tiny_batches, style):
    path = tmp_path / "tricky.bib"
    path.write_text(TRICKY, encoding="utf-8")
    _same(path, style)
    assert tiny_batches == [str(path)]


@pytest.mark.parametrize("style", ["chicago-author-date-16th-edition", "modern-humanities-research-association"])
def test_subsequent_author_substitute_across_spans_is_the_same_streamed(tmp_path, tiny_batches, monkeypatch, style):
    monkeypatch.setattr(format_stream, "CHUNK", 1)  # each entry's predecessor in another span
    path = tmp_path / "tricky.bib"
    path.write_text(TRICKY, encoding="utf-8")
    _same(path, style)
    assert tiny_batches == [str(path)]


@pytest.mark.parametrize("to", ["html", "md"])
def test_html_and_markdown_lists_are_the_same_streamed(tmp_path, tiny_batches, to):
    path = tmp_path / "tricky.bib"
    path.write_text(TRICKY, encoding="utf-8")
    for style in ("apa", "ieee"):
        _same(path, style, to)
    assert len(tiny_batches) == 2


def test_every_messy_file_formats_the_same_streamed(tiny_batches):
    files = sorted(require_shared("messy").glob("*.bib"))
    for path in files:
        for style in ("apa", "ieee"):
            _same(path, style)
    assert len(tiny_batches) > len(files)  # most stream (a file that is not UTF-8 is read whole)


def test_ordinary_corpus_files_format_the_same_streamed(tiny_batches, monkeypatch):
    monkeypatch.setattr(stream, "BATCH_BYTES", 20_000)
    monkeypatch.setattr(format_stream, "CHUNK", 50)
    files = [p for p in sorted(require_shared("corpus", "ordinary").rglob("*.bib")) if 2_000 < p.stat().st_size < 60_000]
    assert len(files) > 30
    for n, path in enumerate(files):
        _same(path, STYLES[n % len(STYLES)])
    assert len(tiny_batches) > 30


def test_latex_and_bibtex_styles_keep_the_whole_file_path(tmp_path, tiny_batches):
    path = tmp_path / "tricky.bib"
    path.write_text(TRICKY, encoding="utf-8")
    _same(path, "apa", "latex")
    plain = tmp_path / "plain.bib"  # (pybtex loops on the crossref cycle of the tricky file)
    plain.write_text(TRICKY.replace("crossref = {parent}", ""), encoding="utf-8")
    _same(plain, "bibtex:plain")
    assert tiny_batches == []
