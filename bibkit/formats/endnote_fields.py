"""EndNote's field vocabulary, shared by its XML export and its tagged (Refer) export.

Both exports carry the same EndNote fields under different spellings (``<secondary-title>`` in
XML, ``%B``/``%J`` in tagged files), and both name the reference type the same way
("Journal Article"). The readers turn what they read into a list of :class:`Field` named by
the XML element, and :func:`build_entry` maps that list onto the canonical model once, so the
two formats cannot drift apart. Every field without a canonical slot (custom fields, research
notes, the database an entry came from) is kept verbatim in ``entry.extra`` under its XML
name: ``accession-num``, ``remote-database-name``, ``custom3``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bibkit.dates import parse_free_date, parse_month
from bibkit.diagnostics import Reporter
from bibkit.identifiers import normalize_doi
from bibkit.model import Date, DateParts, Entry, Library, Name, NameList, Source, Text
from bibkit.formats.ris import parse_ris_name

#: EndNote reference type name -> CSL type. Names as EndNote 17-21 write them (``ref-type
#: name="..."`` and ``%0``); the numbers below are the XML ``ref-type`` codes, used when a
#: writer gives only the number.
TYPE_TO_CSL = {
    "Journal Article": "article-journal", "Electronic Article": "article-journal",
    "Magazine Article": "article-magazine", "Newspaper Article": "article-newspaper",
    "Book": "book", "Edited Book": "book", "Electronic Book": "book",
    "Book Section": "chapter", "Electronic Book Section": "chapter",
    "Conference Paper": "paper-conference", "Conference Proceedings": "paper-conference",
    "Thesis": "thesis", "Report": "report", "Government Document": "report",
    "Generic": "document", "Web Page": "webpage", "Blog": "post-weblog",
    "Dataset": "dataset", "Aggregated Database": "dataset", "Online Database": "dataset",
    "Computer Program": "software", "Patent": "patent", "Manuscript": "manuscript",
    "Unpublished Work": "manuscript", "Pamphlet": "pamphlet", "Encyclopedia": "entry-encyclopedia",
    "Dictionary": "entry-dictionary", "Map": "map", "Film or Broadcast": "motion_picture",
    "Audiovisual Material": "motion_picture", "Online Multimedia": "motion_picture",
    "Music": "musical_score", "Artwork": "graphic", "Figure": "figure", "Chart or Table": "figure",
    "Equation": "figure", "Hearing": "hearing", "Bill": "bill", "Case": "legal_case",
    "Statute": "legislation", "Legal Rule or Regulation": "regulation",
    "Personal Communication": "personal_communication", "Interview": "interview",
    "Standard": "standard", "Serial": "periodical", "Ancient Text": "classic",
    "Classical Work": "classic", "Press Release": "article-newspaper", "Podcast": "broadcast",
    "Social Media": "post", "Grant": "document", "Catalog": "document",
}
TYPE_NUMBERS = {
    "17": "Journal Article", "43": "Electronic Article", "19": "Magazine Article",
    "23": "Newspaper Article", "6": "Book", "28": "Edited Book", "44": "Electronic Book",
    "5": "Book Section", "60": "Electronic Book Section", "47": "Conference Paper",
    "10": "Conference Proceedings", "32": "Thesis", "27": "Report", "46": "Government Document",
    "13": "Generic", "12": "Web Page", "56": "Blog", "59": "Dataset", "55": "Aggregated Database",
    "45": "Online Database", "9": "Computer Program", "25": "Patent", "36": "Manuscript",
    "34": "Unpublished Work", "24": "Pamphlet", "53": "Encyclopedia", "52": "Dictionary",
    "20": "Map", "21": "Film or Broadcast", "3": "Audiovisual Material", "48": "Online Multimedia",
    "61": "Music", "2": "Artwork", "37": "Figure", "38": "Chart or Table", "39": "Equation",
    "14": "Hearing", "4": "Bill", "7": "Case", "31": "Statute", "50": "Legal Rule or Regulation",
    "26": "Personal Communication", "64": "Interview", "58": "Standard", "57": "Serial",
    "51": "Ancient Text", "49": "Classical Work", "63": "Press Release", "65": "Podcast",
    "66": "Social Media", "54": "Grant", "8": "Catalog",
}
#: CSL type -> EndNote type name, for writers that need one
CSL_TO_TYPE = {
    "article-journal": "Journal Article", "article-magazine": "Magazine Article",
    "article-newspaper": "Newspaper Article", "book": "Book", "chapter": "Book Section",
    "paper-conference": "Conference Paper", "thesis": "Thesis", "report": "Report",
    "webpage": "Web Page", "dataset": "Dataset", "software": "Computer Program",
    "patent": "Patent", "manuscript": "Manuscript",
}

#: contributor roles (XML element of the list) -> CSL name role
NAME_ROLES = {
    "author": "author", "secondary-author": "editor", "tertiary-author": "collection-editor",
    "subsidiary-author": "translator", "translated-author": "original-author",
}
#: EndNote text fields -> CSL variable (the first value of a slot wins; later ones go to extra)
TEXT_FIELDS = {
    "title": "title", "secondary-title": "container-title", "full-title": "container-title",
    "tertiary-title": "collection-title", "short-title": "title-short",
    "abbr-1": "container-title-short", "volume": "volume", "number": "issue", "issue": "issue",
    "edition": "edition", "section": "section", "num-vols": "number-of-volumes",
    "publisher": "publisher", "pub-location": "publisher-place", "abstract": "abstract",
    "notes": "note", "language": "language", "call-num": "call-number", "work-type": "genre",
    "orig-pub": "original-title",
}
#: types whose "pages" is the number of pages of the whole book, not a range
BOOK_TYPES = {"Book", "Edited Book", "Electronic Book"}

_ISSN = re.compile(r"^\s*\d{4}-?\d{3}[\dXx]\b")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


@dataclass
class Field:
    """One EndNote value as read: its XML name, the text, and the line it was on."""

    name: str
    value: Text
    line: int | None = None


def csl_type(type_name: str) -> str:
    return TYPE_TO_CSL.get(type_name, "document")


def parse_endnote_name(value: str) -> Name:
    """EndNote writes ``Family, Given, Suffix`` (RIS order); a corporate author or a lone family
    name is written with a trailing comma, which keeps it whole."""
    text = " ".join(value.split())
    if text.endswith(","):
        return Name(literal=text.rstrip(",").strip())
    return parse_ris_name(text)


def parse_endnote_date(year_text: str, date_text: str) -> Date | None:
    """``year`` plus EndNote's free ``pub-dates`` text (``Mar 3``, ``09``, ``10 11``, ``Apr-Jun``)."""
    found = _YEAR.search(year_text or "")
    if not found:
        found = _YEAR.search(date_text or "")
        if not found:
            return None
    year = int(found.group(1))
    text = " ".join((date_text or "").replace(",", " ").split())
    if not text:
        return Date(start=DateParts(year))
    whole = parse_free_date(text if _YEAR.search(text) else f"{text} {year}")
    if whole is not None and whole.start is not None and whole.start.year == year and whole.end is None:
        return whole
    compact = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if compact and int(compact.group(1)) == year and 1 <= int(compact.group(2)) <= 12:
        return Date(start=DateParts(year, int(compact.group(2)), int(compact.group(3)) or None))
    text = _YEAR.sub("", text).strip(" /-")
    span = re.fullmatch(r"([A-Za-z]+)\.?\s*[-–/]\s*([A-Za-z]+)\.?", text)
    if span and parse_month(span.group(1)) and parse_month(span.group(2)):
        return Date(start=DateParts(year, parse_month(span.group(1))), end=DateParts(year, parse_month(span.group(2))))
    parts = re.split(r"[\s/.-]+", text)
    if 1 <= len(parts) <= 2 and parse_month(parts[0]):
        month = parse_month(parts[0])
        day = int(parts[1]) if len(parts) == 2 and parts[1].isdigit() and 1 <= int(parts[1]) <= 31 else None
        if len(parts) == 1 or day is not None:
            return Date(start=DateParts(year, month, day))
    return Date(start=DateParts(year))


