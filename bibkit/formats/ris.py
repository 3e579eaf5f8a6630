"""RIS in and out (EndNote, Zotero, Mendeley, publishers' and databases' exports).

Why our own line reader rather than ``rispy.loads``: a linter and a converter must say
``file:line`` for every tag it cannot read, and rispy gives no positions; it also raises on
input it does not like (text before the first ``TY``) where we want to recover and report. RIS
syntax is one tag per line (``XX  - value``), so a tolerant reader is a few lines, and it sees
the real-world quirks directly: one-space separators, a missing ``ER``, blank lines, values
wrapped over several lines. rispy still supplies the list of reference types (``ris_tags``).

The tag <-> canonical mapping lives in :mod:`bibkit.formats.ris_tags`. Nothing is lost: a tag
with no canonical slot, or a second tag for an already filled slot, is kept in ``entry.extra``
as ``ris:XX`` (repeated values joined by newlines) and written back.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from bibkit.dates import SEASONS, parse_edtf, parse_free_date
from bibkit.diagnostics import Reporter
from bibkit.export_parts import Parts
from bibkit.formats import ris_tags as T
from bibkit.formats.record_batches import REST_OF_LINE, Place, after_line
from bibkit.identifiers import normalize_doi
from bibkit.model import Date, DateParts, Entry, Library, Name, NameList, Source, Text
from bibkit.names import parse_name

_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]) {0,3}-(?:[ \t]+(.*)|)$")
_ISSN = re.compile(r"^\d{4}-?\d{3}[\dXx](\s.*)?$")
_RANGE = re.compile(r"^\s*([^-–—]+?)\s*(?:-+|–|—)\s*([^-–—]+?)\s*$")


@dataclass
class _Record:
    line: int
    type: str
    tags: list[list] = field(default_factory=list)  # [tag, value, line]


# --------------------------------------------------------------------------- reading


def scan(text: str, report: Reporter, first_line: int = 0) -> list[_Record]:
    """Split RIS text into records of (tag, value, line), reporting what is not RIS.

    ``first_line``: lines before ``text`` in its file (a batch, :mod:`.record_batches`)."""
    records: list[_Record] = []
    current: _Record | None = None
    last: list | None = None
    for number, raw in enumerate(text.splitlines(), first_line + 1):
        line = raw.rstrip()
        if not line.strip():
            continue
        match = _TAG_LINE.match(line)
        if match is None:
            if last is not None and last[0] in T.LIST_TAGS:  # EndNote: one more value of the list
                last = [last[0], line.strip(), number]
                current.tags.append(last)
            elif last is not None:  # a value wrapped over several lines
                glue = "\n" if last[0] in T.MULTILINE_TAGS else " "
                last[1] = f"{last[1]}{glue}{line.strip()}" if last[1] else line.strip()
            else:
                report.warn(number, "not a RIS tag line (expected 'XX  - value'); skipped", "ris-syntax")
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag == "TY":
            if current is not None:
                report.warn(current.line, f"entry has no 'ER' before the next 'TY' at line {number}; ended there", "ris-missing-er")
                records.append(current)
            current, last = _Record(number, value.upper()), None
            continue
        if tag == "ER":
            if current is None:
                report.warn(number, "'ER' without an entry before it; ignored", "ris-syntax")
            else:
                records.append(current)
            current, last = None, None
            continue
        if current is None:
            report.warn(number, f"tag {tag} before any 'TY'; started an entry of type GEN", "ris-missing-ty")
            current = _Record(number, "")
        last = [tag, value, number]
        current.tags.append(last)
    if current is not None:
        report.warn(current.line, "last entry has no 'ER'; ended at the end of the file", "ris-missing-er")
        records.append(current)
    return records


def parse_ris_date(value: str) -> Date | None:
    """``2020/05/01/Spring``, ``2020///``, ``2020``, ``2020-05-01``, ``May 2020`` -> Date."""
    text = value.strip()
    parts = text.split("/")
    if re.fullmatch(r"\d{1,4}", parts[0].strip()):
        year = int(parts[0])
        nums: list[int | None] = []
        for part in parts[1:3]:
            part = part.strip()
            if not part:
                nums.append(None)
            elif part.isdigit():
                nums.append(int(part))
            else:
                return None
        nums += [None] * (2 - len(nums))
        month, day = nums
        if month is not None and not 1 <= month <= 12:
            return None
        if day is not None and (month is None or not 1 <= day <= 31):
            return None
        other = "/".join(parts[3:]).strip()
        season = SEASONS.get(other.lower()) if other and month is None else None
        return Date(start=DateParts(year, month, day if month else None), season=season)
    return parse_edtf(text) or parse_free_date(text)


