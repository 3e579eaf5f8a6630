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
from hypothesis import given, settings, strategies as st

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
        monkeypatch.setenv("BIBKIT_STREAM", "0")  # every command reads the file whole
    result = CliRunner().invoke(main, [command, *args])
    monkeypatch.undo()
    return result, bool(seen)


def _convert(args, monkeypatch, streaming: bool):
    return _run("convert", args, monkeypatch, streaming)


def test_streamed_convert_reports_control_characters_first_as_the_whole_file_reading(tmp_path, monkeypatch):
    entry = "@article{{k{n}, title = {{Title {n}}}, author = {{Doe, Jane}}, year = 2001}}\n"
    lines = [entry.format(n=n) for n in range(30)]
    lines[2] = "@article{bad, title = {A} year = 2001}\n"  # an error in the first batch
    path = tmp_path / "controls.bib"
    path.write_text("".join(lines).replace("Title 25", "Title\x0b 25"))  # a control character in a later one
    streamed, did = _convert([str(path), "-t", "csljson"], monkeypatch, True)
    whole, _ = _convert([str(path), "-t", "csljson"], monkeypatch, False)
    assert did
    assert streamed.stderr == whole.stderr and streamed.exit_code == whole.exit_code
    assert streamed.stderr.index("(U+000B)") < streamed.stderr.index("after a complete value")


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
    assert _check_streamed_equals_whole(files, [], monkeypatch) > 200


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


LOOKALIKES = ("@article{a1, title = {Deep learning for the detection of graph anomalies}, author = {Smith, Ann and Li, Bo},"
              " journal = {J. Graphs}, year = 2019, volume = 3, pages = {1--9}}\n"
              "@misc{filler, title = {Nothing alike}}\n"
              "@article{a2, title = {Deep Learning for the Detection of Graph Anomalies.}, author = {Smith, A. and Li, B.},"
              " journal = {Journal of Graphs}, year = 2019, volume = 3, pages = {1-9}}\n"
              "@article{d1, title = {Other}, doi = {10.1/x}, year = 2000}\n@misc{d2, title = {Another}, doi = {10.1/X}}\n"
              "@article{A1, title = {Deep learning for the detection of graph anomalies}, author = {Smith, Ann and Li, Bo},"
              " journal = {J. Graphs}, year = 2019, volume = 3, pages = {1--9}}\n")


@pytest.mark.parametrize("jobs", [1, 2])
def test_check_streamed_finds_likely_duplicates_across_batches(tmp_path, jobs):
    """Fuzzy and DOI duplicates in other batches, and entries that tie on key, title, year and
    first author (re-read for their full content order): the whole file's findings, in order."""
    from bibkit.check import load_for_check, run_checks
    from bibkit.check.streamed import check_stream

    path = tmp_path / "dups.bib"
    path.write_text(LOOKALIKES * 3)
    got = [str(f) for f in check_stream(str(path), jobs=jobs, batch_bytes=100)]
    whole = run_checks(load_for_check([str(path)], show_progress=False), show_progress=False)
    assert got == [str(f) for f in whole]
    assert sum("looks like a duplicate" in f for f in got) >= 3


