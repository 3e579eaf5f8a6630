"""CITATION.cff in and out (Citation File Format 1.2 / 1.3, the file GitHub reads).

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

from bibkit.dates import format_edtf, parse_edtf
from bibkit.diagnostics import BibkitError, Reporter
from bibkit.identifiers import normalize_doi
from bibkit.model import Date, DateParts, Entry, Library, Name, NameList, Source, Text

CFF_VERSION = "1.2.0"
MESSAGE = "If you use this software, please cite it using the metadata from this file."
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
CSL_TO_TYPE = {
    "article-journal": "article", "article": "article", "book": "book", "chapter": "book",
    "paper-conference": "conference-paper", "dataset": "data", "entry-dictionary": "dictionary",
    "entry-encyclopedia": "encyclopedia", "broadcast": "film-broadcast", "report": "report",
    "article-magazine": "magazine-article", "article-newspaper": "newspaper-article", "map": "map",
    "pamphlet": "pamphlet", "patent": "patent", "personal_communication": "personal-communication",
    "periodical": "serial", "speech": "slides", "software": "software", "song": "sound-recording",
    "standard": "standard", "legislation": "statute", "thesis": "thesis", "manuscript": "unpublished",
    "motion_picture": "video", "webpage": "website", "post-weblog": "blog", "graphic": "art",
    "legal_case": "legal-case", "regulation": "legal-rule", "bill": "bill", "hearing": "hearing",
    "musical_score": "music", "classic": "historical-work",
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
            data, node = _load(text)
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


class _Loader(yaml.SafeLoader):
    """YAML with dates left as the text written (CFF's schema wants strings; a bad date is not
    a YAML error to us but a value to keep)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def _load(text: str) -> tuple[object, yaml.Node | None]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


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


# --------------------------------------------------------------------------- writing


def _people(entry: Entry, role: str, key: str) -> list[dict]:
    details = []
    raw = entry.extra.get(f"cff-{key}")
    if raw:
        try:
            details = json.loads(raw)
        except ValueError:
            details = []
    out = []
    for i, name in enumerate(entry.names.get(role, NameList())):
        if name.literal:
            person = {"name": name.literal}
        else:
            person = {}
            if name.family:
                person["family-names"] = name.family
            if name.given:
                person["given-names"] = name.given
            particle = " ".join(p for p in (name.dropping_particle, name.particle) if p)
            if particle:
                person["name-particle"] = particle
            if name.suffix:
                person["name-suffix"] = name.suffix
        if i < len(details) and isinstance(details[i], dict):
            person.update({k: v for k, v in details[i].items() if k not in person})
        out.append(person)
    return out


def _date_text(date: Date) -> str | None:
    if date.start is None or date.start.month is None or date.start.day is None or date.end is not None:
        return None
    return format_edtf(Date(start=date.start))


#: the keys written from the canonical model; anything else kept in ``extra`` goes back verbatim
_WRITTEN = {"title", "container-title", "volume", "issue", "number", "edition", "section", "abstract", "note",
            "version", "medium", "volume-title", "status", "number-of-pages", "title-short", "annote",
            "publisher", "event-title", "event-place", "page", "keyword", "language", "source"}
_ROOT_WRITTEN = {"title", "abstract", "version", "keyword"}
#: the keys the schema (1.2.0) allows at the top and in a reference: an ``extra`` value under one
#: of these names is written back as it was read
ROOT_KEYS = {"commit", "contact", "identifiers", "license", "license-url", "repository", "repository-artifact",
             "repository-code"}
REFERENCE_KEYS = ROOT_KEYS | {
    "collection-doi", "collection-type", "copyright", "data-type", "database", "date-downloaded", "department",
    "entry", "filename", "format", "issue-date", "issue-title", "loc-end", "loc-start", "location", "nihmsid",
    "number-volumes", "patent-states", "senders", "term", "thesis-type", "year-original"}


