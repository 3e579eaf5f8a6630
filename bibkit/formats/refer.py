"""EndNote tagged / Refer in (``%0 Journal Article``, ``%A``, ``%T``, ...).

Google Scholar's "EndNote" link, library catalogues and the AIS eLibrary write this format.
There is no maintained Python parser for it (refer/bib tools are C programs), and it is one tag
per line, so this is a small line reader in the manner of the RIS one: records are separated
by blank lines (or by a second ``%0``), an untagged line continues the value before it (a
further keyword after ``%K``), and every line it cannot read is reported as ``file:line``.
Tags are mapped onto EndNote's XML field names and share one mapping with the XML reader
(:mod:`bibkit.formats.endnote_fields`).
"""
from __future__ import annotations

import re

from bibkit.formats.endnote_fields import TYPE_TO_CSL, EndNoteReading, Field
from bibkit.formats.record_batches import AFTER_BLANK_LINE, Place
from bibkit.model import Library, Source, Text

_TAG = re.compile(r"^%([0-9A-Z@!#$&()*+^<>\[\]=~?|{}:;'\"])(?:[ \t]+(.*)|)$")
#: tag -> EndNote field (XML element) name; %J and %B both name the container
TAGS = {
    "A": "author", "E": "secondary-author", "Y": "tertiary-author", "?": "subsidiary-author",
    "H": "translated-author", "T": "title", "J": "secondary-title", "B": "secondary-title",
    "S": "tertiary-title", "!": "short-title", "O": "alt-title", "Q": "translated-title",
    "V": "volume", "N": "number", "P": "pages", "D": "year", "8": "date", "7": "edition",
    "&": "section", "6": "num-vols", "I": "publisher", "C": "pub-location", "@": "isbn",
    "R": "electronic-resource-num", "U": "url", ">": "pdf-urls", "X": "abstract", "Z": "notes",
    "K": "keyword", "L": "call-num", "M": "accession-num", "F": "label", "G": "language",
    "9": "work-type", "(": "orig-pub", ")": "reprint-edition", "*": "reviewed-item",
    "+": "auth-address", "^": "caption", "<": "research-notes", "[": "access-date",
    "=": "modified-date", "~": "remote-database-name", "W": "remote-database-provider",
    "1": "custom1", "2": "custom2", "3": "custom3", "4": "custom4", "#": "custom5",
    "$": "custom6", "]": "custom7",
}
#: untagged lines after these tags are further values, not a wrapped value
_LIST_TAGS = {"K", "A", "E", "Y", "?", "U", "+"}
_MULTILINE = {"X", "Z", "<", "+"}


def scan(text: str, report: Reporter, first_line: int = 0) -> list[tuple[int, list[list]]]:
    """Split tagged text into records of [tag, value, line]; report lines that are not tags.

    ``first_line``: lines before ``text`` in its file (a batch, :mod:`.record_batches`)."""
    records: list[tuple[int, list[list]]] = []
    current: list[list] | None = None
    start = 0
    last: list | None = None
    for number, raw in enumerate(text.splitlines(), first_line + 1):
        line = raw.rstrip()
        if not line.strip():
            if current:
                records.append((start, current))
            current, last = None, None
            continue
        match = _TAG.match(line)
        if match is None:
            if last is not None and last[0] in _LIST_TAGS and last[0] not in _MULTILINE:
                last = [last[0], line.strip(), number]
                current.append(last)
            elif last is not None:
                glue = "\n" if last[0] in _MULTILINE else " "
                last[1] = f"{last[1]}{glue}{line.strip()}" if last[1] else line.strip()
            else:
                report.warn(number, "not a tagged line (expected '%X value'); skipped", "refer-syntax")
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag == "0" and current and any(t[0] == "0" for t in current):
            records.append((start, current))  # a second type line starts the next record
            current = None
        if current is None:
            current, start = [], number
        last = [tag, value, number]
        current.append(last)
    if current:
        records.append((start, current))
    return records


def infer_type(tags: set[str]) -> str:
    """The reference type of a record without ``%0``, from what it has (Refer's own rule)."""
    if "J" in tags:
        return "Journal Article"
    if "B" in tags and ("V" in tags or "N" in tags) and "E" not in tags and "I" not in tags:
        return "Journal Article"  # a periodical named under %B (AIS eLibrary)
    if "B" in tags:
        return "Book Section"
    if "I" in tags:
        return "Book"
    if "R" in tags and "9" in tags:
        return "Report"
    return "Generic"


class ReferReader(EndNoteReading):
    def read(self, text: str, place: Place = Place()) -> Library:
        records = scan(text, self.report, place.line)
        self.scanned = len(self.library.problems)
        for start, tags in records:
            type_name = next((v for t, v, _ in tags if t == "0"), "")
            if type_name and type_name not in TYPE_TO_CSL:
                self.report.warn(start, f"unknown reference type {type_name!r}; read as a generic document, type kept",
                                 "refer-bad-type")
            if not type_name:
                type_name = infer_type({t for t, _, _ in tags})
                inferred = True
            else:
                inferred = False
            fields = []
            for tag, value, line in tags:
                if tag == "0":
                    continue
                name = TAGS.get(tag)
                if name is None:
                    self.report.warn(line, f"unknown tag %{tag}; kept as 'refer-{tag}'", "refer-unknown-tag")
                    name = f"refer-{tag}"
                fields.append(Field(name, Text(value), line))
            entry = self.builder.build(fields, type_name, Source(self.name, start, "refer"))
            if inferred:
                entry.meta["type_inferred"] = True
            if not entry.title:
                self.report.warn(start, "record has no title (%T)", "missing-title")
            self.library.blocks.append(entry)
        return self.library


class ReferImporter:
    name = "refer"
    extensions = (".enw",)
    description = "EndNote tagged / Refer (%0, %A, %T: Google Scholar, library catalogues)"

    def detect(self, text: str) -> float:
        lines = [ln for ln in text[:5000].lstrip("\ufeff").splitlines() if ln.strip()][:40]
        if not lines:
            return 0.0
        tagged = [m.group(1) for m in map(_TAG.match, (ln.rstrip() for ln in lines)) if m]
        if not _TAG.match(lines[0].rstrip()) or not ({"0", "T"} & set(tagged)) or len(set(tagged)) < 2:
            return 0.0
        return 0.9 if len(tagged) >= 0.6 * len(lines) else 0.0

    def parse(self, text: str, name: str = "<input>", **options) -> Library:
        return self.read_batch(text, name, **options)[0]

    #: after a blank line the reader starts afresh (:mod:`.record_batches`)
    batch_cut = AFTER_BLANK_LINE

    def read_batch(self, text: str, name: str = "<input>", place: Place = Place(), **options) -> tuple[Library, int]:
        reader = ReferReader(name, **options)
        return reader.read(text, place), reader.scanned
