"""Keys and duplicates: the same key twice (as BibTeX and biber compare them, ignoring case),
and different keys for what is likely the same work (the dedupe rules of
:mod:`bibkit.transforms.dedupe`)."""
from __future__ import annotations

from typing import Iterable, Iterator

from bibkit.check.registry import Context, Finding, get, library_check
from bibkit.model import Entry


class KeyIndex:
    """The first entry of each key (compared without case): what the duplicate-key check needs
    of every entry, a few hundred bytes each, so a file checked batch by batch
    (:mod:`bibkit.check.streamed`) keeps this instead of the entries."""

    def __init__(self) -> None:
        # lower-cased key -> the key as written and its place, packed into one string (a tuple
        # of two strings cost a million-entry file some 150 MB more): see :meth:`_pack`
        self.first: dict[str, str] = {}
        self._file: str | None = None  # the file of the first entry with a line

    def _pack(self, key: str, entry: Entry) -> str:
        """The key's length; "=" and the key and the line when the entry is in the file of the
        first (the common case: one file's path is not repeated in every value); else "!" and
        the key and :meth:`Entry.where`."""
        source = entry.source
        if source is not None and source.line is not None:
            if self._file is None:
                self._file = source.file
            if source.file == self._file:
                return f"{len(key)}={key}{source.line}"
        return f"{len(key)}!{key}{entry.where()}"

    def _unpack(self, packed: str) -> tuple[str, str]:
        """The key as written and where (as :meth:`Entry.where` says it) of a :meth:`_pack`'d value."""
        mark = next(i for i, c in enumerate(packed) if not c.isdigit())
        end = mark + 1 + int(packed[:mark])
        key, rest = packed[mark + 1:end], packed[end:]
        return key, (f"{self._file}:{rest}" if packed[mark] == "=" else rest)

    def add(self, entry: Entry) -> Finding | None:
        """Note ``entry``'s key; the duplicate-key finding when an earlier entry has it."""
        key = entry.key
        if not key:
            return None
        norm = key.lower()
        other = self.first.get(norm)
        if other is None:
            self.first[norm] = self._pack(key, entry)
            return None
        other_key, where = self._unpack(other)
        how = "" if other_key == key else f" (as {other_key!r}: keys differ only in case)"
        return get("duplicate-key").at(entry, f"key {key!r} is already used at {where}{how}")


@library_check("duplicate-key", "error",
               "two entries share a key (compared without case, as bibtex and biber do); only one can be cited", "keys")
def duplicate_keys(ctx: Context) -> Iterable[Finding]:
    index = KeyIndex()
    for entry in ctx.library.entries:
        finding = index.add(entry)
        if finding is not None:
            yield finding


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
    yield from likely_duplicate_findings(_groups(find_duplicates(ctx.library.entries)))


def likely_duplicate_findings(groups: Iterable[tuple[list[Entry], str]]) -> Iterator[Finding]:
    """The findings for groups of duplicates (members, the rules that joined them): each member
    but the first in the file, pointed at the first. The members need only a key and a place,
    so a file checked batch by batch (:mod:`bibkit.check.streamed`) passes stand-ins."""
    check = get("likely-duplicate")
    for members, reason in groups:
        members = sorted(members, key=_position)
        head = members[0]
        for entry in members[1:]:
            if head.key and entry.key and head.key.lower() == entry.key.lower():
                continue  # the duplicate-key check already says so
            why = f" (rule: {reason})" if reason else ""
            yield check.at(entry, f"entry {entry.key!r} looks like a duplicate of {head.key!r} at {head.where()}{why}")
