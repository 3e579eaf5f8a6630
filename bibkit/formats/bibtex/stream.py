"""A .bib file read in bounded batches, in order, so that memory does not grow with the file.

Why: a whole 1M-entry file in memory, as text and as canonical entries, is some 14 GB. A
command that handles one entry at a time (``convert``) needs only the batch at hand, plus
what BibTeX itself carries from one block to the next: the ``@string`` macros defined so far
and the keys already used. That is exactly the context :mod:`.pieces` gives each piece of a
file read on several cores, so a batch here is a piece there, read the same way:

* the file is read in blocks of bytes and cut only before an ``@type{`` that starts a line
  (:data:`.pieces._CUT`); a batch that ends in a failed block (one still open at the cut) is
  joined to the next batch and read again, so no block of the serial reading spans a cut;
* each batch is split, reports its keys and ``@string`` expressions, gets its context (macros
  and the first line of each of its keys used earlier) and is converted: the blocks and
  problems of a batch are those of the serial reading of the whole file, in the same order.

The batches go to worker processes (:func:`bibkit.parallel.job_count`; forked, as the reader's
pieces), each splitting one batch while another converts, and the caller's ``job`` runs in the
worker on each converted batch: what comes back is the job's (small) result, not the entries.

What needs the whole file at once cannot stream (the caller's job decides what that is: for
``convert``, a ``crossref`` whose parent is in the file, or an entry without a key; here, a file
that is not UTF-8). The reader or the job then raises :class:`NotStreamable` and the caller reads the file
whole, as before. ``tests/test_bibtex_stream.py`` compares the two on every corpus and messy file.
"""
from __future__ import annotations

import codecs
import gc
import itertools
import multiprocessing
import pickle
import re
import traceback
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from bibkit.formats.bibtex.importer import check_keys
from bibkit.formats.bibtex.pieces import _CUT, Context, Split, _convert, _split
from bibkit.formats.bibtex.reader import BlockReader
from bibkit.formats.bibtex.values import ValueError_, evaluate
from bibkit.model import Library, Problem
from bibkit.parallel import fork_is_safe, job_count, started

#: bytes read per batch (about 4,000 entries of the corpus): large enough that a batch's fixed
#: costs vanish, small enough that two batches per worker stay a few tens of MB
BATCH_BYTES = 2_000_000

#: a job: called in the worker with each converted batch (a Library whose ``problems`` are the
#: batch's reading problems; with ``with_chunk``, also the batch's :class:`Chunk`, whose text
#: the blocks' spans point into, shifted by its ``char_offset``); its return value must pickle
Job = Callable[..., Any]


class NotStreamable(Exception):
    """This file (or this job on it) needs the whole file at once: read it whole instead."""


@dataclass
class Chunk:
    text: str
    line_offset: int  # lines before it in the file
    char_offset: int  # characters before it
    last: bool = False


@dataclass
class Batch:
    """One batch's outcome, in file order."""

    result: Any  # the job's return value
    problems: list[Problem]  # reading problems of the batch, in the serial reading's order
    key_problems: list[Problem]  # bad-key warnings (the serial reader gives them after all blocks)


def control_chars_first(problems: list[Problem]) -> list[Problem]:
    """A file's reading problems gathered batch by batch, in the whole-file reader's order: it
    removes control characters (and reports them) before it reads any block."""
    return ([p for p in problems if p.code == "control-char"]
            + [p for p in problems if p.code != "control-char"])


# --------------------------------------------------------------------------- the file in chunks


