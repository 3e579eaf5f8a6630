"""Duplicate finding over a .bib file read in batches: a compact record per entry, never the entries.

Why: finding duplicates compares every entry with every other (through blocking), so it needs
something of each entry at once; holding the entries themselves costs some 14 KB each (a
million-entry file would not fit in a laptop's memory). What the finding reads of an entry is
its :func:`bibkit.transforms.dedupe.record` (title, names, year, identifiers, venue,
numbers; a few hundred bytes) and its place in the content order
(:func:`bibkit.keys.quick_order`). The workers of :func:`bibkit.formats.bibtex.stream.read_batches`
make these from each batch (:func:`batch_records`); :class:`FileRecords` keeps them, and
:func:`bibkit.transforms.dedupe.duplicate_groups` finds the groups on them: the same code the
whole-file path runs on records of the entries in memory, so the two cannot drift apart.

What a record cannot settle is fetched again from the file: entries that tie on the quick order
(the same key, title, year and first author) are re-read for their full content order, and
:mod:`bibkit.transforms.dedupe_file` re-reads the members of each group to merge them. Entries
are named by where their text starts in the file (``Entry.span``), which the batched reading
gives exactly as the whole-file reading does.
"""
from __future__ import annotations

import pickle
from array import array
from dataclasses import dataclass
from sys import intern
from typing import Callable, Iterable, Sequence

from bibkit.formats.bibtex.stream import NotStreamable, read_batches
from bibkit.io import scratch_file
from bibkit.keys import content_order, quick_order, settle_ties, sort_quick
from bibkit.model import Entry, Library, Source
from bibkit.transforms.dedupe import DEFAULT_THRESHOLD, DuplicateGroup, Match, duplicate_groups, record


@dataclass
class BatchRecords:
    """One batch's records, in file order (made in the worker; pickled back)."""

    records: list  # dedupe records
    quick: list[bytes]  # quick_order keys, packed (:func:`packed_order`)
    keys: list[str]  # keys as written ("" when none)
    lines: list[int]  # first line of each entry (0 when unknown)
    starts: list[int]  # where each entry's text starts in the file (Entry.span)


def batch_records(entries: Sequence[Entry]) -> BatchRecords:
    """The records of one batch's entries; raises :class:`NotStreamable` for an entry the batched
    reading cannot name (no span in the file)."""
    out = BatchRecords([], [], [], [], [])
    for entry in entries:
        if entry.span is None:
            raise NotStreamable("an entry without a place in the file")
        out.records.append(record(entry))
        out.quick.append(packed_order(quick_order(entry)))
        out.keys.append(entry.key or "")
        out.lines.append(entry.source.line or 0 if entry.source else 0)
        out.starts.append(entry.span[1])
    return out


_YEAR_BASE = 10 ** 7  # years from -10**7 on sort as fixed-width digits


def packed_order(quick: tuple) -> bytes:
    """A :func:`bibkit.keys.quick_order` key as one string of bytes that sorts and compares as
    the tuple does (half the memory): the year as fixed-width digits, the words joined by NUL,
    which sorts before any character (the reader removes NULs from the text); UTF-8, whose bytes
    sort as the characters do (a bytes object costs 16 bytes less than a str)."""
    year, *words = quick
    if not 0 <= year + _YEAR_BASE < 10 * _YEAR_BASE or any("\0" in w for w in words):
        raise NotStreamable("a year or title that does not pack")
    return "\0".join([f"{year + _YEAR_BASE:08d}", *words]).encode("utf-8", "surrogatepass")


def _shared(value):
    return intern(value) if type(value) is str else value  # not a str subclass (Text): intern refuses


def _interned(rec, same: dict):
    """A record whose words, numbers and small tuples are shared objects again (unpickling makes
    a copy of each per batch; a million records share a few hundred thousand words). ``same``
    holds one of each equal value: a file has a few thousand (volume, issue, edition) triples
    and sets of title numbers, and an author list recurs with every paper of its authors."""
    rec.name_tokens = _one(same, rec.name_tokens)
    rec.families = _one(same, rec.families)
    rec.parts = _one(same, rec.parts)
    rec.numbers = _one(same, rec.numbers)
    for name in ("first_family", "container", "kind", "first_page", "last_page"):
        value = getattr(rec, name)
        if value:
            setattr(rec, name, _shared(value))
    if rec.year is not None:
        rec.year = _one(same, rec.year)
    return rec


