"""``bibkit tidy``: reshape a .bib the way its owner wants, and change nothing else.

Tidy works on the file's syntax, not on the canonical model: every value is kept as the
expression the user wrote (LaTeX, macros, ``#`` concatenations, odd spellings included) and
only what an option names is changed. Converting to the model and back would re-encode LaTeX,
re-write names and dates, which a formatter must not do. What every run does:

- lays entries out with a :class:`~bibkit.formats.bibtex.layout.Layout` (indent, alignment,
  wrapping, commas, blank lines);
- writes each value expression in one form: parts joined by `` # ``, line breaks inside a value
  made single spaces (BibTeX reads them so) except paragraph breaks, a lone braced value
  trimmed;
- keeps ``@string``, ``@preamble``, ``@comment`` and the text between entries as written (only
  surrounding blank space is dropped), and a block it cannot read, verbatim, with an error.

Duplicate fields are kept (both values, with a warning), unlike bibtex-tidy, which silently keeps
the first: which one is right is the owner's call. Tidy is idempotent: tidying its output
changes nothing, which ``bibkit tidy --check`` relies on.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, NamedTuple, Union

from bibtexparser import model as bp

from bibkit.dates import MONTHS, parse_month
from bibkit.diagnostics import Problem, Reporter
from bibkit.formats.bibtex.layout import DEFAULT as DEFAULT_LAYOUT, Layout
from bibkit.formats.bibtex.values import ValueError_, split_operands
from bibkit.latex import braced_end

#: bibtex-tidy's default field order for ``--sort-fields`` without a list (the same list, so
#: that the two tools agree on what "sorted fields" means)
DEFAULT_FIELD_ORDER = (
    "title", "shorttitle", "author", "year", "month", "day", "journal", "booktitle", "location",
    "on", "publisher", "address", "series", "volume", "number", "pages", "doi", "isbn", "issn",
    "url", "urldate", "copyright", "category", "note", "metadata",
)
JOURNAL_FIELDS = ("journal", "journaltitle")
MONTH_MACROS = {v: k for k, v in MONTHS.items()}
_COMMAND = re.compile(r"^@\s*[A-Za-z]+")
_NUMBER = re.compile(r"[1-9][0-9]*")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_LINEBREAK = re.compile(r"[ \t]*\n\s*")
_PARAGRAPH = re.compile(r"[ \t]*\n[ \t]*\n\s*")


@dataclass(frozen=True)
class TidyOptions:
    """What to change; the defaults change only the layout. See ``bibkit tidy --help``."""

    sort: tuple[str, ...] = ()  # "key", "type", field names; "-year" is descending
    sort_fields: tuple[str, ...] = ()
    omit: tuple[str, ...] = ()
    remove_empty_fields: bool = False
    remove_url_if_doi: bool = False
    delimiters: str = "keep"  # "curly", "quotes" or "keep"
    numeric: bool = False
    months: bool = False
    lowercase: bool = False
    enclosing_braces: tuple[str, ...] = ()
    max_authors: int = 0
    strip_comments: bool = False
    abbreviate_journals: bool = False
    unabbreviate_journals: bool = False
    journal_lists: tuple[str, ...] = ()
    layout: Layout = DEFAULT_LAYOUT


# --------------------------------------------------------------------------- syntax


@dataclass
class Part:
    """One operand of a value expression: ``braced`` ``{..}``, ``quoted`` ``".."`` or ``bare``
    (a number or a macro name). ``text`` is what stands between the delimiters."""

    kind: str
    text: str

    def render(self) -> str:
        if self.kind == "braced":
            return "{" + self.text + "}"
        if self.kind == "quoted":
            return '"' + self.text + '"'
        return self.text


@dataclass
class Field:
    name: str
    parts: list[Part] | None  # None: not a valid expression, ``raw`` is written as it was
    raw: str
    line: int

    def render(self) -> str:
        if self.parts is None:
            return self.raw.strip()
        return " # ".join(p.render() for p in self.parts)

    @property
    def content(self) -> str:
        """The value's text without delimiters (for sorting and tests)."""
        if self.parts is None:
            return self.raw.strip()
        return "".join(p.text for p in self.parts)

    @property
    def single(self) -> Part | None:
        """The only part of a one-operand value that has delimiters, else None."""
        if self.parts and len(self.parts) == 1:
            return self.parts[0]
        return None


@dataclass
class RawEntry:
    type: str
    key: str
    fields: list[Field]
    line: int

    def get(self, name: str) -> Field | None:
        name = name.lower()
        return next((f for f in self.fields if f.name.lower() == name), None)


@dataclass
class Verbatim:
    """A block written back as it was: ``string``, ``preamble``, ``comment`` or ``failed``."""

    kind: str
    text: str
    line: int