def chunks(path: str, batch_bytes: int, cut_at: re.Pattern = _CUT) -> Iterator[Chunk]:
    """The file's text cut before line-start ``@type{`` about every ``batch_bytes`` bytes (or
    at the end of the last match of ``cut_at``: record-based formats cut between records)."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    line, chars, carry, first = 0, 0, "", True
    with open(path, "rb") as handle:
        while True:
            data = handle.read(batch_bytes)
            at_end = not data
            if data and len(data) < batch_bytes:  # the end of the file, most likely: then no cut
                more = handle.read(batch_bytes)
                at_end = not more
                data += more
            if first and data.startswith(codecs.BOM_UTF8):
                data = data[len(codecs.BOM_UTF8):]
            first = False
            try:
                text = carry + decoder.decode(data, final=at_end)
            except UnicodeDecodeError as exc:
                raise NotStreamable(f"not UTF-8 ({exc.reason})")
            if at_end:
                if text:
                    yield Chunk(text, line, chars, last=True)
                return
            cut = None
            for m in cut_at.finditer(text):
                cut = m.end()
            if cut is None:  # no block starts yet: read on
                carry = text
                continue
            piece, carry = text[:cut], text[cut:]
            yield Chunk(piece, line, chars)
            line += piece.count("\n")
            chars += len(piece)


# --------------------------------------------------------------------------- one batch


class _BatchReader:
    """Reads batches of one file: split, then (given the context) convert and run the job."""

    def __init__(self, name: str, job: Job, options: dict):
        options = dict(options)
        self.with_chunk = options.pop("with_chunk", False)
        self.name, self.job, self.options = name, job, options
        self.blocks: list = []
        self.chunk: Chunk | None = None

    def split(self, chunk: Chunk) -> tuple[Split, list[Problem]]:
        reader = BlockReader(self.name, line_offset=chunk.line_offset)
        text = reader._strip_control_characters(chunk.text)
        if text is not chunk.text:
            chunk = Chunk(text, chunk.line_offset, chunk.char_offset, chunk.last)
        self.chunk = chunk
        self.blocks, info = _split(chunk.text, chunk.line_offset)
        return info, reader.library.problems

    def convert(self, ctx: Context, early: list[Problem]) -> Batch:
        chunk, blocks = self.chunk, self.blocks
        self.blocks, self.chunk = [], None
        out, problems = _convert(self.options, self.name, chunk.line_offset, blocks, ctx, chunk.text,
                                 chunk.char_offset)
        library = Library(out, early + problems)
        read = len(library.problems)
        check_keys(library, self.name)
        key_problems = library.problems[read:]
        del library.problems[read:]
        result = self.job(library, chunk) if self.with_chunk else self.job(library)
        return Batch(result, library.problems, key_problems)


def _worker(conn, name: str, job: Job, options: dict) -> None:
    """A child: batches until told to stop; each is split, given its context, converted."""
    gc.disable()  # a collection would touch (and so copy) the parent's pages
    batches = _BatchReader(name, job, options)
    try:
        while True:
            chunk = conn.recv()
            if chunk is None:
                return
            info, early = batches.split(chunk)
            conn.send((info, early))
            ctx = conn.recv()
            if ctx is None:  # the parent joins this batch to the next one: forget it
                batches.blocks, batches.chunk = [], None
                continue
            batch = batches.convert(ctx, early)
            conn.send_bytes(pickle.dumps(("ok", batch), protocol=pickle.HIGHEST_PROTOCOL))
    except NotStreamable as exc:
        _send_error(conn, "not-streamable", str(exc))
    except BaseException:
        _send_error(conn, "error", traceback.format_exc())
    finally:
        conn.close()


def _send_error(conn, status: str, message: str) -> None:
    try:
        conn.send_bytes(pickle.dumps((status, message)))
    except Exception:
        pass


# --------------------------------------------------------------------------- the parent


class _Context:
    """What the batches read so far tell the next one: macros, and where each key was first used."""

    def __init__(self):
        self.macros: dict[str, str] = {}
        self.entry_keys: dict[str, int] = {}
        self.string_keys: dict[str, int] = {}

    def next(self, info: Split) -> Context:
        """The context of the batch ``info`` describes; then ``info`` is added to it."""
        mine_entries = {key for kind, key, _ in info.keys if kind == "entry"}
        mine_strings = {key for kind, key, _ in info.keys if kind == "string"} | {k for k, _, _ in info.strings}
        ctx = Context(dict(self.macros),
                      {k: self.entry_keys[k] for k in mine_entries if k in self.entry_keys},
                      {k: self.string_keys[k] for k in mine_strings if k in self.string_keys})
        for key, expression, _ in info.strings:  # as BlockReader._block evaluates them
            try:
                value = evaluate(expression, self.macros)[0]
            except ValueError_:
                value = expression
            self.macros[key.lower()] = value
        for kind, key, line in info.keys:
            (self.entry_keys if kind == "entry" else self.string_keys).setdefault(key, line)
        return ctx


def file_chunks(path: str, batch_bytes: int | None = None, cut_at: re.Pattern = _CUT) -> Iterator[Chunk]:
    """:func:`chunks` with ``last`` set on the final one (a batch that ends in a failed block is
    joined to the next one, unless it is the last)."""
    return _mark_last(chunks(path, batch_bytes or BATCH_BYTES, cut_at))


def join(a: Chunk, b: Chunk) -> Chunk:
    return Chunk(a.text + b.text, a.line_offset, a.char_offset, b.last)


def _mark_last(source: Iterator[Chunk]) -> Iterator[Chunk]:
    """The chunks with ``last`` set on the final one (the reader needs to know)."""
    prev = None
    for chunk in source:
        if prev is not None:
            yield prev
        prev = chunk
    if prev is not None:
        prev.last = True
        yield prev


def read_batches(path: str, name: str, job: Job, jobs: int | None = None, keep_raw: bool = False,
                 batch_bytes: int | None = None, with_chunk: bool = False) -> Iterator[Batch]:
    """The file's batches in order, each with ``job``'s result; raises :class:`NotStreamable`.

    ``with_chunk``: the job is called with the batch's text too (``job(library, chunk)``), for
    a job that writes the file's own text back (``keys``, :mod:`bibkit.keys_stream`)."""
    options = {"keep_raw": keep_raw, "with_chunk": with_chunk}
    source = file_chunks(path, batch_bytes)
    first = next(source, None)
    if first is None:
        return
    source = itertools.chain([first], source)
    workers = job_count(jobs)
    if first.last or workers < 2 or not fork_is_safe():  # one batch: nothing to share out
        yield from _serial(source, name, job, options)
    else:
        yield from _parallel(source, name, job, options, workers)


