"""``bibkit keys`` of a .bib on disk in two streamed readings, so memory does not grow with the file.

Unique keys need every entry at once, but only a little of each: the keys the file already
uses, and, for each entry that gets a key, the key its pattern makes (its base) and, when that
base collides with another entry's, its :func:`bibkit.keys.content_order` (which member of a
collision group gets which suffix). So:

1. the file is read batch by batch on the worker processes
   (:func:`bibkit.formats.bibtex.stream.read_batches`); each batch sends back, per entry, its
   key and, for an entry to be (re)keyed, its base key and its content order, pickled. The
   content orders go to a scratch file at once (they are as large as the entries) and are read
   back only for the members of a collision group;
2. :func:`bibkit.keys.unique_keys`, the code the whole-file path uses, hands out the keys
   (passes 1 and 2 run in a forked child, so that their records and garbage are gone before
   pass 3's workers are forked: what pass 3 gets is where each changed entry starts and its key);
3. the file is read again batch by batch, each entry gets its key (and ``ids`` alias) in the
   worker, and the batch is written: the file's own text with only the changed entries edited
   (:func:`bibkit.formats.bibtex.preserve.written_block`, as the whole-file write-back), or the
   exporter's parts (:class:`bibkit.export_parts.Parts`) for a canonical rewrite.

Without ``--rekey``, pass 1 also writes each batch as it is while no entry has needed a key,
so a file whose entries all have keys (the common case) is read once, as ``convert`` reads it.
In pass 3, entries are named by where their text starts in the file (the same in both
readings), never by a position in a list of every entry. The output, the key map and the
messages are the whole-file path's, byte for byte (``tests/test_keys_stream.py``). What the whole-file path does differently
raises :class:`NotStreamable` before anything is written: a crossref to an entry of the file, a
block the reader could not locate in the text, text between blocks that belongs to none, a file
that is not UTF-8, an exporter that cannot write in parts.
"""
from __future__ import annotations

import pickle
import tempfile
from array import array
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, TextIO

from bibkit import registry
from bibkit.diagnostics import Problem
from bibkit.export_parts import PartsWriter
from bibkit.formats.bibtex.preserve import copy_block, flavour_of, flavour_votes, written_block
from bibkit.formats.bibtex.stream import Chunk, NotStreamable, control_chars_first, read_batches
from bibkit.formats.bibtex.writer import BibTeXWriter
from bibkit.io import scratch_file
from bibkit.keys import add_aliases, content_order, generate_key, unique_keys
from bibkit.loss import LossTally
from bibkit.model import Entry, Library
from bibkit.parallel import in_child
from bibkit.streaming import crossrefs_resolve_in
from bibkit.transforms.crossref import crossref_target, warn_missing_parent

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
    file to ``out`` (a seekable file): its own text with only the keys (and ``ids``) changed
    when ``preserve``, else the ``fmt`` exporter's output. ``bom``: start the preserved text
    with a byte order mark, as the file did. Raises :class:`NotStreamable` when the file needs
    the whole-file path.

    Pass 1 and the assignment run in a forked child (:func:`bibkit.parallel.in_child`): the
    records of every entry and their garbage go with it, so pass 2's workers, forked after
    it, start small. Without ``rekey``, pass 1 also writes each batch as it is while no entry
    has needed a key, so a file whose entries all have keys is read once.
    """
    if not preserve and not hasattr(registry.exporter(fmt), "parts"):
        raise NotStreamable(f"the {fmt} exporter writes whole files only")
    if crossrefs_resolve_in(path):
        raise NotStreamable("a crossref to an entry of the file")
    parts = None if preserve else registry.exporter(fmt).parts(unicode=unicode)
    with tempfile.TemporaryFile() as changes_file:
        plan = in_child(lambda: _plan(path, out, changes_file, parts, fmt=fmt, preserve=preserve, pattern=pattern,
                                      rekey=rekey, policy=policy, bom=bom, jobs=jobs, batch_bytes=batch_bytes))
        if plan.done:
            return KeysResult(plan.missing, {}, plan.problems, plan.losses)
        starts, new_keys = plan.starts, plan.new_keys
        writer = BibTeXWriter(to if to in _BIBTEX_FORMATS else flavour_of(plan.votes), unicode) if preserve else None

        def write(library: Library, chunk: Chunk):
            """Pass 2, in the worker: the batch's entries with their keys, written."""
            entries = library.entries
            changed = []
            for entry in entries:
                n = bisect_left(starts, entry.span[1])
                original = copy_block(entry) if preserve and n < len(starts) and starts[n] == entry.span[1] else None
                if n < len(starts) and starts[n] == entry.span[1]:
                    old, entry.key = entry.key, new_keys[n]
                    if aliases and old and old != entry.key:  # as assign_keys
                        add_aliases(entry, [old])
                    changed.append((original, entry))
            losses = _losses(fmt, entries)
            if not preserve:
                return parts.part(library), losses
            text, base, pieces, pos = chunk.text, chunk.char_offset, [], 0
            for old, entry in changed:
                start, end = entry.span[1] - base, entry.span[2] - base
                pieces += [text[pos:start], written_block(text[start:end], old, entry, writer)]
                pos = end
            pieces.append(text[pos:])
            return "".join(pieces), losses

        tally = LossTally(fmt)
        written = _Output(out, parts, bom)
        for batch in read_batches(path, path, write, jobs, batch_bytes=batch_bytes, with_chunk=True):
            text, losses = batch.result
            written.write(text)
            tally.merge(losses)
        written.close(plan.blocks)
        changes_file.seek(0)
        changes = pickle.load(changes_file)
    return KeysResult(plan.missing, changes, plan.problems, tally.problems())


