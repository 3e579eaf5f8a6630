"""CITATION.cff in (Citation File Format 1.2 / 1.3, the file GitHub reads); out: :mod:`bibkit.formats.cff_out`.

Reading gives the work itself (software or a dataset), then its ``preferred-citation`` and its
``references``, each an entry; ``entry.meta["cff_role"]`` says which (``work``,
``preferred-citation``, ``reference``) so that writing a library read from CFF puts each back
in its place. Why PyYAML and not cffconvert: cffconvert converts a CFF file to other formats
but has no reader into a bibliography model we could use, pins jsonschema below 4, and PyYAML
is already a dependency; its schema is what the tests validate our output against.

People: ``family-names``/``given-names``/``name-particle``/``name-suffix`` become the name; an
entity (``name:``) a literal name. What a name cannot hold (ORCID, affiliation, e-mail) is kept
verbatim as JSON in ``extra["cff-authors"]`` (and the same for other roles), and written back.
"""
from __future__ import annotations

import datetime as _dt
import json
import re

import yaml

from bibkit.dates import parse_edtf
from bibkit.diagnostics import Reporter
from bibkit.formats.yaml_text import load_with_node
from bibkit.identifiers import normalize_doi
from bibkit.model import Date, DateParts, Entry, Library, Name, NameList, Source, Text

#: CFF reference type -> CSL type
TYPE_TO_CSL = {
    "art": "graphic", "article": "article-journal", "audiovisual": "motion_picture", "bill": "bill",
    "blog": "post-weblog", "book": "book", "catalogue": "book", "conference-paper": "paper-conference",
    "conference": "paper-conference", "data": "dataset", "database": "dataset", "dataset": "dataset",
    "dictionary": "entry-dictionary", "edited-work": "book", "encyclopedia": "entry-encyclopedia",
    "film-broadcast": "broadcast", "generic": "document", "government-document": "report", "grant": "document",
    "hearing": "hearing", "historical-work": "classic", "legal-case": "legal_case", "legal-rule": "regulation",
    "magazine-article": "article-magazine", "manual": "report", "map": "map", "multimedia": "document",
    "music": "musical_score", "newspaper-article": "article-newspaper", "pamphlet": "pamphlet",
    "patent": "patent", "personal-communication": "personal_communication", "proceedings": "paper-conference",
    "report": "report", "serial": "periodical", "slides": "speech", "software-code": "software",
    "software-container": "software", "software-executable": "software", "software-virtual-machine": "software",
    "software": "software", "sound-recording": "song", "standard": "standard", "statute": "legislation",
    "thesis": "thesis", "unpublished": "manuscript", "video": "motion_picture", "website": "webpage",
}
#: CFF person lists -> CSL name roles
ROLES = {"authors": "author", "editors": "editor", "editors-series": "collection-editor",
         "translators": "translator", "recipients": "recipient", "contributors": "contributor"}
#: CFF scalar keys -> CSL text variables
TEXT = {
    "title": "title", "journal": "container-title", "collection-title": "container-title",
    "volume": "volume", "issue": "issue", "number": "number", "edition": "edition", "section": "section",
    "abstract": "abstract", "notes": "note", "version": "version", "medium": "medium",
    "volume-title": "volume-title", "status": "status", "pages": "number-of-pages",
    "abbreviation": "title-short", "scope": "annote",
}
ENTITY_TEXT = {"publisher": "publisher", "institution": "publisher", "conference": "event-title",
               "database-provider": "source"}
_PERSON_NAME_KEYS = {"family-names", "given-names", "name-particle", "name-suffix", "name"}


def _scalar(value) -> str:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _date(value) -> Date | None:
    return parse_edtf(_scalar(value)) if value not in (None, "") else None


def _person(data) -> Name:
    if not isinstance(data, dict):
        return Name(literal=_scalar(data))
    if "family-names" in data or "given-names" in data:
        return Name(family=_scalar(data.get("family-names", "")), given=_scalar(data.get("given-names", "")),
                    particle=_scalar(data.get("name-particle", "")), suffix=_scalar(data.get("name-suffix", "")))
    return Name(literal=_scalar(data.get("name", "") or data.get("alias", "")))


