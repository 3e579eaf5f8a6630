"""Merging duplicate entries without losing a value, and merging new files into an existing one.

One group of duplicates (found by :mod:`bibkit.transforms.dedupe`) becomes one entry. Its members
are ordered: the existing file's entries first, then each new file in the order given; within
one file by content (:func:`bibkit.keys.content_order`), never by position, so the result does
not depend on the order of the entries. The first member is the *kept* entry: its key survives
(or, if it has none, the first key in the group), and every other member's key becomes a
BibLaTeX ``ids`` alias of it.

Strategies (the names of bibtex-tidy's ``--merge``, with one difference: nothing is ever
silently lost — whatever a strategy does not keep in the entry is listed in the report):

``combine`` (default)
    Keep the kept entry's values, fill every field it lacks from the others, and keep each
    conflicting value in the entry itself as ``FIELD-merged`` (``FIELD-merged-2``, ...), e.g.
    ``journal-merged = {...}``. Keywords and ``ids`` are unions, not conflicts.
``overwrite``
    Fill missing fields; on a conflict the later member's value replaces the kept one (the
    replaced value is in the report).
``first``
    Keep the kept entry exactly as it is; the other members' values are only in the report.
``last``
    Keep the last member's values (under the kept entry's key); the rest only in the report.

Values that differ only in case, spacing, braces, dash style or a final period are equal; names
that differ only in initials versus full given names are equal and the fuller form is kept; a
date is refined (2017 -> 2017-06) rather than conflicting. Between a publisher DOI and a
preprint DOI the publisher DOI takes the ``doi`` slot.
"""
from __future__ import annotations

import copy
import dataclasses
import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from anyascii import anyascii

from bibkit.dates import format_edtf
from bibkit.formats.bibtex.fields import CONTAINER_FIELD, OUT_DATES, OUT_NAMES, OUT_TEXT, PUBLISHER_FIELD
from bibkit.keys import add_aliases, aliases_of, assign_keys, canonical_order
from bibkit.model import Date, Entry, Library, Name, NameList, Preamble, StringDef, Text
from bibkit.names import format_names
from bibkit.transforms.dedupe import DEFAULT_THRESHOLD, Match, find_duplicates, is_preprint_doi, paused_gc
from bibkit.transforms.review import Decision, decision_pairs, record_id

STRATEGIES = ("combine", "first", "last", "overwrite")
_ID_LABELS = {"doi": "doi", "arxiv": "eprint", "arxiv_version": "eprintversion", "arxiv_class": "primaryclass",
              "isbn": "isbn", "issn": "issn", "pmid": "pmid", "pmcid": "pmcid", "url": "url"}
_UNION_EXTRA = {"keywords", "ids"}


def _where(entry: Entry) -> str:
    return str(entry.source) if entry.source else (entry.key or "<entry>")


@dataclass
class Conflict:
    """One value of a merged-away entry that differs from (or is missing in) the kept entry."""

    key: str
    field: str
    kept: str
    other: str
    source: str
    resolution: str

    def as_dict(self) -> dict:
        return {"key": self.key, "field": self.field, "kept": self.kept, "other": self.other,
                "from": self.source, "resolution": self.resolution}


@dataclass
class MergedGroup:
    """What happened to one group of duplicates."""

    entry: Entry  # the merged entry, in the output
    kept: Entry  # the original kept member
    merged: list[Entry]  # the original merged-away members
    matches: list[Match]
    conflicts: list[Conflict] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)

    def as_dict(self, entries: Sequence[Entry]) -> dict:
        def label(i: int) -> str:
            e = entries[i]
            return f"{e.key or '(no key)'} ({_where(e)})"

        return {
            "key": self.entry.key,
            "kept": {"key": self.kept.key, "from": _where(self.kept)},
            "merged": [{"key": e.key, "from": _where(e)} for e in self.merged],
            "matches": [{"a": label(m.a), "b": label(m.b), "rule": m.rule, "score": m.score, "why": m.detail}
                        for m in self.matches],
            "aliases": self.aliases,
            "conflicts": [c.as_dict() for c in self.conflicts],
        }