@dataclass
class _Plan:
    """What pass 1 and the assignment hand to pass 2: compact, whatever the file's size."""

    missing: int
    problems: list[Problem]
    blocks: int
    done: bool  # pass 1 wrote the output (no entry needed a key)
    losses: list[Problem]  # when done
    votes: Counter
    starts: array  # where each changed entry's text starts, ascending
    new_keys: list[str]  # its new key


def _plan(path: str, out: TextIO, changes_file, parts, *, fmt: str, preserve: bool, pattern: str | None,
          rekey: bool, policy: str, bom: bool, jobs: int | None, batch_bytes: int | None) -> _Plan:
    """Pass 1 and the assignment (see the module docstring); old -> new into ``changes_file``."""

    def survey(library: Library, chunk: Chunk):
        """In the worker: what key assignment needs of each entry of the batch, and the batch
        written as it is when no entry of it is to be keyed."""
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
        as_is = None
        if not records and not rekey:
            as_is = (chunk.text if preserve else parts.part(library)), _losses(fmt, library.entries)
        return (records, orders, missing, len(library.blocks), flavour_votes(library.entries, path),
                _Links.of(library.entries), as_is)

    problems: list[Problem] = []
    links = _FileLinks()
    votes: Counter = Counter()
    starts = array("q")  # n-th entry to key: where its text starts in the file (its name in pass 2)
    bases: list[str] = []  # its base key
    old_keys: list[str | None] = []  # the key it had
    offsets = array("q", [0])  # its content order is scratch[offsets[n]:offsets[n + 1]]
    missing = blocks = 0
    tally = LossTally(fmt)
    written = _Output(out, parts, bom)
    with scratch_file() as scratch:
        for batch in read_batches(path, path, survey, jobs, batch_bytes=batch_bytes, with_chunk=True):
            records, orders, batch_missing, batch_blocks, batch_votes, found, as_is = batch.result
            problems.extend(batch.problems)
            links.add(batch, found)
            votes.update(batch_votes)
            missing += batch_missing
            blocks += batch_blocks
            for (start, old, base), order in zip(records, orders):
                starts.append(start)
                old_keys.append(old)
                bases.append(base)
                scratch.write(order)
                offsets.append(scratch.tell())
            if as_is is not None and written.open:
                written.write(as_is[0])
                tally.merge(as_is[1])
            else:
                written.open = False
        # as the whole-file reader: the control characters it removes first, the blocks'
        # problems, then the key and crossref checks
        problems = control_chars_first(problems) + links.problems()
        if written.open:  # no entry had to be keyed: the output is written
            written.close(blocks)
            out.flush()
            pickle.dump({}, changes_file)
            changes_file.flush()
            return _Plan(missing, problems, blocks, True, tally.problems(), votes, array("q"), [])

        def content_of(n: int):
            scratch.seek(offsets[n])
            return pickle.loads(scratch.read(offsets[n + 1] - offsets[n]))

        groups: dict[str, list[int]] = {}  # lower-cased base -> its entries' numbers, in file order
        for n, base in enumerate(bases):
            groups.setdefault(base.lower(), []).append(n)

        def in_order(_lower: str, members: list[int]) -> tuple[list[int], str]:
            members = sorted(members, key=content_of) if len(members) > 1 else members
            return members, bases[members[0]]

        assigned = list(unique_keys(groups, set() if rekey else links.keys, in_order, policy))
        del groups
    changes: dict[str, str] = {}
    changed: list[tuple[int, str]] = []
    for n, key in assigned:
        old = old_keys[n]
        if old != key:
            changed.append((starts[n], key))
            if old:
                changes[old] = key
    pickle.dump(changes, changes_file, protocol=pickle.HIGHEST_PROTOCOL)
    changes_file.flush()
    changed.sort()
    return _Plan(missing, problems, blocks, False, [], votes, array("q", (start for start, _ in changed)),
                 [key for _, key in changed])


