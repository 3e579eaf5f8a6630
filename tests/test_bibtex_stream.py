"""A .bib read batch by batch (and ``convert`` streamed) gives exactly the whole-file reading.

The reader's batches are compared with the serial reader on the same file, every messy and
ordinary corpus file cut into tiny batches: blocks (their reprs show every field, mark, line and
span) and problems, in order. ``convert`` is compared byte for byte (output and messages) with
the whole-file conversion it replaces.
"""
from __future__ import annotations

import dataclasses

import pytest
from click.testing import CliRunner

from bibkit.cli import main
from bibkit.formats.bibtex import BibTeXReader
from bibkit.formats.bibtex import stream
from bibkit.formats.bibtex.stream import NotStreamable, read_batches
from bibkit.io import read_input
from bibkit.model import Entry

from .conftest import require_shared

#: the whole-file checks ``convert``'s job makes (not the reader's batches)
_LINK_CODES = {"crossref-missing", "crossref-cycle"}


def _files(*parts: str):
    return sorted(require_shared(*parts).rglob("*.bib"))


def _blocks(library) -> list[str]:
    return [repr(b) for b in library.blocks]


def _problems(problems) -> list[str]:
    return [f"{p}|{p.severity}|{p.code}" for p in problems if p.code not in _LINK_CODES]


def _batched(path, jobs: int, batch_bytes: int):
    blocks, problems, key_problems = [], [], []
    for batch in read_batches(str(path), path.name, _blocks, jobs=jobs, batch_bytes=batch_bytes):
        blocks += batch.result
        problems += batch.problems
        key_problems += batch.key_problems
    return blocks, _problems(problems + key_problems)


def _serial(path):
    text, _ = read_input(str(path))
    lib = BibTeXReader(path.name, jobs=1).read(text)
    return _blocks(lib), _problems(lib.problems), "\x1b" in text or any(c < " " and c not in "\t\n\r" for c in text)


def _compare(path, jobs: int, batch_bytes: int) -> bool:
    """Whether the file streamed (False: not UTF-8, read whole by the callers)."""
    try:
        blocks, problems = _batched(path, jobs, batch_bytes)
    except NotStreamable:
        with pytest.raises(UnicodeDecodeError):
            path.read_bytes().decode("utf-8")
        return False
    want_blocks, want_problems, controls = _serial(path)
    if controls:  # control-character warnings come with their batch, and spans count the removed characters
        assert sorted(problems) == sorted(want_problems), path.name
    else:
        assert blocks == want_blocks, path.name
        assert problems == want_problems, path.name
    return True


def test_every_messy_file_reads_the_same_in_batches_on_two_processes():
    streamed = sum(_compare(path, 2, 300) for path in _files("messy"))
    assert streamed > 20


def test_every_ordinary_corpus_file_reads_the_same_in_batches():
    files = _files("corpus", "ordinary")
    assert len(files) > 200
    assert sum(_compare(path, 1, 2000) for path in files) > 200


BROKEN = ("@string{jn = \"Journal of Tests\"}\n@article{a, title = {Unclosed,\n journal = jn}\n"
          "@article{b, title = {Fine}, journal = jn}\n@article{a, title = {Again}}\n"
          "@article{c, title = {Also fine}}\n")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_block_open_at_a_cut_is_read_again_with_the_next_batch(tmp_path, jobs):
    path = tmp_path / "broken.bib"
    path.write_text(BROKEN * 3)
    assert _compare(path, jobs, 10)
    blocks, _ = _batched(path, jobs, 10)
    assert len(blocks) == len(_serial(path)[0])