def _serial(source: Iterator[Chunk], name: str, job: Job, options: dict) -> Iterator[Batch]:
    state, reader = _Context(), _BatchReader(name, job, options)
    pending: Chunk | None = None
    for chunk in source:
        if pending is not None:
            chunk = join(pending, chunk)
            pending = None
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            info, early = reader.split(chunk)
            if not info.ends_clean and not chunk.last:
                pending = chunk  # a block is open at the cut: read it again with the next chunk
                continue
            batch = reader.convert(state.next(info), early)
        finally:
            if was_enabled:
                gc.enable()
        yield batch


def _parallel(source: Iterator[Chunk], name: str, job: Job, options: dict, workers: int) -> Iterator[Batch]:
    ctx_mp = multiprocessing.get_context("fork")
    procs = []
    free = []
    for _ in range(workers):
        parent_end, child_end = ctx_mp.Pipe()
        proc = ctx_mp.Process(target=_worker, args=(child_end, name, job, options), daemon=True)
        if not started(proc):  # no more processes allowed: read with those there are, or here
            parent_end.close()
            child_end.close()
            break
        child_end.close()
        procs.append((proc, parent_end))
        free.append(parent_end)
    if not procs:
        yield from _serial(source, name, job, options)
        return
    state = _Context()
    ahead: deque[Chunk] = deque()  # chunks to send before the source's next one
    inflight: deque[list] = deque()  # [conn, chunk, ctx sent?, early problems] in file order

    def take() -> Chunk | None:
        if ahead:
            return ahead.popleft()
        return next(source, None)

    try:
        while True:
            while free:
                chunk = take()
                if chunk is None:
                    break
                conn = free.pop()
                conn.send(chunk)
                inflight.append([conn, chunk, False, None])
            if not inflight:
                return
            redo = None
            for n, item in enumerate(inflight):  # contexts, in file order, as far as they go
                if item[2]:
                    continue
                info, early = _receive(item[0])
                if not info.ends_clean and not item[1].last:
                    redo = n
                    break
                item[0].send(state.next(info))
                item[2], item[3] = True, early
            if redo is not None:
                # a block open at the cut: every batch from here on is read again, this one
                # joined to the next
                again = [item[1] for item in list(inflight)[redo:]]
                for item in list(inflight)[redo:]:
                    if item is not inflight[redo]:
                        _receive(item[0])
                    item[0].send(None)
                    free.append(item[0])
                for _ in range(len(inflight) - redo):
                    inflight.pop()
                nxt = again[1] if len(again) > 1 else take()
                joined = join(again[0], nxt) if nxt is not None else again[0]
                ahead.extendleft(reversed([joined] + again[2:]))
                if not inflight:
                    continue
            conn = inflight[0][0]
            status, payload = pickle.loads(conn.recv_bytes())
            if status == "not-streamable":
                raise NotStreamable(payload)
            if status != "ok":
                raise NotStreamable(f"a worker failed:\n{payload}")
            inflight.popleft()
            free.append(conn)
            yield payload
    finally:
        for proc, conn in procs:
            try:
                conn.send(None)
            except (OSError, ValueError):
                pass
            conn.close()
        for proc, _ in procs:
            proc.join(5)
            if proc.is_alive():  # pragma: no cover - a stuck child
                proc.kill()


def _receive(conn) -> tuple[Split, list[Problem]]:
    message = conn.recv()
    if isinstance(message, tuple) and len(message) == 2 and isinstance(message[0], Split):
        return message
    # the child sent ("error" | "not-streamable", text) as bytes; recv() of those fails earlier
    raise NotStreamable(f"a worker failed: {message!r}")