@pytest.mark.parametrize("text,options,why", [
    (CHILD + PARENT, ["--ignore", "likely-duplicate"], "crossref"),  # the child inherits the parent's fields
    (CHILD + PARENT, [], "crossref"),  # and its likely duplicates are found with the parent's venue
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


def _dedupe(path, out, report, monkeypatch, streaming: bool, options=()):
    """``bibkit dedupe`` of ``path`` (streamed or whole): (status, stdout, stderr, output, report), and
    whether it streamed."""
    import bibkit.transforms.dedupe_file as dedupe_file

    monkeypatch.setattr(dedupe_file, "STREAM_FROM_BYTES", 0)  # small files are deduplicated whole
    seen = []
    real = dedupe_file.dedupe_file

    def spy(*a, **k):
        done = real(*a, **k)
        seen.append(1)
        return done
    monkeypatch.setattr(dedupe_file, "dedupe_file", spy)
    if not streaming:
        monkeypatch.setattr("bibkit.cli.merge._dedupe_streaming", lambda *a: None)
    for old in (out, report):
        if old.exists():
            old.unlink()
    result = CliRunner().invoke(main, ["dedupe", str(path), "-o", str(out), "--report", str(report), *options])
    monkeypatch.undo()
    written = out.read_text(encoding="utf-8") if out.exists() else None
    reported = report.read_text(encoding="utf-8") if report.exists() else None
    return (result.exit_code, result.stdout, result.stderr, written, reported), bool(seen)


def _dedupe_streamed_equals_whole(files, tmp_path, monkeypatch, options=(), jobs: int = 2) -> tuple[int, int]:
    """Streamed and whole ``dedupe``: same output, report, messages and status; (files that
    streamed, entries merged away in them)."""
    streamed = merged = 0
    out, report = tmp_path / "out.bib", tmp_path / "report.json"
    for path in files:
        monkeypatch.setattr(stream, "BATCH_BYTES", 50_000)  # several batches on the larger files
        monkeypatch.setenv("BIBKIT_JOBS", str(jobs))
        got, did = _dedupe(path, out, report, monkeypatch, True, options)
        want, _ = _dedupe(path, out, report, monkeypatch, False, options)
        assert got == want, path
        assert not got[0] or "Traceback" not in got[2]
        streamed += did
        if did and got[4]:
            merged += int(got[4].split('"merged_away": ')[1].split(",")[0])
    return streamed, merged


def test_dedupe_streamed_writes_what_the_whole_file_dedupe_writes(tmp_path, monkeypatch):
    files = _files("messy") + _files("corpus", "ordinary")
    streamed, merged = _dedupe_streamed_equals_whole(files, tmp_path, monkeypatch, jobs=1)
    assert streamed > 200 and merged > 100


@pytest.mark.parametrize("options", [["--strategy", "first", "--threshold", "85"], ["--dry-run"]])
def test_dedupe_streamed_keeps_its_options(tmp_path, monkeypatch, options):
    """On two worker processes, the largest files (one with crossrefs, deduplicated whole)."""
    files = sorted(_files("corpus", "ordinary"), key=lambda p: p.stat().st_size)[-4:]
    streamed, merged = _dedupe_streamed_equals_whole(files, tmp_path, monkeypatch, options)
    assert streamed >= 2 and merged > 10


@pytest.mark.parametrize("text,why", [
    (CHILD + PARENT, "crossref"),  # the child inherits the parent's venue and year
    ("@misc{x, title = {T}}\n@misc{title = {No key}}\n", "without a key"),  # its new key depends on every other
])
def test_what_dedupe_needs_whole_is_deduplicated_whole(tmp_path, monkeypatch, text, why):
    from bibkit.transforms.dedupe_file import dedupe_file
    import io

    path = tmp_path / "in.bib"
    path.write_text(text)
    with pytest.raises(NotStreamable, match=why):
        dedupe_file(str(path), io.StringIO())
    got, did = _dedupe(path, tmp_path / "out.bib", tmp_path / "r.json", monkeypatch, True)
    want, _ = _dedupe(path, tmp_path / "out.bib", tmp_path / "r.json", monkeypatch, False)
    assert got == want and not did


def test_control_characters_are_removed_as_the_whole_file_reader_removes_them(tmp_path, monkeypatch):
    """The whole-file reader warns of them first and its offsets are those of the cleaned text:
    a streamed dedupe says and writes the same; where a batch with one was read together with
    the next (a block open at the cut), the offsets cannot agree and the file is read whole."""
    from bibkit.transforms.dedupe_file import dedupe_file
    import io

    text = ("@misc{a, title = {One\x01 title}, author = {Li, Bo}, year = 2001}\n\n@misc{b, note = {x\x02}}\n"
            "@misc{c, title = {One title}, author = {Li, Bo}, year = 2001}\n")
    joined = "@misc{j, title = {T\x01}, abstract = {x\n@misc{inside, title = {I}}\n y}}\n" + text
    for body, streams in ((text, True), (joined, False)):
        path = tmp_path / "in.bib"
        path.write_text(body)
        monkeypatch.setattr(stream, "BATCH_BYTES", 30)
        if not streams:
            with pytest.raises(NotStreamable, match="control characters"):
                dedupe_file(str(path), io.StringIO(), batch_bytes=30)
        got, did = _dedupe(path, tmp_path / "out.bib", tmp_path / "r.json", monkeypatch, True)
        monkeypatch.setattr(stream, "BATCH_BYTES", 30)
        want, _ = _dedupe(path, tmp_path / "out.bib", tmp_path / "r.json", monkeypatch, False)
        assert got == want and did == streams
        assert "control characters removed" in got[2] and "merged b" not in got[2] and "merged" in got[2]


def test_an_entry_read_alone_is_the_entry_its_batch_reads(tmp_path):
    """A streamed dedupe reads the members of its groups each from its own text (where the file
    has no @string): every entry of the messy files so read equals the batches' reading of it,
    duplicate keys included."""
    from array import array

    from bibkit.transforms.dedupe_file import _members
    from bibkit.transforms.dedupe_stream import FileRecords, batch_records, entries_at

    def job(library):
        spans = array("q")
        for block in library.blocks:
            if block.span is not None:
                spans.extend(block.span[1:])
        return batch_records(library.entries), spans, bool(library.strings)

    compared = 0
    for path in _files("messy") + [tmp_path / "dups.bib"]:
        if path.name == "dups.bib":
            path.write_text(DUPLICATES * 3)
        name = str(path)
        records, spans, strings = FileRecords(name), array("q"), False
        try:
            for batch in read_batches(name, name, job, 1, batch_bytes=300):
                part, found, defined = batch.result
                records.add(part)
                spans.extend(found)
                strings = strings or defined
        except NotStreamable:
            continue
        if strings or not records.keys:
            continue
        alone = _members(name, records, spans, set(range(len(records.keys))), 300)
        batched = entries_at(name, set(records.starts), None, 1, batch_bytes=300)
        assert {k: repr(v) for k, v in alone.items()} == {k: repr(v) for k, v in batched.items()}, path
        compared += 1
    assert compared > 10


_ORDER_TEXT = st.text(st.characters(blacklist_characters="\0"), max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(-10**6, 10**6), _ORDER_TEXT, _ORDER_TEXT, _ORDER_TEXT), max_size=8))
def test_packed_orders_sort_and_tie_as_the_quick_orders_do(quicks):
    """The packed quick orders a streamed check or dedupe keeps (bytes) sort and tie exactly as
    the tuples would, whatever the characters (beyond Latin-1, beyond the BMP, lone surrogates)."""
    from bibkit.keys import sort_quick
    from bibkit.transforms.dedupe_stream import packed_order

    packed = [packed_order(q) for q in quicks]
    assert sort_quick(packed) == sort_quick(quicks)


