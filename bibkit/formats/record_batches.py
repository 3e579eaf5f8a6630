"""Record-based files (RIS, MEDLINE, Web of Science, Refer; CSV tables) read in bounded batches.

Why: a scoping review's exports run to 100,000 records, and held whole as text and as
canonical entries they cost some 14 KB each. These formats are line readers whose state is
fresh again between records (after RIS's and Web of Science's ``ER`` line, after MEDLINE's and
Refer's blank line), so a batch that starts there reads exactly as that stretch of the whole
file does, given how many lines and records came before it (line numbers in messages, and
"record 12 has no title"). An importer that can be read so says where a batch may start and
reads one batch:

* ``batch_cut``: a pattern whose match ends where a batch may start (right after a line break;
  the file is cut there by :func:`bibkit.formats.bibtex.stream.file_chunks`);
* ``read_batch(text, name, place, **options) -> (library, scanned)``: the batch's entries and
  problems; the first ``scanned`` problems are its line reader's, which the whole-file reading
  reports before any record's (so a streamed reading gathers the two kinds apart, and reports
  them in that order).

A table (:class:`TableBatchReading`) gives its batches itself (``batches``): rows are where
:mod:`csv` finds them (a quoted cell may hold line breaks), and every batch after the first is
read after the heading row (``Place.head``), whose problems the first batch reports.

Its ``parse`` is ``read_batch`` of the whole text plus what only the whole file can say (no
records at all), so the two readings cannot drift apart. ``tests/test_record_stream.py``
compares the streamed conversion with the whole-file one on every export in ``../shared/exports``.
"""
from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass
from typing import Iterator, Protocol, runtime_checkable

from bibkit.model import Library

#: characters that end a line for ``str.splitlines`` (which every line reader here counts by)
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"

#: a whitespace-only line (MEDLINE and Refer end a record there): a batch may start after it
AFTER_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n")


def after_line(pattern: str) -> re.Pattern:
    """A cut after a whole line that matches ``pattern`` (which must not match line breaks)."""
    return re.compile(rf"(?m)^(?:{pattern})\r?\n")


#: a line's rest, up to its end (no character ``str.splitlines`` breaks at)
REST_OF_LINE = f"[^{LINE_BREAKS}]*"


@dataclass(frozen=True)
class Place:
    """Where a batch starts in its file: lines and records before it, and the text the batch
    is read after (a table's heading row, which says what each column holds; its lines are
    among ``line``)."""

    line: int = 0
    record: int = 0
    head: str = ""


@runtime_checkable
class BatchReading(Protocol):
    batch_cut: re.Pattern

    def read_batch(self, text: str, name: str, place: Place = Place(), **options) -> tuple[Library, int]: ...


@runtime_checkable
class TableBatchReading(Protocol):
    """A table (CSV and the like): its rows are found by :mod:`csv` itself, as quoted cells may
    hold line breaks, and every batch after the first is read after the heading row."""

    def batches(self, path: str, batch_bytes: int, **options) -> Iterator[tuple[str, int, str]]: ...

    def read_batch(self, text: str, name: str, place: Place = Place(), **options) -> tuple[Library, int]: ...


def reads_in_batches(importer: object) -> bool:
    """Whether ``importer`` can read a file batch by batch."""
    return isinstance(importer, (BatchReading, TableBatchReading))


def table_batches(path: str, batch_bytes: int, delimiter_of, whole: bool = False,
                  **dialect) -> Iterator[tuple[str, int, str]]:
    """A table file's (text, lines, head) batches of whole rows, about ``batch_bytes`` each: the
    first holds the heading row, the others are read after it (``head``). Lines are the ``\n``
    lines :class:`io.StringIO` gives :mod:`csv`, as in the whole file's reading; the rows are
    those :mod:`csv` reads (``delimiter_of(first line)``, ``dialect``). ``whole``: one batch.
    Raises :class:`UnicodeDecodeError` (not UTF-8) and :class:`csv.Error` as the file's reading would.
    """
    with open(path, encoding="utf-8", newline="\n") as handle:
        taken: list[str] = []  # the lines csv has read since the last row

        def lines() -> Iterator[str]:
            for number, line in enumerate(handle):
                taken.append(line.lstrip("\ufeff") if number == 0 else line)
                yield taken[-1]

        source = lines()
        first = next(source, "")
        rows = csv.reader(_again(first, source), delimiter=delimiter_of(first), **dialect)
        next(rows, None)  # the heading row
        head = "".join(taken)
        text, count, size, at_start = list(taken), len(taken), len(head), True
        taken.clear()
        for _ in rows:
            count += len(taken)
            size += sum(map(len, taken))
            text.extend(taken)
            taken.clear()
            if size >= batch_bytes and not whole:
                yield "".join(text), count, "" if at_start else head
                text, count, size, at_start = [], 0, 0, False
        text.extend(taken)  # blank lines after the last row
        count += len(taken)
        if text or at_start:
            yield "".join(text), count, "" if at_start else head


def _again(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def lines_in(text: str) -> int:
    """How many lines the readers number in ``text`` (a chunk ends with a line break)."""
    return len(text.splitlines())


def head_text(path: str, size: int = 1_000_000) -> str:
    """The file's first bytes as text, to choose its importer by content as the whole text
    would (every importer's ``detect`` looks at 100,000 characters at most)."""
    with open(path, "rb") as handle:
        data = handle.read(size)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    return data.decode("utf-8", errors="ignore")