Block = Union[RawEntry, Verbatim]


class _BadValue(Exception):
    pass


def parse_value(raw: str) -> list[Part]:
    """A value expression into its operands; raises _BadValue when it is not one."""
    raw = raw.strip()
    end = len(raw) - 1
    if raw[:1] == "{" and raw[-1:] == "}" and raw.find("{", 1, end) < 0 and raw.find("}", 1, end) < 0:
        return [Part("braced", raw[1:-1])]  # the common case: one braced value, no inner braces
    try:
        parts = [Part(kind, text) for kind, text in split_operands(raw)]
    except ValueError_:
        raise _BadValue(raw) from None
    if not parts:
        raise _BadValue(raw)
    return parts


def _normalise_space(text: str) -> str:
    """Line breaks (and the blanks around them) become one space; paragraph breaks stay."""
    if "\n" not in text and "\r" not in text:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = _PARAGRAPH.split(text)
    return "\n\n".join(_LINEBREAK.sub(" ", p) for p in paragraphs)


def read(text: str, name: str = "<input>") -> tuple[list[Block], list[Problem]]:
    """The file's blocks in order, with every value's expression; problems as file:line."""
    from bibkit.formats.bibtex import parse_blocks

    return read_blocks(parse_blocks(text), name)


def read_blocks(parsed: list, name: str = "<input>", line_offset: int = 0,
                keys: dict[str, int] | None = None) -> tuple[list[Block], list[Problem]]:
    """:func:`read` of bibtexparser's blocks of one batch of a file (a streamed tidy):
    ``line_offset`` lines come before it, ``keys`` holds the keys used before it (and gets its own)."""
    problems: list[Problem] = []
    report = Reporter(name, problems)
    blocks: list[Block] = []
    keys = {} if keys is None else keys
    for block in parsed:
        line = (block.start_line or 0) + 1 + line_offset
        if isinstance(block, (bp.DuplicateBlockKeyBlock, bp.DuplicateFieldKeyBlock)):
            if isinstance(block, bp.DuplicateFieldKeyBlock):
                report.warn(line, f"{block.ignore_error_block.key!r} has the field(s) {', '.join(sorted(block.duplicate_keys))} "
                            "twice; both kept", "duplicate-field")
            block = block.ignore_error_block
        if isinstance(block, bp.Entry):
            entry = _entry(block, line, line_offset)
            first = keys.setdefault(entry.key.lower(), line) if entry.key else line
            if first != line:
                report.warn(line, f"duplicate key {entry.key!r} (first used at line {first}); both kept",
                            "duplicate-key")
            blocks.append(entry)
        elif isinstance(block, bp.String):
            blocks.append(Verbatim("string", block.raw.strip(), line))
        elif isinstance(block, bp.Preamble):
            blocks.append(Verbatim("preamble", block.raw.strip(), line))
        elif isinstance(block, (bp.ExplicitComment, bp.ImplicitComment)):
            if block.raw.strip():
                blocks.append(Verbatim("comment", block.raw.strip(), line))
        elif isinstance(block, bp.ParsingFailedBlock):
            report.error(line, "could not read this block; kept as written", "syntax")
            blocks.append(Verbatim("failed", (block.raw or "").strip(), line))
    return blocks, problems


def _entry(block: bp.Entry, line: int, line_offset: int = 0) -> RawEntry:
    fields = []
    for f in block.fields:
        fline = (f.start_line or 0) + 1 + line_offset
        try:
            parts = parse_value(f.value)
        except _BadValue:
            parts = None
        else:
            for p in parts:
                if p.kind != "bare":
                    p.text = _normalise_space(p.text)
            if len(parts) == 1 and parts[0].kind == "braced":
                parts[0].text = parts[0].text.strip()
        fields.append(Field(f.key, parts, f.value, fline))
    # bibtexparser lower-cases the type; the file's own spelling is kept unless --lowercase
    written = re.match(r"\s*@\s*([^\s{(]+)", block.raw or "")
    etype = written.group(1) if written and written.group(1).lower() == block.entry_type.lower() else block.entry_type
    return RawEntry(etype, block.key.strip(), fields, line)


# --------------------------------------------------------------------------- transforms


def _names(values: Iterable[str]) -> set[str]:
    return {v.strip().lower() for v in values if v.strip()}


def _is_empty(f: Field) -> bool:
    return f.parts is not None and all(p.kind != "bare" and not p.text.strip() for p in f.parts)


def _enclosed(text: str) -> bool:
    return text.startswith("{") and braced_end(text, 0) == len(text)