@dataclass
class ExistingDuplicates:
    """Entries of the existing file that look like one work; reported, not merged."""

    entries: list[Entry]
    matches: list[Match]

    def as_dict(self, entries: Sequence[Entry]) -> dict:
        return {"entries": [{"key": e.key, "from": _where(e)} for e in self.entries],
                "matches": [{"a": entries[m.a].key, "b": entries[m.b].key, "rule": m.rule, "score": m.score,
                             "why": m.detail} for m in self.matches]}


@dataclass
class MergeResult:
    library: Library
    strategy: str
    groups: list[MergedGroup]
    entries_in: list[Entry]  # every input entry, in the order matched (report indices point here)
    renamed: list[dict] = field(default_factory=list)  # new entries whose key belonged to another work
    new_keys: dict = field(default_factory=dict)  # entries that had no key: where -> key
    #: duplicates inside the existing file, left as they are (merged only with dedupe_existing)
    existing_duplicates: list[ExistingDuplicates] = field(default_factory=list)
    #: pairs with some but not enough evidence (rule "review"), for a person to decide
    review: list[Match] = field(default_factory=list)
    #: each input record's name in review files (file, key), taken before keys were given
    record_ids: list[tuple[str, str]] = field(default_factory=list)
    #: entries written, when ``library`` does not hold them (a file deduplicated batch by batch)
    written: int | None = None

    @property
    def entries_out(self) -> int:
        return len(self.library.entries) if self.written is None else self.written

    def prisma(self, sources: Sequence[tuple[str, Library]]) -> dict:
        """The counts a PRISMA 2020 flow diagram needs: records identified per source,
        duplicate records removed, records left for screening."""
        per_source = {name: len(lib.entries) for name, lib in sources}
        identified = len(self.entries_in)
        return {"records_identified": identified, "records_per_source": per_source,
                "duplicate_records_removed": identified - self.entries_out,
                "records_after_duplicates_removed": self.entries_out}

    @property
    def conflicts(self) -> list[Conflict]:
        return [c for g in self.groups for c in g.conflicts]

    def as_dict(self) -> dict:
        return {
            "strategy": self.strategy,
            "summary": {
                "entries_in": len(self.entries_in),
                "entries_out": self.entries_out,
                "groups": len(self.groups),
                "merged_away": sum(len(g.merged) for g in self.groups),
                "conflicts": len(self.conflicts),
                "renamed_keys": len(self.renamed),
                "existing_duplicates_left": len(self.existing_duplicates),
            },
            "groups": [g.as_dict(self.entries_in) for g in self.groups],
            "renamed": self.renamed,
            "existing_duplicates": [d.as_dict(self.entries_in) for d in self.existing_duplicates],
        }

    def summary(self, limit: int | None = None) -> str:
        """The human-readable report (what the CLI prints on standard error); ``limit`` groups at most."""
        lines = [
            f"{len(self.entries_in)} entries in, {self.entries_out} out: "
            f"{len(self.groups)} duplicate group(s), {sum(len(g.merged) for g in self.groups)} entr(ies) merged away, "
            f"{len(self.conflicts)} conflict(s) (strategy {self.strategy})"
        ]
        shown = self.groups if limit is None else self.groups[:limit]
        for g in shown:
            rules = ", ".join(sorted({f"{m.rule} {m.score:g}" for m in g.matches}))
            others = ", ".join(f"{e.key or '(no key)'} ({_where(e)})" for e in g.merged)
            lines.append(f"  {g.entry.key}: merged {others} [{rules}]")
            for c in g.conflicts:
                lines.append(f"    {c.field}: kept {_short(c.kept)!r}, other {_short(c.other)!r} from {c.source}: {c.resolution}")
        if len(shown) < len(self.groups):
            lines.append(f"  ... and {len(self.groups) - len(shown)} more group(s): see --report or --dry-run")
        renamed = self.renamed if limit is None else self.renamed[:limit]
        for r in renamed:
            lines.append(f"  key {r['old']!r} of {r['from']} belongs to another work: renamed {r['new']!r}")
        if len(renamed) < len(self.renamed):
            lines.append(f"  ... and {len(self.renamed) - len(renamed)} more renamed key(s)")
        dups = self.existing_duplicates if limit is None else self.existing_duplicates[:limit]
        for d in dups:
            lines.append("  left alone (duplicates already in the existing file; --dedupe-existing merges them): "
                         + ", ".join(f"{e.key or '(no key)'} ({_where(e)})" for e in d.entries))
        if len(dups) < len(self.existing_duplicates):
            lines.append(f"  ... and {len(self.existing_duplicates) - len(dups)} more group(s) of existing duplicates")
        return "\n".join(lines)


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# ---------------------------------------------------------------------------- comparing values


