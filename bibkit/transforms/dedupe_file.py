"""``bibkit dedupe`` of one .bib file without holding it: three passes over the file.

Why: the whole-file path holds every entry (some 14 KB each) and the file's text, so a
million-entry file needs more memory than a laptop has. Here:

1. the file is read in batches on the worker processes (:mod:`bibkit.formats.bibtex.stream`),
   which send back each entry's compact dedupe record and the place of every block, never the
   entries; the groups are found on the records by the whole-file code
   (:mod:`bibkit.transforms.dedupe_stream`);
2. the members of the groups (a small share of the file) are read again, each from its own
   text (or, in a file that defines ``@string`` macros, in their batches), and merged by the
   merge code of the whole-file path (:func:`bibkit.transforms.merge.merged_group`);
3. the output is the file's own text copied through, a merged-away entry cut out, a kept entry
   edited into the merged one (:func:`bibkit.formats.bibtex.preserve.written_block`): what
   :func:`bibkit.formats.bibtex.preserve.write_preserving` writes for the whole file, block by block.

The output, the report, the messages and the exit status are the whole-file path's
(``tests/test_bibtex_stream.py`` compares them on every corpus and messy file). What this does not
cover raises :class:`NotStreamable` before anything is written, and the caller reads the file
whole: a crossref to an entry of the file, entries without keys, text between blocks that belongs
to none (the preserving writer then rewrites the file).
"""
from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Sequence, TextIO

from bibkit.diagnostics import Problem
from bibkit.formats.bibtex.preserve import flavour_of, flavour_votes, written_block
from bibkit.formats.bibtex.pieces import Context, _convert, _split
from bibkit.formats.bibtex.reader import BlockReader
from bibkit.formats.bibtex.stream import NotStreamable, control_chars_first, file_chunks, read_batches
from bibkit.formats.bibtex.writer import BibTeXWriter
from bibkit.keys import assign_keys
from bibkit.loss import LossTally, unplaced_values, where_lost
from bibkit.model import Entry, Library
from bibkit.streaming import crossrefs_resolve_in, entry_links
from bibkit.transforms.dedupe import DEFAULT_THRESHOLD, duplicate_groups
from bibkit.transforms.dedupe_stream import BatchRecords, FileRecords, batch_records, entries_at
from bibkit.transforms.merge import MergeResult, finish_aliases, member_order, merged_group

_BIBTEX_FORMATS = ("bibtex", "biblatex")
#: files smaller than this are deduplicated whole: they fit in memory (some 600 MB at 16 MB),
#: and the passes, the worker processes and the records cost a fifth more CPU time on a
#: search export of 2,000 records (``benchmarks/bench_dedupe_sr.py``)
STREAM_FROM_BYTES = 16_000_000

__all__ = ["NotStreamable", "STREAM_FROM_BYTES", "DedupedFile", "dedupe_file"]


@dataclass
class _FirstPass:
    """What one batch of the first pass sends back."""

    records: BatchRecords
    spans: array  # (start, end) of every block, flat
    keys: list[str]
    targets: list[str]
    links: list[Problem]
    lossy: list[tuple]  # (start, key, file, line, field names) of entries with values the output cannot hold
    votes: Counter  # BibTeX or BibLaTeX spellings (for the writer of merged entries)
    strings: bool  # the batch defines @string macros (later entries' values depend on them)


def _first_job(fmt: str):
    def job(library: Library) -> _FirstPass:
        entries = library.entries
        keys, targets, links = entry_links(entries)
        spans = array("q")
        for block in library.blocks:
            if block.span is not None:
                spans.extend(block.span[1:])
        name = entries[0].span[0] if entries and entries[0].span else ""
        return _FirstPass(batch_records(entries), spans, keys, targets, links, _lost(entries, fmt),
                          flavour_votes(entries, name), bool(library.strings))
    return job


def _lost(entries: Sequence[Entry], fmt: str) -> list[tuple]:
    """(start, key, file, line, field names) of each entry with values ``fmt`` has no place for."""
    lost: dict[int, tuple] = {}
    for entry, name in unplaced_values(entries, fmt):
        start = entry.span[1]
        if start not in lost:
            lost[start] = (start, *where_lost(entry), [])
        lost[start][4].append(name)
    return list(lost.values())


class _StandIns(Sequence):
    """Every entry of the file as a key-and-place stand-in (what the report names entries by),
    made when asked for."""

    def __init__(self, records: FileRecords):
        self.records = records

    def __len__(self) -> int:
        return len(self.records.keys)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.records.stand_in(i) for i in range(len(self))[index]]
        return self.records.stand_in(index)


