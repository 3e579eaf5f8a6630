"""The canonical model every importer produces and every exporter consumes.

Types come first: an :class:`Entry` holds structured names, structured dates, normalised
identifiers and Unicode text whose protected spans are remembered (:class:`Text`), plus
``extra`` for every source field that has no canonical slot, so that nothing is lost.
Field names follow CSL variables (``container-title``, ``page``, ``issued``) because CSL is the
richest shared vocabulary; BibTeX/BibLaTeX names are mapped in :mod:`bibkit.types` and
:mod:`bibkit.formats.bibtex`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator, Union

from bibkit.diagnostics import Problem

#: (source name, start offset, end offset) of a block's text in the text it was read from
Span = tuple[str, int, int]

# ---------------------------------------------------------------------------- text


@dataclass(frozen=True)
class Mark:
    """A span of a :class:`Text` with a meaning that plain Unicode cannot carry.

    kinds: ``nocase`` (brace-protected in BibTeX: keep case), ``math`` (``$...$`` kept verbatim),
    ``raw`` (LaTeX we could not decode, kept verbatim), ``italic``, ``bold``, ``smallcaps``,
    ``sup``, ``sub``.
    """

    start: int
    end: int
    kind: str


class Text(str):
    """A Unicode string that remembers marked spans (e.g. the ``{BERT}`` of a BibTeX title).

    It *is* a ``str``, so comparison, hashing, searching and fuzzy matching just work; only the
    exporters that care look at :attr:`marks`. Any string operation returns a plain ``str``:
    transforming text deliberately forgets the marks.
    """

    marks: tuple[Mark, ...]

    def __new__(cls, value: str = "", marks: Iterable[Mark] = ()) -> "Text":
        obj = super().__new__(cls, value)
        obj.marks = tuple(sorted(marks, key=lambda m: (m.start, -m.end))) if marks else ()
        return obj

    def __reduce__(self):  # pickling and copy keep the marks
        return (Text, (str(self), self.marks))

    def __repr__(self) -> str:
        if not self.marks:
            return f"Text({str.__repr__(self)})"
        return f"Text({str.__repr__(self)}, marks={self.marks!r})"

    def protected_spans(self) -> list[str]:
        return [self[m.start : m.end] for m in self.marks if m.kind == "nocase"]


def as_text(value: str) -> Text:
    return value if isinstance(value, Text) else Text(value)


# ---------------------------------------------------------------------------- names


@dataclass(frozen=True)
class Name:
    """One person or organisation.

    ``particle`` is the BibTeX "von" part (CSL's non-dropping particle); ``dropping_particle``
    exists for CSL-JSON round trips. A corporate author is ``Name(literal="World Health
    Organization")`` and never split.
    """

    family: str = ""
    given: str = ""
    particle: str = ""
    suffix: str = ""
    literal: str = ""
    dropping_particle: str = ""

    @property
    def is_literal(self) -> bool:
        return bool(self.literal)

    def display(self) -> str:
        """"Given particle Family, Suffix", for messages and matching."""
        if self.literal:
            return self.literal
        family = self.family
        if self.particle:
            joiner = "" if self.particle.endswith(("'", "’", "-")) else " "
            family = self.particle + joiner + self.family
        text = " ".join(p for p in (self.given, self.dropping_particle, family) if p)
        return f"{text}, {self.suffix}" if self.suffix else text


@dataclass
class NameList:
    """The names of one role, in order; ``others`` is BibTeX's "and others" (et al.)."""

    names: list[Name] = field(default_factory=list)
    others: bool = False

    def __iter__(self) -> Iterator[Name]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    def __bool__(self) -> bool:
        return bool(self.names) or self.others


# ---------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class DateParts:
    year: int
    month: int | None = None
    day: int | None = None

    def as_list(self) -> list[int]:
        out = [self.year]
        if self.month is not None:
            out.append(self.month)
            if self.day is not None:
                out.append(self.day)
        return out


@dataclass(frozen=True)
class Date:
    """A structured date: a start, an optional end (a range), or only a literal.

    ``season`` is 1-4 (spring..winter) when the source named one; ``approximate`` is "circa";
    ``inferred`` marks a date we completed ourselves (e.g. a year inferred for a listing card),
    so exporters and users can tell it from what the source said.
    """

    start: DateParts | None = None
    end: DateParts | None = None
    approximate: bool = False
    literal: str = ""
    season: int | None = None
    inferred: bool = False

    @property
    def year(self) -> int | None:
        return self.start.year if self.start else None

    def __bool__(self) -> bool:
        return self.start is not None or bool(self.literal)


# ---------------------------------------------------------------------------- identifiers


@dataclass
class Identifiers:
    """Normalised identifiers (see :mod:`bibkit.identifiers` for the rules)."""

    doi: str = ""
    arxiv: str = ""  # without version: "2501.12948" or "hep-th/9901001"
    arxiv_version: str = ""  # "v2"
    arxiv_class: str = ""  # primary class, e.g. "cs.CL"
    isbn: str = ""
    issn: str = ""
    pmid: str = ""
    pmcid: str = ""
    url: str = ""

    def items(self) -> Iterator[tuple[str, str]]:
        for name in ("doi", "arxiv", "arxiv_version", "arxiv_class", "isbn", "issn", "pmid", "pmcid", "url"):
            value = getattr(self, name)
            if value:
                yield name, value

    def __bool__(self) -> bool:
        return any(True for _ in self.items())


# ---------------------------------------------------------------------------- entries


@dataclass(frozen=True)
class Source:
    """Where an entry came from, for messages like ``refs.bib:12: ...``."""

    file: str
    line: int | None = None
    format: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file


@dataclass(eq=False)
class Entry:
    """One bibliographic record in canonical form.

    ``type`` is a CSL item type (``article-journal``, ``paper-conference``, ...).
    ``fields`` holds CSL text/number variables as :class:`Text`. ``extra`` keeps every source
    field without a canonical slot, verbatim, under its source name. ``source_type`` and
    ``field_names`` remember the source's own spelling so that a round trip to the same format
    writes what it read. ``meta`` is for transform bookkeeping (key aliases, provenance of
    enriched fields, listing confidence) and survives in ``extra``-like export slots.
    """

    key: str | None = None
    type: str = "document"
    names: dict[str, NameList] = field(default_factory=dict)
    dates: dict[str, Date] = field(default_factory=dict)
    fields: dict[str, Text] = field(default_factory=dict)
    ids: Identifiers = field(default_factory=Identifiers)
    extra: dict[str, str] = field(default_factory=dict)
    source: Source | None = None
    source_type: str = ""
    field_names: dict[str, str] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    #: where the entry's text is in the file it was read from: (source name, start, end)
    #: offsets into ``Library.sources[name]``; lets a writer copy unchanged entries byte for byte
    span: Span | None = None

    # conveniences used throughout the transforms
    @property
    def title(self) -> str:
        return self.fields.get("title", "")

    @property
    def year(self) -> int | None:
        issued = self.dates.get("issued")
        return issued.year if issued else None

    @property
    def authors(self) -> NameList:
        return self.names.get("author") or NameList()

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)

    def where(self) -> str:
        return str(self.source) if self.source else (self.key or "<entry>")


# ---------------------------------------------------------------------------- library


@dataclass
class Preamble:
    """An ``@preamble`` kept verbatim (its raw value expression) for round trips."""

    value: str
    line: int | None = None
    span: Span | None = None


@dataclass
class Comment:
    """A comment (``@comment`` or free text between entries), kept for round trips."""

    text: str
    explicit: bool = True
    line: int | None = None
    span: Span | None = None


@dataclass
class StringDef:
    """An ``@string`` macro: ``value`` is expanded Unicode-less raw BibTeX, ``raw`` as written."""

    name: str
    value: str
    raw: str = ""
    line: int | None = None
    span: Span | None = None


Block = Union[Entry, Preamble, Comment, StringDef]


@dataclass
class Library:
    """What an importer returns: blocks in source order, plus every problem found.

    Keeping all blocks in order (not only entries) is what lets ``@string``, ``@preamble`` and
    comments survive a BibTeX round trip.
    """

    blocks: list[Block] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: source name -> the text the blocks' spans point into (kept so that a file bibkit read can
    #: be written back with its unchanged blocks byte for byte: bibkit.formats.bibtex.preserve)
    sources: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def entries(self) -> list[Entry]:
        return [b for b in self.blocks if isinstance(b, Entry)]

    @property
    def strings(self) -> list[StringDef]:
        return [b for b in self.blocks if isinstance(b, StringDef)]

    @property
    def preambles(self) -> list[Preamble]:
        return [b for b in self.blocks if isinstance(b, Preamble)]

    @property
    def comments(self) -> list[Comment]:
        return [b for b in self.blocks if isinstance(b, Comment)]

    def extend(self, other: "Library") -> None:
        self.blocks.extend(other.blocks)
        self.problems.extend(other.problems)
        self.sources.update(other.sources)

    def replace_entries(self, entries: list[Entry]) -> None:
        """Swap the entries for new ones, keeping the non-entry blocks in place before them."""
        self.blocks = [b for b in self.blocks if not isinstance(b, Entry)] + list(entries)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> "Library":
        return cls(blocks=list(entries))