_DASHES = re.compile(r"\s*(?:--+|[–—‐-])\s*")


def _norm(value: str) -> str:
    text = str(value).replace("{", "").replace("}", "")
    text = _DASHES.sub("-", text)
    return " ".join(text.split()).rstrip(".").casefold()


def _given_compatible(a: str, b: str) -> bool:
    ta = [w.strip(".").casefold() for w in re.split(r"[\s.\-]+", a) if w.strip(".")]
    tb = [w.strip(".").casefold() for w in re.split(r"[\s.\-]+", b) if w.strip(".")]
    for x, y in zip(ta, tb):
        short, long = (x, y) if len(x) <= len(y) else (y, x)
        if not long.startswith(short):
            return False
    return True


def _name_same(a: Name, b: Name) -> bool:
    if a.literal or b.literal:
        return _norm(a.literal or a.family) == _norm(b.literal or b.family)
    fam = lambda n: re.sub(r"[^a-z]", "", anyascii(f"{n.particle}{n.family}").lower())  # noqa: E731
    return fam(a) == fam(b) and _given_compatible(a.given, b.given)


def _merge_names(mine: NameList, other: NameList) -> NameList | None:
    """The fuller of two compatible name lists, or None when they conflict."""
    a, b = mine.names, other.names
    if len(a) != len(b):
        # "Smith and others" beside the full list is the same list, less explicit
        short, full = (mine, other) if len(a) < len(b) else (other, mine)
        if short.others and all(_name_same(x, y) for x, y in zip(short.names, full.names)):
            return full
        return None
    if not all(_name_same(x, y) for x, y in zip(a, b)):
        return None
    names = [y if len(y.given) > len(x.given) else x for x, y in zip(a, b)]
    return NameList(names, mine.others or other.others)


def _merge_dates(mine: Date, other: Date) -> Date | None:
    if mine == other:
        return mine
    if mine.start and other.start and mine.end is None and other.end is None:
        pa, pb = mine.start.as_list(), other.start.as_list()
        if pa == pb[: len(pa)]:
            return other
        if pb == pa[: len(pb)]:
            return mine
    return None


def _field_label(kept: Entry, other: Entry, var: str) -> str:
    """The BibTeX name a reader knows a canonical field by (``journal``, not ``container-title``)."""
    named = kept.field_names.get(var) or other.field_names.get(var)
    if named:
        return named
    if var == "container-title":
        return CONTAINER_FIELD["bibtex"].get(kept.type, "booktitle")
    if var == "publisher":
        return PUBLISHER_FIELD["bibtex"].get(kept.type, "publisher")
    return OUT_TEXT["bibtex"].get(var, var)


# ---------------------------------------------------------------------------- one group


def _copy_entry(entry: Entry) -> Entry:
    """A copy whose containers can change without touching ``entry`` (values are immutable or replaced whole)."""
    return dataclasses.replace(
        entry, names=dict(entry.names), dates=dict(entry.dates), fields=dict(entry.fields),
        ids=copy.copy(entry.ids), extra=dict(entry.extra), field_names=dict(entry.field_names),
        meta=copy.copy(entry.meta))


