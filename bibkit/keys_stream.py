"""``bibkit keys`` of a .bib on disk in two streamed passes, so memory does not grow with the file.

Unique keys need every entry at once, but only a little of each: the keys the file already
uses, and, for each entry that gets a key, the key its pattern makes (its base) and, when that
base collides with another entry's, its :func:`bibkit.keys.content_order` (which member of a
collision group gets which suffix). So:

1. the file is read batch by batch on the worker processes
   (:func:`bibkit.formats.bibtex.stream.read_batches`); each batch sends back, per entry, its
   key and, for an entry to be (re)keyed, its base key and its content order, pickled. The
   content orders go to a scratch file at once (they are as large as the entries) and are read
   back only for the members of a collision group;
2. :func:`bibkit.keys.unique_keys`, the code the whole-file path uses, hands out the keys;
3. the file is read again batch by batch, each entry gets its key (and ``ids`` alias) in the
   worker, and the batch is written: the file's own text with only the changed entries edited
   (:func:`bibkit.formats.bibtex.preserve.written_back`, as the whole-file write-back), or the
   exporter's parts (:class:`bibkit.export_parts.Parts`) for a canonical rewrite.

Entries are named by where their text starts in the file (the same in both readings), never by
a position in a list held in memory. The output, the key map and the messages are the whole-file
path's, byte for byte (``tests/test_keys_stream.py``). What the whole-file path does differently
raises :class:`NotStreamable` before anything is written: a crossref to an entry of the file, a
block the reader could not locate in the text, text between blocks that belongs to none, a file
that is not UTF-8, an exporter that cannot write in parts.
"""
from __future__ import annotations

import pickle
import tempfile
from collections import Counter
from dataclasses import dataclass
from typing import TextIO

from bibkit import registry
from bibkit.diagnostics import Problem
from bibkit.export_parts import PartsWriter
from bibkit.formats.bibtex.preserve import copy_block, flavour_of, flavour_votes, written_back
from bibkit.formats.bibtex.stream import Chunk, NotStreamable, read_batches
from bibkit.formats.bibtex.writer import BibTeXWriter
from bibkit.keys import content_order, generate_key, rename, unique_keys
from bibkit.loss import LossTally
from bibkit.model import Library
from bibkit.streaming import FileLinks, Links, crossrefs_resolve_in

_BIBTEX_FORMATS = ("bibtex", "biblatex")

__all__ = ["KeysResult", "keys_stream"]


@dataclass
class KeysResult:
    missing: int  # entries that had no key
    changes: dict[str, str]  # old -> new, in the whole-file path's order
    problems: list[Problem]  # reading problems, then the key and crossref checks
    losses: list[Problem]  # what the output format had no place for


