"""Writing a .bib back over the file it was read from, changing only what changed.

A user's bibliography is usually in version control, formatted by hand or by another tool; a
rewrite of every line for one new entry is a diff nobody can review. So when bibkit writes back
to a BibTeX file it read (``merge``, ``keys``, ``enrich``, ``dedupe``), it starts from the
file's own text:

* every block (entry, ``@string``, ``@preamble``, comment) that did not change is copied byte
  for byte from its span in the source text (:attr:`bibkit.model.Entry.span`), with the
  whitespace around it;
* a changed entry keeps its text too, with only its changed fields edited: a changed value is
  replaced in place (in the field's own delimiters where they can hold it), an added field goes
  in as a new line in the entry's own indentation, alignment, name case and quote style, a
  removed field's line goes;
* a block bibkit dropped (a merged-away duplicate) is cut out with the blank lines after it;
* new blocks are written by :class:`bibkit.formats.bibtex.writer.BibTeXWriter`, separated as the
  file separates its entries, appended at the end, or, when the file's entries are sorted by
  key, where the sorted order puts them.

"Changed" is decided against a copy of each block taken by :func:`capture` before the command
touched the library, and an entry whose written form is the same as before (the canonical
writer renders both) is not changed. ``--normalize`` is the explicit way to rewrite a whole
file in bibkit's canonical form.
"""
from __future__ import annotations

import copy
import dataclasses
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from bibkit.formats.bibtex.citekeys import safe_key
from bibkit.formats.bibtex.fields import NAME_FIELDS, TEXT_FIELDS
from bibkit.formats.bibtex.values import quoted_end
from bibkit.formats.bibtex.writer import BibTeXWriter
from bibkit.latex import braced_end
from bibkit.model import Block, Entry, Library, NameList
from bibkit.types import bibtex_type_for


# ---------------------------------------------------------------------------- what was read


@dataclass
class Original:
    """A BibTeX file as read: its text, and a copy of each block as it was then, by span."""

    name: str
    text: str
    spans: list[tuple[int, int]]  # every block's (start, end), in file order
    blocks: dict[int, Block]  # span start -> the block as read (a copy)

    def gap_after(self, index: int) -> str:
        end = self.spans[index][1]
        nxt = self.spans[index + 1][0] if index + 1 < len(self.spans) else len(self.text)
        return self.text[end:nxt]


def copy_block(block: Block) -> Block:
    """A copy whose containers the commands may change without touching the original."""
    if not isinstance(block, Entry):
        return dataclasses.replace(block)
    meta = copy.copy(block.meta)
    for k, v in meta.items():
        if isinstance(v, dict):
            meta[k] = dict(v)
    return dataclasses.replace(
        block, names={r: NameList(list(n.names), n.others) for r, n in block.names.items()},
        dates=dict(block.dates), fields=dict(block.fields), ids=copy.copy(block.ids), extra=dict(block.extra),
        field_names=dict(block.field_names), meta=meta)


def capture(library: Library, name: str) -> Original | None:
    """Remember ``library``'s blocks from source ``name`` as they are now (before a command
    changes them); None when that source cannot be written back piecewise (not read as BibTeX,
    or blocks without a span, or text between blocks that belongs to none)."""
    text = library.sources.get(name)
    if text is None:
        return None
    spans: list[tuple[int, int]] = []
    blocks: dict[int, Block] = {}
    for block in library.blocks:
        span = block.span
        if span is None or span[0] != name:
            if span is None and isinstance(block, Entry) and block.source and block.source.file == name:
                return None  # read from this file but not locatable in it
            continue
        spans.append((span[1], span[2]))
        blocks[span[1]] = copy_block(block)
    previous = 0
    for start, end in spans:
        if start < previous or text[previous:start].strip():
            return None
        previous = end
    if text[previous:].strip():
        return None
    return Original(name, text, spans, blocks)


# ---------------------------------------------------------------------------- an entry's source


@dataclass
class _Field:
    name: str
    name_start: int
    value_start: int
    value_end: int
    comma_end: int | None  # just after the comma that follows the value, if any
    sep_before: int  # the comma before the field's name (after the key or the previous field)

    @property
    def end(self) -> int:
        return self.comma_end if self.comma_end is not None else self.value_end


@dataclass
class _Source:
    """Where the parts of one entry's text are (offsets into that text)."""

    text: str
    type_span: tuple[int, int]
    key_span: tuple[int, int]
    fields: list[_Field]


_WORD = re.compile(r"[^\s\"#%'(),={}]+")
_SPACE = re.compile(r"\s*")


