"""Web of Science exports in: plain text (tagged) and tab-delimited.

Plain text is one two-letter tag a line (``AU Owen-Smith, J``), continuation lines indented
by three spaces, ``ER`` after each record and ``EF`` at the end; its header names the service
in one of three generations (``FN ISI Export Format``, ``FN Thomson Reuters Web of
Science™``, ``FN Clarivate Analytics Web of Science``), followed by ``VR 1.0``. The
tab-delimited export has the same tags as its column headings, one record a row, lists
separated by ``; ``. Both are read into the same ``tag -> values`` records and mapped once.

Why our own reader rather than ``wosfile``: wosfile yields dictionaries without line numbers
(a converter must say ``file:line``), and for tab-delimited files relies on a header it does
not check; the syntax is a few lines. Its tag table (the WoS field tags) is what this module
follows.

Mapping: ``AF`` (full names; ``AU`` when there is none), ``BE`` editors, ``CA`` group authors,
``TI``, ``SO`` (journal), ``JI`` (ISO abbreviation), ``PY``/``PD`` (date), ``VL``, ``IS``,
``BP``-``EP`` (or ``AR``, the article number), ``DI``, ``PM``, ``SN``, ``BN``, ``PU``, ``PI``,
``AB``, ``LA``, ``DE`` (author keywords) and ``ID`` (Keywords Plus) as keywords; ``PT``/``DT``
choose the type. Every other tag, and every value not used, is kept verbatim in
``entry.extra`` as ``wos:TAG`` (list values joined by newlines).
"""
from __future__ import annotations

import csv
import io
import re
from typing import Iterator

from bibkit.diagnostics import Reporter
from bibkit.formats.pubmed_fields import given_from_initials, parse_pubmed_date
from bibkit.formats.record_batches import REST_OF_LINE, Place, after_line, table_batches
from bibkit.identifiers import normalize_doi, normalize_issn
from bibkit.model import Entry, Library, Name, NameList, Source, Text
from bibkit.names import parse_name

EXTRA_PREFIX = "wos:"
_HEADER = re.compile(r"\A\ufeff?\s*FN (?:ISI Export Format|Thomson Reuters Web of Science|Clarivate Analytics Web of Science|"
                     r"Clarivate Web of Science|Web of Science)[^\n]*\n\s*VR \d")
_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])(?: (.*)|)$")
_TAB_TAG = re.compile(r"^[A-Z][A-Z0-9]$")
#: tags whose lines (plain text) or ``; ``-separated parts (tab-delimited) are separate values
LIST_TAGS = {"AU", "AF", "BA", "BF", "BE", "CA", "GP", "CR", "C1", "C3", "EM", "RI", "OI"}
_SEASONS = {"SPR": "Spring", "SUM": "Summer", "FAL": "Fall", "WIN": "Winter"}

#: tags that fill one canonical text slot
TEXT_TAGS = {
    "TI": "title", "SO": "container-title", "JI": "container-title-short", "VL": "volume",
    "IS": "issue", "AB": "abstract", "LA": "language", "PU": "publisher",
    "PI": "publisher-place", "SE": "collection-title", "CT": "event-title",
}

Record = tuple[int, list[tuple[str, list[str]]]]


def scan_plain(text: str, report: Reporter, first_line: int = 0) -> list[Record]:
    """Plain-text records as (line of PT, [(tag, values)]), header and ``EF`` skipped.

    ``first_line``: lines before ``text`` in its file (a batch, :mod:`.record_batches`)."""
    records: list[Record] = []
    tags: list[tuple[str, list[str]]] | None = None
    start = 0
    last: list[str] | None = None
    last_tag = ""
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), first_line + 1):
        line = raw.rstrip()
        if not line:
            continue
        if line[:2] == "  " and last is not None:
            value = line.strip()
            if last_tag in LIST_TAGS:
                last.append(value)
            else:
                last[-1] = f"{last[-1]} {value}"
            continue
        match = _TAG_LINE.match(line)
        if match is None:
            report.warn(number, "not a Web of Science tag line (expected 'XX value'); skipped", "wos-syntax")
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag in ("FN", "VR", "EF") and tags is None:
            last = None
            continue
        if tag == "ER":
            if tags is None:
                report.warn(number, "'ER' without a record before it; ignored", "wos-syntax")
            else:
                records.append((start, tags))
            tags, last = None, None
            continue
        if tags is None:
            tags, start = [], number
            if tag != "PT":
                report.warn(number, f"record starts with {tag}, not PT", "wos-syntax")
        last, last_tag = [value], tag
        tags.append((tag, last))
    if tags is not None:
        report.warn(start, "last record has no 'ER'; ended at the end of the file", "wos-missing-er")
        records.append((start, tags))
    return records


