"""``convert`` of .bib files batch by batch: read, convert and write without holding the file.

The reading is :mod:`bibkit.formats.bibtex.stream`'s (the serial reading, batch by batch, on
the worker processes); here each batch is written by the exporter's :class:`~bibkit.export_parts.Parts`
in the worker, so what comes back to this process is text, and peak memory is a few batches
whatever the file's size. The output is byte for byte the whole-file conversion's
(``tests/test_bibtex_stream.py``); what would make it differ (a ``crossref`` to an entry of
the file, whose fields the child inherits; an entry without a key, whose new key depends on
every other; a file that is not UTF-8) raises :class:`NotStreamable` before anything is written over
the output, and the caller converts the whole file instead.
"""
from __future__ import annotations

import gc
import os
import re
import tempfile
from typing import Iterable, Iterator, TextIO

from bibkit import registry
from bibkit.api import _collector_paused
from bibkit.diagnostics import BibkitError, Problem
from bibkit.export_parts import Parts, PartsWriter
from bibkit.formats.bibtex.blocks import parse_blocks
from bibkit.formats.bibtex.pieces import ends_clean
from bibkit.formats.bibtex.stream import NotStreamable, file_chunks, join, read_batches
from bibkit.loss import LossTally
from bibkit.model import Library
from bibkit.transforms.crossref import crossref_target, warn_missing_parent

BIB_IMPORTERS = ("bibtex", "biblatex")

__all__ = ["NotStreamable", "bib_files_on_disk", "can_stream", "convert_stream", "crossrefs_resolve_in", "tidy_stream"]


def can_stream(paths: Iterable[str], from_: str | None, to: str) -> bool:
    """Whether ``convert`` of ``paths`` to ``to`` may try streaming: .bib files on disk (not
    standard input, which cannot be read twice) and an exporter that writes in parts."""
    try:
        exporter = registry.exporter(to)
    except BibkitError:
        return False
    return hasattr(exporter, "parts") and bib_files_on_disk(paths, from_)


def bib_files_on_disk(paths: Iterable[str], from_: str | None) -> bool:
    """Whether every input is a .bib file on disk (read batch by batch: not standard input,
    which cannot be read twice when the file turns out to need the whole-file path)."""
    for path in paths:
        if path == "-" or not os.path.isfile(path):
            return False
        importer = registry.importer(from_) if from_ else registry.importer_for_path(path)
        if importer is None or importer.name not in BIB_IMPORTERS:
            return False
    return True


def convert_stream(paths: Iterable[str], to: str, out: TextIO, *, unicode: bool = False,
                   report_all: bool = False, jobs: int | None = None) -> tuple[int, list[Problem], list[Problem]]:
    """Convert .bib ``paths`` to format ``to`` into ``out``: (entries written, reading problems,
    loss warnings). Raises :class:`NotStreamable` when the file needs a whole-file conversion."""
    parts = registry.exporter(to).parts(unicode=unicode)
    writer = PartsWriter(parts, out)
    tally = LossTally(to, report_all)

    def job(library: Library):
        entries = library.entries
        links = Library()  # the missing-parent warnings, if no parent turns up in the file
        keys, targets = [], []
        for entry in entries:
            if not entry.key:
                raise NotStreamable("an entry without a key (its new key depends on every other key)")
            keys.append(entry.key.lower())
            target = crossref_target(entry)
            if target:
                targets.append(target.strip().lower())
                warn_missing_parent(links, entry, target)
        losses = LossTally(to, report_all)
        losses.add(entries)
        return parts.part(library), len(entries), losses, keys, targets, links.problems

    paths = list(paths)
    if any(crossrefs_resolve_in(path) for path in paths):  # known before any work is done
        raise NotStreamable("a crossref to an entry of the file (the child inherits from it)")
    count, problems = 0, []
    for path in paths:
        key_problems: list[Problem] = []
        link_problems: list[Problem] = []
        keys: set[str] = set()
        targets: set[str] = set()
        for batch in read_batches(path, path, job, jobs):
            text, n, losses, batch_keys, batch_targets, links = batch.result
            writer.write(text)
            count += n
            tally.merge(losses)
            keys.update(batch_keys)
            targets.update(batch_targets)
            problems.extend(batch.problems)
            key_problems.extend(batch.key_problems)
            link_problems.extend(links)
        if not targets.isdisjoint(keys):
            raise NotStreamable("a crossref to an entry of the file (the child inherits from it)")
        # as the whole-file reader: after the file's blocks, the key and then the crossref checks
        problems.extend(key_problems)
        problems.extend(link_problems)
    writer.close()
    return count, problems, tally.problems()