def _scan(text: str) -> _Source | None:
    """The parts of ``@type{key, name = value, ...}``; None for anything less regular (such an
    entry, when changed, is written whole)."""
    m = re.match(r"@\s*(\w+)\s*([{(])", text)
    if not m:
        return None
    close = "}" if m.group(2) == "{" else ")"
    i = m.end()
    j = i
    while j < len(text) and text[j] not in ",}" + close:
        j += 1
    if j >= len(text):
        return None
    key_text = text[i:j]
    key_start = i + (len(key_text) - len(key_text.lstrip()))
    key_span = (key_start, key_start + len(key_text.strip()))
    fields: list[_Field] = []
    if text[j] != ",":
        return _Source(text, m.span(1), key_span, fields) if text[j] == close and j == len(text) - 1 else None
    sep = j
    i = j + 1
    n = len(text)
    while True:
        i = _SPACE.match(text, i).end()
        if i >= n:
            return None
        if text[i] == close:
            return _Source(text, m.span(1), key_span, fields) if i == n - 1 else None
        name = _WORD.match(text, i)
        if not name:
            return None
        name_start = i
        i = _SPACE.match(text, name.end()).end()
        if i >= n or text[i] != "=":
            return None
        i = _SPACE.match(text, i + 1).end()
        value_start = i
        while True:  # one value expression: parts joined by '#'
            if i >= n:
                return None
            c = text[i]
            if c == "{":
                end = braced_end(text, i)
            elif c == '"':
                end = quoted_end(text, i)
            else:
                w = _WORD.match(text, i)
                end = w.end() if w else -1
            if end < 0:
                return None
            value_end = end
            i = _SPACE.match(text, end).end()
            if i < n and text[i] == "#":
                i = _SPACE.match(text, i + 1).end()
                continue
            break
        if i < n and text[i] == ",":
            fields.append(_Field(name.group(0), name_start, value_start, value_end, i + 1, sep))
            sep = i
            i += 1
        elif i < n and text[i] == close:
            fields.append(_Field(name.group(0), name_start, value_start, value_end, None, sep))
        else:
            return None


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _own_line(text: str, f: _Field) -> bool:
    """The field starts its line (only whitespace before its name)."""
    return not text[_line_start(text, f.name_start):f.name_start].strip()


# ---------------------------------------------------------------------------- the entry's style


@dataclass
class _Style:
    indent: str
    before_eq: str
    after_eq: str
    eq_column: int | None  # names padded so that '=' is in this column (aligned entries)
    value_column: int | None  # or the values start in this column
    case: str  # "lower", "upper", "title"
    quotes: bool  # values delimited by "..." rather than {...}

    def line(self, name: str, value: str) -> str:
        """A new field line (without its indentation) laid out like the entry's own."""
        head = self.indent + _cased(name, self.case) + self.before_eq
        if self.eq_column is not None and len(head) < self.eq_column:
            head = head.ljust(self.eq_column)
        head += "=" + self.after_eq
        if self.value_column is not None and len(head) < self.value_column:
            head = head.ljust(self.value_column)
        return head[len(self.indent):] + _delimited(value, self.quotes)


def _style(src: _Source) -> _Style:
    text = src.text
    own = [f for f in src.fields if _own_line(text, f)]
    sample = own or src.fields
    last = sample[-1] if sample else None
    indent = "  "
    before, after = " ", " "
    eq_column = value_column = None
    if last is not None:
        if own:
            indent = text[_line_start(text, last.name_start):last.name_start]
        eq = text.index("=", last.name_start + len(last.name))
        before = text[last.name_start + len(last.name):eq]
        after = text[eq + 1:last.value_start]
        if "\n" in before or "\n" in after:
            before, after = " ", " "
        if len(own) >= 2:
            eqs, values, padded = set(), set(), False
            for f in own:
                start = _line_start(text, f.name_start)
                at = text.index("=", f.name_start + len(f.name))
                eqs.add(at - start)
                padded |= at - f.name_start - len(f.name) > 1
                values.add(f.value_start - start if "\n" not in text[at:f.value_start] else -1)
            if len(eqs) == 1 and padded:
                eq_column, before = eqs.pop(), " "
            if len(values) == 1 and -1 not in values and len(after) > 1:
                value_column, after = values.pop(), " "
    names = [f.name for f in src.fields if any(c.isalpha() for c in f.name)]
    if names and all(n == n.upper() for n in names):
        case = "upper"
    elif names and all(n[:1].isupper() for n in names):
        case = "title"
    else:
        case = "lower"
    quoted = sum(1 for f in src.fields if text[f.value_start] == '"')
    braced = sum(1 for f in src.fields if text[f.value_start] == "{")
    return _Style(indent, before, after, eq_column, value_column, case, quoted > braced)


def _cased(name: str, case: str) -> str:
    if case == "upper":
        return name.upper()
    if case == "title":
        return name[:1].upper() + name[1:]
    return name


