"""Which entries a document's citations reach, and which citations reach nothing.

A key is looked up as written (bibtex and biber compare keys exactly), then among the entries'
BibLaTeX ``ids`` aliases (old keys kept by ``bibkit keys --rekey``), which biber resolves to the
entry. ``\\nocite{*}`` takes every entry not cited before it, in the bibliography's order, which
is where bibtex's unsrt and biber's ``sorting=none`` put them. The entries that what is cited
refers to come along: ``crossref`` and ``xdata`` parents (without them the cited entries lose
their inherited data), and what biber also looks up, ``xref``, ``related`` and ``entryset``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from bibkit.citing.cited import ALL, Citation, CitedKeys
from bibkit.keys import aliases_of
from bibkit.model import Entry

#: fields naming the entries an entry needs in the same .bib (inherits data from, or shows)
PARENT_FIELDS = ("crossref", "xdata", "xref", "related", "entryset")


def _parent_keys(entry: Entry) -> list[str]:
    keys: list[str] = []
    for name, value in entry.extra.items():
        if name.lower() in PARENT_FIELDS and value:
            keys.extend(k.strip() for k in str(value).split(",") if k.strip())
    return keys


@dataclass
class Resolution:
    """The entries a document uses, and what is wrong between the document and the bibliography."""

    cited: list[Entry] = field(default_factory=list)  # in order of first citation
    parents: list[Entry] = field(default_factory=list)  # parents needed but not cited themselves
    undefined: list[Citation] = field(default_factory=list)  # first citation of each unknown key
    aliased: list[tuple[Citation, Entry]] = field(default_factory=list)  # first citation of each alias
    unused: list[Entry] = field(default_factory=list)  # what nothing reaches, in file order

    @property
    def entries(self) -> list[Entry]:
        """What a bibliography for the document holds: the cited entries, then their parents."""
        return self.cited + self.parents

    def bibtex_order(self) -> list[Entry]:
        """:attr:`entries`, except that a parent cited before a child of it moves right after its
        last child (grandparents after parents): bibtex only sees a crossref parent that comes
        later in the file."""
        entries = self.entries
        position = {id(e): i for i, e in enumerate(entries)}
        by_key = {e.key: e for e in entries if e.key}
        children: dict[int, list[Entry]] = {}
        for entry in entries:
            for key in _parent_keys(entry):
                parent = by_key.get(key)
                if parent is not None and parent is not entry:
                    children.setdefault(id(parent), []).append(entry)
        memo: dict[int, tuple[int, int]] = {}

        def place(entry: Entry, path: frozenset[int]) -> tuple[int, int]:
            """(the position of its last descendant, its generation above the leaves)"""
            if id(entry) in memo:
                return memo[id(entry)]
            last, generation = position[id(entry)], 0
            for child in children.get(id(entry), ()):
                if id(child) not in path:  # a crossref cycle: left where it is
                    child_last, child_generation = place(child, path | {id(child)})
                    last, generation = max(last, child_last), max(generation, child_generation + 1)
            memo[id(entry)] = (last, generation)
            return last, generation

        return sorted(entries, key=lambda e: (*place(e, frozenset({id(e)})), position[id(e)]))


class _Index:
    def __init__(self, entries: list[Entry]):
        self.by_key: dict[str, Entry] = {}
        for entry in entries:
            if entry.key and entry.key not in self.by_key:
                self.by_key[entry.key] = entry
        self.by_alias: dict[str, Entry] = {}
        for entry in entries:
            for alias in aliases_of(entry):
                if alias not in self.by_key and alias not in self.by_alias:
                    self.by_alias[alias] = entry


def resolve(cited: CitedKeys, entries: Iterable[Entry]) -> Resolution:
    """Match ``cited`` against ``entries`` (one or several bibliographies, in file order)."""
    entries = list(entries)
    index = _Index(entries)
    result = Resolution()
    taken: set[int] = set()
    reported: set[str] = set()

    def take(entry: Entry, into: list[Entry]) -> None:
        if id(entry) not in taken:
            taken.add(id(entry))
            into.append(entry)

    for citation in cited.citations:
        if citation.key == ALL:
            for entry in entries:
                if entry.key and index.by_key.get(entry.key) is entry:
                    take(entry, result.cited)
            continue
        entry = index.by_key.get(citation.key)
        if entry is None:
            entry = index.by_alias.get(citation.key)
            if entry is not None and citation.key not in reported:
                reported.add(citation.key)
                result.aliased.append((citation, entry))
        if entry is None:
            if citation.key not in reported:
                reported.add(citation.key)
                result.undefined.append(citation)
            continue
        take(entry, result.cited)
    pending = list(result.cited)
    while pending:
        entry = pending.pop(0)
        for key in _parent_keys(entry):
            parent = index.by_key.get(key) or index.by_alias.get(key)
            if parent is not None and id(parent) not in taken:
                take(parent, result.parents)
                pending.append(parent)
    reached = {e.key for e in result.entries if e.key}
    result.unused = [e for e in entries if not (e.key in reached or id(e) in taken)]
    return result
