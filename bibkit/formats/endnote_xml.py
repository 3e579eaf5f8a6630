"""EndNote XML in (EndNote 17 to 21, and the programs that write its format, e.g. Bookends).

The format is EndNote's ``RSXML`` export: ``<xml><records><record>`` with every value wrapped
in ``<style face=... font=... size=...>`` runs. Why ElementTree through :mod:`bibkit.csl.xmlsafe`
rather than lxml: the records are shallow and the standard parser is fast enough (1,988 records
in well under a second), and xmlsafe refuses DTDs and entities before parsing, so an entity
bomb or an external entity pointing at a local file is refused with nothing read. A file that
is not well-formed is read record by record, so one broken record is reported (record number
and line) and the others are kept.

The field mapping is shared with EndNote's tagged export (:mod:`bibkit.formats.endnote_fields`).
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from bibkit.formats.endnote_fields import TYPE_NUMBERS, EndNoteReading, Field
from bibkit.formats.xmlinput import read_root, recover_records
from bibkit.model import Library, Mark, Source, Text

_SIGNATURE = re.compile(r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)?<xml>\s*<records>\s*<record>", re.DOTALL)
_FACES = {"italic": "italic", "bold": "bold", "superscript": "sup", "subscript": "sub"}
#: lists whose items are read under the list's name (the first related URL is the entry's link)
_URL_LISTS = {"related-urls": "url", "pdf-urls": "pdf-urls", "text-urls": "text-urls",
              "image-urls": "image-urls", "web-urls": "url"}
#: per-file bookkeeping EndNote writes into every record: kept in ``meta``, not in the entry
_FILE_LEVEL = {"database", "source-app", "foreign-keys"}


def styled_text(element: ET.Element) -> Text:
    """The text of an element whose runs are ``<style face="italic">`` wrappers, faces kept as marks."""
    pieces: list[str] = []
    marks: list[Mark] = []
    length = 0

    def add(text: str | None, faces: str = "") -> None:
        nonlocal length
        if not text:
            return
        for face in faces.split():
            if face in _FACES:
                marks.append(Mark(length, length + len(text), _FACES[face]))
        pieces.append(text)
        length += len(text)

    add(element.text)
    for child in element:
        if child.tag == "style":
            add("".join(child.itertext()), child.get("face", ""))
        else:
            add("".join(child.itertext()))
        add(child.tail)
    raw = "".join(pieces).replace("\r\n", "\n").replace("\r", "\n")
    if len(raw) != length:  # line endings changed the offsets: marks cannot be trusted
        marks = []
    stripped = raw.strip()
    if not marks:
        return Text(stripped)
    lead = len(raw) - len(raw.lstrip())
    kept = [Mark(max(m.start - lead, 0), min(m.end - lead, len(stripped)), m.kind) for m in marks]
    return Text(stripped, [m for m in kept if m.end > m.start])


def record_fields(record: ET.Element) -> tuple[str, list[Field], dict]:
    """(type name, fields in document order, file-level bookkeeping) of one ``<record>``."""
    type_name = ""
    fields: list[Field] = []
    meta: dict = {}
    for child in record:
        tag = child.tag
        if tag == "ref-type":
            number = (child.text or "").strip()
            type_name = child.get("name") or TYPE_NUMBERS.get(number, "")
            if not type_name and number:
                fields.append(Field("ref-type", Text(number)))
        elif tag in _FILE_LEVEL:
            meta[tag] = " ".join(child.itertext()).strip()
            if tag == "source-app" and child.get("version"):
                meta[tag] = f"{meta[tag]} {child.get('version')}".strip()
        else:
            _walk(child, "", fields)
    return type_name, fields, meta


def _walk(element: ET.Element, context: str, fields: list[Field]) -> None:
    tag = element.tag
    children = [c for c in element if c.tag != "style"]
    if not children:
        name = f"{context}-{tag}" if context else tag
        fields.append(Field(name, styled_text(element)))
        return
    if tag == "contributors":
        for group in children:  # authors, secondary-authors, ...
            role = group.tag[:-1] if group.tag.endswith("s") else group.tag
            for person in group:
                fields.append(Field(role, styled_text(person)))
        return
    if tag in _URL_LISTS:
        for item in children:
            fields.append(Field(_URL_LISTS[tag], styled_text(item)))
        return
    # containers (titles, periodical, dates, pub-dates, keywords, urls): their leaves keep their
    # own names, except the alternate periodical, whose names would shadow the periodical's
    inner = "alt-periodical" if tag == "alt-periodical" else context
    for child in children:
        _walk(child, inner, fields)


class EndNoteXMLReader(EndNoteReading):
    def read(self, text: str) -> Library:
        starts = [m.start() for m in re.finditer(r"<record>", text)]
        lines = _line_numbers(text, starts)
        root = read_root(text, self.report, "EndNote XML", "reading record by record")
        if root is None:
            malformed = any(p.code == "bad-xml" for p in self.library.problems)
            return self._read_records(text) if malformed else self.library
        records = root.findall("./records/record") if root.tag == "xml" else root.findall(".//record")
        for number, record in enumerate(records, 1):
            line = lines[number - 1] if number - 1 < len(lines) else None
            self._add(record, number, line)
        return self.library

    def _read_records(self, text: str) -> Library:
        for number, line, record in recover_records(text, "record", self.report):
            self._add(record, number, line)
        return self.library

    def _add(self, record: ET.Element, number: int, line: int | None) -> None:
        type_name, fields, meta = record_fields(record)
        if not type_name:
            self.report.warn(line, f"record {number} has no reference type; read as Generic", "endnote-missing-type")
            type_name = "Generic"
        entry = self.builder.build(fields, type_name, Source(self.name, line, "endnote-xml"))
        entry.meta["endnote"] = {"record": number, **meta}
        if not entry.title:
            self.report.warn(line, f"record {number} has no title", "missing-title")
        self.library.blocks.append(entry)


def _line_numbers(text: str, offsets: list[int]) -> list[int]:
    out, line, last = [], 1, 0
    for offset in offsets:
        line += text.count("\n", last, offset)
        last = offset
        out.append(line)
    return out


class EndNoteXMLImporter:
    name = "endnote-xml"
    extensions = ()  # EndNote XML files are plain ``.xml``: recognised by content
    description = "EndNote XML export (EndNote 17-21, Bookends)"

    def detect(self, text: str) -> float:
        return 0.95 if _SIGNATURE.match(text[:4000].lstrip("\ufeff")) else 0.0

    def parse(self, text: str, name: str = "<input>", **options) -> Library:
        return EndNoteXMLReader(name, **options).read(text)