@dataclass
class DedupedFile:
    """A file deduplicated batch by batch: the merge result (whose ``entries_in`` are stand-ins),
    the reading problems and the loss warnings, in the whole-file path's order."""

    result: MergeResult
    problems: list[Problem]
    losses: list[Problem]


def dedupe_file(path: str, out: TextIO | None, fmt: str = "bibtex", *, to: str | None = None, unicode: bool = False,
                strategy: str = "combine", threshold: float = DEFAULT_THRESHOLD, pattern: str | None = None,
                policy: str = "second-a", jobs: int | None = None, batch_bytes: int | None = None) -> DedupedFile:
    """Merge the duplicates of the .bib file ``path`` and write the result, preserving the file's
    text, to ``out`` (nothing with None: a dry run). Raises :class:`NotStreamable` (before
    writing anything) when the file needs the whole-file path."""
    assign_keys([], pattern, policy=policy)  # a bad pattern fails before any work, as in the whole path
    if crossrefs_resolve_in(path):
        raise NotStreamable("a crossref to an entry of the file (the child inherits from it)")
    records = FileRecords(path)
    spans = array("q")
    problems: list[Problem] = []
    key_problems: list[Problem] = []
    link_problems: list[Problem] = []
    keys: set[str] = set()
    targets: set[str] = set()
    lossy: list[tuple] = []
    strings = False
    votes: Counter = Counter()
    for batch in read_batches(path, path, _first_job(fmt), jobs, batch_bytes=batch_bytes):
        part: _FirstPass = batch.result
        records.add(part.records)
        spans.extend(part.spans)
        keys.update(part.keys)
        targets.update(part.targets)
        lossy.extend(part.lossy)
        strings = strings or part.strings
        votes.update(part.votes)
        problems.extend(batch.problems)
        key_problems.extend(batch.key_problems)
        link_problems.extend(part.links)
    if not targets.isdisjoint(keys):
        raise NotStreamable("a crossref to an entry of the file (the child inherits from it)")
    if not spans:
        raise NotStreamable("no blocks")
    del keys, targets
    problems = control_chars_first(problems) + key_problems + link_problems  # as the whole-file reader orders them

    order = records.order(jobs, batch_bytes=batch_bytes)
    groups = duplicate_groups(records.records, order, threshold)
    wanted = {i for g in groups for i in g.indices}
    position = {i: p for p, i in enumerate(order) if i in wanted}
    del order
    records.records = []  # the matching is done: only keys and places are needed from here on
    starts = records.starts
    if strings:  # a member's values may use the macros defined before it: read it in its batch
        full = entries_at(path, {starts[i] for i in wanted}, None, jobs, batch_bytes=batch_bytes)
    else:
        full = _members(path, records, spans, wanted, batch_bytes)
    del wanted
    merged = []
    replaced: dict[int, tuple[Entry, Entry]] = {}  # kept entry's start -> (it as read, the merged entry)
    dropped: set[int] = set()
    for g in groups:
        members = sorted(g.indices, key=lambda i: member_order(0, full[starts[i]].ids.doi, position[i]))
        done = merged_group([full[starts[i]] for i in members], g.matches, strategy)
        replaced[starts[members[0]]] = (full[starts[members[0]]], done.entry)
        dropped.update(starts[i] for i in members[1:])
        merged.append(done)
    finish_aliases(merged, {k.lower() for k, s in zip(records.keys, starts) if s not in dropped and k})
    losses = LossTally(fmt)  # what the output loses, in its order: merged entries where the kept ones were
    merged_lost = _lost([new for _, new in replaced.values()], fmt)
    for _, key, file, line, names in sorted([x for x in lossy if x[0] not in dropped and x[0] not in replaced]
                                            + merged_lost, key=lambda x: x[0]):
        for name in names:
            losses.note(name, key, file, line)
    result = MergeResult(Library(), strategy, merged, _StandIns(records), written=len(starts) - len(dropped))
    if out is not None:
        writer = BibTeXWriter(to if to in _BIBTEX_FORMATS else flavour_of(votes), unicode)
        _write(path, spans, replaced, dropped, writer, out, batch_bytes)
    return DedupedFile(result, problems, losses.problems())


