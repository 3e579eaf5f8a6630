"""Citation keys that never change under the user.

Three promises, each with a test:

* **Existing keys are kept.** :func:`assign_keys` only fills missing keys unless asked to
  re-key; a re-key returns the old -> new map and records every old key as a BibLaTeX ``ids``
  alias (``entry.extra["ids"]``), so documents that cite the old key still compile with biber.
* **Reproducible.** A key depends on the entry's content only, never on its position: entries
  that collide are ordered by :func:`content_order` (a content-derived sort key) before the
  suffixes are handed out, and colliding groups are processed in sorted order. Shuffling the
  input gives the same keys.
* **Unique, case-insensitively** (BibTeX compares keys without case), with suffixes
  ``a..z, aa, ab, ...`` that never run out, under one of three policies (JabRef's):
  ``second-a`` (``x, xa, xb``), ``second-b`` (``x, xb, xc``), ``always`` (``xa, xb, xc``:
  every colliding key gets one; a key without a collision stays bare).

The pattern language lives in :mod:`bibkit.keypattern`.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Callable, Iterable, Iterator, Mapping, Sequence, TypeVar

from bibkit.keypattern import DEFAULT_PATTERN, format_key, parse_pattern
from bibkit.model import Entry

POLICIES = ("second-a", "second-b", "always")

M = TypeVar("M")
T = TypeVar("T")

__all__ = ["DEFAULT_PATTERN", "POLICIES", "generate_key", "assign_keys", "unique_keys", "suffix", "add_aliases",
           "aliases_of", "content_order", "canonical_order", "parse_pattern"]


def generate_key(entry: Entry, pattern: str | None = None) -> str:
    """The base key of ``entry`` (no uniqueness suffix) under ``pattern`` (default pattern if None)."""
    return format_key(entry, pattern)


def suffix(n: int) -> str:
    """The n-th suffix, n >= 1: a..z, aa..az, ba.. (bijective base 26: no break after 26)."""
    if n < 1:
        raise ValueError("suffix numbers start at 1")
    out = []
    while n:
        n, r = divmod(n - 1, 26)
        out.append(chr(ord("a") + r))
    return "".join(reversed(out))


def content_order(entry: Entry) -> tuple:
    """A sort key made only of the entry's content, so ordering never depends on input position.

    Used to order colliding keys and duplicate-group members. Two entries with equal content
    compare equal, and then it does not matter which comes first: their outputs are equal too.
    """
    names = tuple(
        (role, tuple((n.literal, n.family, n.given, n.particle, n.suffix) for n in nl.names), nl.others)
        for role, nl in sorted(entry.names.items())
    )
    dates = tuple(sorted((role, repr(d)) for role, d in entry.dates.items()))
    return (
        entry.year if entry.year is not None else 10**6,
        str(entry.title).casefold(),
        names,
        entry.type,
        tuple(sorted(entry.ids.items())),
        tuple(sorted((k, str(v)) for k, v in entry.fields.items())),
        dates,
        tuple(sorted(entry.extra.items())),
        entry.key or "",
        # how the source spelled things, which the writer reproduces (DOI case, field names)
        entry.source_type,
        tuple(sorted(entry.field_names.items())),
        repr(sorted((k, repr(v)) for k, v in entry.meta.items() if k.startswith(("bibtex_", "eprinttype")))),
    )


def _quick_order(entry: Entry) -> tuple:
    first = entry.authors.names[0] if entry.authors.names else None
    return (
        entry.year if entry.year is not None else 10**6,
        str(entry.title).casefold(),
        (first.literal or first.family) if first else "",
        entry.ids.doi,
        entry.ids.arxiv,
        entry.key or "",
    )


def canonical_order(entries: Sequence[Entry]) -> list[int]:
    """Indices of ``entries`` in a content-derived order, computed cheaply.

    A short content key (year, title, first author, identifiers) sorts almost everything; only
    runs of entries that tie on it are ordered by the full :func:`content_order`. Like it, the
    result depends on the entries' content only, never on their positions.
    """
    quick = [_quick_order(e) for e in entries]
    order = sorted(range(len(entries)), key=quick.__getitem__)
    out: list[int] = []
    i = 0
    while i < len(order):
        j = i + 1
        while j < len(order) and quick[order[j]] == quick[order[i]]:
            j += 1
        run = order[i:j]
        if len(run) > 1:
            run.sort(key=lambda k: content_order(entries[k]))
        out.extend(run)
        i = j
    return out


# ---------------------------------------------------------------------------- ids aliases


def _ids_field(entry: Entry) -> str | None:
    return next((k for k in entry.extra if k.lower() == "ids"), None)


def aliases_of(entry: Entry) -> list[str]:
    """The entry's BibLaTeX ``ids`` aliases (keys it used to have)."""
    name = _ids_field(entry)
    if name is None:
        return []
    return [a.strip() for a in entry.extra[name].split(",") if a.strip()]