_CROSSREF_FIELD = re.compile(rb"(?im)^[ \t]*crossref[ \t]*=[ \t]*[{\"]?[ \t]*([^,}\"\s]+)")
_ENTRY_KEY = re.compile(rb"(?m)^[ \t]*@[ \t]*\w+[ \t]*[{(][ \t]*([^,\s]+)")


def crossrefs_resolve_in(path: str) -> bool:
    """Whether, by a quick look at the bytes, some crossref names an entry of the file.

    A shortcut only: the reader's own keys and crossrefs decide in the end (a file this misses
    is still found out, after its streamed reading, and converted whole).
    """
    targets = {m.lower() for block in _lines_in_blocks(path) for m in _CROSSREF_FIELD.findall(block)}
    return bool(targets) and any(m.lower() in targets for block in _lines_in_blocks(path)
                                 for m in _ENTRY_KEY.findall(block))


def _lines_in_blocks(path: str, size: int = 8_000_000) -> Iterator[bytes]:
    """The file's bytes in blocks of whole lines (the patterns above match within a line)."""
    carry = b""
    with open(path, "rb") as handle:
        while True:
            data = handle.read(size)
            if not data:
                if carry:
                    yield carry
                return
            data = carry + data
            cut = data.rfind(b"\n") + 1
            carry = data[cut:]
            if cut:
                yield data[:cut]


def tidy_stream(path: str, options, out: TextIO, name: str | None = None,
                batch_bytes: int | None = None) -> tuple[int, list[Problem]]:
    """``bibkit tidy`` of one .bib file into ``out`` batch by batch: (entries, problems).

    The output is :func:`bibkit.transforms.tidy.tidy_text`'s. The journal options first read
    the file once for the journal names it spells out (the whole-file tidy learns them from
    every entry); sorting keeps a :class:`~bibkit.transforms.tidy.SortRecord` per entry and the
    tidied text in a scratch file (:func:`_write_sorted`).
    """
    import dataclasses

    from bibkit.transforms.tidy import RawEntry, render_part

    name = name or path
    journals = _journal_mapper(path, options, batch_bytes)
    batches = _tidied_batches(path, dataclasses.replace(options, sort=()), name, batch_bytes, journals)
    if options.sort:
        return _write_sorted(batches, options, out)
    writer = PartsWriter(Parts(render_part, options.layout.separator, tail="\n"), out)
    problems: list[Problem] = []
    entries = 0
    for done, found in batches:
        writer.write(render_part(done, options.layout), bool(done))
        problems.extend(found)
        entries += sum(isinstance(b, RawEntry) for b in done)
    writer.close()
    return entries, problems


def _raw_batches(path: str, name: str, batch_bytes: int | None,
                 then=None) -> Iterator[tuple[list, list[Problem]]]:
    """The file's tidy blocks (:func:`bibkit.transforms.tidy.read_blocks`), passed through
    ``then`` if given, and problems, batch by batch."""
    from bibkit.transforms.tidy import read_blocks

    keys: dict[str, int] = {}  # lower-cased key -> line of its first use, over the whole file
    pending = None
    for chunk in file_chunks(path, batch_bytes):
        if pending is not None:
            chunk, pending = join(pending, chunk), None
        with _collector_paused():
            parsed = parse_blocks(chunk.text)
            if not chunk.last and not ends_clean(parsed):
                pending = chunk  # a block open at the cut: read it again with the next chunk
                continue
            blocks, found = read_blocks(parsed, name, chunk.line_offset, keys)
            if then is not None:
                blocks = then(blocks)
        yield blocks, found