class _Text:
    """The file's text as the batches' reader saw it, by the offsets it gave: each chunk's text
    (control characters removed) from the chunk's offset in the file. Read forward; let go behind.

    A batch the reader joined to the next (a block open at the cut) was cleaned as one text, so
    after a chunk that lost characters the next chunk must start a block where the reader
    started one (``starts``): otherwise the offsets would not agree, and the file is read whole.
    """

    def __init__(self, path: str, batch_bytes: int | None, starts: Callable[[int], bool]):
        self.source = file_chunks(path, batch_bytes)
        self.path, self.starts = path, starts
        self.segments: list[tuple[int, str]] = []  # (offset, text), in file order
        self.done = self.shifted = False

    def _end(self, n: int) -> int:
        offset, text = self.segments[n]
        return offset + len(text)

    def get(self, start: int, end: int | None) -> str:
        """The text from ``start`` to ``end`` (to the end of the file with None)."""
        while not self.done and (end is None or not self.segments or self._end(-1) < end):
            chunk = next(self.source, None)
            if chunk is None:
                self.done = True
                break
            if self.shifted and not self.starts(chunk.char_offset):
                raise NotStreamable("control characters in a batch read together with the next")
            text = BlockReader(self.path, line_offset=chunk.line_offset)._strip_control_characters(chunk.text)
            self.shifted = len(text) != len(chunk.text)
            self.segments.append((chunk.char_offset, text))
        out = []
        for offset, text in self.segments:
            if end is not None and offset >= end:
                break
            if offset + len(text) > start:
                out.append(text[max(0, start - offset):None if end is None else end - offset])
        return "".join(out)

    def release(self, offset: int) -> None:
        """Forget the chunks wholly before ``offset``."""
        while len(self.segments) > 1 and self._end(0) <= offset:
            self.segments.pop(0)


def _block_at(spans: array, offset: int) -> int | None:
    """The index of the block that starts at ``offset`` (``spans``: sorted (start, end) pairs, flat)."""
    low, high = 0, len(spans) // 2
    while low < high:
        mid = (low + high) // 2
        if spans[2 * mid] < offset:
            low = mid + 1
        else:
            high = mid
    return low if low < len(spans) // 2 and spans[2 * low] == offset else None


def _starts_block(spans: array, offset: int) -> bool:
    return _block_at(spans, offset) is not None


def _members(path: str, records: FileRecords, spans: array, members: set[int],
             batch_bytes: int | None) -> dict[int, Entry]:
    """The entries ``members`` (indices), each read from its own text, as their batch read them.

    Why not read the file again in batches: converting every entry to keep a few is as slow as
    the first pass. An entry's value depends on the blocks before it only through ``@string``
    macros (a file with some is read in batches instead) and its key's first use (an entry whose
    key an earlier entry has is a duplicate, kept): that first use is given as the batch's
    context would give it.
    """
    keys, lines, starts = records.keys, records.lines, records.starts
    wanted = {keys[i] for i in members if keys[i]}
    first: dict[str, int] = {}  # key -> 0-based line of its first use
    for key, line in zip(keys, lines):
        if key in wanted and key not in first:
            first[key] = line - 1
    text = _Text(path, batch_bytes, lambda offset: _starts_block(spans, offset))
    found: dict[int, Entry] = {}
    for i in sorted(members, key=starts.__getitem__):
        start, key, line0 = starts[i], keys[i], lines[i] - 1
        n = _block_at(spans, start)
        source = text.get(start, spans[2 * n + 1])
        text.release(start)
        earlier = {key: first[key]} if key and first.get(key, line0) < line0 else {}
        blocks, _ = _split(source, line0)
        read, _ = _convert({"keep_raw": False}, path, line0, blocks, Context({}, earlier, {}), source, start)
        entries = [b for b in read if isinstance(b, Entry)]
        if len(entries) != 1 or (entries[0].key or "") != key:
            raise NotStreamable("an entry that does not read alone")
        found[start] = entries[0]
    return found


def _write(path: str, spans: array, replaced: dict[int, tuple[Entry, Entry]], dropped: set[int],
           writer: BibTeXWriter, out: TextIO, batch_bytes: int | None) -> None:
    """The file's text with ``dropped`` blocks cut out and ``replaced`` ones edited, as
    :func:`~bibkit.formats.bibtex.preserve.write_preserving` writes it (each block's own text,
    the whitespace after the block before it; the file's head and tail)."""
    text = _Text(path, batch_bytes, lambda offset: _starts_block(spans, offset))
    out.write(text.get(0, spans[0]))
    previous_end = 0
    last = None  # the index of the block written last
    gap = ""  # the whitespace after it
    count = len(spans) // 2
    for n in range(count):
        start, end = spans[2 * n], spans[2 * n + 1]
        between = text.get(previous_end, start)
        if start < previous_end or between.strip():
            raise NotStreamable("text between blocks that belongs to none")
        if last == n - 1:
            gap = between
        previous_end = end
        if start in dropped:
            continue
        if last is not None:
            out.write(gap)
        source = text.get(start, end)
        if start in replaced:
            old, new = replaced[start]
            source = written_block(source, old, new, writer)
        out.write(source)
        last = n
        text.release(end)
    tail = text.get(previous_end, None)
    if tail.strip():
        raise NotStreamable("text after the last block that belongs to none")
    out.write(tail if "\n" in tail or last == count - 1 else "\n")
