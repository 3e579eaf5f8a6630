"""BibTeX ``crossref``: checking the links, and inheriting the parent's fields on request.

Inheritance follows BibTeX for data the child lacks, with BibLaTeX's one renaming that matters
in the canonical model: the parent's title becomes the child's ``container-title``.
"""
from __future__ import annotations

from bibkit.diagnostics import Reporter
from bibkit.model import Entry, Library

_INHERIT_TEXT = ("container-title", "collection-title", "publisher", "publisher-place", "volume",
                 "edition", "series", "number", "note")


def _parents(library: Library) -> dict[str, Entry]:
    return {e.key.lower(): e for e in library.entries if e.key}


def _reporter(library: Library, entry: Entry) -> tuple[Reporter, int | None]:
    file = entry.source.file if entry.source else "<input>"
    return Reporter(file, library.problems), (entry.source.line if entry.source else None)


def crossref_target(entry: Entry) -> str | None:
    """The key ``entry`` names in its ``crossref`` field, as written (None without one)."""
    return entry.extra.get("crossref") or entry.extra.get("Crossref") or entry.extra.get("CROSSREF") or None


def warn_missing_parent(library: Library, entry: Entry, target: str) -> None:
    report, line = _reporter(library, entry)
    _warn_missing(report, line, target)


def _warn_missing(report: Reporter, line: int | None, target: str) -> None:
    report.warn(line, f"crossref to missing entry {target.strip()!r}", "crossref-missing")


def check_crossrefs(library: Library) -> list[tuple[Entry, Entry]]:
    """Report links to missing parents and cycles; return the (child, parent) pairs that resolve."""
    parents = _parents(library)

    def link_of(key: str):
        parent = parents.get(key)
        return MISSING if parent is None else parent.extra.get("crossref")
    pairs = []
    for entry in library.entries:
        target = crossref_target(entry)
        if not target:
            continue
        where = entry.source
        if warn_link(library, entry.key, where.file if where else "<input>", where.line if where else None,
                     target, link_of):
            pairs.append((entry, parents[target.strip().lower()]))
    return pairs


#: what ``link_of`` answers for a key no entry has
MISSING = object()


def warn_link(library: Library, key: str | None, file: str, line: int | None, target: str, link_of) -> bool:
    """Warn (into ``library.problems``) of the crossref to ``target`` of the entry ``key`` at
    ``file:line`` if its parent is missing or the chain of parents loops; whether it resolves.
    ``link_of(key)`` is the ``crossref`` field of the entry whose lower-cased key is ``key``
    (:data:`MISSING` when no entry has it): all a check needs of the parents, so a streamed
    reading keeps only that."""
    report = Reporter(file, library.problems)
    parent = target.strip().lower()
    nxt = link_of(parent)
    if nxt is MISSING:
        _warn_missing(report, line, target)
        return False
    seen = {key.lower() if key else ""}
    while True:
        if parent and parent in seen:
            report.warn(line, f"crossref cycle through {target.strip()!r}", "crossref-cycle")
            return False
        seen.add(parent)
        if not nxt:
            return True
        parent = nxt.strip().lower()
        nxt = link_of(parent)
        if nxt is MISSING:
            return True


def inherit(child: Entry, parent: Entry) -> list[str]:
    """Fill what ``child`` lacks from ``parent``; return the names of the filled slots."""
    filled = []
    if "container-title" not in child.fields and parent.title:
        child.fields["container-title"] = parent.fields["title"]
        filled.append("container-title")
    for var in _INHERIT_TEXT:
        if var not in child.fields and var in parent.fields:
            child.fields[var] = parent.fields[var]
            filled.append(var)
    for role, names in parent.names.items():
        if role == "author" and "author" in child.names:
            continue
        if role not in child.names and names:
            child.names[role] = names
            filled.append(role)
    for role, date in parent.dates.items():
        if role not in child.dates:
            child.dates[role] = date
            filled.append(role)
    for name, value in parent.ids.items():
        if name in ("isbn", "issn") and not getattr(child.ids, name):
            setattr(child.ids, name, value)
            filled.append(name)
    return filled


def resolve_crossrefs(library: Library) -> None:
    """Inherit parents' fields into children, parents first so chains resolve fully."""
    pairs = check_crossrefs(library)
    parent_of = {id(child): parent for child, parent in pairs}
    done: set[int] = set()

    def resolve(child: Entry, parent: Entry) -> None:
        chain = [(child, parent)]
        seen = {id(child)}
        while id(parent) in parent_of and id(parent) not in done and id(parent) not in seen:
            seen.add(id(parent))
            chain.append((parent, parent_of[id(parent)]))
            parent = parent_of[id(parent)]
        for c, p in reversed(chain):  # grandparents first
            if id(c) not in done:
                inherit(c, p)
                done.add(id(c))

    for child, parent in pairs:
        resolve(child, parent)