def transform_entry(entry: RawEntry, options: TidyOptions, journals: Callable[[str], str] | None = None) -> RawEntry:
    """One entry with every option applied (a new object; the input is left alone)."""
    omit = _names(options.omit)
    protect = _names(options.enclosing_braces)
    fields: list[Field] = []
    has_doi = any(f.name.lower() == "doi" and not _is_empty(f) for f in entry.fields)
    for f in entry.fields:
        lname = f.name.lower()
        if lname in omit:
            continue
        if options.remove_empty_fields and _is_empty(f):
            continue
        if options.remove_url_if_doi and lname == "url" and has_doi:
            continue
        f = Field(lname if options.lowercase else f.name,
                  None if f.parts is None else [Part(p.kind, p.text) for p in f.parts], f.raw, f.line)
        if f.parts is not None:
            _values(f, lname, options, protect, journals)
        fields.append(f)
    if options.sort_fields:
        order = {name: i for i, name in enumerate(_names_in_order(options.sort_fields))}
        fields.sort(key=lambda f: order.get(f.name.lower(), len(order)))
    etype = entry.type.lower() if options.lowercase else entry.type
    return RawEntry(etype, entry.key, fields, entry.line)


def _names_in_order(names: Iterable[str]) -> list[str]:
    out: list[str] = []
    for n in names:
        n = n.strip().lower()
        if n and n not in out:
            out.append(n)
    return out


def _values(f: Field, lname: str, options: TidyOptions, protect: set[str],
            journals: Callable[[str], str] | None) -> None:
    parts = f.parts
    assert parts is not None
    single = f.single
    if options.max_authors and lname == "author" and single and single.kind != "bare":
        names = _split_names(single.text)
        if len(names) > options.max_authors:
            single.text = " and ".join(names[:options.max_authors] + ["others"])
    if journals is not None and lname in JOURNAL_FIELDS and single and single.kind != "bare":
        single.text = journals(single.text)
    if options.months and lname == "month" and single:
        month = parse_month(single.text)
        if month is not None:
            single.kind, single.text = "bare", MONTH_MACROS[month]
    for p in parts:
        if options.delimiters == "curly" and p.kind == "quoted":
            p.kind = "braced"
        elif options.delimiters == "curly" and p.kind == "bare" and p.text.isdigit():
            p.kind = "braced"
        elif options.delimiters == "quotes" and p.kind == "braced" and _quotable(p.text):
            p.kind = "quoted"
        if options.numeric and p.kind != "bare" and _NUMBER.fullmatch(p.text):
            p.kind = "bare"
    if single and single.kind == "braced":
        single.text = single.text.strip()  # as a lone braced value is read: tidy stays idempotent
    if lname in protect and single and single.kind != "bare" and single.text and not _enclosed(single.text):
        single.text = "{" + single.text + "}"


def _quotable(text: str) -> bool:
    """Whether ``{text}`` can be written ``"text"``: it holds no ``"`` at all.

    BibTeX allows a ``"`` inside braces within quotes, but other readers (bibtexparser among
    them) end the value there, so such values keep their braces.
    """
    return '"' not in text


