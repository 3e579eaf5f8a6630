"""Reading a .bib in pieces, in several processes, gives exactly what one process reads.

Every comparison is against the serial reader on the same text: blocks (through their reprs,
which show every field, mark and line) and problems, in order.
"""
from __future__ import annotations

import os

import pytest

from bibkit import parallel
from bibkit.formats.bibtex import pieces as bibtex_pieces
from bibkit.formats.bibtex import BibTeXReader
from bibkit.formats.bibtex.pieces import _CUT, cut_points, read_in_pieces

from .conftest import require_shared


def _block_starts(text: str) -> list[int]:
    return [m.end() for m in _CUT.finditer(text)]


def _spread_cuts(text: str, pieces: int) -> list[int]:
    """Cuts at evenly spaced block starts: the most pieces the text allows, up to ``pieces``."""
    starts = _block_starts(text)
    if not starts:
        return [0]
    step = max(1, len(starts) // pieces)
    return [0] + starts[step - 1::step][: pieces - 1]


def _snapshot(library) -> tuple[list[str], list[str]]:
    return ([repr(b) for b in library.blocks],
            [f"{p}|{p.severity}|{p.code}" for p in library.problems])


def _serial(text: str, name: str = "t.bib"):
    return BibTeXReader(name, jobs=1).read(text)


@pytest.fixture
def in_pieces(monkeypatch):
    """Make BibTeXReader.read cut every text, however small, into up to ``n`` pieces."""
    real = bibtex_pieces.read_in_pieces

    def spy(*args, **kwargs):
        result = real(*args, **kwargs)
        read.pieces.append(None if result is None else len(result))
        return result

    def read(text: str, n: int = 4, name: str = "t.bib"):
        monkeypatch.setattr(bibtex_pieces, "MIN_CHARS", 0)
        monkeypatch.setattr(bibtex_pieces, "cut_points", lambda t, pieces, *a: _spread_cuts(t, n))
        monkeypatch.setattr(bibtex_pieces, "read_in_pieces", spy)
        return BibTeXReader(name, jobs=n).read(text)
    read.pieces = []  # per read: how many pieces were joined, None when read serially
    return read


def _files(*parts: str):
    root = require_shared(*parts)
    return sorted(p for p in root.rglob("*.bib"))


def _text(path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def test_every_messy_file_reads_the_same_in_pieces(in_pieces):
    for path in _files("messy"):
        text = _text(path)
        assert _snapshot(in_pieces(text, 4, path.name)) == _snapshot(_serial(text, path.name)), path.name


def test_every_ordinary_corpus_file_reads_the_same_in_pieces(in_pieces):
    files = _files("corpus", "ordinary")
    assert len(files) > 200
    cuttable = 0
    for path in files:
        text = _text(path)
        cuttable += len(_spread_cuts(text, 3)) == 3
        assert _snapshot(in_pieces(text, 3, path.name)) == _snapshot(_serial(text, path.name)), path.name
    # the comparison means something only if the files were really read in pieces
    assert cuttable > 100 and in_pieces.pieces.count(3) == cuttable


CROSS = """@string{jn = "Journal of Tests"}
@string{pub = "First Publisher"}

@article{dup, author = {Ann Smith}, title = {One}, journal = jn, year = 2001}

@string{pub = "Second Publisher"}
@book{b1, author = {Bo Li}, title = {Two}, publisher = pub, year = 2002}

@article{dup, author = {Cy Doe}, title = {Three}, journal = jn # { Letters}, year = 2003}

@article{dup, author = {Di Roe}, title = {Four}, journal = undefinedmacro, year = 2004}
@misc{other, title = {Five}, crossref = {dup}}
"""


def test_macros_and_keys_of_earlier_pieces_reach_later_pieces(in_pieces):
    lib = in_pieces(CROSS, 6)
    assert in_pieces.pieces == [6]
    assert _snapshot(lib) == _snapshot(_serial(CROSS))
    messages = [str(p) for p in lib.problems]
    # both later 'dup' entries point at the first one, not at each other
    assert sum("duplicate key 'dup' (first used at line 4)" in m for m in messages) == 2
    assert any("'pub' is defined twice" in m for m in messages)
    journals = [e.fields.get("container-title") for e in lib.entries]
    assert journals[0] == "Journal of Tests" and journals[2] == "Journal of Tests Letters"
    assert lib.entries[1].fields.get("publisher") == "Second Publisher"


def test_spans_of_a_file_read_in_pieces_point_into_the_whole_text(in_pieces):
    from bibkit.formats.bibtex import BibTeXWriter
    from bibkit.formats.bibtex.preserve import capture, write_preserving

    lib = in_pieces(CROSS, 6)
    assert in_pieces.pieces == [6]
    assert [b.span for b in lib.blocks] == [b.span for b in _serial(CROSS).blocks]
    assert lib.entries[2].span is not None and CROSS[lib.entries[2].span[1]:].startswith("@article{dup, author = {Cy Doe}")
    assert write_preserving(capture(lib, "t.bib"), lib, BibTeXWriter()) == CROSS


def test_a_piece_that_ends_inside_a_broken_block_sends_the_file_to_the_serial_reader():
    text = "@article{a, title = {Unclosed\n@article{b, title = {Fine}}\n@article{c, title = {Also fine}}\n"
    cuts = [0] + _block_starts(text)
    reader = BibTeXReader("t.bib", jobs=3)
    assert read_in_pieces(reader, text, cuts=cuts) is None
    assert read_in_pieces(BibTeXReader("t.bib", jobs=2), text, cuts=[0, cuts[2]]) is not None


def test_a_failing_worker_sends_the_file_to_the_serial_reader(in_pieces, monkeypatch):
    parent, convert = os.getpid(), bibtex_pieces._convert

    def broken_in_children(*args, **kwargs):
        if os.getpid() != parent:
            raise RuntimeError("worker failure")
        return convert(*args, **kwargs)
    monkeypatch.setattr(bibtex_pieces, "_convert", broken_in_children)  # forked children inherit it
    text = CROSS
    assert read_in_pieces(BibTeXReader("t.bib", jobs=2), text, cuts=[0, _block_starts(text)[3]]) is None
    assert _snapshot(in_pieces(text, 3)) == _snapshot(_serial(text))
    assert in_pieces.pieces == [None]


def test_spawned_workers_read_the_same_as_forked_ones(in_pieces, monkeypatch):
    monkeypatch.setattr(bibtex_pieces, "_start_method", lambda: "spawn")
    assert _snapshot(in_pieces(CROSS, 3)) == _snapshot(_serial(CROSS))
    assert in_pieces.pieces == [3]


def test_line_numbers_of_later_pieces_are_lines_of_the_whole_file(in_pieces):
    lib = in_pieces(CROSS, 6)
    lines = [e.source.line for e in lib.entries]
    assert lines == [4, 7, 9, 11, 12]


def test_cuts_fall_only_before_a_block_that_starts_a_line():
    text = "".join(f"@misc{{k{i}, note = {{an @misc{{inline}} mention}}}}\n" for i in range(1000))
    cuts = cut_points(text, 4)
    assert len(cuts) == 4 and cuts[0] == 0
    assert all(text[c] == "@" and text[c - 1] == "\n" for c in cuts[1:])
    assert cuts == sorted(set(cuts))
    assert cut_points("@misc{only, title = {x}}", 4) == [0]


def test_small_files_and_one_job_are_read_in_one_process(monkeypatch):
    calls = []
    monkeypatch.setattr(bibtex_pieces, "read_in_pieces", lambda *a, **k: calls.append(1))
    BibTeXReader("t.bib").read(CROSS)
    monkeypatch.setattr(bibtex_pieces, "MIN_CHARS", 0)
    BibTeXReader("t.bib", jobs=1).read(CROSS)
    assert calls == []


def test_jobs_come_from_the_option_then_the_environment(monkeypatch):
    monkeypatch.setenv("BIBKIT_JOBS", "3")
    assert parallel.job_count(None) == 3
    assert parallel.job_count(1) == 1
    monkeypatch.delenv("BIBKIT_JOBS")
    assert parallel.job_count(None) >= 1
