"""Tables of references in: Scopus CSV, IEEE Xplore CSV, and any CSV with a column mapping.

A table export is one record a row under a heading row, so every flavour is the same reader
with a different :class:`Layout`: which heading fills which canonical slot, how its author
cells list names, and which headings are its signature. The generic ``csv`` layout knows the
BibTeX and CSL field names as headings (``title``, ``author``, ``journal``, ``ENTRYTYPE``,
``container-title``...), so a table written from a .bib (the systematic-review deduplication
sets) reads with no options; any other table is read with ``--map title="Document Title"``
(``column_map`` in the API), which also overrides a known layout's choice.

Nothing is lost: a column with no slot, or a second column for a filled slot, is kept
verbatim in ``entry.extra`` under ``<layout>:<heading>``. A row with more or fewer cells than
the heading is reported as ``file:line`` and read with what it has. A cell that reads ``NA``
(R's missing value, left by tools that pass Scopus exports through R) is treated as empty.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Callable, Iterator

from bibkit.dates import parse_edtf, parse_free_date
from bibkit.diagnostics import Reporter
from bibkit.formats.bibtex.fields import NAME_FIELDS, TEXT_FIELDS
from bibkit.formats.pubmed_fields import parse_pubmed_date
from bibkit.formats.record_batches import Place, head_text, table_batches
from bibkit.formats.signatures import looks_like_table
from bibkit.identifiers import normalize_doi, normalize_isbn, normalize_issn, normalize_pmid
from bibkit.model import Entry, Library, Name, NameList, Source, Text
from bibkit.names import parse_name, parse_names
from bibkit.types import BIBLATEX_TYPES, BIBTEX_TYPES, CSL_TYPES, csl_type_from_bibtex

csv.field_size_limit(1 << 27)  # Scopus puts every cited reference of a paper in one cell

#: roles a column can have besides a canonical text slot (``title``, ``volume``...)
ID_ROLES = ("doi", "issn", "isbn", "pmid", "pmcid", "url")
SPECIAL_ROLES = ("author", "editor", "year", "month", "issued", "page-start", "page-end",
                 "article-number", "keyword", "type", "key") + ID_ROLES

_CSL_TEXT = set(TEXT_FIELDS.values()) | {"container-title", "container-title-short", "page", "issue",
                                         "event-title", "event-place", "publisher-place", "note"}
_ALIASES = {
    **{k: v for k, v in TEXT_FIELDS.items() if v != "keyword"},
    **{k: k for k in NAME_FIELDS if NAME_FIELDS[k] in ("author", "editor")},
    "keywords": "keyword", "keyword": "keyword", "year": "year", "month": "month", "date": "issued",
    "issued": "issued", "entrytype": "type", "type": "type", "id": "key", "key": "key",
    "citekey": "key", "citation key": "key", "pages": "page", "page": "page",
    **{r: r for r in ID_ROLES}, "pmc": "pmcid",
}


def role_of(name: str) -> str | None:
    """The role a field name stands for: a BibTeX name (``journal``), a CSL variable
    (``container-title``) or one of :data:`SPECIAL_ROLES`; None for an unknown name."""
    lower = name.strip().lower()
    if lower in _ALIASES:
        return _ALIASES[lower]
    if lower in _CSL_TEXT or lower in SPECIAL_ROLES:
        return lower
    return None


def extra_key(prefix: str, heading: str) -> str:
    """The extra-field name a column is kept under: ``scopus:Author(s) ID`` ->
    ``scopus:Author-s-ID``, so that every output format (a BibTeX field name allows no spaces
    or parentheses) can write it back."""
    return prefix + (re.sub(r"[^\w.:+-]+", "-", heading).strip("-") or "column")


def _split(value: str, seps: str = ";") -> list[str]:
    return [p.strip() for p in re.split(f"[{seps}]", value) if p.strip()]


def scopus_names(value: str) -> list[Name]:
    """``Phillips J.C., Braun R.`` (older layout) or ``Hao J.; Siu K.-C.``; full names
    ``Hao, Jie (57221302630); High, Robin (6701683718)`` (newer layout)."""
    parts = _split(value, ";") if ";" in value else _split(value, ",")
    names = []
    for part in parts:
        part = re.sub(r"\s*\(\d+\)$", "", part)  # the Scopus author id after a full name
        if "," in part:
            names.append(parse_name(part))
            continue
        family, _, given = part.rpartition(" ")
        names.append(Name(family=family, given=given) if family and re.fullmatch(r"(?:[A-Z]\.-?)+[A-Z]?\.?", given.replace("-", ""))
                     else parse_name(part))
    return names


def listed_names(value: str) -> list[Name]:
    """``P. Kogge; J. Shalf`` (IEEE) or a BibTeX ``A and B`` list."""
    if re.search(r"\s+and\s+", value) and ";" not in value:
        return parse_names(value).names
    return [parse_name(p) for p in _split(value, ";")]


SCOPUS_TYPES = {"conference paper": "paper-conference", "conference review": "paper-conference",
                "book chapter": "chapter", "book": "book", "data paper": "dataset"}
IEEE_TYPES = {"ieee conferences": "paper-conference", "ieee books": "chapter", "ieee standards": "standard"}


@dataclass(frozen=True)
class Layout:
    """One table flavour: heading -> role, how its name cells are split, its signature."""

    name: str
    description: str
    columns: dict[str, str]
    signature: frozenset[str]
    names: Callable[[str], list[Name]] = listed_names
    types: dict[str, str] = field(default_factory=dict)
    keyword_separators: str = ";"
    #: a numbered column the export repeats as often as the fullest record needs, in rows
    #: written under a heading that names it fewer times (Scopus: "Funding Text 1", "... 2")
    repeated: str = ""

    def widen(self, header: list[str], cells: int) -> list[str] | None:
        """The heading a row of ``cells`` cells was written under, if the layout explains it."""
        numbered = [i for i, h in enumerate(header) if self.repeated and re.fullmatch(rf"{self.repeated} \d+", h)]
        if not numbered or cells <= len(header):
            return None
        last = numbered[-1]
        more = [f"{self.repeated} {len(numbered) + k + 1}" for k in range(cells - len(header))]
        return header[: last + 1] + more + header[last + 1:]


SCOPUS = Layout(
    "scopus-csv", "Scopus CSV export (older and 2023 layouts)",
    {"Authors": "author", "Author full names": "author", "Title": "title", "Year": "year",
     "Source title": "container-title", "Volume": "volume", "Issue": "issue", "Art. No.": "article-number",
     "Page start": "page-start", "Page end": "page-end", "DOI": "doi", "Link": "url", "Abstract": "abstract",
     "Author Keywords": "keyword", "Index Keywords": "keyword", "Editors": "editor", "Publisher": "publisher",
     "Conference name": "event-title", "Conference location": "event-place", "ISSN": "issn", "ISBN": "isbn",
     "PubMed ID": "pmid", "Language of Original Document": "language",
     "Abbreviated Source Title": "container-title-short", "Document Type": "type"},
    frozenset({"Authors", "Title", "Source title", "EID"}), scopus_names, SCOPUS_TYPES, repeated="Funding Text")

IEEE = Layout(
    "ieee-csv", "IEEE Xplore CSV export",
    {"Document Title": "title", "Authors": "author", "Publication Title": "container-title",
     "Publication Year": "year", "Volume": "volume", "Issue": "issue", "Start Page": "page-start",
     "End Page": "page-end", "Abstract": "abstract", "ISSN": "issn", "ISBNs": "isbn", "DOI": "doi",
     "PDF Link": "url", "Author Keywords": "keyword", "IEEE Terms": "keyword", "Publisher": "publisher",
     "Document Identifier": "type"},
    frozenset({"Document Title", "Authors", "Publication Title", "Document Identifier"}), listed_names, IEEE_TYPES)

GENERIC = Layout("csv", "CSV with BibTeX/CSL field names as headings (others: --map FIELD=HEADING)",
                 {}, frozenset(), listed_names, keyword_separators=";,")


def delimiter_of(first_line: str) -> str:
    """The cell separator a table's first line uses most: ``,``, ``;`` or tab."""
    return max(",;\t", key=first_line.count)