def _run(command: str, args, monkeypatch, streaming: bool):
    """``bibkit COMMAND ARGS`` with 400-byte batches (or read whole): (result, whether it streamed)."""
    monkeypatch.setattr(stream, "BATCH_BYTES", 400)
    seen = []
    real = stream.file_chunks

    def spy(*a, **k):
        seen.append(1)
        return real(*a, **k)
    monkeypatch.setattr(stream, "file_chunks", spy)
    monkeypatch.setattr("bibkit.streaming.file_chunks", spy)
    if not streaming:
        monkeypatch.setattr("bibkit.cli.convert.can_stream", lambda *a: False)
        monkeypatch.setattr("bibkit.cli.tidy._tidy_streaming", lambda *a: None)
        monkeypatch.setattr("bibkit.cli.check._check_streaming", lambda *a: None)
        monkeypatch.setattr("bibkit.cli.keys._keys_streaming", lambda *a, **k: None)
    result = CliRunner().invoke(main, [command, *args])
    monkeypatch.undo()
    return result, bool(seen)


def _convert(args, monkeypatch, streaming: bool):
    return _run("convert", args, monkeypatch, streaming)


def _streamed_equals_whole(command: str, options: list[str], tmp_path, monkeypatch) -> int:
    """Run ``command`` streamed and whole on messy and corpus files: same status, messages and
    output; return how many files really streamed."""
    files = [p for p in _files("messy") if p.name.startswith(("bibtex-tidy", "bbt-", "jabref"))][:12]
    files += _files("corpus", "ordinary")[:18]
    streamed = 0
    for path in files:
        out = tmp_path / "out"
        got, did = _run(command, [str(path), *options, "-o", str(out)], monkeypatch, True)
        text = out.read_text(encoding="utf-8") if out.exists() else None
        want, _ = _run(command, [str(path), *options, "-o", str(out)], monkeypatch, False)
        assert (got.exit_code, got.stderr, text) == (want.exit_code, want.stderr, out.read_text(encoding="utf-8")), path
        streamed += did
    return streamed


@pytest.mark.parametrize("to", ["csljson", "biblatex"])
def test_convert_streamed_writes_what_the_whole_file_conversion_writes(tmp_path, monkeypatch, to):
    assert _streamed_equals_whole("convert", ["-t", to], tmp_path, monkeypatch) > 20


CHILD = "@inproceedings{child, title = {Paper}, crossref = {proc}}\n"
PARENT = "@proceedings{proc, title = {Proceedings of Tests}, year = 2001, publisher = {P}}\n"


