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
from typing import Callable, Hashable, Iterable, Mapping, Sequence

from bibkit.keypattern import DEFAULT_PATTERN, format_key, parse_pattern
from bibkit.model import Entry

POLICIES = ("second-a", "second-b", "always")

__all__ = ["DEFAULT_PATTERN", "POLICIES", "generate_key", "assign_keys", "suffix", "add_aliases",
           "aliases_of", "content_order", "canonical_order", "parse_pattern", "rename", "unique_keys",
           "check_key_options"]


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


def rename(entry: Entry, key: str, aliases: bool = True) -> str | None:
    """Give ``entry`` the key ``key``; its old key (returned) becomes an ``ids`` alias when
    ``aliases`` is true and it changed."""
    old = entry.key
    entry.key = key
    if aliases and old and old != key:
        add_aliases(entry, [old])
    return old


def unique_keys(fixed: Iterable[str], bases: Mapping[Hashable, str], policy: str,
                order: Callable[[list[Hashable]], list[Hashable]]) -> list[tuple[Hashable, str]]:
    """The keys for the entries named in ``bases`` (id -> base key, in input order), unique
    among themselves and against the ``fixed`` keys: ``(id, key)`` in the order assigned.

    The one place suffixes are handed out, shared by :func:`assign_keys` (entries in memory)
    and the streamed ``keys`` (:mod:`bibkit.keys_stream`, compact records per entry). ``order``
    puts the ids of one collision group in content order (:func:`content_order`).
    """
    taken = {k.lower() for k in fixed}
    groups: dict[str, list[Hashable]] = defaultdict(list)
    for ident, base in bases.items():
        groups[base.lower()].append(ident)
    fixed_bases = set(taken)
    out: list[tuple[Hashable, str]] = []
    # groups in sorted order and members in content order: nothing depends on input position
    for lower_base in sorted(groups):
        members = groups[lower_base]
        if len(members) > 1:
            members = order(members)
        base = bases[members[0]]
        held = 1 if lower_base in fixed_bases else 0  # an existing entry already holds the bare key
        size = len(members) + held
        index = held
        for ident in members:
            key = _candidate(base, index, size, policy)
            while key.lower() in taken:
                index += 1
                key = _candidate(base, index, size, policy)
            index += 1
            taken.add(key.lower())
            out.append((ident, key))
    return out


def check_key_options(pattern: str | None, policy: str) -> None:
    """Raise ValueError (PatternError) for an unknown policy or a bad pattern, before any entry changes."""
    if policy not in POLICIES:
        raise ValueError(f"unknown key policy {policy!r} (choose from {', '.join(POLICIES)})")
    parse_pattern(pattern or DEFAULT_PATTERN)


def assign_keys(entries: list[Entry], pattern: str | None = None, rekey: bool = False, *,
                policy: str = "second-a", aliases: bool = True) -> dict[str, str]:
    """Give every entry without a key (every entry with ``rekey``) a unique key; return old -> new.

    Keys already present are kept and reserved. With ``rekey``, every changed entry's old key
    is returned in the map and, when ``aliases`` is true, added to its ``ids``.
    """
    check_key_options(pattern, policy)
    fixed = [] if rekey else [e.key for e in entries if e.key]
    bases = {n: generate_key(e, pattern) for n, e in enumerate(entries) if rekey or not e.key}
    changes: dict[str, str] = {}
    for n, key in unique_keys(fixed, bases, policy,
                              lambda group: sorted(group, key=lambda m: content_order(entries[m]))):
        old = rename(entries[n], key, aliases)
        if old and old != key:
            changes[old] = key
    return changes
