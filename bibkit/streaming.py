"""``convert`` batch by batch: read, convert and write without holding the file.

Two kinds of input stream. A .bib file is read by :mod:`bibkit.formats.bibtex.stream` (the
serial reading, batch by batch, on the worker processes), and each batch is written by the
exporter's :class:`~bibkit.export_parts.Parts` in the worker, so what comes back to this
process is text. What would make its output differ from the whole-file conversion's (a
``crossref`` to an entry of the file, whose fields the child inherits; an entry without a key,
whose new key depends on every other) raises :class:`NotStreamable` before anything is written
over the output, and the caller converts the whole file instead.

A record-based file (RIS, MEDLINE, Web of Science, Refer, and tables: Scopus, IEEE and generic
CSV, Web of Science tab-delimited; :mod:`bibkit.formats.record_batches`) is cut between records
and its batches read on worker processes (:class:`bibkit.parallel.ForkedWorkers`) twice: first
for the keys (:mod:`bibkit.key_plan`: its entries seldom have one, and the keys
they get depend on every entry), then to convert and write. Either way peak memory is a few
batches whatever the file's size, and the output and messages are byte for byte the whole-file
conversion's (``tests/test_bibtex_stream.py``, ``tests/test_record_stream.py``). A file that is
not UTF-8 (or has no record at all) is converted whole, as is any input of another format.
"""
from __future__ import annotations

import codecs
import csv
import gc
import os
import re
from typing import Iterable, Iterator, TextIO

from bibkit import registry
from bibkit.api import _collector_paused, choose_importer
from bibkit.diagnostics import BibkitError, Problem
from bibkit.export_parts import Parts, PartsWriter
from bibkit.formats.bibtex.blocks import parse_blocks
from bibkit.formats.bibtex.pieces import ends_clean
from bibkit.formats.bibtex import stream as bib_stream
from bibkit.formats.bibtex.stream import NotStreamable, control_chars_first, file_chunks, join, read_batches
from bibkit.formats.record_batches import (
    BatchReading, Place, TableBatchReading, head_text, lines_in, reads_in_batches,
)
from bibkit.io import scratch_file
from bibkit.key_plan import KeyPlan, survey
from bibkit.keys import generate_key
from bibkit.loss import LossTally
from bibkit.model import Library
from bibkit.parallel import ForkedWorkers
from bibkit.transforms.crossref import crossref_target, warn_missing_parent

BIB_IMPORTERS = ("bibtex", "biblatex")

__all__ = ["NotStreamable", "bib_files_on_disk", "can_stream", "convert_stream", "crossref_links",
           "crossrefs_resolve_in", "entry_links", "no_parents_in", "record_importers", "streaming_enabled",
           "tidy_stream"]


#: ``BIBKIT_STREAM=0`` makes a command that could stream read the whole file (to compare the two)
ENV_STREAM = "BIBKIT_STREAM"


def streaming_enabled() -> bool:
    """Whether commands may read a file batch by batch (unless ``BIBKIT_STREAM=0``)."""
    return os.environ.get(ENV_STREAM, "").strip() != "0"


def can_stream(paths: Iterable[str], from_: str | None, to: str, encoding: str | None = None) -> bool:
    """Whether ``convert`` of ``paths`` to ``to`` may try streaming: .bib files, or files of
    record-based formats, on disk (not standard input, which cannot be read twice), read as
    UTF-8, to an exporter that writes in parts."""
    if not streaming_enabled():
        return False
    try:
        exporter = registry.exporter(to)
        if encoding and codecs.lookup(encoding).name != "utf-8":
            return False
    except (BibkitError, LookupError):
        return False
    paths = list(paths)
    return hasattr(exporter, "parts") and (bib_files_on_disk(paths, from_) or record_importers(paths, from_) is not None)


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


def record_importers(paths: Iterable[str], from_: str | None) -> list[BatchReading | TableBatchReading] | None:
    """Each input's importer when every input is a file on disk of a format read in batches
    (chosen as :func:`bibkit.api.load` chooses, by content from the file's head); else None."""
    found = []
    for path in paths:
        if path == "-" or not os.path.isfile(path):
            return None
        importer = choose_importer(head_text(path), path, from_)
        if importer is None or not reads_in_batches(importer):
            return None
        found.append(importer)
    return found