class _GroupMerger:
    """Merges the members of one group into a copy of the base entry, collecting conflicts."""

    def __init__(self, base: Entry, key: str, strategy: str):
        self.entry = _copy_entry(base)
        self.key = key
        self.strategy = strategy
        self.conflicts: list[Conflict] = []
        self.fill = strategy in ("combine", "overwrite")

    # -- outcome of one differing value
    def _conflict(self, label: str, kept: str, other: str, source: str, replace) -> None:
        if self.strategy == "combine":
            name = self._save(label, other)
            resolution = f"kept; other value saved as {name}"
        elif self.strategy == "overwrite":
            replace()
            resolution = "replaced by the other value (old value only in this report)"
        else:
            resolution = f"other value not kept (strategy {self.strategy}; only in this report)"
        self.conflicts.append(Conflict(self.key, label, kept, other, source, resolution))

    def _save(self, label: str, value: str) -> str:
        extra = self.entry.extra
        lower = {k.lower(): v for k, v in extra.items()}
        for n in range(1, 1000):
            name = f"{label}-merged" if n == 1 else f"{label}-merged-{n}"
            if name.lower() not in lower:
                extra[name] = value
                return name
            if _norm(lower[name.lower()]) == _norm(value):
                return name
        return label  # pragma: no cover

    def _missing(self, label: str, other, source: str, fill) -> None:
        """``other`` is the value as text, or a function giving it (formatted only when reported)."""
        if self.fill:
            fill()
        else:
            other = other() if callable(other) else other
            self.conflicts.append(Conflict(self.key, label, "", other, source,
                                           f"missing in the kept entry, not copied (strategy {self.strategy}; only in this report)"))

    def _refine(self, label: str, show, mine, better, source: str, apply) -> None:
        """A compatible but fuller value (full given names, a date with a month): taken when filling."""
        if mine == better:
            return
        if self.fill:
            apply()
        else:
            self.conflicts.append(Conflict(self.key, label, show(mine), show(better), source,
                                           f"fuller value not kept (strategy {self.strategy}; only in this report)"))

    # -- the slots
    def absorb(self, other: Entry) -> None:
        e = self.entry
        src = _where(other)
        if other.type != e.type:
            self.conflicts.append(Conflict(self.key, "type", e.type, other.type, src, "kept the kept entry's type"))
        for var, value in other.fields.items():
            label = _field_label(e, other, var)
            mine = e.fields.get(var)
            if mine is None or not str(mine).strip():
                def fill(var=var, value=value):
                    e.fields[var] = value
                    if var in other.field_names:
                        e.field_names.setdefault(var, other.field_names[var])
                self._missing(label, str(value), src, fill)
            elif var == "keyword":
                self._union_keywords(e.fields, var, other.fields[var])
            elif mine != value and _norm(mine) != _norm(value):
                self._conflict(label, str(mine), str(value), src, lambda var=var, value=value: e.fields.__setitem__(var, value))
        for role, names in other.names.items():
            if not names:
                continue
            label = OUT_NAMES.get(role, role)
            mine = e.names.get(role)
            if not mine:
                self._missing(label, lambda names=names: format_names(names, True), src,
                              lambda role=role, names=names: e.names.__setitem__(role, names))
                continue
            merged = _merge_names(mine, names)
            if merged is not None:
                self._refine(label, lambda n: format_names(n, True), mine, merged, src,
                             lambda role=role, merged=merged: e.names.__setitem__(role, merged))
            else:
                self._conflict(label, format_names(mine, True), format_names(names, True), src,
                               lambda role=role, names=names: e.names.__setitem__(role, names))
        for role, date in other.dates.items():
            if not date:
                continue
            label = "date" if role == "issued" else OUT_DATES.get(role, role)
            mine = e.dates.get(role)
            if not mine:
                self._missing(label, lambda date=date: format_edtf(date), src,
                              lambda role=role, date=date: e.dates.__setitem__(role, date))
                continue
            merged = _merge_dates(mine, date)
            if merged is not None:
                self._refine(label, format_edtf, mine, merged, src,
                             lambda role=role, merged=merged: e.dates.__setitem__(role, merged))
            else:
                self._conflict(label, format_edtf(mine), format_edtf(date), src,
                               lambda role=role, date=date: e.dates.__setitem__(role, date))
        for attr, value in other.ids.items():
            label = _ID_LABELS[attr]
            mine = getattr(e.ids, attr)
            if not mine:
                self._missing(label, value, src, lambda attr=attr, value=value: setattr(e.ids, attr, value))
            elif mine != value and _norm(mine).rstrip("/") != _norm(value).rstrip("/"):
                if attr == "doi" and is_preprint_doi(mine) and not is_preprint_doi(value):
                    # the published version's DOI is the work's DOI; the preprint DOI is kept aside
                    setattr(e.ids, "doi", value)
                    mine, value = value, mine
                    if self.strategy == "combine":
                        name = self._save(label, value)
                        self.conflicts.append(Conflict(self.key, label, mine, value, src,
                                                       f"publisher DOI kept; preprint DOI saved as {name}"))
                    else:
                        self.conflicts.append(Conflict(self.key, label, mine, value, src, "publisher DOI kept"))
                    continue
                if attr == "doi" and is_preprint_doi(value) and not is_preprint_doi(mine) and self.strategy == "overwrite":
                    self.conflicts.append(Conflict(self.key, label, mine, value, src, "publisher DOI kept"))
                    continue
                self._conflict(label, mine, value, src, lambda attr=attr, value=value: setattr(e.ids, attr, value))
        lower = {k.lower(): k for k in e.extra}
        for name, value in other.extra.items():
            lname = name.lower()
            if lname == "ids":
                continue  # aliases are merged by the caller
            mine_name = lower.get(lname)
            if mine_name is None:
                self._missing(name, value, src, lambda name=name, value=value: e.extra.__setitem__(name, value))
                lower[lname] = name
            elif lname in _UNION_EXTRA:
                self._union_keywords(e.extra, mine_name, value)
            elif e.extra[mine_name] != value and _norm(e.extra[mine_name]) != _norm(value):
                self._conflict(name, e.extra[mine_name], value, src,
                               lambda k=mine_name, value=value: e.extra.__setitem__(k, value))

    def _union_keywords(self, slots: dict, name: str, value: str) -> None:
        if not self.fill:
            return
        parts = [p.strip() for p in re.split(r"[,;]", str(slots[name])) if p.strip()]
        seen = {p.casefold() for p in parts}
        for p in re.split(r"[,;]", str(value)):
            p = p.strip()
            if p and p.casefold() not in seen:
                parts.append(p)
                seen.add(p.casefold())
        joined = ", ".join(parts)
        slots[name] = Text(joined) if isinstance(slots[name], Text) else joined