def _one(same: dict, value):
    """The object of ``same`` equal to ``value`` (a tuple's words shared too), noted if new."""
    kept = same.get(value)
    if kept is None:
        kept = tuple(map(_shared, value)) if type(value) is tuple else value
        same[kept] = kept  # the shared copy as the key too: the unpickled one goes
    return kept


class FileRecords:
    """The records of every entry of one file, in file order, and what the finding needs of them."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.records: list = []
        # the quick orders wait on disk, batch by batch, until the sort: read back once the
        # workers are gone (and a check's key index freed) they do not add to the reading's peak
        self._quick = scratch_file()
        self.keys: list[str] = []
        self.lines = array("q")
        self.starts = array("q")
        self.batch_ends: list[int] = []  # entries read up to the end of each batch
        self._same: dict = {}  # one object of each equal tuple, set and year (see _interned)

    def add(self, part: BatchRecords) -> None:
        self.records.extend(_interned(r, self._same) for r in part.records)
        pickle.dump(part.quick, self._quick, protocol=pickle.HIGHEST_PROTOCOL)
        self.keys.extend(part.keys)
        self.lines.extend(part.lines)
        self.starts.extend(part.starts)
        self.batch_ends.append(len(self.records))

    def batch_of(self, index: int) -> int:
        """The batch (0-based) entry ``index`` was read in."""
        from bisect import bisect_right
        return bisect_right(self.batch_ends, index)

    def order(self, jobs: int | None = None, keep_raw: bool = False, batch_bytes: int | None = None) -> list[int]:
        """:func:`bibkit.keys.canonical_order` of the file's entries: the quick keys sort; the
        entries that tie on them are re-read for their full content order."""
        self._same = {}  # read to the end: the records keep the shared objects, the index may go
        order, ties = sort_quick(self._quick_orders())
        if ties:
            tied = {self.starts[i] for a, b in ties for i in order[a:b]}
            full = entries_at(self.path, tied, content_order, jobs, keep_raw, batch_bytes)
            index = {start: i for i, start in enumerate(self.starts) if start in tied}
            by_index = {index[start]: value for start, value in full.items()}
            order = settle_ties(order, ties, by_index.__getitem__)
        return order

    def _quick_orders(self) -> list[bytes]:
        quick: list[bytes] = []
        with self._quick:
            self._quick.seek(0)
            for _ in self.batch_ends:
                quick.extend(pickle.load(self._quick))
        return quick

    def groups(self, threshold: float = DEFAULT_THRESHOLD, review: list[Match] | None = None, *,
               jobs: int | None = None, keep_raw: bool = False, batch_bytes: int | None = None) -> list[DuplicateGroup]:
        """The duplicate groups, as :func:`bibkit.transforms.dedupe.find_duplicates` of the whole
        file gives them (with ``entries`` left empty: see :meth:`stand_in`)."""
        order = self.order(jobs, keep_raw, batch_bytes)
        return duplicate_groups(self.records, order, threshold, review)

    def stand_in(self, index: int) -> Entry:
        """A key-and-place stand-in for entry ``index`` (what reports and findings name it by)."""
        return Entry(type="", key=self.keys[index] or None, source=Source(self.path, self.lines[index] or None))


def entries_at(path: str, starts: Iterable[int], job: Callable[[Entry], object] | None = None,
               jobs: int | None = None, keep_raw: bool = False, batch_bytes: int | None = None) -> dict[int, object]:
    """The entries of ``path`` whose text starts at ``starts`` (or ``job`` of each, computed in the
    worker), read again batch by batch: start -> entry. Only those come back from the workers."""
    wanted = frozenset(starts)

    def pick(library: Library) -> list:
        return [(e.span[1], job(e) if job else e) for e in library.entries
                if e.span is not None and e.span[1] in wanted]

    found: dict[int, object] = {}
    for batch in read_batches(path, path, pick, jobs, keep_raw=keep_raw, batch_bytes=batch_bytes):
        found.update(batch.result)
    return found