def convert_stream(paths: Iterable[str], to: str, out: TextIO, *, unicode: bool = False,
                   report_all: bool = False, jobs: int | None = None, from_: str | None = None,
                   options: dict | None = None, batch_bytes: int | None = None,
                   ) -> tuple[int, list[Problem], list[Problem]]:
    """Convert ``paths`` to format ``to`` into ``out``: (entries written, reading problems,
    loss warnings). ``options`` are the importer's. Raises :class:`NotStreamable` when the
    inputs need a whole-file conversion."""
    paths = list(paths)
    if bib_files_on_disk(paths, from_):
        return _convert_bib(paths, to, out, unicode, report_all, jobs)
    importers = record_importers(paths, from_)
    if importers is None:
        raise NotStreamable("an input that is neither a .bib nor a record-based file on disk")
    return _convert_records(paths, importers, to, out, unicode, report_all, jobs, options or {}, batch_bytes)


def _convert_bib(paths: list[str], to: str, out: TextIO, unicode: bool, report_all: bool,
                 jobs: int | None) -> tuple[int, list[Problem], list[Problem]]:
    parts = registry.exporter(to).parts(unicode=unicode)
    writer = PartsWriter(parts, out)
    tally = LossTally(to, report_all)

    def job(library: Library):
        entries = library.entries
        keys, targets, links = entry_links(entries)
        losses = LossTally(to, report_all)
        losses.add(entries)
        return parts.part(library), len(entries), losses, keys, targets, links

    if any(crossrefs_resolve_in(path) for path in paths):  # known before any work is done
        raise NotStreamable("a crossref to an entry of the file (the child inherits from it)")
    count, problems = 0, []
    for path in paths:
        key_problems: list[Problem] = []
        link_problems: list[Problem] = []
        keys: set[str] = set()
        targets: set[str] = set()
        reading: list[Problem] = []
        for batch in read_batches(path, path, job, jobs):
            text, n, losses, batch_keys, batch_targets, links = batch.result
            writer.write(text)
            count += n
            tally.merge(losses)
            keys.update(batch_keys)
            targets.update(batch_targets)
            reading.extend(batch.problems)
            key_problems.extend(batch.key_problems)
            link_problems.extend(links)
        no_parents_in(keys, targets)
        problems.extend(control_chars_first(reading))
        # as the whole-file reader: after the file's blocks, the key and then the crossref checks
        problems.extend(key_problems)
        problems.extend(link_problems)
    writer.close()
    return count, problems, tally.problems()


def _convert_records(paths: list[str], importers: list[BatchReading | TableBatchReading], to: str, out: TextIO,
                     unicode: bool, report_all: bool, jobs: int | None, options: dict,
                     batch_bytes: int | None) -> tuple[int, list[Problem], list[Problem]]:
    """Record-based files, read twice in batches: for the keys, then to convert (see above)."""
    parts = registry.exporter(to).parts(unicode=unicode)
    plan = KeyPlan()

    def read(n: int, text: str, place: Place = Place()) -> tuple[Library, int]:
        with _collector_paused():
            return importers[n].read_batch(text, paths[n], place, **options)

    def work(item: tuple):
        """In a worker: ("survey", n, text, head) -> what the key plan needs of the batch;
        ("convert", n, text, place, keys) -> the batch's text, count, losses and problems."""
        if item[0] == "survey":
            _, n, text, head = item
            library = read(n, text, Place(head=head))[0]
            return (n, len(library.entries), *survey(library.entries))
        _, n, text, place, keys = item
        library, scanned = read(n, text, place)
        with _collector_paused():
            keyless = (entry for entry in library.entries if not entry.key)
            for index, entry in enumerate(keyless):
                entry.key = keys.get(index) or generate_key(entry)
            losses = LossTally(to, report_all)
            losses.add(library.entries)
            text = parts.part(library)
        return n, text, len(library.entries), losses, library.problems[:scanned], library.problems[scanned:]

    scanned_by_file: list[list[Problem]] = [[] for _ in paths]
    records_by_file: list[list[Problem]] = [[] for _ in paths]
    # the workers are forked before the plan grows, so that none of them holds a copy of it
    with ForkedWorkers(work, jobs) as workers:
        try:
            counts: list[list[tuple[int, int]]] = [[] for _ in paths]  # per file, per batch: entries, keyless
            surveys = (("survey", n, text, head) for n, text, _, head in _batches(paths, importers, batch_bytes, options))
            for n, entries, taken, keyless in workers.imap(surveys):
                counts[n].append((entries, len(keyless)))
                plan.add(taken, keyless)
            if not all(sum(entries for entries, _ in batches) for batches in counts):
                raise NotStreamable("a file without records (the whole-file reading says so)")
            plan.settle()
            writer = PartsWriter(parts, out)
            tally = LossTally(to, report_all)
            total = 0
            batches = _placed(_batches(paths, importers, batch_bytes, options), counts, plan)
            for n, text, entries, losses, scanned, found in workers.imap(batches):
                writer.write(text)
                total += entries
                tally.merge(losses)
                scanned_by_file[n].extend(scanned)
                records_by_file[n].extend(found)
            writer.close()
        finally:
            plan.close()
    problems: list[Problem] = []
    for scanned, found in zip(scanned_by_file, records_by_file):  # in the order each file's reading says them
        problems.extend(scanned)
        problems.extend(found)
    return total, problems, tally.problems()