class CFFReader:
    def __init__(self, name: str, **_ignored):
        self.name = name
        self.library = Library()
        self.report = Reporter(name, self.library.problems)

    def read(self, text: str) -> Library:
        try:
            data, node = load_with_node(text)
        except (yaml.YAMLError, ValueError) as exc:
            mark = getattr(exc, "problem_mark", None)
            self.report.error(mark.line + 1 if mark else None, f"not valid YAML: {getattr(exc, 'problem', exc)}", "bad-yaml")
            return self.library
        if not isinstance(data, dict) or "cff-version" not in data:
            self.report.error(1, "not a CITATION.cff file (no 'cff-version' key at the top)", "bad-cff")
            return self.library
        lines = _key_lines(node)
        work = self.entry(data, lines.get("title", 1), root=True, key_lines=lines)
        work.meta["cff_role"] = "work"
        work.meta["cff"] = {k: _scalar(data[k]) for k in ("cff-version", "message") if k in data}
        self.library.blocks.append(work)
        preferred = data.get("preferred-citation")
        if isinstance(preferred, dict):
            entry = self.entry(preferred, lines.get("preferred-citation"))
            entry.meta["cff_role"] = "preferred-citation"
            self.library.blocks.append(entry)
        references = data.get("references") or []
        if not isinstance(references, list):
            self.report.error(lines.get("references"), "'references' is not a list; not read", "bad-cff")
            references = []
        ref_lines = _item_lines(node, "references")
        for number, ref in enumerate(references):
            line = ref_lines[number] if number < len(ref_lines) else lines.get("references")
            if not isinstance(ref, dict):
                self.report.error(line, f"reference {number + 1} is not a mapping; skipped", "bad-cff")
                continue
            entry = self.entry(ref, line)
            entry.meta["cff_role"] = "reference"
            self.library.blocks.append(entry)
        return self.library

    def entry(self, data: dict, line: int | None, root: bool = False, key_lines: dict | None = None) -> Entry:
        kind = _scalar(data.get("type", "software" if root else "generic"))
        entry = Entry(type=TYPE_TO_CSL.get(kind, "document"), source=Source(self.name, line, "cff"), source_type=kind)
        if kind not in TYPE_TO_CSL:
            self.report.warn(line, f"unknown CFF type {kind!r}; read as a generic document, type kept", "cff-bad-type")
        skip = {"type", "preferred-citation", "references", "cff-version", "message"} if root else {"type"}
        year = month = None
        for key, value in data.items():
            if key in skip or value is None or value == "" or value == []:
                continue
            if key in ROLES and isinstance(value, list):
                entry.names[ROLES[key]] = NameList([_person(p) for p in value])
                details = [{k: _scalar(v) for k, v in p.items() if k not in _PERSON_NAME_KEYS} if isinstance(p, dict) else {}
                           for p in value]
                if any(details):
                    entry.extra[f"cff-{key}"] = json.dumps(details, ensure_ascii=False)
            elif key in TEXT and not isinstance(value, (dict, list)):
                self._text(entry, TEXT[key], _scalar(value), key)
            elif key in ENTITY_TEXT and isinstance(value, dict) and value.get("name"):
                self._text(entry, ENTITY_TEXT[key], _scalar(value["name"]), key)
                rest = {k: _scalar(v) for k, v in value.items() if k != "name"}
                if key == "conference" and rest.get("city"):
                    self._text(entry, "event-place", rest.pop("city"), "conference-city")
                if rest:
                    entry.extra[f"cff-{key}"] = json.dumps(rest, ensure_ascii=False)
            elif key == "start":
                end = data.get("end")
                self._text(entry, "page", f"{_scalar(value)}-{_scalar(end)}" if end not in (None, "") else _scalar(value), "start")
            elif key == "end" and data.get("start") not in (None, ""):
                continue
            elif key == "doi" and normalize_doi(_scalar(value)) and not entry.ids.doi:
                entry.ids.doi = normalize_doi(_scalar(value))
            elif key == "url" and not entry.ids.url:
                entry.ids.url = _scalar(value)
            elif key in ("isbn", "issn", "pmcid") and not getattr(entry.ids, key):
                setattr(entry.ids, key, _scalar(value))
            elif key in ("date-released", "date-published") and "issued" not in entry.dates and _date(value):
                entry.dates["issued"] = _date(value)
                entry.field_names["issued"] = key
            elif key == "date-accessed" and _date(value):
                entry.dates["accessed"] = _date(value)
            elif key in ("date-released", "date-published", "date-accessed") and _date(value) is None:
                self.report.warn((key_lines or {}).get(key, line), f"{key} {_scalar(value)!r} is not a date (YYYY-MM-DD); kept as written", "bad-date")
                entry.extra[key] = _scalar(value)
            elif key == "year" and re.fullmatch(r"-?\d{1,4}", _scalar(value)):
                year = int(_scalar(value))
            elif key == "month" and re.fullmatch(r"\d{1,2}", _scalar(value)) and 1 <= int(_scalar(value)) <= 12:
                month = int(_scalar(value))
            elif key == "keywords" and isinstance(value, list):
                words = [_scalar(w) for w in value]
                entry.fields["keyword"] = Text(", ".join(words))
                entry.meta["ris_keywords"] = words
            elif key == "languages" and isinstance(value, list) and value:
                self._text(entry, "language", ", ".join(_scalar(v) for v in value), key)
            elif key == "identifiers" and isinstance(value, list):
                self._identifiers(entry, value)
            elif isinstance(value, (dict, list)):
                entry.extra[key] = json.dumps(value, ensure_ascii=False, default=_scalar)
            else:
                entry.extra[key] = _scalar(value)
        if year is not None:
            issued = entry.dates.get("issued")
            if issued is None or issued.year != year:
                if issued is not None:  # date-published and year disagree: both kept
                    entry.extra["year"] = str(year)
                else:
                    entry.dates["issued"] = Date(start=DateParts(year, month))
                    entry.field_names["issued"] = "year"
        elif month is not None:
            entry.extra["month"] = str(month)
        if not entry.title:
            self.report.warn(line, "no title", "missing-title")
        return entry

    def _identifiers(self, entry: Entry, items: list) -> None:
        kept = []
        for item in items:
            if not isinstance(item, dict):
                kept.append(item)
                continue
            kind, value = _scalar(item.get("type", "")), _scalar(item.get("value", ""))
            if kind == "doi" and not entry.ids.doi and normalize_doi(value):
                entry.ids.doi = normalize_doi(value)
                if set(item) - {"type", "value"}:
                    kept.append(item)
            elif kind == "url" and not entry.ids.url:
                entry.ids.url = value
                if set(item) - {"type", "value"}:
                    kept.append(item)
            else:
                kept.append(item)
        if kept:
            entry.extra["identifiers"] = json.dumps(kept, ensure_ascii=False, default=_scalar)

    @staticmethod
    def _text(entry: Entry, slot: str, value: str, key: str) -> None:
        if slot in entry.fields:
            entry.extra[key] = value
        else:
            entry.fields[slot] = Text(value)
            entry.field_names[slot] = key


def _key_lines(node: yaml.Node | None) -> dict[str, int]:
    """Top-level key -> the line its value starts on (for messages)."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: v.start_mark.line + 1 for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _item_lines(node: yaml.Node | None, key: str) -> list[int]:
    """The line of each item of a top-level list."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key and isinstance(v, yaml.SequenceNode):
                return [item.start_mark.line + 1 for item in v.value]
    return []


class CFFImporter:
    name = "cff"
    extensions = (".cff",)
    description = "CITATION.cff (the software itself, preferred-citation, references)"

    def detect(self, text: str) -> float:
        return 0.95 if re.search(r"^cff-version\s*:", text[:20000], re.M) else 0.0

    def parse(self, text: str, name: str = "<input>", **options) -> Library:
        return CFFReader(name, **options).read(text)
