"""CSV out, with the columns the user chooses, for spreadsheets and screening tools.

``bibkit convert refs.bib --to csv --columns key,author,year,title,doi``. A column is named by
its BibTeX name (``journal``, ``pages``, ``number``), its CSL name (``container-title``,
``page``, ``issue``), an identifier (``doi``, ``pmid``, ``isbn``), ``key``, ``type``, a name role
(``author``, ``editor``: ``Family, Given and Family, Given``, as BibTeX and the CSVs of
systematic-review tools write them, a corporate name in braces so that it is read back whole), or any field the entries keep verbatim.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (CSV injection). As OWASP recommends, such a value is written with a
leading single quote and every cell is quoted; nothing else is changed, so the file read back
with the csv module gives the values as they were.
"""
from __future__ import annotations

import csv
import io
from typing import Iterable

from bibkit.dates import format_edtf
from bibkit.diagnostics import BibkitError
from bibkit.model import Entry, Library
from bibkit.names import format_names
from bibkit.types import CSL_TO_BIBTEX

DEFAULT_COLUMNS = ("key", "type", "author", "title", "year", "journal", "volume", "issue", "pages", "doi", "url")
#: column names that mean a canonical text variable under another name (BibTeX's, mostly)
ALIASES = {
    "journal": "container-title", "booktitle": "container-title", "container": "container-title",
    "journaltitle": "container-title", "pages": "page", "keywords": "keyword", "address": "publisher-place",
    "series": "collection-title", "shortjournal": "container-title-short", "edition": "edition",
    "institution": "publisher", "school": "publisher", "organization": "publisher",
}
_IDENTIFIERS = {
    "doi": "doi", "arxiv": "arxiv", "eprint": "arxiv", "isbn": "isbn", "issn": "issn", "pmid": "pmid",
    "pmcid": "pmcid", "url": "url",
}
_NAME_ALIASES = {"authors": "author", "editors": "editor", "bookauthor": "container-author"}
#: first characters a spreadsheet reads as the start of a formula (OWASP "CSV Injection")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def parse_columns(spec: str | Iterable[str] | None) -> list[str]:
    """``"key, author ,year"`` -> ``["key", "author", "year"]``; the default set for None."""
    if spec is None:
        return list(DEFAULT_COLUMNS)
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    columns = [c.strip() for c in items if c.strip()]
    if not columns:
        raise BibkitError("--columns names no column (e.g. --columns key,author,year,title,doi)")
    return columns


def neutralise(value: str) -> str:
    """A value a spreadsheet would run as a formula, made inert with a leading quote (OWASP)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def cell(entry: Entry, column: str) -> str:
    """The text of one column for one entry ('' when the entry has no such value)."""
    name = column.strip()
    lower = name.lower()
    if lower in ("key", "id", "citekey"):
        return entry.key or ""
    if lower == "type":
        return entry.type
    if lower in ("entrytype", "bibtex-type"):
        return CSL_TO_BIBTEX.get(entry.type, "misc")
    role = _NAME_ALIASES.get(lower, lower)
    if role in entry.names:
        return format_names(entry.names[role], unicode=True)
    if lower == "year":
        return str(entry.year) if entry.year is not None else ""
    if lower == "month":
        issued = entry.dates.get("issued")
        return str(issued.start.month) if issued and issued.start and issued.start.month else ""
    if lower in ("date", "issued"):
        issued = entry.dates.get("issued")
        return format_edtf(issued) if issued else ""
    if lower in ("urldate", "accessed") and "accessed" in entry.dates:
        return format_edtf(entry.dates["accessed"])
    if lower in _IDENTIFIERS and getattr(entry.ids, _IDENTIFIERS[lower]):
        return getattr(entry.ids, _IDENTIFIERS[lower])
    var = ALIASES.get(lower, lower)
    if lower == "number" and "number" not in entry.fields:
        var = "issue"
    if var in entry.fields:
        return str(entry.fields[var])
    for slot, spelled in entry.field_names.items():  # the source's own name (howpublished)
        if spelled.lower() == lower and slot in entry.fields:
            return str(entry.fields[slot])
    for key, value in entry.extra.items():
        if key.lower() == lower:
            return str(value)
    return ""


def dump_csv(entries: Iterable[Entry], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in columns])
    for entry in entries:
        writer.writerow([neutralise(cell(entry, c)) for c in columns])
    return out.getvalue()


def _written_slots(entry: Entry, columns: list[str]) -> set[str]:
    """The canonical slots the columns cover (the rest is what the CSV leaves out)."""
    covered: set[str] = set()
    for column in columns:
        lower = column.strip().lower()
        covered.add(_NAME_ALIASES.get(lower, lower))
        covered.add(ALIASES.get(lower, lower))
        if lower in _IDENTIFIERS:
            covered.add("id:" + _IDENTIFIERS[lower])
        if lower in ("year", "date", "issued"):
            covered.add("date:issued")
        if lower in ("urldate", "accessed"):
            covered.add("date:accessed")
        if lower == "number" and "number" not in entry.fields:
            covered.add("issue")
        covered.update(slot for slot, spelled in entry.field_names.items() if spelled.lower() == lower)
    return covered


class CSVExporter:
    name = "csv"
    extension = ".csv"
    description = "CSV with chosen columns (--columns key,author,year,title,doi), formula-safe"

    def dump(self, library: Library, columns: str | Iterable[str] | None = None, **_options) -> str:
        return dump_csv(library.entries, parse_columns(columns))

    def unplaced(self, entry: Entry, columns: str | Iterable[str] | None = None) -> list[str]:
        """The entry's values that no chosen column holds, in the source's own field names."""
        covered = _written_slots(entry, parse_columns(columns))
        lost = [entry.field_names.get(role, role) for role, names in entry.names.items()
                if names and role not in covered]
        lost += [entry.field_names.get(var, var) for var, value in entry.fields.items()
                 if str(value).strip() and var not in covered]
        lost += [entry.field_names.get(role, role) for role, date in entry.dates.items()
                 if date and f"date:{role}" not in covered]
        lost += [name for name, value in entry.ids.items() if f"id:{name}" not in covered
                 and not (name == "arxiv_version" and "id:arxiv" in covered)]
        lost += [k for k, v in entry.extra.items() if str(v).strip() and k.lower() not in covered]
        return lost