def _precision(date: Date) -> int:
    if date.start is None:
        return 0
    return 1 + (date.start.month is not None) + (date.start.day is not None)


def parse_ris_name(value: str) -> Name:
    """RIS names are ``Last, First, Suffix`` (BibTeX order is ``Last, Suffix, First``)."""
    parts = [p.strip() for p in value.split(",")]
    if len(parts) >= 3 and parts[2]:
        return parse_name(f"{parts[0]}, {', '.join(parts[2:])}, {parts[1]}")
    return parse_name(value)


class RISReader:
    """One file's reading state; records become entries, problems go to the reporter."""

    def __init__(self, name: str, **_ignored):
        self.name = name
        self.library = Library()
        self.report = Reporter(name, self.library.problems)

    def read(self, text: str, place: Place = Place()) -> Library:
        records = scan(text, self.report, place.line)
        self.scanned = len(self.library.problems)
        for record in records:
            self.library.blocks.append(self.entry(record))
        return self.library

    def _extra(self, entry: Entry, tag: str, value: str) -> None:
        key = T.EXTRA_PREFIX + tag
        entry.extra[key] = f"{entry.extra[key]}\n{value}" if key in entry.extra else value

    def entry(self, record: _Record) -> Entry:
        ty = record.type
        entry = Entry(type=T.TYPE_TO_CSL.get(ty, "document"), source=Source(self.name, record.line, "ris"),
                      source_type=ty)
        if not ty:
            self.report.warn(record.line, "entry has no type (TY); GEN assumed", "ris-missing-ty")
        elif ty not in T.RIS_TYPES:
            self.report.warn(record.line, f"unknown reference type {ty!r}; read as a generic document, type kept", "ris-bad-type")
        names: dict[str, list[Name]] = {}
        dates: list[tuple[str, str, Date, int]] = []
        keywords: list[str] = []
        start = end = None
        for tag, value, line in record.tags:
            if not value:
                self._extra(entry, tag, value)
            elif tag == "ID" and entry.key is None:
                entry.key = value
            elif tag in T.NAME_TAGS:
                role = T.NAME_TAGS[tag]  # AU and A1 alike are authors; the first spelling is written back
                entry.field_names.setdefault(role, tag)
                names.setdefault(role, []).append(parse_ris_name(value))
            elif tag in T.DATE_TAGS:
                date = parse_ris_date(value)
                if date is None:
                    self.report.warn(line, f"{tag} {value!r} is not a date (YYYY/MM/DD/other); kept as written", "bad-date")
                    self._extra(entry, tag, value)
                else:
                    dates.append((tag, value, date, line))
            elif tag in T.PAGE_TAGS:
                if tag == "SP" and start is None:
                    start = value
                elif tag == "EP" and end is None:
                    end = value
                else:
                    self._extra(entry, tag, value)
            elif tag == T.KEYWORD_TAG:
                keywords.append(value)
            elif tag in ("DO", "UR", "SN"):
                self._identifier(entry, tag, value, line)
            elif tag in T.TEXT_TAGS and T.TEXT_TAGS[tag] not in entry.fields:
                slot = T.TEXT_TAGS[tag]
                entry.fields[slot] = Text(value)
                entry.field_names[slot] = tag
            else:
                self._extra(entry, tag, value)
        for role, found in names.items():
            entry.names[role] = NameList(found)
        self._dates(entry, dates)
        if start is not None or end is not None:
            entry.fields["page"] = Text(f"{start}-{end}" if start and end else (start or end or ""))
            entry.field_names["page"] = "SP+EP" if start and end else ("SP" if start else "EP")
        if keywords:
            entry.fields["keyword"] = Text(", ".join(keywords))
            entry.meta["ris_keywords"] = keywords
        return entry

    def _dates(self, entry: Entry, dates: list[tuple[str, str, Date, int]]) -> None:
        """The most precise publication date wins (``DA 2020/05/01`` over ``PY 2020``)."""
        by_role: dict[str, list[tuple[str, str, Date, int]]] = {}
        for item in dates:
            by_role.setdefault(T.DATE_TAGS[item[0]], []).append(item)
        for role, items in by_role.items():
            best = max(items, key=lambda it: _precision(it[2]))
            entry.dates[role] = best[2]
            entry.field_names[role] = best[0]
            entry.meta.setdefault("ris_raw", {})[best[0]] = best[1]
            for item in items:
                if item is not best:
                    self._extra(entry, item[0], item[1])

    def _identifier(self, entry: Entry, tag: str, value: str, line: int) -> None:
        ids = entry.ids
        if tag == "DO":
            doi = normalize_doi(value)
            if not doi:
                self.report.warn(line, f"DO {value!r} is not a DOI; kept as written", "bad-doi")
                self._extra(entry, tag, value)
            elif ids.doi:
                self._extra(entry, tag, value)
            else:
                ids.doi = doi
                if doi != value:
                    entry.meta.setdefault("ris_raw", {})["DO"] = value
        elif tag == "UR":
            if ids.url:
                self._extra(entry, tag, value)
            else:
                ids.url = value
        elif tag == "SN":
            if _ISSN.match(value) and not ids.issn:
                ids.issn = value
            elif not _ISSN.match(value) and not ids.isbn:
                ids.isbn = value
            else:
                self._extra(entry, tag, value)


