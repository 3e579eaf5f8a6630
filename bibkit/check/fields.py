"""Entry types and their required fields, checked against the BibTeX or the BibLaTeX model.

A BibTeX source is judged by the fields as written (and, as bibtex and biber do, those a
``crossref`` parent supplies); an entry from another format by the fields bibkit would write
for it, since that is the .bib its user will get.
"""
from __future__ import annotations

import re
from typing import Iterable

from bibkit.check.raw import is_bibtex, raw_fields
from bibkit.check.registry import Context, Finding, entry_check, get
from bibkit.check.required_fields import (
    BIBLATEX_ALIASES, BIBLATEX_MARKERS, BIBLATEX_ONLY_TYPES, BIBLATEX_REQUIRED, BIBTEX_REQUIRED,
)
from bibkit.model import Entry, Library


def detect_model(library: Library, file: str) -> str:
    """``biblatex`` when a file uses biblatex-only fields or types, else ``bibtex``."""
    for entry in library.entries:
        if entry.source and entry.source.file == file and uses_biblatex(entry):
            return "biblatex"
    return "bibtex"


def uses_biblatex(entry: Entry) -> bool:
    """Whether this BibTeX entry has a biblatex-only type or field (which makes its file biblatex)."""
    return is_bibtex(entry) and (entry.source_type in BIBLATEX_ONLY_TYPES
                                 or bool(BIBLATEX_MARKERS.intersection(raw_fields(entry))))


def _present(entry: Entry, model: str) -> set[str]:
    if is_bibtex(entry):
        names = {name for name, (raw, _) in raw_fields(entry).items() if not _empty(raw)}
    else:
        from bibkit.formats.bibtex import BibTeXWriter
        names = {name.lower() for name, _ in BibTeXWriter(model).fields(entry)}
    if model == "biblatex":
        names |= {BIBLATEX_ALIASES[n] for n in names if n in BIBLATEX_ALIASES}
    return names


_EMPTY = re.compile(r'^\s*(?:\{\s*\}|"\s*")\s*$')


def _empty(raw: str) -> bool:
    return len(raw) < 8 and _EMPTY.match(raw) is not None


def _entry_type(entry: Entry, model: str) -> str:
    if is_bibtex(entry):
        return entry.source_type
    from bibkit.types import bibtex_type_for
    return bibtex_type_for(entry.type, "", model == "biblatex")


def _parents(ctx: Context) -> dict[str, Entry]:
    if "parents" not in ctx.cache:
        ctx.cache["parents"] = {e.key.lower(): e for e in ctx.library.entries if e.key}
    return ctx.cache["parents"]


def _inherited(entry: Entry, ctx: Context, model: str) -> set[str]:
    """Fields a crossref chain supplies (biblatex also maps the parent's title to booktitle)."""
    out: set[str] = set()
    seen = {(entry.key or "").lower()}
    target = entry.extra.get("crossref")
    parents = _parents(ctx)
    while target and target.strip().lower() not in seen:
        parent = parents.get(target.strip().lower())
        if parent is None:
            break
        seen.add(target.strip().lower())
        fields = _present(parent, model)
        out |= fields
        if "title" in fields:
            out.add("booktitle")
        target = parent.extra.get("crossref")
    return out


@entry_check("missing-required-field", "warning",
             "a field the entry type requires in the BibTeX/BibLaTeX data model is missing or empty", "fields")
def missing_required(entry: Entry, ctx: Context) -> Iterable[Finding]:
    model = ctx.model(entry)
    etype = _entry_type(entry, model)
    table = BIBLATEX_REQUIRED if model == "biblatex" else BIBTEX_REQUIRED
    rule = table.get(etype)
    if rule is None or not rule:
        return
    present = _present(entry, model)
    missing = [r for r in rule if not (set(r) if isinstance(r, tuple) else {r}) & present]
    if missing and entry.extra.get("crossref"):
        present |= _inherited(entry, ctx, model)
        missing = [r for r in rule if not (set(r) if isinstance(r, tuple) else {r}) & present]
    if missing:
        names = ", ".join(" or ".join(r) if isinstance(r, tuple) else r for r in missing)
        yield get("missing-required-field").at(entry, f"@{etype}{{{entry.key or ''}}} lacks {names} ({model} data model)")


@entry_check("unknown-entry-type", "warning",
             "an entry type the data model does not define; styles treat it as @misc", "fields")
def unknown_type(entry: Entry, ctx: Context) -> Iterable[Finding]:
    if not is_bibtex(entry):
        return
    model = ctx.model(entry)
    table = BIBLATEX_REQUIRED if model == "biblatex" else BIBTEX_REQUIRED
    if entry.source_type and entry.source_type not in table:
        yield get("unknown-entry-type").at(entry, f"@{entry.source_type} is not a {model} entry type; it will be treated as @misc")