def add_aliases(entry: Entry, keys: Iterable[str]) -> None:
    """Add old keys to ``ids`` (merged with existing aliases; never the entry's own key)."""
    current = aliases_of(entry)
    seen = {a.lower() for a in current}
    own = (entry.key or "").lower()
    for key in keys:
        if key and key.lower() not in seen and key.lower() != own:
            current.append(key)
            seen.add(key.lower())
    if own in seen:
        current = [a for a in current if a.lower() != own]
    name = _ids_field(entry) or "ids"
    if current:
        entry.extra[name] = ", ".join(current)
    elif name in entry.extra:
        del entry.extra[name]


# ---------------------------------------------------------------------------- assignment


def _candidate(base: str, index: int, group_size: int, policy: str) -> str:
    """The key for the index-th member (0-based, in content order) of a collision group."""
    if policy == "always":
        return base if group_size == 1 else base + suffix(index + 1)
    if index == 0:
        return base
    return base + suffix(index + (1 if policy == "second-b" else 0))


def unique_keys(groups: Mapping[str, M], taken: set[str], in_order: Callable[[str, M], tuple[Sequence[T], str]],
                policy: str = "second-a") -> Iterator[tuple[T, str]]:
    """(member, key) for every member of ``groups`` (lower-cased base key -> its members), each
    key unique among themselves and ``taken`` (lower-cased keys already held, which grows).

    ``in_order(lower_base, group)`` gives the group's members in content order and the first
    one's base key (the group's spelling). One function for the whole-file assignment and the streamed
    conversion's plan (:mod:`bibkit.streaming`), which holds compact records, not entries.
    """
    fixed_bases = set(taken)
    # groups in sorted order and members in content order: nothing depends on input position
    for lower_base in sorted(groups):
        members, base = in_order(lower_base, groups[lower_base])
        held = 1 if lower_base in fixed_bases else 0  # an existing entry already holds the bare key
        size = len(members) + held
        index = held
        for member in members:
            key = _candidate(base, index, size, policy)
            while key.lower() in taken:
                index += 1
                key = _candidate(base, index, size, policy)
            index += 1
            taken.add(key.lower())
            yield member, key


def assign_keys(entries: list[Entry], pattern: str | None = None, rekey: bool = False, *,
                policy: str = "second-a", aliases: bool = True) -> dict[str, str]:
    """Give every entry without a key (every entry with ``rekey``) a unique key; return old -> new.

    Keys already present are kept and reserved. With ``rekey``, every changed entry's old key
    is returned in the map and, when ``aliases`` is true, added to its ``ids``.
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown key policy {policy!r} (choose from {', '.join(POLICIES)})")
    parse_pattern(pattern or DEFAULT_PATTERN)  # a bad pattern fails before any entry changes
    fixed = [] if rekey else [e for e in entries if e.key]
    todo = entries if rekey else [e for e in entries if not e.key]
    groups: dict[str, list[Entry]] = defaultdict(list)
    for entry in todo:
        groups[generate_key(entry, pattern).lower()].append(entry)
    changes: dict[str, str] = {}

    def in_order(_lower: str, members: list[Entry]) -> tuple[list[Entry], str]:
        members = sorted(members, key=content_order)
        return members, generate_key(members[0], pattern)

    for entry, key in unique_keys(groups, {e.key.lower() for e in fixed}, in_order, policy):
        old = entry.key
        entry.key = key
        if old and old != key:
            changes[old] = key
            if aliases:
                add_aliases(entry, [old])
    return changes