def _delimited(value: str, quotes: bool, like: str | None = None) -> str:
    """The writer's ``{value}`` in the delimiters the entry (or the replaced value ``like``) uses."""
    if not (value.startswith("{") and braced_end(value, 0) == len(value)):
        return value  # a macro, a number, a concatenation: as the writer wrote it
    inner = value[1:-1]
    if like is not None:
        if like.isdigit() and inner.isdigit():
            return inner
        quotes = like.startswith('"')
    if quotes and '"' not in inner:
        return '"' + inner + '"'
    return value


# ---------------------------------------------------------------------------- editing one entry


def _slot(name: str) -> str:
    """What a field name means, so that ``journaltitle`` is found where ``journal`` is written."""
    lower = name.lower()
    if lower in NAME_FIELDS:
        return "names:" + NAME_FIELDS[lower]
    return "text:" + TEXT_FIELDS[lower] if lower in TEXT_FIELDS else lower


def _unchanged(old: Block, new: Block) -> bool:
    if not isinstance(old, Entry):
        return type(old) is type(new) and dataclasses.replace(new, span=None) == dataclasses.replace(old, span=None)
    return (old.key == new.key and old.type == new.type and old.source_type == new.source_type
            and old.names == new.names and old.dates == new.dates and old.fields == new.fields
            and old.ids == new.ids and old.extra == new.extra and old.field_names == new.field_names
            and old.meta == new.meta)


def edit_entry(text: str, old: Entry, new: Entry, writer: BibTeXWriter) -> str:
    """``text`` (``old`` as the file wrote it) with only what differs in ``new`` changed."""
    old_type = bibtex_type_for(old.type, old.source_type, writer.biblatex)
    new_type = bibtex_type_for(new.type, new.source_type, writer.biblatex)
    before = {n.lower(): (n, v) for n, v in writer.fields(old)}
    after = {n.lower(): (n, v) for n, v in writer.fields(new)}
    if before == after and old_type == new_type and old.key == new.key:
        return text
    src = _scan(text)
    if src is None or not src.fields:
        return writer.entry(new)
    style = _style(src)
    by_name: dict[str, _Field] = {}
    by_slot: dict[str, _Field] = {}
    for f in src.fields:
        by_name.setdefault(f.name.lower(), f)
        by_slot.setdefault(_slot(f.name), f)
    edits: list[tuple[int, int, str]] = []
    if old_type != new_type:
        edits.append((*src.type_span, new_type))
    if old.key != new.key:
        edits.append((*src.key_span, safe_key(new.key or "")))
    added: list[tuple[str, str]] = []
    for lname in list(before) + [n for n in after if n not in before]:
        was, now = before.get(lname), after.get(lname)
        if was is not None and now is not None and was[1] == now[1]:
            continue
        f = by_name.get(lname) or by_slot.get(_slot(lname))
        if now is None:
            if f is not None:
                edits.append(_removal(text, src, f))
        elif f is not None:
            like = text[f.value_start:f.value_end]
            edits.append((f.value_start, f.value_end, _delimited(now[1], style.quotes, like)))
        else:
            added.append(now)
    if added:
        edits.append(_insertion(text, src, style, added))
    edits.sort(key=lambda e: (e[0], e[1]))
    out, pos = [], 0
    for start, end, replacement in edits:
        if start < pos:  # overlapping edits cannot be placed: write the entry whole
            return writer.entry(new)
        out.append(text[pos:start])
        out.append(replacement)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _removal(text: str, src: _Source, f: _Field) -> tuple[int, int, str]:
    if _own_line(text, f):
        eol = text.find("\n", f.end)
        if eol >= 0 and not text[f.end:eol].strip():
            return _line_start(text, f.name_start), eol + 1, ""
    if f.comma_end is not None:
        end = f.comma_end
        while end < len(text) and text[end] in " \t":
            end += 1
        return f.name_start, end, ""
    return f.sep_before, f.value_end, ""


def _insertion(text: str, src: _Source, style: _Style, added: list[tuple[str, str]]) -> tuple[int, int, str]:
    last = src.fields[-1]
    lines = [style.line(n, v) for n, v in added]
    if _own_line(text, last):
        if last.comma_end is not None:
            return last.comma_end, last.comma_end, "".join(f"\n{style.indent}{x}," for x in lines)
        # no trailing comma: the new lines go before the last field, so no existing line changes
        start = _line_start(text, last.name_start)
        return start, start, "".join(f"{style.indent}{x},\n" for x in lines)
    if last.comma_end is not None:
        return last.comma_end, last.comma_end, "".join(f" {x}," for x in lines)
    return last.value_end, last.value_end, "".join(f", {x}" for x in lines)


# ---------------------------------------------------------------------------- the whole file