def merge_group(members: Sequence[Entry], strategy: str = "combine") -> tuple[Entry, list[Conflict], list[str]]:
    """Merge ordered duplicates (the kept entry first) into a new entry; return it, conflicts, aliases."""
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown merge strategy {strategy!r} (choose from {', '.join(STRATEGIES)})")
    kept = members[0]
    key = kept.key or next((m.key for m in members if m.key), None)
    if strategy == "last":
        order = [members[-1]] + list(members[:-1])
    else:
        order = list(members)
    merger = _GroupMerger(order[0], key or "(new)", strategy)
    for other in order[1:]:
        merger.absorb(other)
    entry = merger.entry
    entry.key = key
    aliases: list[str] = []
    for m in members:
        for k in ([m.key] if m.key else []) + aliases_of(m):
            if k and (not key or k.lower() != key.lower()) and k.lower() not in {a.lower() for a in aliases}:
                aliases.append(k)
    return entry, merger.conflicts, aliases


def member_order(rank: int, doi: str, position: int) -> tuple:
    """Where a member goes in its group: the existing file's first (``rank`` 0), then within one
    file the published version (a publisher DOI) before the rest, then content order
    (``position`` in :func:`bibkit.keys.canonical_order`). The first member is kept."""
    return (rank, 0 if doi and not is_preprint_doi(doi) else 1, position)


