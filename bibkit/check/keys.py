"""Keys and duplicates: the same key twice (as BibTeX and biber compare them, ignoring case),
and different keys for what is likely the same work (the dedupe rules of
:mod:`bibkit.transforms.dedupe`)."""
from __future__ import annotations

from typing import Iterable

from bibkit.check.registry import Context, Finding, get, library_check
from bibkit.model import Entry


@library_check("duplicate-key", "error",
               "two entries share a key (compared without case, as bibtex and biber do); only one can be cited", "keys")
def duplicate_keys(ctx: Context) -> Iterable[Finding]:
    check = get("duplicate-key")
    first: dict[str, Entry] = {}
    for entry in ctx.library.entries:
        if not entry.key:
            continue
        norm = entry.key.lower()
        if norm not in first:
            first[norm] = entry
            continue
        other = first[norm]
        how = "" if other.key == entry.key else f" (as {other.key!r}: keys differ only in case)"
        yield check.at(entry, f"key {entry.key!r} is already used at {other.where()}{how}")


def _groups(result) -> list[tuple[list[Entry], str]]:
    """Entries grouped as duplicates, from whatever shape find_duplicates returns."""
    groups = []
    for group in result or ():
        members = getattr(group, "entries", None)
        if members is None:
            members = group if isinstance(group, (list, tuple, set, frozenset)) else ()
        members = [m for m in members if isinstance(m, Entry)]
        if len(members) >= 2:
            groups.append((members, getattr(group, "reason", "") or ", ".join(getattr(group, "rules", None) or ())))
    return groups


def _position(entry: Entry) -> tuple[str, int]:
    return (entry.source.file, entry.source.line or 0) if entry.source else ("", 0)


@library_check("likely-duplicate", "warning",
               "two entries with different keys are probably the same work (same DOI, or matching title, authors and year)",
               "keys")
def likely_duplicates(ctx: Context) -> Iterable[Finding]:
    try:
        from bibkit.transforms.dedupe import find_duplicates
    except ImportError:  # the dedupe engine is not installed in this tree: nothing to compare with
        return
    check = get("likely-duplicate")
    for members, reason in _groups(find_duplicates(ctx.library.entries)):
        members = sorted(members, key=_position)
        head = members[0]
        for entry in members[1:]:
            if head.key and entry.key and head.key.lower() == entry.key.lower():
                continue  # the duplicate-key check already says so
            why = f" (rule: {reason})" if reason else ""
            yield check.at(entry, f"entry {entry.key!r} looks like a duplicate of {head.key!r} at {head.where()}{why}")