@pytest.mark.parametrize("text,why", [
    (CHILD + PARENT, "crossref"),  # the child inherits from a parent further on
    ("@misc{, title = {No key}}\n@misc{k, title = {Key}}\n", "key"),
])
def test_what_needs_the_whole_file_is_converted_whole(tmp_path, monkeypatch, text, why):
    path = tmp_path / "in.bib"
    path.write_text(text)
    out = tmp_path / "out.json"
    with pytest.raises(NotStreamable, match=why):
        from bibkit.streaming import convert_stream
        with open(tmp_path / "scratch", "w") as handle:
            convert_stream([str(path)], "csljson", handle)
    result = CliRunner().invoke(main, ["convert", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    want = CliRunner().invoke(main, ["convert", "-", "--from", "bibtex", "-t", "csljson"], input=text)
    assert out.read_text() == want.stdout
    if why == "crossref":
        assert '"publisher": "P"' in out.read_text()


def test_missing_crossref_parents_are_warned_of_while_streaming(tmp_path, monkeypatch):
    path = tmp_path / "in.bib"
    path.write_text(CHILD * 1 + "@misc{x, title = {X}}\n")
    result, did = _convert([str(path), "-o", str(tmp_path / "o.json")], monkeypatch, True)
    assert did and "crossref to missing entry 'proc'" in result.stderr


def test_entries_keep_their_spans_in_batches(tmp_path):
    path = tmp_path / "s.bib"
    text = "".join(f"@misc{{k{n}, title = {{T{n}}}}}\n\n" for n in range(50))
    path.write_text(text)
    spans = []
    for batch in read_batches(str(path), "s.bib", lambda lib: [b.span for b in lib.blocks if isinstance(b, Entry)],
                              jobs=2, batch_bytes=100):
        spans += batch.result
    assert [text[a:b] for _, a, b in spans] == [f"@misc{{k{n}, title = {{T{n}}}}}" for n in range(50)]
    assert dataclasses.is_dataclass(Entry)


@pytest.mark.parametrize("options", [
    [], ["--align", "14", "--omit", "abstract", "--strip-comments", "--months"],
    ["--sort=-year,author", "--abbreviate-journals"],
    ["--sort", "--unabbreviate-journals", "--lowercase", "--no-blank-lines"],
    ["--sort=type,-title,month", "--strip-comments"],
])
def test_tidy_streamed_writes_what_the_whole_file_tidy_writes(tmp_path, monkeypatch, options):
    assert _streamed_equals_whole("tidy", options, tmp_path, monkeypatch) > 20


def _check_streamed_equals_whole(files, options: list[str], monkeypatch) -> int:
    """``bibkit check`` streamed and whole: same findings in the same order, same summary and
    exit status; return how many files really streamed."""
    streamed = 0
    for path in files:
        got, did = _run("check", [str(path), *options], monkeypatch, True)
        want, _ = _run("check", [str(path), *options], monkeypatch, False)
        assert (got.exit_code, got.stdout, got.stderr) == (want.exit_code, want.stdout, want.stderr), path
        streamed += did
    return streamed


def test_check_streamed_finds_what_the_whole_file_check_finds_on_every_file(monkeypatch):
    files = _files("messy") + _files("corpus", "ordinary")
    assert _check_streamed_equals_whole(files, ["--ignore", "likely-duplicate"], monkeypatch) > 200


@pytest.mark.parametrize("options", [
    ["--ignore", "likely-duplicate", "--model", "biblatex", "--format", "json", "--strict"],
    ["--select", "duplicate-key", "--select", "missing-required-field", "--select", "syntax-error"],
])
def test_check_streamed_keeps_its_options(monkeypatch, options):
    files = _files("messy")[:25] + _files("corpus", "ordinary")[:25]
    assert _check_streamed_equals_whole(files, options, monkeypatch) > 30


DUPLICATES = ("@article{Dup, title = {One}, author = {A. B}, journal = {J}, year = 2001}\n"
              "@book{other, title = {Two}}\n@misc{dup, title = {Three}}\n"
              "@article{late, title = {T}, crossref = {nowhere}}\n"
              "@online{blx, title = {Only biblatex has online}, url = {http://x.org}}\n@misc{Dup, note = {again}}\n")


@pytest.mark.parametrize("jobs", [1, 2])
def test_check_streamed_sees_keys_models_and_links_across_batches(tmp_path, jobs):
    """Duplicate keys in other batches, a biblatex entry at the end that makes the whole file
    biblatex, a crossref to nowhere: the same findings as the whole file's."""
    from bibkit.check import load_for_check, run_checks
    from bibkit.check.streamed import check_stream

    path = tmp_path / "dups.bib"
    path.write_text(DUPLICATES * 3)
    got = [str(f) for f in check_stream(str(path), None, ["likely-duplicate"], jobs=jobs, batch_bytes=60)]
    whole = run_checks(load_for_check([str(path)], show_progress=False), None, ["likely-duplicate"],
                       show_progress=False)
    assert got == [str(f) for f in whole]
    text = "\n".join(got)
    assert "keys differ only in case" in text and "crossref to missing entry 'nowhere'" in text
    assert "[missing-required-field]" in text


@pytest.mark.parametrize("text,options,why", [
    (CHILD + PARENT, ["--ignore", "likely-duplicate"], "crossref"),  # the child inherits the parent's fields
    (PARENT, [], "likely-duplicate"),  # compares every entry's contents
])
def test_what_check_needs_whole_is_checked_whole(tmp_path, monkeypatch, text, options, why):
    from bibkit.check.streamed import check_stream

    path = tmp_path / "in.bib"
    path.write_text(text)
    with pytest.raises(NotStreamable, match=why):
        check_stream(str(path), None, [o for o in options if o != "--ignore"])
    got, _ = _run("check", [str(path), *options], monkeypatch, True)
    want, _ = _run("check", [str(path), *options], monkeypatch, False)
    assert (got.exit_code, got.stdout, got.stderr) == (want.exit_code, want.stdout, want.stderr)