class RISImporter:
    name = "ris"
    extensions = (".ris",)
    description = "RIS (EndNote, Zotero, Mendeley, publishers' exports)"

    def detect(self, text: str) -> float:
        return 0.9 if re.search(r"^TY {1,3}- ?\S", text[:5000], re.MULTILINE) else 0.0

    def parse(self, text: str, name: str = "<input>", **options) -> Library:
        return self.read_batch(text, name, **options)[0]

    #: after an ``ER`` line the reader starts afresh (:mod:`.record_batches`)
    batch_cut = after_line(rf"ER {{0,3}}-(?:[ \t]{REST_OF_LINE})?")

    def read_batch(self, text: str, name: str = "<input>", place: Place = Place(), **options) -> tuple[Library, int]:
        reader = RISReader(name, **options)
        return reader.read(text, place), reader.scanned


# --------------------------------------------------------------------------- writing


def format_ris_name(name: Name) -> str:
    if name.literal:
        return name.literal
    family = " ".join(p for p in (name.dropping_particle, name.particle, name.family) if p)
    parts = [family, name.given] if name.given else [family]
    if name.suffix:
        parts = [family, name.given, name.suffix]
    return ", ".join(parts)


def format_ris_date(date: Date, tag: str) -> str:
    if date.start is None:
        return date.literal
    s = date.start
    if tag == "PY" and s.month is None and not date.season:
        return f"{s.year:04d}"
    month = f"{s.month:02d}" if s.month else ""
    day = f"{s.day:02d}" if s.day else ""
    other = next((k.capitalize() for k, v in SEASONS.items() if v == date.season), "") if date.season else ""
    return f"{s.year:04d}/{month}/{day}/{other}"