def merged_group(members: Sequence[Entry], matches: list[Match], strategy: str) -> MergedGroup:
    """One group's members (in :func:`member_order`) merged; the entry takes the kept one's place."""
    merged, conflicts, aliases = merge_group(members, strategy)
    merged.span = members[0].span  # it takes the kept entry's place (in its file, too)
    return MergedGroup(merged, members[0], list(members[1:]), matches, conflicts, aliases)


def finish_aliases(groups: Iterable[MergedGroup], output_keys: set[str]) -> None:
    """Give each merged entry its members' other keys as ``ids`` aliases, never a key that names
    another entry of the output (``output_keys``: lower-cased); name conflicts by the final key."""
    for mg in groups:
        mg.aliases = [a for a in mg.aliases if a.lower() not in output_keys]
        if mg.aliases:
            add_aliases(mg.entry, mg.aliases)
        for c in mg.conflicts:
            if c.key == "(new)":
                c.key = mg.entry.key


# ---------------------------------------------------------------------------- whole libraries


def _merge_ranked(parts: Sequence[Library], strategy: str, threshold: float, pattern: str | None,
                  policy: str, dedupe_existing: bool = True, **user) -> MergeResult:
    """Merge libraries where ``parts[0]`` is the existing file (rank 0) and the rest are new."""
    with paused_gc():
        return _merge_ranked_inner(parts, strategy, threshold, pattern, policy, dedupe_existing, **user)


def _merge_ranked_inner(parts: Sequence[Library], strategy: str, threshold: float, pattern: str | None,
                        policy: str, dedupe_existing: bool, apart: Iterable[int] = (),
                        decisions: Sequence[Decision] = (), decisions_path: str = "<decisions>",
                        review: bool = False) -> MergeResult:
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown merge strategy {strategy!r} (choose from {', '.join(STRATEGIES)})")
    entries: list[Entry] = []
    rank: list[int] = []
    for r, lib in enumerate(parts):
        for e in lib.entries:
            entries.append(e)
            rank.append(r)
    # within one file the published version (publisher DOI) leads, then content order
    canonical = canonical_order(entries)
    position = {i: p for p, i in enumerate(canonical)}
    order_key = {id(e): member_order(rank[i], e.ids.doi, position[i]) for i, e in enumerate(entries)}
    apart = set(apart)
    record_ids = [record_id(e) for e in entries]  # before keyless records get keys
    same, different, decision_problems = decision_pairs(entries, decisions, decisions_path) if decisions else ([], [], [])
    pairs: list[Match] | None = [] if review else None
    groups = find_duplicates(entries, threshold, order=canonical,
                             apart=[r if r in apart else None for r in rank] if apart else None,
                             same=same, different=different, review=pairs)
    replaced: dict[int, Entry] = {}  # id(kept original) -> merged entry
    dropped: set[int] = set()
    merged_groups: list[MergedGroup] = []
    left_alone: list[ExistingDuplicates] = []
    for g in groups:
        members = sorted(g.entries, key=lambda e: order_key[id(e)])
        matches = g.matches
        existing = [m for m in members if order_key[id(m)][0] == 0]
        if not dedupe_existing and len(existing) > 1:
            # the user's own duplicates are theirs: reported; new entries go into the first of them
            index = {id(e): i for i, e in zip(g.indices, g.entries)}
            inside = {index[id(m)] for m in existing}
            left_alone.append(ExistingDuplicates(existing, [m for m in g.matches if m.a in inside and m.b in inside]))
            members = [existing[0]] + [m for m in members if order_key[id(m)][0] != 0]
            matches = [m for m in g.matches if not (m.a in inside and m.b in inside)]
            if len(members) == 1:
                continue
        done = merged_group(members, matches, strategy)
        replaced[id(members[0])] = done.entry
        dropped.update(id(m) for m in members[1:])
        merged_groups.append(done)

    # the output: the existing file's blocks in place, then what the new files add
    base = parts[0]
    out_blocks = []
    for block in base.blocks:
        if isinstance(block, Entry):
            if id(block) in dropped:
                continue
            out_blocks.append(replaced.get(id(block), block))
        else:
            out_blocks.append(block)
    known_strings = {b.name.lower() for b in base.blocks if isinstance(b, StringDef)}
    known_preambles = {b.value.strip() for b in base.blocks if isinstance(b, Preamble)}
    for lib in parts[1:]:
        for block in lib.blocks:
            if isinstance(block, StringDef) and block.name.lower() not in known_strings:
                known_strings.add(block.name.lower())
                out_blocks.append(block)
            elif isinstance(block, Preamble) and block.value.strip() not in known_preambles:
                known_preambles.add(block.value.strip())
                out_blocks.append(block)
    added: list[tuple[Entry, Entry]] = []  # (original, output entry)
    for lib in parts[1:]:
        for e in lib.entries:
            if id(e) not in dropped:
                added.append((e, replaced.get(id(e), e)))
    out_blocks.extend(out for _, out in added)
    library = Library(blocks=out_blocks, problems=[p for lib in parts for p in lib.problems] + decision_problems)

    # keys: a new entry whose key already names another work gets a new key
    renamed: list[dict] = []
    added_ids = {id(out) for _, out in added}
    taken = {e.key.lower() for e in library.entries if e.key and id(e) not in added_ids}
    for _, e in sorted(((o, e) for o, e in added if e.key), key=lambda pair: order_key[id(pair[0])]):
        if e.key.lower() in taken:
            renamed.append({"old": e.key, "from": _where(e), "new": None, "entry": e})
            e.key = None
        else:
            taken.add(e.key.lower())
    keyless = [e for e in library.entries if not e.key]
    assign_keys(library.entries, pattern, policy=policy)
    for r in renamed:
        r["new"] = r.pop("entry").key
    new_keys = {_where(e): e.key for e in keyless}
    # aliases: never a key that names another entry of the output
    finish_aliases(merged_groups, {e.key.lower() for e in library.entries if e.key})
    return MergeResult(library, strategy, merged_groups, entries, renamed, new_keys, left_alone, pairs or [],
                       record_ids)


