"""Filling what an entry lacks from a record, and saying where each value came from.

The user's data wins: a field that has a value is never replaced unless it is named in
``overwrite``. Every value written records its source and look-up time in
``entry.meta["provenance"][field]``, so a reader can tell fetched data from curated data.
"""
from __future__ import annotations

from dataclasses import dataclass

from bibkit.enrich.sources.base import Record
from bibkit.model import Entry

NAME_FIELDS = ("author", "editor")
TEXT_FIELDS = ("title", "container-title", "container-title-short", "volume", "issue", "page",
               "publisher", "publisher-place", "edition", "number-of-pages")
ID_FIELDS = ("doi", "arxiv", "isbn", "issn", "pmid", "pmcid")
DATE_FIELDS = ("issued",)
FILLABLE = ("type",) + NAME_FIELDS + DATE_FIELDS + TEXT_FIELDS + ID_FIELDS

#: what users may type for --overwrite (BibTeX/BibLaTeX names) -> canonical field
ALIASES = {
    "authors": "author", "editors": "editor", "year": "issued", "date": "issued", "month": "issued",
    "journal": "container-title", "journaltitle": "container-title", "booktitle": "container-title",
    "venue": "container-title", "pages": "page", "number": "issue", "address": "publisher-place",
    "location": "publisher-place", "eprint": "arxiv", "entrytype": "type",
}
#: what a published version replaces in a preprint's entry (the arXiv id is kept)
UPGRADE_FIELDS = {"type", "container-title", "container-title-short", "volume", "issue", "page",
                  "publisher", "publisher-place", "doi", "issn", "issued"}


def parse_overwrite(spec: str | None) -> set[str]:
    """``"journal,year"`` -> {"container-title", "issued"}; unknown names raise ValueError."""
    out: set[str] = set()
    for part in (spec or "").split(","):
        name = part.strip().lower()
        if not name:
            continue
        name = ALIASES.get(name, name)
        if name == "all":
            out.update(FILLABLE)
        elif name not in FILLABLE:
            raise ValueError(f"cannot overwrite {part.strip()!r} (known: {', '.join(FILLABLE)}, all)")
        else:
            out.add(name)
    return out


@dataclass
class Change:
    """One field set on one entry: what it was, what it became, and who said so."""

    field: str
    old: str
    new: str
    source: str


def _display(entry: Entry, name: str) -> str:
    if name == "type":
        return entry.type if entry.type != "document" else ""
    if name in NAME_FIELDS:
        names = entry.names.get(name)
        return "; ".join(n.display() for n in names.names) if names else ""
    if name in DATE_FIELDS:
        date = entry.dates.get(name)
        if not date:
            return ""
        return "-".join(str(p) for p in date.start.as_list()) if date.start else date.literal
    if name in ID_FIELDS:
        return getattr(entry.ids, name)
    return str(entry.fields.get(name, ""))


def _copy(target: Entry, source: Entry, name: str) -> None:
    if name == "type":
        target.type = source.type
        # the source's spelling of the old type and of its venue field no longer apply
        target.source_type = ""
        target.field_names.pop("container-title", None)
        target.field_names.pop("publisher", None)
    elif name in NAME_FIELDS:
        target.names[name] = source.names[name]
    elif name in DATE_FIELDS:
        target.dates[name] = source.dates[name]
    elif name in ID_FIELDS:
        setattr(target.ids, name, getattr(source.ids, name))
        if name == "arxiv":
            target.ids.arxiv_class = target.ids.arxiv_class or source.ids.arxiv_class
    else:
        target.fields[name] = source.fields[name]


def stamp(entry: Entry, name: str, record: Record) -> None:
    entry.meta.setdefault("provenance", {})[name] = {"source": record.source, "time": record.time}


def fill(entry: Entry, record: Record, overwrite: set[str] = frozenset(), only: set[str] | None = None) -> list[Change]:
    """Copy into ``entry`` what it lacks (or what ``overwrite`` names) from ``record``."""
    changes: list[Change] = []
    found = record.entry
    for name in FILLABLE:
        if only is not None and name not in only:
            continue
        new = _display(found, name)
        if not new:
            continue
        old = _display(entry, name)
        if old and name not in overwrite:
            continue
        if old == new:
            continue
        if name == "container-title" and found.ids.arxiv and not found.ids.doi and entry.ids.doi:
            continue  # do not call a published paper's venue "arXiv"
        _copy(entry, found, name)
        stamp(entry, name, record)
        changes.append(Change(name, old, new, record.source))
    return changes


def upgrade(entry: Entry, published: Record) -> list[Change]:
    """Turn a preprint's entry into its published version's, keeping the arXiv id (eprint)."""
    arxiv = (entry.ids.arxiv, entry.ids.arxiv_version, entry.ids.arxiv_class)
    if entry.fields.get("publisher", "").strip().lower() == "arxiv":
        entry.fields.pop("publisher")
    number = entry.fields.get("number", "")
    if number.lower().startswith("arxiv:"):
        entry.fields.pop("number")
    changes = fill(entry, published, overwrite=set(UPGRADE_FIELDS))
    if not entry.ids.arxiv:
        entry.ids.arxiv, entry.ids.arxiv_version, entry.ids.arxiv_class = arxiv
    return changes


def present_fields(entry: Entry) -> list[str]:
    """The names of every value an entry holds: its type, names, dates, fields and identifiers."""
    names = ["type"] if entry.type and entry.type != "document" else []
    names += [name for name, value in entry.names.items() if value and value.names]
    names += [name for name, value in entry.dates.items() if value]
    names += [name for name, value in entry.fields.items() if str(value).strip()]
    names += [name for name in ID_FIELDS + ("url",) if getattr(entry.ids, name, "")]
    return list(dict.fromkeys(names))


def stamp_all(entry: Entry, record: Record) -> None:
    """Provenance for every value of an entry made wholly from ``record`` (``bibkit add``)."""
    for name in present_fields(entry):
        stamp(entry, name, record)
