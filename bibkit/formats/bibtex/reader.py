"""BibTeX and BibLaTeX blocks into canonical ones: value evaluation, fields, dates, recovery.

bibtexparser (:mod:`.blocks`) splits the text into blocks and never throws input away; we do
our own value evaluation (``#`` concatenation, ``@string`` and month macros) because we need to
know which fields used macros (to write them back as macros) and to report undefined macros with
their line. Blocks that fail are recovered where the damage is local (odd keys, a missing key,
fields orphaned by a stray brace) and always reported.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable

from bibtexparser import model as bp

from bibkit import latex
from bibkit.dates import MONTHS, parse_bibtex_date, parse_edtf, parse_month
from bibkit.diagnostics import Reporter
from bibkit.formats.bibtex.blocks import parse_blocks
from bibkit.formats.bibtex.citekeys import safe_key
from bibkit.formats.bibtex.fields import (
    DATE_FIELDS, ID_FIELDS, INFERRED_FIELD, NAME_FIELDS, PARAGRAPH_FIELDS, PERIODICAL_TYPES, SUBTYPE_FIELD,
    TEXT_FIELDS, VERBATIM_FIELDS,
)
from bibkit.formats.bibtex.values import ValueError_, evaluate
from bibkit.identifiers import normalize_doi, normalize_pmid, parse_arxiv
from bibkit.model import Comment, Date, Entry, Library, Preamble, Source, StringDef, Text
from bibkit.names import parse_names
from bibkit.types import CSL_TYPES, csl_type_from_bibtex

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

_DATE_PARTS = frozenset(("year", "month", "day", "date"))
# every source field with a canonical slot; all others go to ``extra`` as they are
_MAPPED = frozenset(_DATE_PARTS | set(NAME_FIELDS) | set(DATE_FIELDS) | ID_FIELDS | set(TEXT_FIELDS))


class _SpanFinder:
    """Where bibtexparser's blocks are in the text they were split from.

    bibtexparser keeps each block's exact text (``raw``; an implicit comment's without its
    surrounding whitespace) and its first line, not its offsets. Blocks come in file order, so
    each is looked for on its own first line, after the lines already passed: the search never
    goes back, and a block whose text is not found there simply gets no span.
    """

    def __init__(self, text: str):
        self.text = text
        self.line = 0  # the 0-based line self.pos is on
        self.pos = 0  # where the last block found ends (nothing before it is searched)

    def find(self, block: bp.Block) -> tuple[int, int] | None:
        raw, line = block.raw, block.start_line
        if not raw or line is None:
            return None
        text = self.text
        if line < self.line:  # a failed block bibtexparser re-entered: count again from the top
            self.line, self.pos = 0, 0
        while self.line < line:
            nl = text.find("\n", self.pos)
            if nl < 0:
                return None
            self.pos, self.line = nl + 1, self.line + 1
        start = self.pos
        while start < len(text) and text[start] in " \t":
            start += 1
        if not text.startswith(raw, start):
            eol = text.find("\n", self.pos)
            start = text.find(raw, self.pos, (len(text) if eol < 0 else eol) + len(raw))
            if start < 0:
                return None
        end = start + len(raw)
        self.pos, self.line = end, line + raw.count("\n")
        return start, end


class BlockReader:
    """One file's (or one piece's) reading state: macros seen so far, the library, the reporter.

    It turns bibtexparser's blocks into canonical ones (:meth:`convert`); reading a whole text,
    on one core or in pieces, is :class:`bibkit.formats.bibtex.importer.BibTeXReader`'s.
    """

    def __init__(self, name: str, resolve_crossref: bool = False, keep_raw: bool = False,
                 jobs: int | None = None, line_offset: int = 0, char_offset: int = 0, **_ignored):
        self.name = name
        self.library = Library()
        self.report = Reporter(name, self.library.problems)
        self.macros: dict[str, str] = {}
        self.resolve = resolve_crossref
        # keep_raw: remember each field's value expression as written and its line in
        # entry.meta["_raw"] (for `bibkit check`, whose checks and fixes need the source text)
        self.keep_raw = keep_raw
        # jobs: worker processes for a large file (bibkit.formats.bibtex.pieces); None = automatic
        self.jobs = jobs
        # line_offset: lines before the text this reader sees (a piece of a larger file)
        self.line_offset = line_offset
        # char_offset: characters before it (block spans are offsets into the whole text)
        self.char_offset = char_offset

    def convert(self, blocks: list[bp.Block], text: str | None = None) -> None:
        """bibtexparser's blocks, in file order, into canonical blocks and problems.

        The list is consumed (emptied): each parsed block is freed once converted, so the two
        forms of a large file are never in memory whole at once, and a reference cycle that
        catches this frame (pylatexenc's walker makes some) cannot keep them all alive.
        ``text`` is what the blocks were split from: each canonical block then gets its span.
        """
        finder = _SpanFinder(text) if text is not None else None
        out = self.library.blocks
        blocks.reverse()
        while blocks:
            block = blocks.pop()
            following = blocks[-1] if blocks else None
            before = len(out)
            consumed = self._block(block, following)
            span = finder.find(block) if finder is not None else None
            if consumed:
                blocks.pop()
                tail = finder.find(following) if finder is not None else None
                span = (span[0], tail[1]) if span is not None and tail is not None else None
            if span is not None and len(out) == before + 1:
                out[-1].span = (self.name, span[0] + self.char_offset, span[1] + self.char_offset)

    def _line(self, start_line: int | None) -> int:
        """A 1-based line of the whole file from bibtexparser's 0-based line in this text."""
        return (start_line or 0) + 1 + self.line_offset

    def _strip_control_characters(self, text: str) -> str:
        """Remove control characters (and ANSI colour codes around them), one warning per line.

        Only the lines that hold one are touched: a large file with a stray control character
        is not cut into millions of lines.
        """
        out: list[str] = []
        done = 0  # text[:done] is in out
        number, counted = 1 + self.line_offset, 0  # the line number of text[counted]
        for m in _CONTROL.finditer(text):
            if m.start() < done:
                continue  # a further character of a line already cleaned
            start = text.rfind("\n", 0, m.start()) + 1
            end = text.find("\n", m.start())
            end = len(text) if end < 0 else end
            number += text.count("\n", counted, start)
            counted = start
            line = text[start:end]
            found = sorted({f"U+{ord(c):04X}" for c in _CONTROL.findall(line)})
            self.report.warn(number, f"control characters removed ({', '.join(found)})", "control-char")
            out.append(text[done:start])
            out.append(_CONTROL.sub("", _ANSI.sub("", line)))
            done = end
        if not out:
            return text
        out.append(text[done:])
        return "".join(out)

    # ---- blocks
    def _block(self, block: bp.Block, following: bp.Block | None) -> int:
        line = self._line(block.start_line)
        lib = self.library
        if isinstance(block, bp.DuplicateBlockKeyBlock) and not isinstance(block.ignore_error_block, bp.Entry):
            self.report.warn(line, f"{block.key!r} is defined twice; the later definition is used from here on", "duplicate-string")
            return self._block(block.ignore_error_block, following)
        if isinstance(block, bp.DuplicateBlockKeyBlock):
            entry = block.ignore_error_block
            first = getattr(block.previous_block, "start_line", None)
            where = f" (first used at line {self._line(first)})" if first is not None else ""
            self.report.warn(line, f"duplicate key {block.key!r}{where}; both entries kept", "duplicate-key")
            lib.blocks.append(self._entry(entry))
            return 0
        if isinstance(block, bp.DuplicateFieldKeyBlock):
            entry = block.ignore_error_block
            lib.blocks.append(self._entry(entry, duplicate_fields=block.duplicate_keys))
            return 0
        if isinstance(block, bp.ParsingFailedBlock):
            return self._failed(block, following)
        if isinstance(block, bp.Entry):
            entry = self._entry(block)
            lib.blocks.append(entry)
            return self._adopt_orphans(entry, block, following)
        if isinstance(block, bp.String):
            raw = block.value
            try:
                value, undefined, _ = evaluate(raw, self.macros)
            except ValueError_ as exc:
                self.report.error(line, f"@string {block.key}: {exc}; kept as written", "bad-value")
                value, undefined = raw, []
            for u in undefined:
                self.report.warn(line, f"undefined macro {u!r} in @string {block.key}", "undefined-macro")
            self.macros[block.key.lower()] = value
            lib.blocks.append(StringDef(block.key, value, raw, line))
            return 0
        if isinstance(block, bp.Preamble):
            lib.blocks.append(Preamble(block.value, line))
            raw = block.value.strip()
            if raw and not raw.startswith(("{", '"')):
                try:
                    _, undefined, _ = evaluate(raw, self.macros)
                except ValueError_:
                    undefined = [raw]
                for u in undefined:
                    self.report.warn(line, f"undefined macro {u!r} in @preamble", "undefined-macro")
            return 0
        if isinstance(block, bp.ExplicitComment):
            lib.blocks.append(Comment(block.comment, True, line))
            return 0
        if isinstance(block, bp.ImplicitComment):
            if block.comment.strip():
                lib.blocks.append(Comment(block.comment, False, line))
            return 0
        return 0  # pragma: no cover - bibtexparser has no other block kinds

    def _adopt_orphans(self, entry: Entry, block: bp.Entry, following: bp.Block | None) -> int:
        """Fields left outside an entry by a stray ``}`` go back into it, with a report.

        Only when none of them is already in the entry: fields that would repeat the entry's own
        are a pasting accident, not the rest of this entry, and stay a (reported) comment.
        """
        if not isinstance(following, bp.ImplicitComment):
            return 0
        text = following.comment
        if not re.match(r"\s*,?\s*[\w\-:.]+\s*=", text):
            return 0
        body = text.strip()
        body = body[1:] if body.startswith(",") else body
        if body.endswith("}"):
            body = body[:-1]
        reparsed = [b for b in parse_blocks("@misc{orphans,\n" + body + "\n}") if isinstance(b, bp.Entry)]
        if not reparsed:
            return 0
        line = self._line(following.start_line)
        orphans = reparsed[0].fields
        own = {f.key.lower() for f in block.fields}
        if any(f.key.lower() in own for f in orphans):
            self.report.error(line, f"fields outside any entry (after {entry.key!r}); kept as a comment", "orphan-fields")
            return 0
        names = []
        for f in orphans:
            fake = bp.Field(f.key, f.value, (following.start_line or 0) + (f.start_line or 0))
            self._field(entry, fake, line, set())
            names.append(f.key)
        self.report.error(
            line, f"a stray '}}' closed entry {entry.key!r} early; fields {', '.join(names)} put back into it",
            "stray-brace")
        self._finish(entry)
        return 1

    def _failed(self, block: bp.ParsingFailedBlock, following: bp.Block | None) -> int:
        """Recover an entry bibtexparser could not parse when the damage is only in its key."""
        line = self._line(block.start_line)
        raw = block.raw or ""
        consumed = 0
        if isinstance(following, bp.ImplicitComment) and not re.search(r"^\s*@", following.comment, re.M):
            raw = raw + following.comment
            consumed = 1
        m = re.match(r"\s*@\s*(\w+)\s*([{(])\s*", raw)
        if m:
            rest = raw[m.end():]
            keyless = re.match(r"[\w\-:.]+\s*=", rest)
            if keyless:
                key, body = "", rest
            else:
                km = re.match(r"(.*?)\s*,\s*(?=[\w\-:.]+\s*=|\s*[})]\s*$)", rest, re.S)
                key, body = (km.group(1), rest[km.end():]) if km else (None, None)
            if body is not None:
                closing = "}" if m.group(2) == "{" else ")"
                body = body.rstrip()
                if body.endswith(closing):
                    body = body[:-1]
                reparsed = parse_blocks("@" + m.group(1) + "{recovered,\n" + body + "\n}")
                entries = [b for b in reparsed if isinstance(b, bp.Entry)]
                if entries and not any(isinstance(b, bp.ParsingFailedBlock) for b in reparsed):
                    src = entries[0]
                    src_entry = bp.Entry(m.group(1), key.strip(), [
                        bp.Field(f.key, f.value, (block.start_line or 0) + (f.start_line or 0) - 1)
                        for f in src.fields], block.start_line, raw)
                    entry = self._entry(src_entry)
                    if key:
                        self.report.warn(line, f"key {key.strip()!r} has characters BibTeX and biber reject; "
                                         f"written as {safe_key(key.strip())!r}", "bad-key")
                    else:
                        entry.key = None
                        self.report.warn(line, "entry has no key; one will be generated", "missing-key")
                    self.library.blocks.append(entry)
                    return consumed
        message = str(block.error).strip().splitlines()
        self.report.error(line, f"could not read this block ({message[-1] if message else 'syntax error'}); kept as a comment", "syntax")
        self.library.blocks.append(Comment(raw, False, line))
        return consumed

    # ---- entries
    def _entry(self, block: bp.Entry, duplicate_fields: Iterable[str] = ()) -> Entry:
        line = self._line(block.start_line)
        source_type = block.entry_type.lower()
        entry = Entry(
            key=block.key.strip() or None,
            type=csl_type_from_bibtex(source_type),
            source=Source(self.name, line, "bibtex"),
            source_type=source_type,
        )
        seen: set[str] = set()
        dups = {d.lower() for d in duplicate_fields}
        for field in block.fields:
            fname = field.key.lower()
            if fname in seen and fname in dups:
                fline = self._line(field.start_line)
                value, _, _ = self._value(field, fline)
                entry.extra[f"{fname}-duplicate"] = value
                self.report.warn(fline, f"field {field.key!r} appears twice in {entry.key!r}; the first value is used, the second kept as '{fname}-duplicate'", "duplicate-field")
                continue
            seen.add(fname)
            self._field(entry, field, line, seen)
        self._finish(entry)
        return entry

    def _value(self, field: bp.Field, line: int) -> tuple[str, str | None, bool]:
        """(expanded value, raw expression if it used a user macro, ok)."""
        raw = field.value
        end = len(raw) - 1
        if raw[:1] == "{" and raw[-1:] == "}" and raw.find("{", 1, end) < 0 and raw.find("}", 1, end) < 0:
            return raw[1:-1], None, True  # the common case: one braced value, no inner braces
        try:
            value, undefined, used = evaluate(raw, self.macros)
        except ValueError_ as exc:
            self.report.error(line, f"field {field.key!r}: {exc}; value kept as written", "bad-value")
            return raw.strip(), None, False
        for u in undefined:
            if field.key.lower() == "month" and u.lower()[:3] in MONTHS:
                continue
            self.report.warn(line, f"undefined macro {u!r} in field {field.key!r}; its name is kept", "undefined-macro")
        return value, (raw.strip() if used else None), True

    def _field(self, entry: Entry, field: bp.Field, entry_line: int, seen: set[str]) -> None:
        fname = field.key.lower()
        line = self._line(field.start_line) if field.start_line is not None else entry_line
        if self.keep_raw:
            entry.meta.setdefault("_raw", {}).setdefault(fname, (field.value, line))
        value, macro_raw, ok = self._value(field, line)
        if not ok and "{" in value:
            # e.g. a stray brace: keep the text, not the broken structure
            value = value.replace("{", "").replace("}", "")
        if macro_raw is not None:
            entry.meta.setdefault("bibtex_raw", {})[fname] = (macro_raw, value)
        if fname not in _MAPPED:  # most fields of real files: kept verbatim, nothing to decide
            entry.extra[field.key] = value
            return
        if fname in _DATE_PARTS:
            entry.meta.setdefault("_bibtex_pending", {})[fname] = (value, line)
            return
        if fname in NAME_FIELDS:
            role = NAME_FIELDS[fname]
            if role in entry.names:
                entry.extra[field.key] = value
                return
            entry.names[role] = parse_names(value)
            entry.field_names[role] = fname
            return
        if fname in DATE_FIELDS:
            role = DATE_FIELDS[fname]
            parsed = parse_edtf(value)
            if parsed is None:
                entry.extra[field.key] = value
                self.report.warn(line, f"{field.key} {value!r} is not a date (YYYY-MM-DD); kept as written", "bad-date")
                return
            entry.dates[role] = parsed
            entry.field_names[role] = fname
            return
        if fname in ID_FIELDS:
            self._identifier(entry, fname, field.key, value, line)
            return
        slot = TEXT_FIELDS.get(fname)
        if slot and slot not in entry.fields:
            if fname in VERBATIM_FIELDS:
                text = Text(value)
            else:  # an abstract keeps its paragraph breaks
                text = latex.decode(value, protect=True, paragraphs=slot in PARAGRAPH_FIELDS)
            if latex.count_stray_braces(text):
                self.report.error(line, f"field {field.key!r} has an unmatched '}}'; it was dropped from the value", "stray-brace")
            entry.fields[slot] = text
            entry.field_names[slot] = fname
            return
        entry.extra[field.key] = value

    def _identifier(self, entry: Entry, fname: str, original: str, value: str, line: int) -> None:
        ids = entry.ids
        v = value.strip()
        if fname == "doi":
            doi = normalize_doi(v)
            if doi and not ids.doi:
                ids.doi = doi
                if doi != v:
                    entry.meta.setdefault("bibtex_verbatim", {})["doi"] = v
            else:
                entry.extra[original] = value
                if not doi:
                    self.report.warn(line, f"doi {v!r} is not a DOI; kept as written", "bad-doi")
        elif fname == "url":
            if ids.url:
                entry.extra[original] = value
            else:
                ids.url = v
        elif fname == "isbn":
            ids.isbn = v if not ids.isbn else ids.isbn
        elif fname == "issn":
            ids.issn = v if not ids.issn else ids.issn
        elif fname == "pmid":
            ids.pmid = normalize_pmid(v) or v
        elif fname == "pmcid":
            ids.pmcid = v
        elif fname == "eprint":
            entry.meta.setdefault("_eprint", v)
        elif fname in ("archiveprefix", "eprinttype"):
            entry.meta.setdefault("_eprinttype", v)
            entry.field_names.setdefault("eprinttype", fname)
        elif fname in ("primaryclass", "eprintclass"):
            ids.arxiv_class = v
            entry.field_names.setdefault("arxiv_class", fname)

    def _finish(self, entry: Entry) -> None:
        """Resolve what needs several fields: the issued date, arXiv eprints, issue numbers."""
        subtype = entry.extra.get(SUBTYPE_FIELD)
        if subtype is not None and subtype.strip() in CSL_TYPES and subtype.strip() != entry.type:
            entry.type = subtype.strip()  # kept in extra too: written back as it was
        pending = entry.meta.pop("_bibtex_pending", {})
        line = entry.source.line if entry.source else None
        if pending:
            self._issued(entry, pending, line)
        eprint = entry.meta.pop("_eprint", None)
        kind = entry.meta.pop("_eprinttype", "")
        if eprint is not None:
            arxiv, version = parse_arxiv(eprint)
            if arxiv and (not kind or kind.lower() == "arxiv"):
                entry.ids.arxiv, entry.ids.arxiv_version = arxiv, version
                if kind:
                    entry.meta["eprinttype_spelling"] = kind
            else:
                entry.extra["eprint"] = eprint
                if kind:
                    entry.extra[entry.field_names.pop("eprinttype", "eprinttype")] = kind
        elif kind:
            entry.extra[entry.field_names.pop("eprinttype", "eprinttype")] = kind
        marked = entry.extra.pop(INFERRED_FIELD, None)
        if marked:
            for role in (r.strip() for r in marked.split(",")):
                if role in entry.dates:
                    entry.dates[role] = replace(entry.dates[role], inferred=True)
        if entry.ids.arxiv_class and not entry.ids.arxiv:
            entry.extra[entry.field_names.pop("arxiv_class", "primaryclass")] = entry.ids.arxiv_class
            entry.ids.arxiv_class = ""
        if entry.type in PERIODICAL_TYPES and "number" in entry.fields and "issue" not in entry.fields:
            entry.fields["issue"] = entry.fields.pop("number")
            entry.field_names["issue"] = entry.field_names.pop("number", "number")

    def _issued(self, entry: Entry, pending: dict, line: int | None) -> None:
        if "date" in pending:
            value, dline = pending["date"]
            parsed = parse_edtf(value)
            if parsed is None:
                self.report.warn(dline, f"date {value!r} is not an ISO 8601 date; kept as written", "bad-date")
                parsed = Date(literal=value)
            entry.dates["issued"] = parsed
            entry.field_names["issued"] = "date"
            start = parsed.start
            for other in ("year", "month", "day"):
                if other not in pending:
                    continue
                value = pending[other][0].strip()
                expected = {"year": start.year if start else None,
                            "month": start.month if start else None,
                            "day": start.day if start else None}[other]
                got = parse_month(value) if other == "month" else (int(value) if value.lstrip("-").isdigit() else None)
                if got is None or got != expected:  # not redundant with the date: keep it
                    entry.extra[other] = pending[other][0]
            return
        year, yline = pending.get("year", ("", line))
        month, mline = pending.get("month", ("", line))
        day, _ = pending.get("day", ("", line))
        if not year.strip():
            for other in ("month", "day"):
                if other in pending:
                    entry.extra[other] = pending[other][0]
            return
        date, complaints = parse_bibtex_date(latex.decode_plain(year) if "\\" not in year else year, month, day)
        for c in complaints:
            self.report.warn(mline, c, "bad-month")
        if complaints:
            if month.strip():
                entry.extra["month"] = month
        if date is not None:
            if date.literal and "\\" in year:
                entry.meta.setdefault("bibtex_raw", {})["year"] = ("{" + year + "}", year)
            entry.dates["issued"] = date
            entry.field_names["issued"] = "year"