def work_fields(entry: Entry, root: bool, contributors: bool = False) -> dict:
    """One entry as CFF keys (a root work or a reference); ``contributors`` only in CFF 1.3."""
    out: dict = {}
    if not root:
        out["type"] = entry.source_type if entry.source and entry.source.format == "cff" and \
            entry.source_type in TYPE_TO_CSL else CSL_TO_TYPE.get(entry.type, "generic")
    elif entry.type == "dataset":
        out["type"] = "dataset"
    else:
        out["type"] = "software"
    fields = entry.fields
    if fields.get("title"):
        out["title"] = str(fields["title"])
    for role, key in (("author", "authors"), ("editor", "editors"), ("collection-editor", "editors-series"),
                      ("translator", "translators"), ("recipient", "recipients"), ("contributor", "contributors")):
        if entry.names.get(role) and (not root or key == "authors" or (key == "contributors" and contributors)):
            out[key] = _people(entry, role, key)
    if fields.get("abstract"):
        out["abstract"] = str(fields["abstract"])
    if fields.get("version"):
        out["version"] = str(fields["version"])
    if entry.ids.doi:
        out["doi"] = entry.ids.doi
    if entry.ids.url:
        out["url"] = entry.ids.url
    issued = entry.dates.get("issued")
    if issued:
        exact = _date_text(issued)
        if exact:
            out["date-released" if root else "date-published"] = exact
        if not root:
            if issued.year is not None:
                out["year"] = issued.year
            if issued.start and issued.start.month:
                out["month"] = issued.start.month
    accessed = entry.dates.get("accessed")
    if accessed and _date_text(accessed) and not root:
        out["date-accessed"] = _date_text(accessed)
    if fields.get("keyword"):
        kept = entry.meta.get("ris_keywords")
        value = str(fields["keyword"])
        out["keywords"] = kept if isinstance(kept, list) and ", ".join(kept) == value else \
            [w.strip() for w in re.split(r"[;,]", value) if w.strip()]
    if not root:
        container = "journal" if entry.type.startswith("article") else "collection-title"
        simple = {"container-title": container, "volume": "volume", "issue": "issue", "number": "number",
                  "edition": "edition", "section": "section", "note": "notes", "medium": "medium",
                  "volume-title": "volume-title", "status": "status", "number-of-pages": "pages",
                  "title-short": "abbreviation", "annote": "scope"}
        for var, key in simple.items():
            if fields.get(var):
                out[key] = str(fields[var])
        page = str(fields.get("page", ""))
        if page:
            match = re.fullmatch(r"\s*([^-–—\s]+)\s*(?:-+|–|—)\s*([^-–—\s]+)\s*", page)
            out.update({"start": match.group(1), "end": match.group(2)} if match else {"start": page})
        if fields.get("publisher"):
            key = "institution" if entry.type in ("thesis", "report") else "publisher"
            out[key] = {"name": str(fields["publisher"])}
        if fields.get("event-title"):
            out["conference"] = {"name": str(fields["event-title"])}
            if fields.get("event-place"):
                out["conference"]["city"] = str(fields["event-place"])
        if fields.get("language"):
            out["languages"] = [s.strip() for s in str(fields["language"]).split(",")]
        for key in ("isbn", "issn", "pmcid"):
            if getattr(entry.ids, key):
                out[key] = getattr(entry.ids, key)
    allowed = ROOT_KEYS if root else REFERENCE_KEYS
    for key, value in entry.extra.items():
        if key.startswith("cff-"):  # people's and entities' details: merged into what they belong to
            entity = key[4:]
            if isinstance(out.get(entity), dict):
                try:
                    out[entity].update({k: v for k, v in json.loads(value).items() if k not in out[entity]})
                except (ValueError, AttributeError):
                    pass
            continue
        if key in out or key not in allowed:
            continue
        if value.startswith(("[", "{")):
            try:
                out[key] = json.loads(value)
                continue
            except ValueError:
                pass
        out[key] = value
    return out


def cff_unplaced(entry: Entry) -> list[str]:
    """What CITATION.cff has no key for: other name roles, other dates, arXiv ids, PMIDs."""
    roles = {"author", "editor", "collection-editor", "translator", "recipient", "contributor"}
    lost = [entry.field_names.get(r, r) for r, names in entry.names.items() if names and r not in roles]
    root = entry.meta.get("cff_role") == "work" or entry.type in ("software", "dataset")
    written = _ROOT_WRITTEN if root else _WRITTEN
    lost += [entry.field_names.get(var, var) for var, value in entry.fields.items()
             if var not in written and str(value).strip()]
    lost += [entry.field_names.get(r, r) for r, d in entry.dates.items()
             if d and r not in (("issued",) if root else ("issued", "accessed"))]
    lost += [k for k, v in entry.extra.items() if str(v).strip() and not k.startswith("cff-")
             and k not in (ROOT_KEYS if root else REFERENCE_KEYS)]
    if not root and TYPE_TO_CSL.get(CSL_TO_TYPE.get(entry.type, "generic")) != entry.type and \
            not (entry.source and entry.source.format == "cff"):
        lost.append("type")  # CFF has no such type (a chapter is written as a book)
    if entry.ids.pmid:
        lost.append("pmid")
    if entry.ids.arxiv:
        lost.append(entry.field_names.get("eprint", "eprint"))
    return lost


class CFFExporter:
    name = "cff"
    extension = ".cff"
    description = "CITATION.cff for a software entry (others become its references)"

    def dump(self, library: Library, **_options) -> str:
        entries = library.entries
        if not entries:
            raise BibkitError("CITATION.cff describes one work: the input has no entries")
        root = next((e for e in entries if e.meta.get("cff_role") == "work"), None) or \
            next((e for e in entries if e.type in ("software", "dataset")), None)
        if root is None:
            raise BibkitError("CITATION.cff describes software or a dataset: no entry of type software "
                              "(BibTeX @software) or dataset in the input")
        if not root.title or not root.authors:
            raise BibkitError(f"{root.where()}: CITATION.cff needs the software's title and authors")
        cff_meta = root.meta.get("cff", {})
        data: dict = {"cff-version": cff_meta.get("cff-version", CFF_VERSION),
                      "message": cff_meta.get("message", MESSAGE)}
        data.update(work_fields(root, root=True, contributors=str(data["cff-version"]).startswith("1.3")))
        others = [e for e in entries if e is not root]
        preferred = next((e for e in others if e.meta.get("cff_role") == "preferred-citation"), None)
        if preferred is not None:
            data["preferred-citation"] = work_fields(preferred, root=False)
        references = [work_fields(e, root=False) for e in others if e is not preferred]
        if references:
            data["references"] = references
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)

    def unplaced(self, entry: Entry) -> list[str]:
        return cff_unplaced(entry)
