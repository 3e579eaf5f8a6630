"""Citation keys (first version: the keys engineer replaces the internals, not the interface)."""
from __future__ import annotations

import re

from anyascii import anyascii

from bibkit.model import Entry

DEFAULT_PATTERN = "[auth:lower][year][veryshorttitle:lower]"
_FUNCTION_WORDS = {"a", "an", "the", "of", "for", "on", "in", "and", "to", "with", "at", "by", "from"}


def _clean(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", anyascii(text))


def generate_key(entry: Entry) -> str:
    auth = ""
    if entry.authors.names:
        first = entry.authors.names[0]
        auth = _clean(first.literal or first.family).lower()
    words = [w for w in re.findall(r"[\w]+", anyascii(entry.title)) if w.lower() not in _FUNCTION_WORDS]
    title = _clean(words[0]).lower() if words else ""
    year = str(entry.year or "")
    if not auth:
        return f"{title}{('_' + year) if year else ''}" or "entry"
    return f"{auth}{year}{title}" or "entry"


def assign_keys(entries: list[Entry], pattern: str | None = None, rekey: bool = False) -> dict[str, str]:
    """Give every entry without a key (all entries with ``rekey``) a unique key; return old->new."""
    taken = {e.key.lower() for e in entries if e.key and not rekey}
    changes: dict[str, str] = {}
    for entry in entries:
        if entry.key and not rekey:
            continue
        base = generate_key(entry)
        key, n = base, 0
        while key.lower() in taken:
            n += 1
            key = base + "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26] * ((n - 1) // 26 + 1)
        taken.add(key.lower())
        if entry.key:
            changes[entry.key] = key
        entry.key = key
    return changes