def scan_tab(text: str, report: Reporter, place: Place = Place()) -> list[Record]:
    """Tab-delimited rows as records; the header row names the tags. A batch (``place``:
    :mod:`.record_batches`) is read after its file's header row."""
    rows = csv.reader(io.StringIO(place.head + text.lstrip("\ufeff")), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = [h.strip() for h in next(rows, [])]
    records: list[Record] = []
    for number, row in enumerate(rows, 2 + place.line - place.head.count("\n")):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
            report.warn(number, f"row has {len(row)} cells for {len(header)} columns; the extra cells are kept as wos:extra",
                        "wos-columns")
        tags = []
        for tag, cell in zip(header, row):
            cell = cell.strip()
            if not cell or not tag:
                continue
            tags.append((tag, [p.strip() for p in cell.split(";") if p.strip()] if tag in LIST_TAGS - {"C1"} else [cell]))
        extra = [c for c in row[len(header):] if c.strip()]
        if extra:
            tags.append(("extra", extra))
        records.append((number, tags))
    return records


def _name(value: str) -> Name:
    """``Powell, WW`` -> Powell, W. W.; ``Owen-Smith, Jason`` as written."""
    name = parse_name(value)
    if name.given and re.fullmatch(r"[A-Z]{1,4}", name.given):
        return Name(family=name.family, given=given_from_initials(name.given), particle=name.particle,
                    suffix=name.suffix)
    return name


def _type(pt: str, dt: str, has_book_title: bool) -> str:
    kinds = {d.strip().lower() for d in dt.split(";")}
    if "book chapter" in kinds:
        return "chapter"
    if "book" in kinds or (pt == "B" and not has_book_title):
        return "book"
    if "proceedings paper" in kinds or pt == "C":
        return "paper-conference"
    if pt == "P":
        return "patent"
    return "article-journal"


def entry_from_tags(tags: list[tuple[str, list[str]]], name: str, line: int, report: Reporter) -> Entry:
    """One WoS record (plain or tab-delimited) as a canonical entry."""
    entry = Entry(source=Source(name, line, "wos"))
    first: dict[str, list[str]] = {}
    for tag, values in tags:
        if tag in first:  # a tag given twice: the second is kept, never merged silently
            entry.extra[EXTRA_PREFIX + tag] = "\n".join(values)
        else:
            first[tag] = values

    def take(tag: str) -> str:
        values = first.pop(tag, None)
        return " ".join(values) if values else ""

    authors = first.pop("AF", None) or first.pop("AU", None) or []
    names = [_name(v) for v in authors] + [Name(literal=v) for v in first.pop("CA", [])]
    if names:
        entry.names["author"] = NameList(names)
    editors = first.pop("BE", None)
    if editors:
        entry.names["editor"] = NameList([_name(v) for v in editors])
    pt, dt = take("PT"), take("DT")
    entry.source_type = dt or pt
    if pt:
        entry.extra[EXTRA_PREFIX + "PT"] = pt
    if dt:
        entry.extra[EXTRA_PREFIX + "DT"] = dt
    for tag, slot in TEXT_TAGS.items():
        value = take(tag)
        if value:
            entry.fields[slot] = Text(value)
    year, month = take("PY"), take("PD")
    month = " ".join(_SEASONS.get(w, w) for w in month.split())
    when = month if re.match(r"\d{4}", month) else f"{year} {month}".strip()
    date = parse_pubmed_date(when) if when else None
    if date is None and year:
        date = parse_pubmed_date(year)
    if date is not None:
        entry.dates["issued"] = date
    elif when:
        report.warn(line, f"PY/PD {when!r} is not a date; kept as written", "bad-date")
        entry.extra[EXTRA_PREFIX + "PY"] = when
    start, end, article = take("BP"), take("EP"), take("AR")
    if start or end:
        entry.fields["page"] = Text(f"{start}-{end}" if start and end and start != end else (start or end))
        if article:
            entry.extra[EXTRA_PREFIX + "AR"] = article
    elif article:
        entry.fields["page"] = Text(article)
    doi = take("DI")
    if doi and normalize_doi(doi):
        entry.ids.doi = normalize_doi(doi)
    elif doi:
        entry.extra[EXTRA_PREFIX + "DI"] = doi
    pmid, issn, isbn = take("PM"), take("SN"), take("BN")
    entry.ids.pmid = pmid
    entry.ids.issn = normalize_issn(issn) if issn else ""
    entry.ids.isbn = isbn
    keywords = [k.strip() for tag in ("DE", "ID") for k in take(tag).split(";") if k.strip()]
    if keywords:
        entry.fields["keyword"] = Text("; ".join(keywords))
    entry.type = _type(pt, dt, "container-title" in entry.fields)
    for tag, values in first.items():  # everything else, verbatim
        entry.extra[EXTRA_PREFIX + tag] = "\n".join(values)
    return entry


def _read(records: list[Record], name: str, library: Library, report: Reporter, first_record: int = 0) -> Library:
    for number, (line, tags) in enumerate(records, first_record + 1):
        entry = entry_from_tags(tags, name, line, report)
        if not entry.title:
            report.warn(line, f"record {number} has no title (TI)", "wos-no-title")
        library.blocks.append(entry)
    return library


class WoSImporter:
    name = "wos"
    extensions = (".ciw", ".isi")
    description = "Web of Science plain text (FN ISI / Thomson Reuters / Clarivate headers)"

    def detect(self, text: str) -> float:
        """The ``FN ... Web of Science`` (or ``FN ISI Export Format``) and ``VR`` header lines."""
        return 0.95 if _HEADER.match(text[:500]) else 0.0

    def parse(self, text: str, name: str = "<input>", **_options) -> Library:
        library = self.read_batch(text, name)[0]
        if not library.blocks and text.strip():
            Reporter(name, library.problems).error(1, "no Web of Science records found (expected PT ... ER)", "wos-empty")
        return library

    #: after an ``ER`` line the reader starts afresh (:mod:`.record_batches`); a byte-order mark
    #: is skipped only at the start of the file
    batch_cut = re.compile(after_line(f"ER(?: {REST_OF_LINE})?").pattern + "(?!\ufeff)")

    def read_batch(self, text: str, name: str = "<input>", place: Place = Place(), **_options) -> tuple[Library, int]:
        library = Library()
        report = Reporter(name, library.problems)
        records = scan_plain(text, report, place.line)
        scanned = len(library.problems)
        return _read(records, name, library, report, place.record), scanned


class WoSTabImporter:
    name = "wos-tab"
    extensions: tuple[str, ...] = ()
    description = "Web of Science tab-delimited export (tags as column headings)"

    def detect(self, text: str) -> float:
        """A first row of tab-separated WoS tags that includes PT, AU, TI, SO and UT."""
        first = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
        cells = first.split("\t")
        if len(cells) < 10 or not all(_TAB_TAG.match(c) for c in cells if c):
            return 0.0
        return 0.95 if {"PT", "AU", "TI", "SO", "UT"} <= set(cells) else 0.0

    def parse(self, text: str, name: str = "<input>", **_options) -> Library:
        return self.read_batch(text, name)[0]

    def batches(self, path: str, batch_bytes: int, **_options) -> Iterator[tuple[str, int, str]]:
        """The file in batches of rows (:func:`.record_batches.table_batches`)."""
        return table_batches(path, batch_bytes, lambda _first: "\t", quoting=csv.QUOTE_NONE)

    def read_batch(self, text: str, name: str = "<input>", place: Place = Place(), **_options) -> tuple[Library, int]:
        library = Library()
        report = Reporter(name, library.problems)
        records = scan_tab(text, report, place)
        scanned = len(library.problems)
        return _read(records, name, library, report, place.record), scanned
