"""An export written part by part: what a streamed ``convert`` needs from an exporter.

An exporter that can write a file in parts (a batch of entries at a time, in order) says how
with :class:`Parts`: the text of one part, and the text that goes before the first non-empty
part, between two, after the last, or alone when every part was empty. Joined that way, the
parts are exactly the exporter's ``dump`` of the whole library (``tests/test_bibtex_stream.py``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, TextIO

from bibkit.model import Library


@dataclass(frozen=True)
class Parts:
    part: Callable[[Library], str]  # one batch's text ("" when it writes nothing)
    separator: str  # between two non-empty parts
    head: str = ""  # before the first non-empty part
    tail: str = ""  # after the last non-empty part
    empty: str = ""  # the whole output when no part wrote anything


class PartsWriter:
    """Writes parts' texts to ``out`` as :class:`Parts` says, as they come."""

    def __init__(self, parts: Parts, out: TextIO):
        self.parts, self.out, self.started = parts, out, False

    def write(self, text: str, written: bool | None = None) -> None:
        """Add a part; ``written`` says whether it counts as written (default: it is not empty)."""
        if not (text if written is None else written):
            return
        self.out.write(self.parts.separator if self.started else self.parts.head)
        self.out.write(text)
        self.started = True

    def close(self) -> None:
        self.out.write(self.parts.tail if self.started else self.parts.empty)