def _header_and_rows(text: str) -> tuple[list[str], csv.reader, str]:
    text = text.lstrip("\ufeff")
    delimiter = delimiter_of(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, [])
    return [h.strip().lstrip("\ufeff") for h in header], reader, delimiter


class TableReader:
    """Rows of one file become entries; the layout and the user's mapping say how."""

    def __init__(self, layout: Layout, name: str, column_map: dict[str, str] | None = None):
        self.layout = layout
        self.name = name
        self.library = Library()
        self.report = Reporter(name, self.library.problems)
        self.column_map = column_map or {}

    def mapping(self, header: list[str]) -> dict[int, str]:
        """Column index -> role: the layout's headings, then known field names (generic
        tables), then the user's ``--map`` (which wins)."""
        out: dict[int, str] = {}
        for i, heading in enumerate(header):
            role = self.layout.columns.get(heading)
            if role is None and self.layout is GENERIC:
                role = role_of(heading)
            if role:
                out[i] = role
        for fieldname, heading in self.column_map.items():
            role = role_of(fieldname)
            if role is None:
                self.report.error(None, f"--map {fieldname}={heading}: no field named {fieldname!r}", "csv-map")
                continue
            if heading not in header:
                self.report.error(None, f"--map {fieldname}={heading}: no column headed {heading!r} "
                                  f"(columns: {', '.join(header)})", "csv-map")
                continue
            for i in [i for i, r in out.items() if r == role]:
                del out[i]  # the user's column replaces the layout's for this slot
            out[header.index(heading)] = role
        return out

    def read(self, text: str, place: Place = Place()) -> Library:
        """The rows of ``text`` (a batch read after ``place.head``, the heading row, whose
        problems its first batch reported: :mod:`.record_batches`)."""
        shift = place.line - place.head.count("\n")
        header, reader, _ = _header_and_rows(place.head + text)
        # the heading row's problems are its first batch's to report
        report, self.report = self.report, (Reporter(self.name, []) if place.head else self.report)
        roles = self.mapping(header)
        if "title" not in roles.values():
            self.report.error(1, "no column holds the title; name it with --map title=\"HEADING\"", "csv-no-title")
        self.report = report
        widened: dict[int, tuple[list[str], dict[int, str]]] = {len(header): (header, roles)}
        line = reader.line_num + 1 + shift
        for row in reader:
            start, line = line, reader.line_num + 1 + shift
            while len(row) > len(header) and not row[-1].strip():
                row = row[:-1]  # a trailing separator
            if not any(cell.strip() for cell in row):
                continue
            if len(row) not in widened:
                wide = self.layout.widen(header, len(row))
                widened[len(row)] = (wide, self.mapping(wide)) if wide else (header, roles)
            row_header, row_roles = widened[len(row)]
            if len(row) > len(row_header) or len(row) < len(header):
                self.report.warn(start, f"row has {len(row)} cells for {len(header)} columns; read as far as they go",
                                 "csv-columns")
            entry = self.entry(row_header, row_roles, row, start)
            if not entry.title:
                self.report.warn(start, "row has no title", "csv-no-title")
            self.library.blocks.append(entry)
        return self.library

    def entry(self, header: list[str], roles: dict[int, str], row: list[str], line: int) -> Entry:
        layout = self.layout
        entry = Entry(type="article-journal", source=Source(self.name, line, layout.name))
        prefix = layout.name.split("-")[0] + ":"
        values: dict[str, list[tuple[str, str]]] = {}
        for i, cell in enumerate(row):
            cell = cell.strip()
            heading = header[i] if i < len(header) else f"column {i + 1}"
            if not cell or cell == "NA":
                continue
            role = roles.get(i)
            if role is None:
                entry.extra[extra_key(prefix, heading)] = cell
            else:
                values.setdefault(role, []).append((heading, cell))

        def keep(heading: str, cell: str) -> None:
            entry.extra[extra_key(prefix, heading)] = cell

        for role, cells in values.items():
            heading, cell = cells[-1] if role in ("author", "editor") else cells[0]
            rest = [c for c in cells if c != (heading, cell)]
            if role in ("author", "editor") and cell.startswith("[No "):  # "[No author name available]"
                keep(heading, cell)
            elif role in ("author", "editor"):  # the last author column is the fullest (Scopus' full names)
                entry.names[role] = NameList(layout.names(cell)) if layout is not GENERIC else _generic_names(cell)
                if re.search(r"\(\d+\)", cell):  # Scopus author ids after the names: kept as written
                    keep(heading, cell)
            elif role == "keyword":
                words = [w for _, c in cells for w in _split(c, layout.keyword_separators)]
                entry.fields["keyword"] = Text("; ".join(words))
                rest = []
            elif role == "type" and layout is GENERIC and not _known_type(cell):
                entry.fields["genre"] = Text(cell)  # BibTeX's own "type" field: "PhD thesis"
                entry.field_names["genre"] = heading
            elif role == "type":
                entry.source_type = cell
                entry.type = (layout.types.get(cell.lower(), "article-journal") if layout is not GENERIC
                              else cell.lower() if cell.lower() not in BIBTEX_TYPES | BIBLATEX_TYPES
                              else csl_type_from_bibtex(cell))  # "article" is BibTeX's before CSL's
                keep(heading, cell)
            elif role == "key":
                entry.key = cell
            elif role in ID_ROLES:
                self._identifier(entry, role, heading, cell, keep)
            elif role in ("year", "month", "issued", "page-start", "page-end", "article-number"):
                rest = cells[1:]
                continue  # combined below
            else:
                entry.fields[role] = Text(cell)
                entry.field_names[role] = heading
            for h, c in rest:
                keep(h, c)
        self._date(entry, values, keep, line)
        self._pages(entry, values, keep)
        if entry.type == "article-journal" and "number" in entry.fields and "issue" not in entry.fields:
            entry.fields["issue"] = entry.fields.pop("number")  # BibTeX's number of an article is its issue
        return entry

    def _identifier(self, entry: Entry, role: str, heading: str, cell: str, keep) -> None:
        norm = {"doi": normalize_doi, "issn": normalize_issn, "isbn": normalize_isbn, "pmid": normalize_pmid}
        value = norm[role](cell) if role in norm else cell
        if value and not getattr(entry.ids, role):
            setattr(entry.ids, role, value)
            if role in ("isbn",) and value != cell:
                keep(heading, cell)
        else:
            keep(heading, cell)

    def _date(self, entry: Entry, values: dict, keep, line: int) -> None:
        cells = {role: values[role][0] for role in ("year", "month", "issued") if role in values}
        if not cells:
            return
        if "issued" in cells:
            heading, cell = cells["issued"]
            date = parse_edtf(cell) or parse_free_date(cell) or parse_pubmed_date(cell)
        else:
            year = cells.get("year", ("", ""))[1]
            month = cells.get("month", ("", ""))[1]
            date = parse_pubmed_date(f"{year} {month}".strip()) if year else None
            heading, cell = cells.get("year") or cells["month"]
        if date is not None:
            entry.dates["issued"] = date
        else:
            self.report.warn(line, f"{heading} {cell!r} is not a date; kept as written", "bad-date")
            for heading, cell in cells.values():
                keep(heading, cell)

    def _pages(self, entry: Entry, values: dict, keep) -> None:
        start = values.get("page-start", [("", "")])[0][1]
        end = values.get("page-end", [("", "")])[0][1]
        article = values.get("article-number", [("", "")])[0]
        if "page" not in entry.fields and (start or end):
            entry.fields["page"] = Text(f"{start}-{end}" if start and end and start != end else start or end)
            if article[1]:
                keep(*article)
        elif "page" not in entry.fields and article[1]:
            entry.fields["page"] = Text(article[1])
        elif article[1]:
            keep(*article)


