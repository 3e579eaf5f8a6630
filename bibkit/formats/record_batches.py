"""Record-based files (RIS, MEDLINE, Web of Science, Refer) read in bounded batches.

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

Its ``parse`` is ``read_batch`` of the whole text plus what only the whole file can say (no
records at all), so the two readings cannot drift apart. ``tests/test_record_stream.py``
compares the streamed conversion with the whole-file one on every export in ``../shared/exports``.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

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
    """Where a batch starts in its file: lines and records before it."""

    line: int = 0
    record: int = 0


@runtime_checkable
class BatchReading(Protocol):
    batch_cut: re.Pattern

    def read_batch(self, text: str, name: str, place: Place = Place(), **options) -> tuple[Library, int]: ...


def reads_in_batches(importer: object) -> bool:
    """Whether ``importer`` can read a file batch by batch."""
    return isinstance(importer, BatchReading)


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