def detect_flavour(library: Library, name: str) -> str:
    """``biblatex`` when the file's entries mostly spell fields the BibLaTeX way (``journaltitle``,
    ``date``, ``location``), so that the fields bibkit adds to it are spelled alike."""
    return flavour_of(flavour_votes(library.entries, name))


def flavour_votes(entries, name: str) -> Counter:
    """How many of the entries read from ``name`` spell fields the BibLaTeX way, and how many
    the BibTeX way (counted batch by batch for a file read in batches, then added up)."""
    votes: Counter = Counter()
    for e in entries:
        if e.span is None or e.span[0] != name:
            continue
        names = e.field_names
        if names.get("container-title") == "journaltitle" or names.get("issued") == "date" \
                or names.get("publisher-place") == "location":
            votes["biblatex"] += 1
        elif names.get("container-title") == "journal" or names.get("issued") == "year":
            votes["bibtex"] += 1
    return votes


def flavour_of(votes: Counter) -> str:
    return "biblatex" if votes["biblatex"] > votes["bibtex"] else "bibtex"


def _separator(original: Original) -> str:
    """The whitespace the file most often puts between two entries (a blank line by default)."""
    spans = original.spans
    entry = [isinstance(original.blocks[start], Entry) for start, _ in spans]
    gaps = Counter(g for i in range(len(spans) - 1) if entry[i] and entry[i + 1]
                   for g in [original.gap_after(i)] if "\n" in g)
    return gaps.most_common(1)[0][0] if gaps else "\n\n"


def _key_of(block: Block) -> str | None:
    return block.key.casefold() if isinstance(block, Entry) and block.key else None


#: a file counts as sorted by key when this share of its neighbouring entries are in key order
SORTED_SHARE = 0.95


def _placed(original: Original, blocks: list[Block], index_of) -> list[Block]:
    """New entries moved to their sorted place when the file's entries are sorted by key."""
    old = [(n, k) for n, b in enumerate(blocks) if index_of(b) is not None and isinstance(b, Entry)
           for k in [_key_of(b)]]
    keys = [k for _, k in old]
    if len(keys) < 3 or None in keys:
        return blocks
    # sorted by key, give or take a few entries added out of place by hand
    if sum(a <= b for a, b in zip(keys, keys[1:])) < SORTED_SHARE * (len(keys) - 1):
        return blocks
    new = [b for b in blocks if index_of(b) is None and isinstance(b, Entry) and _key_of(b) is not None]
    if not new:
        return blocks
    before: dict[int, list[Block]] = {}  # position in blocks -> new entries that go before it
    for b in sorted(new, key=_key_of):
        at = bisect_right(keys, _key_of(b))
        before.setdefault(old[at][0] if at < len(old) else old[-1][0] + 1, []).append(b)
    moved = {id(b) for b in new}
    out: list[Block] = []
    for n, b in enumerate(blocks + [None]):
        out.extend(before.get(n, ()))
        if b is not None and id(b) not in moved:
            out.append(b)
    return out


def written_block(source: str, old: Block, block: Block, writer: BibTeXWriter) -> str:
    """``block`` (read as ``old`` from the text ``source``) as written back: the text itself when
    unchanged, a changed entry edited field by field, anything else written anew."""
    if _unchanged(old, block):
        return source
    if isinstance(block, Entry) and isinstance(old, Entry):
        return edit_entry(source, old, block, writer)
    return writer.block(block)


def write_preserving(original: Original, library: Library, writer: BibTeXWriter) -> str:
    """``library`` written as edits to ``original``'s text (see the module docstring)."""
    text = original.text
    position = {start: n for n, (start, _) in enumerate(original.spans)}
    seen: set[int] = set()

    def index_of(block: Block) -> int | None:
        span = block.span
        if span is None or span[0] != original.name or span[1] not in position:
            return None
        return position[span[1]]

    blocks = []
    for block in library.blocks:  # a span written twice (a copied block) is new the second time
        n = index_of(block)
        if n is not None and n in seen:
            block = dataclasses.replace(block, span=None)
        elif n is not None:
            seen.add(n)
        blocks.append(block)
    blocks = _placed(original, blocks, index_of)
    sep = _separator(original)
    out = [text[:original.spans[0][0]] if original.spans else ""]
    previous: int | None = None
    first = True
    for block in blocks:
        n = index_of(block)
        if not first:
            out.append(original.gap_after(previous) if previous is not None and n is not None and n > previous
                       else sep)
        first = False
        if n is None:
            out.append(writer.block(block))
        else:
            start, end = original.spans[n]
            out.append(written_block(text[start:end], original.blocks[start], block, writer))
        previous = n
    tail = text[original.spans[-1][1]:] if original.spans else ""
    if not first:
        out.append(tail if "\n" in tail or previous == len(original.spans) - 1 else "\n")
    elif tail.strip() == "":
        out = [""]
    return "".join(out)