def _tidied_batches(path: str, options, name: str, batch_bytes: int | None,
                    journals) -> Iterator[tuple[list, list[Problem]]]:
    from bibkit.transforms.tidy import tidy_blocks

    return _raw_batches(path, name, batch_bytes, lambda blocks: tidy_blocks(blocks, options, journals))


def _journal_mapper(path: str, options, batch_bytes: int | None):
    """The journal-name mapper of ``--(un)abbreviate-journals`` (None without them), knowing
    every journal name the file spells out, as the whole-file tidy does: a first reading."""
    if not (options.abbreviate_journals or options.unabbreviate_journals):
        return None
    from bibkit.journals import JournalNames, bibtex_journal_mapper
    from bibkit.transforms.tidy import RawEntry

    try:
        names = JournalNames.from_lists(options.journal_lists)
    except BibkitError as exc:  # the whole-file tidy reports it as that file's problem
        raise NotStreamable(str(exc))
    for blocks, _ in _raw_batches(path, path, batch_bytes):
        names.learn({f.name.lower(): f.content for f in b.fields} for b in blocks if isinstance(b, RawEntry))
    return bibtex_journal_mapper(names, abbreviate=options.abbreviate_journals)


def _write_sorted(batches: Iterable[tuple[list, list[Problem]]], options, out: TextIO) -> tuple[int, list[Problem]]:
    """The tidied blocks written in :func:`bibkit.transforms.tidy.sort_blocks`' order.

    Each entry's group (the comments before it and the entry) is rendered as it is read and
    written to a scratch file; what stays in memory is its :class:`SortRecord` and where its
    text is. Then the groups are copied out in sorted order: ``@string``/``@preamble`` first,
    the comments after the last entry last, as the whole-file tidy writes them.
    """
    from array import array

    from bibkit.transforms.tidy import RawEntry, is_head, render_part, sort_fields, sort_record, sorted_order

    layout, fields = options.layout, sort_fields(options.sort)
    sep = layout.separator.encode("utf-8")
    records = []
    bounds = array("q")  # group n's text is scratch[bounds[2n]:bounds[2n + 1]]
    problems: list[Problem] = []
    with tempfile.TemporaryFile() as scratch, tempfile.TemporaryFile() as head:
        start, open_group, heads = 0, False, 0
        thaw = gc.get_freeze_count() == 0  # never thaw what the program itself froze
        for done, found in batches:
            gc.freeze()  # the records so far live to the end: no collection need traverse them again
            problems.extend(found)
            for block in done:
                text = render_part([block], layout).encode("utf-8")
                if is_head(block):
                    head.write(sep + text if heads else text)
                    heads += 1
                    continue
                scratch.write(sep + text if open_group else text)
                open_group = True
                if isinstance(block, RawEntry):
                    records.append(sort_record(block, fields))
                    bounds.extend((start, scratch.tell()))
                    start, open_group = scratch.tell(), False
        trailing = scratch.tell() if open_group else None
        if thaw:
            gc.unfreeze()
        order = sorted_order(records, fields)
        del records
        pieces = [(head, 0, head.tell())] if heads else []
        pieces += [(scratch, bounds[2 * n], bounds[2 * n + 1]) for n in order]
        if trailing is not None:
            pieces.append((scratch, start, trailing))
        wrote = False
        for n, (source, a, b) in enumerate(pieces):
            source.seek(a)
            data = (sep if n else b"") + source.read(b - a)
            out.write(data.decode("utf-8"))
            wrote = wrote or bool(data)
        if wrote:
            out.write("\n")
    return len(order), problems
