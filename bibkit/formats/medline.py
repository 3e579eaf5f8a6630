"""MEDLINE / PubMed tagged text in (``.nbib``, PubMed's "MEDLINE" display, the PMC variant).

The format is one tag per line, ``TAG - value`` with the tag padded to four characters, and
values wrapped onto lines indented by six spaces; records are separated by blank lines and
start with ``PMID-`` (``PMC -`` in PubMed Central's variant). Old (``DA``) and new (``LID``,
``PHST``, CRLF) layouts differ only in which tags they carry.

Why our own line reader rather than the ``nbib`` package: nbib returns dictionaries with no
line numbers (a converter must say ``file:line`` for what it cannot read), drops tags it does
not know, and raises on text before the first record; the syntax is a dozen lines to read.

Mapping: ``FAU`` (full name) is the author, its ``AU`` the initials form (kept verbatim as
``medline:AU``); an ``AU`` with no ``FAU`` (records before 2002) becomes family name plus
initials. ``JT`` is the journal, ``TA`` its abbreviation, ``DP`` the date, ``LID``/``AID``
``[doi]`` the DOI, ``MH`` (MeSH) and ``OT`` (author keywords) the keywords, ``PT`` the
publication types that choose the entry type. Every other tag, and every second value of a
single-valued slot, is kept verbatim in ``entry.extra`` as ``medline:TAG`` (repeated values
joined by newlines), so nothing is lost.
"""
from __future__ import annotations

import re

from bibkit.diagnostics import Reporter
from bibkit.formats.pubmed_fields import name_from_short, parse_pubmed_date, type_from_publication_types
from bibkit.formats.record_batches import AFTER_BLANK_LINE, Place
from bibkit.identifiers import normalize_doi, normalize_issn
from bibkit.model import Entry, Library, Name, NameList, Source, Text
from bibkit.names import parse_name

_TAG = re.compile(r"([A-Z][A-Z0-9]{1,3}) *-(?: (.*)|)$")
_BRACKETED = re.compile(r"^(.*?)\s*\[(\w+)\]$")
#: a MEDLINE file: a PMID (or PMC, the PMC variant's first tag) line among the first tag lines
_SIGNATURE = re.compile(r"^(?:PMID- ?\d+|PMC - PMC\d+)\s*$", re.MULTILINE)

EXTRA_PREFIX = "medline:"

#: tags that fill one text slot each (the first value wins; later ones are kept in extra)
TEXT_TAGS = {
    "TI": "title", "JT": "container-title", "TA": "container-title-short", "VI": "volume",
    "IP": "issue", "PG": "page", "AB": "abstract", "LA": "language", "PB": "publisher",
    "EN": "edition", "CTI": "collection-title",
}
_NAME_TAGS = {"FAU": ("author", True), "AU": ("author", False), "FED": ("editor", True),
              "ED": ("editor", False)}


def scan(text: str, report: Reporter, first_line: int = 0) -> list[tuple[int, list[list]]]:
    """Records as (first line, [[tag, value, line], ...]); wrapped values joined by a space.

    ``first_line``: lines before ``text`` in its file (a batch, :mod:`.record_batches`)."""
    records: list[tuple[int, list[list]]] = []
    tags: list[list] | None = None
    last: list | None = None
    has_pmid = False
    for number, raw in enumerate(text.splitlines(), first_line + 1):
        if not raw or raw.isspace():
            tags, last = None, None
            continue
        if raw[0] in " \t":
            if last is None:
                report.warn(number, "indented line outside a MEDLINE record; skipped", "medline-syntax")
            else:
                last[1] = f"{last[1]} {raw.strip()}" if last[1] else raw.strip()
            continue
        tag = raw[:4].rstrip()
        if raw[4:6] in ("- ", "-") and tag.isalpha() and tag.isupper():  # the layout PubMed writes
            value = raw[6:].strip()
        else:
            match = _TAG.match(raw.rstrip())
            if match is None:
                report.warn(number, "not a MEDLINE tag line (expected 'TAG - value'); skipped", "medline-syntax")
                last = None
                continue
            tag, value = match.group(1), (match.group(2) or "").strip()
        if tags is None or (tag == "PMID" and has_pmid):
            tags, has_pmid = [], False
            records.append((number, tags))
        has_pmid = has_pmid or tag == "PMID"
        last = [tag, value, number]
        tags.append(last)
    return records