def _split_names(text: str) -> list[str]:
    """``A and B and C`` into names, ignoring ``and`` inside braces (``{Barnes and Noble}``)."""
    names, depth, start = [], 0, 0
    i = 0
    while i < len(text):
        c = text[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 0 and c.isspace():
            m = _AND.match(text, i)
            if m:
                names.append(text[start:i])
                start = i = m.end()
                continue
        i += 1
    names.append(text[start:])
    return [n.strip() for n in names]


# --------------------------------------------------------------------------- sorting


def _sort_value(entry: RawEntry, key: str):
    if key == "key":
        return (1, entry.key.lower())
    if key == "type":
        return (1, entry.type.lower())
    f = entry.get(key)
    if f is None or not f.content.strip():
        return None
    text = f.content.strip()
    if key == "year":  # "May 1987" sorts as 1987; "unknown" as a missing year
        year = re.search(r"(?<!\d)\d{4}(?!\d)", text)
        return (0, int(year.group(0))) if year else None
    if key == "month":
        month = parse_month(text)
        if month is not None:
            return (0, month)
    if text.isdigit():
        return (0, int(text))
    return (1, text.lower())


class SortRecord(NamedTuple):
    """What sorting needs of one entry: a streamed ``tidy --sort`` keeps only this per entry
    (a tuple of strings and numbers, which the garbage collector stops tracking)."""

    values: tuple  # the entry's sort value for each sort field (None: missing), in field order
    key: str  # lower-cased
    parent: str | None  # the lower-cased key its crossref names, if it has one


def sort_fields(keys: Iterable[str]) -> list[tuple[str, bool]]:
    """``--sort`` keys as (field name, descending?), empty names left out."""
    out = []
    for key in keys:
        name = key.lstrip("-+").strip().lower()
        if name:
            out.append((name, key.startswith("-")))
    return out


def sort_record(entry: RawEntry, fields: list[tuple[str, bool]]) -> SortRecord:
    crossref = entry.get("crossref")
    return SortRecord(tuple(_sort_value(entry, name) for name, _ in fields), entry.key.lower(),
                      crossref.content.strip().lower() if crossref is not None else None)


def sorted_order(records: list[SortRecord], fields: list[tuple[str, bool]]) -> list[int]:
    """Indices of ``records`` in sorted order (see :func:`sort_blocks`)."""
    order = list(range(len(records)))
    for i in reversed(range(len(fields))):
        present = [n for n in order if records[n].values[i] is not None]
        missing = [n for n in order if records[n].values[i] is None]
        present.sort(key=lambda n: records[n].values[i], reverse=fields[i][1])
        order = present + missing
    parents = {r.parent for r in records if r.parent is not None}
    return [n for n in order if records[n].key not in parents] + [n for n in order if records[n].key in parents]


def sort_blocks(blocks: list[Block], keys: Iterable[str]) -> list[Block]:
    """Entries sorted by ``keys`` (stable; a missing value sorts last in either direction).

    ``@string`` and ``@preamble`` stay first, in their order, so every macro is still defined
    before it is used; a comment travels with the entry after it. An entry that others
    ``crossref`` stays after them, as BibTeX requires.
    """
    head: list[Block] = []
    groups: list[tuple[RawEntry, list[Block]]] = []
    pending: list[Block] = []
    for block in blocks:
        if is_head(block):
            head.append(block)
        elif isinstance(block, RawEntry):
            groups.append((block, pending + [block]))
            pending = []
        else:
            pending.append(block)
    fields = sort_fields(keys)
    order = sorted_order([sort_record(entry, fields) for entry, _ in groups], fields)
    return head + [b for n in order for b in groups[n][1]] + pending


def is_head(block: Block) -> bool:
    """``@string`` and ``@preamble``, which sorting keeps first."""
    return isinstance(block, Verbatim) and block.kind in ("string", "preamble")


# --------------------------------------------------------------------------- whole files


@dataclass
class TidyResult:
    text: str
    problems: list[Problem] = field(default_factory=list)
    entries: int = 0

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def tidy_blocks(blocks: list[Block], options: TidyOptions = TidyOptions(),
                journals: Callable[[str], str] | None = None) -> list[Block]:
    """The blocks with every option applied, in output order."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, RawEntry):
            out.append(transform_entry(block, options, journals))
        elif not (options.strip_comments and block.kind == "comment"):
            if options.lowercase and block.text.startswith("@"):
                block = Verbatim(block.kind, _COMMAND.sub(lambda m: m.group(0).lower(), block.text, 1), block.line)
            out.append(block)
    if options.sort:
        out = sort_blocks(out, options.sort)
    return out


def render(blocks: list[Block], layout: Layout = DEFAULT_LAYOUT) -> str:
    text = render_part(blocks, layout)
    return text + "\n" if text else ""


def render_part(blocks: list[Block], layout: Layout = DEFAULT_LAYOUT) -> str:
    """The blocks as written, without the file's final line end (a streamed tidy joins parts)."""
    parts = []
    for block in blocks:
        if isinstance(block, RawEntry):
            parts.append(layout.entry(block.type, block.key, [(f.name, f.render()) for f in block.fields]))
        else:
            parts.append(block.text)
    return layout.separator.join(parts)


def tidy_text(text: str, options: TidyOptions = TidyOptions(), name: str = "<input>") -> TidyResult:
    """Tidy one file's text. Problems say ``file:line``; nothing is raised for bad input."""
    from bibkit.api import _collector_paused  # no full-heap collections while the blocks pile up

    with _collector_paused():
        return _tidy_text(text, options, name)


def _tidy_text(text: str, options: TidyOptions, name: str) -> TidyResult:
    blocks, problems = read(text, name)
    journals = None
    if options.abbreviate_journals or options.unabbreviate_journals:
        from bibkit.journals import JournalNames, bibtex_journal_mapper

        names = JournalNames.from_lists(options.journal_lists)
        names.learn(
            {f.name.lower(): f.content for f in b.fields} for b in blocks if isinstance(b, RawEntry))
        journals = bibtex_journal_mapper(names, abbreviate=options.abbreviate_journals)
    out = tidy_blocks(blocks, options, journals)
    return TidyResult(render(out, options.layout), problems, sum(isinstance(b, RawEntry) for b in out))