def _losses(fmt: str, entries) -> LossTally:
    tally = LossTally(fmt)
    tally.add(entries)
    return tally


class _Output:
    """The output as batches come: the file's text (written back) or the exporter's parts."""

    def __init__(self, out: TextIO, parts, bom: bool):
        self.out, self.parts, self.bom = out, parts, bom
        self.open = True  # still writing (pass 1 writes only while no entry needs a key)
        self.restart()

    def restart(self) -> None:
        """Start again from an empty output (the first pass's batches were not the output)."""
        self.out.seek(0)
        self.out.truncate()
        self.open = True
        self.writer = PartsWriter(self.parts, self.out) if self.parts is not None else None
        if self.writer is None and self.bom:
            self.out.write("\ufeff")

    def write(self, text: str) -> None:
        if self.writer is not None:
            self.writer.write(text)
        else:
            self.out.write(text)

    def close(self, blocks: int) -> None:
        if self.writer is not None:
            self.writer.close()
        elif not blocks:  # a file without blocks is written back empty (its blank space goes)
            self.out.seek(0)
            self.out.truncate()
            if self.bom:
                self.out.write("\ufeff")


@dataclass
class _Links:
    """One batch's keys and crossrefs (lower-cased), and its warnings of missing parents
    (:func:`bibkit.streaming.entry_links` on main, for entries that may lack a key)."""

    keys: list[str]
    targets: list[str]
    missing: list[Problem]  # valid only if no parent turns up elsewhere in the file

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> "_Links":
        holder = Library()
        keys, targets = [], []
        for entry in entries:
            if entry.key:
                keys.append(entry.key.lower())
            target = crossref_target(entry)
            if target:
                targets.append(target.strip().lower())
                warn_missing_parent(holder, entry, target)
        return cls(keys, targets, holder.problems)


class _FileLinks:
    """A streamed file's keys and crossrefs, batch by batch: the whole-file reader's key and
    crossref problems at the end, or :class:`NotStreamable` when a crossref names an entry of
    the file (the child inherits from it, and a cycle may need reporting)."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.targets: set[str] = set()
        self.key_problems: list[Problem] = []
        self.missing: list[Problem] = []

    def add(self, batch, links: _Links) -> None:
        self.keys.update(links.keys)
        self.targets.update(links.targets)
        self.key_problems.extend(batch.key_problems)
        self.missing.extend(links.missing)

    def problems(self) -> list[Problem]:
        """As the whole-file reader: after the file's blocks, the key and then the crossref checks."""
        if not self.targets.isdisjoint(self.keys):
            raise NotStreamable("a crossref to an entry of the file (the child inherits from it)")
        return self.key_problems + self.missing


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