class MedlineReader:
    """One file's reading state: records become entries, problems go to the reporter."""

    def __init__(self, name: str):
        self.name = name
        self.library = Library()
        self.report = Reporter(name, self.library.problems)

    def read(self, text: str, place: Place = Place()) -> Library:
        records = scan(text, self.report, place.line)
        self.scanned = len(self.library.problems)
        for number, (line, tags) in enumerate(records, place.record + 1):
            entry = self.entry(line, tags)
            if not entry.title:
                self.report.warn(line, f"record {number} has no title (TI/BTI)", "medline-no-title")
            self.library.blocks.append(entry)
        return self.library

    def entry(self, start: int, tags: list[list]) -> Entry:
        entry = Entry(source=Source(self.name, start, "medline"))
        names: dict[str, list[Name]] = {}
        full_before = False  # the previous tag was a full name, so this AU is its short form
        keywords: list[str] = []
        types: list[str] = []
        bare_lid = book_title = ""
        for tag, value, line in tags:
            if tag in _NAME_TAGS:
                role, full = _NAME_TAGS[tag]
                if full:
                    names.setdefault(role, []).append(parse_name(value))
                elif full_before:
                    self._extra(entry, tag, value)
                else:
                    names.setdefault(role, []).append(name_from_short(value))
                full_before = full
                continue
            full_before = False
            if not value:
                self._extra(entry, tag, value)
            elif tag == "CN":
                names.setdefault("author", []).append(Name(literal=value))
            elif tag in ("MH", "OT"):
                keywords.append(value)
            elif tag == "PT":
                types.append(value)
                self._extra(entry, tag, value)
            elif tag == "PMID" and not entry.ids.pmid:
                entry.ids.pmid = value
            elif tag == "PMC" and not entry.ids.pmcid:
                entry.ids.pmcid = value
            elif tag == "DP" and "issued" not in entry.dates:
                date = parse_pubmed_date(value)
                if date is None:
                    self.report.warn(line, f"DP {value!r} is not a date; kept as written", "bad-date")
                    self._extra(entry, tag, value)
                else:
                    entry.dates["issued"] = date
                    entry.field_names["issued"] = tag
            elif tag in ("LID", "AID"):
                bare_lid = self._located(entry, tag, value) or bare_lid
            elif tag == "IS" and not entry.ids.issn:
                entry.ids.issn = normalize_issn(value.split("(")[0])
                self._extra(entry, tag, value)
            elif tag == "ISBN" and not entry.ids.isbn:
                entry.ids.isbn = value
            elif tag == "BTI" and not book_title:
                book_title = value
            elif tag in TEXT_TAGS and TEXT_TAGS[tag] not in entry.fields:
                entry.fields[TEXT_TAGS[tag]] = Text(value)
                entry.field_names[TEXT_TAGS[tag]] = tag
            else:
                self._extra(entry, tag, value)
        for role, found in names.items():
            entry.names[role] = NameList(found)
        if keywords:
            entry.fields["keyword"] = Text("; ".join(keywords))
        if bare_lid and "page" not in entry.fields:  # an article number stands for the pages
            entry.fields["page"] = Text(bare_lid)
            entry.field_names["page"] = "LID"
        if book_title:  # a chapter's book, or a whole book's own title
            slot = "container-title" if entry.title else "title"
            if slot in entry.fields:
                self._extra(entry, "BTI", book_title)
            else:
                entry.fields[slot], entry.field_names[slot] = Text(book_title), "BTI"
        is_book = bool(book_title) or entry.ids.isbn
        entry.type = type_from_publication_types(types, "book" if is_book else "article-journal")
        if entry.type == "book" and entry.field_names.get("container-title") == "BTI":
            entry.type = "chapter"
        entry.source_type = types[0] if types else ""
        if entry.type in ("book", "chapter") and "medline:PL" in entry.extra and "publisher-place" not in entry.fields:
            entry.fields["publisher-place"] = Text(entry.extra.pop("medline:PL"))
        return entry

    def _located(self, entry: Entry, tag: str, value: str) -> str:
        """``10.1/x [doi]`` fills the DOI; ``S0-1 [pii]`` is kept; a bare LID is returned
        (an electronic location such as an article number)."""
        match = _BRACKETED.match(value)
        kind = match.group(2).lower() if match else ""
        if kind == "doi" and not entry.ids.doi and normalize_doi(match.group(1)):
            entry.ids.doi = normalize_doi(match.group(1))
            return ""
        if kind == "doi" and normalize_doi(match.group(1)) == entry.ids.doi:
            return ""  # the same DOI under LID and AID
        self._extra(entry, tag, value)
        return value if tag == "LID" and not kind else ""

    def _extra(self, entry: Entry, tag: str, value: str) -> None:
        key = EXTRA_PREFIX + tag
        entry.extra[key] = f"{entry.extra[key]}\n{value}" if key in entry.extra else value


class MedlineImporter:
    name = "medline"
    extensions = (".nbib", ".medline")
    description = "MEDLINE/PubMed tagged text (.nbib, PubMed and PMC 'MEDLINE' display)"

    def detect(self, text: str) -> float:
        """A ``PMID- 123`` (or ``PMC - PMC123``) line near the top: PubMed's own signature."""
        head = text[:3000]
        return 0.95 if _SIGNATURE.search(head) and re.search(r"^(?:TI|AU|FAU|DP) {0,2}- ", text[:20000], re.MULTILINE) else 0.0

    def parse(self, text: str, name: str = "<input>", **_options) -> Library:
        library = self.read_batch(text, name)[0]
        if not library.blocks and text.strip():
            Reporter(name, library.problems).error(1, "no MEDLINE records found", "medline-empty")
        return library

    #: after a blank line the reader starts afresh (:mod:`.record_batches`)
    batch_cut = AFTER_BLANK_LINE

    def read_batch(self, text: str, name: str = "<input>", place: Place = Place(), **_options) -> tuple[Library, int]:
        reader = MedlineReader(name)
        return reader.read(text, place), reader.scanned