class EntryBuilder:
    """EndNote fields -> one canonical entry; what has no slot goes to ``extra`` by XML name."""

    def __init__(self, report: Reporter):
        self.report = report

    def build(self, fields: list[Field], type_name: str, source: Source) -> Entry:
        entry = Entry(type=csl_type(type_name), source=source, source_type=type_name)
        names: dict[str, list[Name]] = {}
        keywords: list[str] = []
        year = date_text = ""
        for f in fields:
            name, value = f.name, f.value
            text = str(value).strip()
            if not text:
                continue
            if name in NAME_ROLES:
                names.setdefault(NAME_ROLES[name], []).append(parse_endnote_name(text))
            elif name == "keyword":
                keywords.append(text)
            elif name == "year" and not year:
                year = text
            elif name == "date" and not date_text:
                date_text = text
            elif name == "pages":
                slot = "number-of-pages" if type_name in BOOK_TYPES else "page"
                self._text(entry, slot, text, name)
            elif name == "electronic-resource-num":
                doi = normalize_doi(text)
                if doi and not entry.ids.doi:
                    entry.ids.doi = doi
                else:
                    self._extra(entry, name, text)
            elif name == "isbn":
                if _ISSN.match(text) and not entry.ids.issn:
                    entry.ids.issn = text
                elif not _ISSN.match(text) and not entry.ids.isbn:
                    entry.ids.isbn = text
                else:
                    self._extra(entry, name, text)
            elif name == "url":
                if not entry.ids.url:
                    entry.ids.url = text
                else:
                    self._extra(entry, name, text)
            elif name == "access-date":
                date = parse_free_date(text) or _compact_date(text)
                if date is not None and "accessed" not in entry.dates:
                    entry.dates["accessed"] = date
                    entry.meta.setdefault("endnote_raw", {})["access-date"] = text
                else:
                    self._extra(entry, name, text)
            elif name == "alt-title" or name.startswith("alt-periodical-"):
                # a journal's other names (EndNote's "Alternate Journal"): said once
                known = {str(entry.fields.get(k, "")) for k in ("container-title", "container-title-short")}
                if text in known:
                    continue
                if name != "alt-periodical-full-title" and entry.type.startswith("article"):
                    self._text(entry, "container-title-short", _one_line(value), name)
                else:
                    self._extra(entry, name, text)
            elif name in TEXT_FIELDS:
                multiline = name in ("abstract", "notes")
                self._text(entry, TEXT_FIELDS[name], value if multiline else _one_line(value), name)
            else:
                self._extra(entry, name, text)
        for role, found in names.items():
            entry.names[role] = NameList(found)
        if year or date_text:
            date = parse_endnote_date(year, date_text)
            if date is None:
                self.report.warn(source.line, f"year {year!r} is not a year; kept as written", "bad-date")
                for key, value in (("year", year), ("date", date_text)):
                    if value:
                        self._extra(entry, key, value)
            else:
                entry.dates["issued"] = date
                raw = entry.meta.setdefault("endnote_raw", {})
                raw.update({k: v for k, v in (("year", year), ("date", date_text)) if v})
        if keywords:
            entry.fields["keyword"] = Text(", ".join(keywords))
            entry.meta["ris_keywords"] = keywords  # the RIS writer writes them back one per KW line
        return entry

    def _text(self, entry: Entry, slot: str, value: str, name: str) -> None:
        if slot in entry.fields:
            if str(entry.fields[slot]) != str(value):  # the same journal name twice is said once
                self._extra(entry, name, str(value))
            return
        entry.fields[slot] = value if isinstance(value, Text) else Text(value)
        entry.field_names[slot] = name

    @staticmethod
    def _extra(entry: Entry, name: str, value: str) -> None:
        entry.extra[name] = f"{entry.extra[name]}\n{value}" if name in entry.extra else value


class EndNoteReading:
    """One EndNote file's reading state (both exports): the library, its reporter, the builder."""

    def __init__(self, name: str, **_ignored):
        self.name = name
        self.library = Library()
        self.report = Reporter(name, self.library.problems)
        self.builder = EntryBuilder(self.report)


def _one_line(value: Text) -> Text:
    """A title or a journal name folded onto one line (pretty-printed XML wraps them)."""
    if "\n" not in value and "\r" not in value and "  " not in value and value == value.strip():
        return value
    if value.marks:
        return value  # rare (styled text wrapped over lines): keep the marks, spacing as written
    return Text(" ".join(value.split()))


def _compact_date(text: str) -> Date | None:
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text.strip())
    if m and 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31:
        return Date(start=DateParts(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    return None