class RISWriter:
    """Canonical entries -> RIS. Entries read from RIS keep their tag spellings and type code."""

    def dump(self, library: Library) -> str:
        return "".join(self.entry(e) + "\n" for e in library.entries)

    def tags(self, entry: Entry) -> list[tuple[str, str]]:
        from_ris = bool(entry.source and entry.source.format == "ris")
        spelled = entry.field_names if from_ris else {}
        raw = entry.meta.get("ris_raw", {})  # verbatim values, used only while they still parse the same
        out: list[tuple[str, str]] = [("TY", self._type(entry, from_ris))]
        if entry.key:
            out.append(("ID", entry.key))
        for role, names in entry.names.items():
            tag = spelled.get(role) if T.NAME_TAGS.get(spelled.get(role, "")) == role else T.OUT_NAMES.get(role)
            if tag:
                out.extend((tag, format_ris_name(n)) for n in names)
        for var, value in entry.fields.items():
            if var in ("page", "keyword"):
                continue
            tag = spelled.get(var) if T.TEXT_TAGS.get(spelled.get(var, "")) == var else T.OUT_TEXT.get(var)
            if tag in T.MULTILINE_TAGS:
                out.append((tag, "\n".join(" ".join(part.split()) for part in str(value).splitlines())))
            elif tag:
                out.append((tag, " ".join(str(value).split())))
        for role, date in entry.dates.items():
            tag = spelled.get(role) if T.DATE_TAGS.get(spelled.get(role, "")) == role else T.OUT_DATES.get(role)
            if tag and date:
                written = raw.get(tag)
                if written is None or parse_ris_date(written) != date:
                    written = format_ris_date(date, tag)
                out.append((tag, written))
        out.extend(self._pages(entry, spelled))
        out.extend(self._keywords(entry))
        ids = entry.ids
        if ids.doi:
            verbatim = raw.get("DO")
            out.append(("DO", verbatim if verbatim and normalize_doi(verbatim) == ids.doi else ids.doi))
        if ids.url:
            out.append(("UR", ids.url))
        elif ids.arxiv:
            out.append(("UR", f"https://arxiv.org/abs/{ids.arxiv}{ids.arxiv_version}"))
        for value in (ids.issn, ids.isbn):
            if value:
                out.append(("SN", value))
        for key, value in entry.extra.items():
            if key.startswith(T.EXTRA_PREFIX):
                tag = key[len(T.EXTRA_PREFIX):]
                out.extend((tag, v) for v in value.split("\n"))
        order = {tag: i for i, tag in enumerate(T.TAG_ORDER)}
        out.sort(key=lambda tv: order.get(tv[0], len(order)))  # stable: repeated tags keep order
        return out

    def _type(self, entry: Entry, from_ris: bool) -> str:
        code = entry.source_type
        if code and (from_ris or code in T.RIS_TYPES) and T.TYPE_TO_CSL.get(code, "document") == entry.type:
            return code
        return T.CSL_TO_TYPE.get(entry.type, "GEN")

    def _pages(self, entry: Entry, spelled: dict) -> list[tuple[str, str]]:
        page = str(entry.fields.get("page", "")).strip()
        if not page:
            return []
        how = spelled.get("page", "SP+EP")
        match = _RANGE.match(page)
        if how == "SP" or how == "EP" or match is None:
            return [("SP" if how != "EP" else "EP", page)]
        return [("SP", match.group(1)), ("EP", match.group(2))]

    def _keywords(self, entry: Entry) -> list[tuple[str, str]]:
        value = str(entry.fields.get("keyword", ""))
        if not value:
            return []
        kept = entry.meta.get("ris_keywords")
        if isinstance(kept, list) and ", ".join(kept) == value:
            words = kept
        else:
            words = [w.strip() for w in re.split(r"[;,]", value) if w.strip()]
        return [("KW", w) for w in words]

    def entry(self, entry: Entry) -> str:
        lines = [f"{tag}  - {value}".rstrip() for tag, value in self.tags(entry)]
        lines.append("ER  - ")
        return "\n".join(lines) + "\n"


class RISExporter:
    name = "ris"
    extension = ".ris"
    primary = True
    description = "RIS for EndNote, Zotero, Mendeley and reference managers"

    def dump(self, library: Library, **_options) -> str:
        return RISWriter().dump(library)

    def parts(self, **_options) -> Parts:
        return Parts(RISWriter().dump, "")