def keys_stream(path: str, out: TextIO, *, fmt: str, preserve: bool, pattern: str | None = None,
                rekey: bool = False, policy: str = "second-a", aliases: bool = True, to: str | None = None,
                unicode: bool = False, bom: bool = False, jobs: int | None = None,
                batch_bytes: int | None = None) -> KeysResult:
    """Give every entry of .bib ``path`` a unique key (every entry with ``rekey``) and write the
    file to ``out``: its own text with only the keys (and ``ids``) changed when ``preserve``,
    else the ``fmt`` exporter's output. ``bom``: start the preserved text with a byte order mark,
    as the file did. Raises :class:`NotStreamable` when the file needs the whole-file path."""
    if not preserve and not hasattr(registry.exporter(fmt), "parts"):
        raise NotStreamable(f"the {fmt} exporter writes whole files only")
    if crossrefs_resolve_in(path):
        raise NotStreamable("a crossref to an entry of the file")

    def survey(library: Library, chunk: Chunk):
        """Pass 1, in the worker: what key assignment needs of each entry of the batch."""
        if preserve:
            _check_located(library, chunk, path)
        records, orders, missing = [], [], 0
        for entry in library.entries:
            if entry.span is None:
                raise NotStreamable("an entry not found in the file's text")
            missing += not entry.key
            if rekey or not entry.key:
                records.append((entry.span[1], entry.key, generate_key(entry, pattern)))
                orders.append(pickle.dumps(content_order(entry), protocol=pickle.HIGHEST_PROTOCOL))
        return (records, orders, missing, len(library.blocks), flavour_votes(library.entries, path),
                Links.of(library.entries))

    problems: list[Problem] = []
    links = FileLinks()
    votes: Counter = Counter()
    bases: dict[int, str] = {}  # span start -> base key, in file order
    old_keys: dict[int, str] = {}  # span start -> the key it had (re-keyed entries with one)
    where: dict[int, tuple[int, int]] = {}  # span start -> its content order in the scratch file
    missing = blocks = 0
    with tempfile.TemporaryFile() as scratch:
        for batch in read_batches(path, path, survey, jobs, batch_bytes=batch_bytes, with_chunk=True):
            records, orders, batch_missing, batch_blocks, batch_votes, found = batch.result
            problems.extend(batch.problems)
            links.add(batch, found)
            votes.update(batch_votes)
            missing += batch_missing
            blocks += batch_blocks
            for (start, old, base), order in zip(records, orders):
                bases[start] = base
                if old:
                    old_keys[start] = old
                where[start] = (scratch.tell(), len(order))
                scratch.write(order)
        problems.extend(links.problems())

        def content_of(start: int):
            offset, size = where[start]
            scratch.seek(offset)
            return pickle.loads(scratch.read(size))

        assigned = unique_keys(() if rekey else links.keys, bases, policy,
                               lambda group: sorted(group, key=content_of))
    del bases, where
    changes: dict[str, str] = {}
    new_keys: dict[int, str] = {}  # span start -> its new key (changed entries only)
    for start, key in assigned:
        old = old_keys.get(start)
        if old != key:
            new_keys[start] = key
            if old:
                changes[old] = key
    del assigned, old_keys

    tally = LossTally(fmt)
    if preserve:
        writer = BibTeXWriter(to if to in _BIBTEX_FORMATS else flavour_of(votes), unicode)
    else:
        parts = registry.exporter(fmt).parts(unicode=unicode)

    def write(library: Library, chunk: Chunk):
        """Pass 2, in the worker: the batch's entries with their keys, written."""
        entries = library.entries
        changed = []
        for entry in entries:
            key = new_keys.get(entry.span[1])
            if key is not None:
                old = copy_block(entry) if preserve else None
                rename(entry, key, aliases)
                changed.append((old, entry))
        losses = LossTally(fmt)
        losses.add(entries)
        if not preserve:
            return parts.part(library), losses
        text, base, pieces, pos = chunk.text, chunk.char_offset, [], 0
        for old, entry in changed:
            start, end = entry.span[1] - base, entry.span[2] - base
            pieces += [text[pos:start], written_back(text[start:end], old, entry, writer)]
            pos = end
        pieces.append(text[pos:])
        return "".join(pieces), losses

    if preserve:
        if bom:
            out.write("\ufeff")
        for batch in (read_batches(path, path, write, jobs, batch_bytes=batch_bytes, with_chunk=True)
                      if blocks else ()):  # a file without blocks is written back empty
            text, losses = batch.result
            out.write(text)
            tally.merge(losses)
    else:
        parts_out = PartsWriter(parts, out)
        for batch in read_batches(path, path, write, jobs, batch_bytes=batch_bytes, with_chunk=True):
            text, losses = batch.result
            parts_out.write(text)
            tally.merge(losses)
        parts_out.close()
    return KeysResult(missing, changes, problems, tally.problems())


def _check_located(library: Library, chunk: Chunk, path: str) -> None:
    """What :func:`bibkit.formats.bibtex.preserve.capture` asks of a file written back piecewise,
    on one batch: every block found in the text, in order, with only blank space between."""
    text, base, pos = chunk.text, chunk.char_offset, 0
    for block in library.blocks:
        if block.span is None or block.span[0] != path:
            raise NotStreamable("a block not found in the file's text")
        start, end = block.span[1] - base, block.span[2] - base
        if start < pos or text[pos:start].strip():
            raise NotStreamable("text between blocks that belongs to none")
        pos = end
    if text[pos:].strip():
        raise NotStreamable("text between blocks that belongs to none")