def _refuse_fork(monkeypatch):
    def refuse(*_a, **_k):
        raise BlockingIOError(11, "Resource temporarily unavailable")
    monkeypatch.setattr("os.fork", refuse)


@pytest.mark.parametrize("command", [["check"], ["keys", "--rekey"], ["format", "--style", "apa"],
                                     ["convert", "-t", "csljson"]])
def test_streamed_commands_read_here_where_no_process_can_be_forked(command, monkeypatch):
    path = str(_files("messy")[0].parent / "gen-duplicate-key-and-field.bib")
    want, _ = _run(command[0], [path, *command[1:]], monkeypatch, True)
    monkeypatch.setattr(stream, "BATCH_BYTES", 400)  # several batches, so workers are asked for
    _refuse_fork(monkeypatch)
    result = CliRunner().invoke(main, [*command[:1], path, *command[1:]])
    monkeypatch.undo()
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert (result.stdout, result.stderr, result.exit_code) == (want.stdout, want.stderr, want.exit_code)


def test_a_file_of_one_batch_is_read_without_worker_processes(monkeypatch):
    path = _files("messy")[0].parent / "gen-crlf.bib"
    _refuse_fork(monkeypatch)
    batches = list(read_batches(str(path), path.name, lambda library: len(library.entries), jobs=2))
    assert len(batches) == 1 and batches[0].result > 0


def test_streamed_check_of_a_small_file_needs_no_temporary_folder(monkeypatch):
    import tempfile

    path = str(_files("messy")[0].parent / "gen-duplicate-key-and-field.bib")
    want = CliRunner().invoke(main, ["check", path])

    def no_folder():
        raise FileNotFoundError(2, "No usable temporary directory found")
    monkeypatch.setattr(tempfile, "_get_default_tempdir", no_folder)
    monkeypatch.setattr(tempfile, "tempdir", None)
    got = CliRunner().invoke(main, ["check", path])
    assert got.exception is None or isinstance(got.exception, SystemExit), got.exception
    assert (got.stdout, got.stderr, got.exit_code) == (want.stdout, want.stderr, want.exit_code)
    assert "duplicate" in got.stdout + got.stderr