def _batches(paths: list[str], importers: list, batch_bytes: int | None,
             options: dict) -> Iterator[tuple[int, str, int, str]]:
    """(file number, batch text, its lines, the text it is read after) for every batch of
    every file, in order. A file that is not UTF-8, or a table that :mod:`csv` cannot read, is
    for the whole-file reading to report."""
    for n, (path, importer) in enumerate(zip(paths, importers)):
        try:
            if isinstance(importer, TableBatchReading):
                for text, lines, head in importer.batches(path, batch_bytes or bib_stream.BATCH_BYTES, **options):
                    yield n, text, lines, head
            else:
                for chunk in file_chunks(path, batch_bytes, importer.batch_cut):
                    yield n, chunk.text, lines_in(chunk.text), ""
        except (UnicodeDecodeError, csv.Error) as exc:
            raise NotStreamable(f"{path}: {exc}")


def _placed(batches: Iterator[tuple[int, str, int, str]], counts: list[list[tuple[int, int]]],
            plan: KeyPlan) -> Iterator[tuple[str, int, str, Place, dict[int, str]]]:
    """The batches read again (cut as the first time) to convert, each with its place in its
    file and the keys of its keyless entries that are not their base key."""
    keyless, current, place, index = 0, -1, Place(), 0
    for n, text, lines, head in batches:
        if n != current:
            current, place, index = n, Place(), 0
        entries, without_key = counts[n][index]
        place = Place(place.line, place.record, head)
        yield "convert", n, text, place, plan.batch_keys(keyless, without_key)
        place = Place(place.line + lines, place.record + entries)
        keyless += without_key
        index += 1


def entry_links(entries: list) -> tuple[list[str], list[str], list[Problem]]:
    """A batch's keys and crossref targets (lower-cased) and its missing-parent warnings (as
    the whole-file reader gives them, if no parent turns up in the file: :func:`no_parents_in`).
    Raises :class:`NotStreamable` for an entry without a key (its new key depends on every other)."""
    keys, _, children = crossref_links(entries)
    links = Library()
    targets = []
    for entry, target in children:
        targets.append(target.strip().lower())
        warn_missing_parent(links, entry, target)
    return keys, targets, links.problems


def crossref_links(entries: list) -> tuple[list[str], list[str | None], list[tuple]]:
    """What a batch tells of the file's crossrefs: each entry's lower-cased key and ``crossref``
    field (None without one: all a parent is asked), and the (entry, target) of each child.
    Raises :class:`NotStreamable` for an entry without a key (its new key depends on every other)."""
    keys, fields, children = [], [], []
    for entry in entries:
        if not entry.key:
            raise NotStreamable("an entry without a key (its new key depends on every other key)")
        keys.append(entry.key.lower())
        fields.append(entry.extra.get("crossref"))
        target = crossref_target(entry)
        if target:
            children.append((entry, target))
    return keys, fields, children


def no_parents_in(keys: set[str], targets: set[str]) -> None:
    """Raises :class:`NotStreamable` when a crossref names an entry of the file."""
    if not targets.isdisjoint(keys):
        raise NotStreamable("a crossref to an entry of the file (the child inherits from it)")


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
    with scratch_file() as scratch, scratch_file() as head:
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