def _known_type(cell: str) -> bool:
    lower = cell.strip().lower()
    return lower in CSL_TYPES or lower in BIBTEX_TYPES or lower in BIBLATEX_TYPES


def _generic_names(cell: str) -> NameList:
    if re.search(r"\s+and\s+", cell, re.IGNORECASE) or ";" not in cell:
        return parse_names(cell)
    return NameList([parse_name(p) for p in _split(cell, ";")])


class _TableImporter:
    layout: Layout = GENERIC
    extensions: tuple[str, ...] = ()  # .csv is every table's: the heading row tells them apart

    @property
    def name(self) -> str:
        return self.layout.name

    @property
    def description(self) -> str:
        return self.layout.description

    def detect(self, text: str) -> float:
        """Its signature headings in the first row (a real CSV row: 3 or more cells)."""
        header, _, _ = _header_and_rows(text[:20000])
        if len(header) < 3:
            return 0.0
        return 0.95 if self.layout.signature <= set(header) else 0.0

    def parse(self, text: str, name: str = "<input>", column_map: dict[str, str] | None = None,
              **_options) -> Library:
        return TableReader(self.layout, name, column_map).read(text)

    def batches(self, path: str, batch_bytes: int, column_map: dict[str, str] | None = None,
                **_options) -> Iterator[tuple[str, int, str]]:
        """The file in batches of rows (:func:`.record_batches.table_batches`); in one when the
        ``--map`` does not fit the headings (the reading reports that once per row width)."""
        header, _, _ = _header_and_rows(head_text(path))
        probe = TableReader(self.layout, path, column_map)
        probe.mapping(header)
        return table_batches(path, batch_bytes, delimiter_of, whole=bool(probe.library.problems))

    def read_batch(self, text: str, name: str = "<input>", place: Place = Place(),
                   column_map: dict[str, str] | None = None, **_options) -> tuple[Library, int]:
        return TableReader(self.layout, name, column_map).read(text, place), 0


class ScopusCSVImporter(_TableImporter):
    layout = SCOPUS


class IEEECSVImporter(_TableImporter):
    layout = IEEE


class CSVImporter(_TableImporter):
    layout = GENERIC

    def detect(self, text: str) -> float:
        """A table (a heading row of 3+ short cells, rows as wide): surely ours when the
        headings name a title and two more known fields, else ours with ``--map``."""
        lines = [ln for ln in text[:50000].lstrip("\ufeff").splitlines() if ln.strip()][:10]
        if len(lines) < 2 or not looks_like_table(lines):
            return 0.0
        roles = [role_of(h) for h in _header_and_rows(lines[0])[0]]
        return 0.8 if "title" in roles and sum(r is not None for r in roles) >= 3 else 0.5


__all__ = ["CSVImporter", "IEEECSVImporter", "ScopusCSVImporter", "role_of"]