def merge_libraries(existing: Library, new: Iterable[Library], strategy: str = "combine", *,
                    threshold: float = DEFAULT_THRESHOLD, pattern: str | None = None,
                    policy: str = "second-a", dedupe_existing: bool = False,
                    decisions: Sequence[Decision] = (), decisions_path: str = "<decisions>") -> MergeResult:
    """Merge ``new`` libraries into ``existing``: duplicates merged, new works appended.

    The existing library's blocks (``@string``, ``@preamble``, comments) and entry order are kept;
    the input objects are not modified except that new entries are moved into the result.
    Duplicates inside ``existing`` are the user's business: they are reported
    (``existing_duplicates``) and left as they are, unless ``dedupe_existing``. ``decisions``
    (:func:`bibkit.transforms.review.read_decisions`) are the user's same/different answers.
    """
    return _merge_ranked([existing, *new], strategy, threshold, pattern, policy, dedupe_existing,
                         decisions=decisions, decisions_path=decisions_path)


def dedupe_library(library: Library | Sequence[Library], strategy: str = "combine", *,
                   threshold: float = DEFAULT_THRESHOLD, pattern: str | None = None, policy: str = "second-a",
                   deduplicated: Iterable[int] = (), decisions: Sequence[Decision] = (),
                   decisions_path: str = "<decisions>", review: bool = False) -> MergeResult:
    """Merge the duplicates inside one library, or across several searches.

    Given several libraries (one per search), the first one's blocks lead the output; the
    records of the libraries whose indices are in ``deduplicated`` (searches deduplicated
    before) are never merged with records of the same library. With ``review`` the result
    lists the pairs a person should decide (``MergeResult.review``).
    """
    parts = [library] if isinstance(library, Library) else list(library)
    return _merge_ranked(parts, strategy, threshold, pattern, policy, apart=deduplicated,
                         decisions=decisions, decisions_path=decisions_path, review=review)
