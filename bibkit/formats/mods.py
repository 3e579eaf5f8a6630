"""MODS XML (Library of Congress, v3) in; the writer is :mod:`bibkit.formats.mods_out`.

MODS is what library catalogues, bibutils (``xml2bib``) and Zotero exchange. Why ElementTree
through :mod:`bibkit.csl.xmlsafe` and no MODS library: there is no maintained Python MODS
binding, the record is a small tree of well-named elements, and xmlsafe refuses DTDs and
entities before parsing (no entity expansion, no external fetch). Reading accepts both the
namespaced and the bare spelling, a single ``<mods>`` or a ``<modsCollection>``.

Mapping: ``titleInfo`` -> title (``abbreviated`` -> short title); ``name`` with its MARC
relator role -> author/editor/translator...; ``originInfo`` -> issued date, publisher, place,
edition; ``relatedItem type="host"`` -> the container (journal, book, proceedings) and its
``part`` -> volume, issue, pages; ``relatedItem type="series"`` -> collection title;
``identifier type=...`` -> DOI, ISBN, ISSN, PMID, PMCID, citation key; ``subject/topic`` ->
keywords. What has no canonical slot is kept in ``entry.extra`` under a readable path
(``physicalDescription-digitalOrigin``); bibkit's own ``<extension>`` fields (what the writer had
no MODS element for) are read back into the slots they came from.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from bibkit.csl.xmlsafe import local
from bibkit.dates import parse_edtf, parse_free_date
from bibkit.diagnostics import Reporter
from bibkit.formats.xmlinput import read_root, recover_records
from bibkit.identifiers import normalize_doi
from bibkit.model import Entry, Library, Name, NameList, Source, Text
from bibkit.names import parse_name
from bibkit.types import CSL_TYPES

NS = "http://www.loc.gov/mods/v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
EXTENSION_NS = "urn:bibkit:extension"
_SIGNATURE = re.compile(r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)?(?:<!--.*?-->\s*)*<(?:\w+:)?(?:mods|modsCollection)[\s>]", re.DOTALL)

#: MARC relator code / term -> CSL name role
ROLES = {
    "aut": "author", "author": "author", "cre": "author", "creator": "author",
    "edt": "editor", "editor": "editor", "trl": "translator", "translator": "translator",
    "ill": "illustrator", "illustrator": "illustrator", "cmp": "composer", "composer": "composer",
    "drt": "director", "director": "director", "ivr": "interviewer", "interviewer": "interviewer",
    "rcp": "recipient", "addressee": "recipient", "ctb": "contributor", "contributor": "contributor",
    "com": "compiler", "compiler": "compiler",
}
#: genre terms (marcgt, bibutils, LoC) -> CSL type
GENRES = {
    "article": "article-journal", "journal article": "article-journal", "academic journal": "periodical",
    "periodical": "periodical", "journal": "periodical", "magazine": "periodical", "newspaper": "periodical",
    "magazine article": "article-magazine", "newspaper article": "article-newspaper",
    "book": "book", "book chapter": "chapter", "chapter": "chapter", "collection": "book",
    "conference publication": "paper-conference", "conference paper": "paper-conference",
    "thesis": "thesis", "theses": "thesis", "ph.d. thesis": "thesis", "masters thesis": "thesis",
    "doctoral thesis": "thesis", "report": "report", "technical report": "report",
    "software": "software", "computer program": "software", "dataset": "dataset", "database": "dataset",
    "patent": "patent", "web site": "webpage", "webpage": "webpage", "web page": "webpage",
    "unpublished": "manuscript", "manuscript": "manuscript", "map": "map", "encyclopedia": "entry-encyclopedia",
    "dictionary": "entry-dictionary", "legal case and case notes": "legal_case", "standard": "standard",
}
RESOURCE_TYPES = {"software": "software, multimedia", "dataset": "software, multimedia", "map": "cartographic",
                  "graphic": "still image", "figure": "still image", "motion_picture": "moving image",
                  "song": "sound recording", "musical_score": "notated music"}
IDENTIFIERS = {"doi": "doi", "isbn": "isbn", "issn": "issn", "pmid": "pmid", "pmc": "pmcid", "pmcid": "pmcid",
               "uri": "url", "url": "url", "arxiv": "arxiv"}


def _kids(element: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in element if local(c.tag) == name]


def _kid(element: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in element if local(c.tag) == name), None)


def _text(element: ET.Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _multiline(element: ET.Element) -> str:
    return "\n".join(" ".join(line.split()) for line in "".join(element.itertext()).strip().splitlines())


# --------------------------------------------------------------------------- reading


def _title(info: ET.Element) -> str:
    title = " ".join(p for p in (_text(_kid(info, "nonSort")), _text(_kid(info, "title"))) if p)
    sub = _text(_kid(info, "subTitle"))
    if sub:
        title = f"{title}: {sub}" if title else sub
    for part in ("partNumber", "partName"):
        value = _text(_kid(info, part))
        if value:
            title = f"{title}. {value}" if title else value
    return title


def _name(element: ET.Element) -> tuple[Name, list[tuple[str, str]]]:
    """A ``<name>`` as a Name, plus what a Name cannot hold (dates, affiliation, identifiers)."""
    parts: dict[str, str] = {}
    plain: list[str] = []
    rest: list[tuple[str, str]] = []
    for child in element:
        tag, value = local(child.tag), _text(child)
        if not value or tag == "role":
            continue
        kind = child.get("type")
        if tag == "namePart" and kind in ("family", "given", "termsOfAddress"):
            parts[kind] = f"{parts[kind]} {value}" if kind in parts else value
        elif tag == "namePart" and kind != "date":
            plain.append(value)
        else:
            rest.append((f"name-{tag}{'-' + kind if kind else ''}", value))
    if element.get("type") in ("corporate", "conference", "family"):
        return Name(literal=" ".join([*plain, parts.get("family", ""), parts.get("given", "")]).strip()), rest
    if parts:
        family, given = parts.get("family", ""), parts.get("given", "")
        if plain and family:
            given = " ".join(p for p in (given, *plain) if p)
        elif plain:
            family = " ".join(plain)
        return Name(family=family, given=given, suffix=parts.get("termsOfAddress", "")), rest
    raw = ", ".join(plain) if len(plain) > 1 and "," not in plain[0] else " ".join(plain)
    return parse_name(raw), rest


def _role(element: ET.Element) -> str:
    role = _kid(element, "role")
    terms = [(_text(t).lower(), t.get("type", "")) for t in _kids(role, "roleTerm")] if role is not None else []
    for term, _ in terms:
        if term in ROLES:
            return ROLES[term]
    if terms and terms[0][0]:  # another MARC role ("thesis advisor"): kept under a field-safe name
        return re.sub(r"[^a-z0-9]+", "-", terms[0][0]).strip("-") or "author"
    return "author"


class MODSReader:
    def __init__(self, name: str, **_ignored):
        self.name = name
        self.library = Library()
        self.report = Reporter(name, self.library.problems)

    def read(self, text: str) -> Library:
        root = read_root(text, self.report, "MODS", "reading record by record")
        if root is None:
            if any(p.code == "bad-xml" for p in self.library.problems):
                for number, line, record in recover_records(text, "mods", self.report):
                    self._add(record, number, line)
            return self.library
        if local(root.tag) not in ("mods", "modsCollection"):
            self.report.error(1, f"root element <{local(root.tag)}> is not <mods> or <modsCollection>", "bad-xml")
            return self.library
        records = [root] if local(root.tag) == "mods" else _kids(root, "mods")
        offsets = [m.start() for m in re.finditer(r"<(?:[\w.-]+:)?mods[\s>]", text)]
        for number, record in enumerate(records, 1):
            line = text.count("\n", 0, offsets[number - 1]) + 1 if number - 1 < len(offsets) else None
            self._add(record, number, line)
        return self.library

    def _add(self, record: ET.Element, number: int, line: int | None) -> None:
        entry = self.entry(record, Source(self.name, line, "mods"))
        if not entry.title:
            self.report.warn(line, f"record {number} has no title", "missing-title")
        self.library.blocks.append(entry)

    def entry(self, record: ET.Element, source: Source) -> Entry:
        entry = Entry(source=source)
        genres: list[str] = []
        host_genres: list[str] = []
        issuance = host_issuance = ""
        resource = ""
        keywords: list[str] = []
        notes: list[str] = []
        names: dict[str, list[Name]] = {}
        has_host = False
        for child in record:
            tag = local(child.tag)
            if tag == "titleInfo":
                kind = child.get("type", "")
                value = _title(child)
                if kind == "abbreviated":
                    self._set(entry, "title-short", value, "titleInfo-abbreviated")
                elif kind or "title" in entry.fields:
                    self._extra(entry, f"titleInfo-{kind or 'other'}", value)
                else:
                    self._set(entry, "title", value, "titleInfo")
            elif tag == "name":
                self._add_name(entry, names, _role(child), child)
            elif tag == "originInfo":
                issuance = self._origin(entry, child) or issuance
            elif tag == "genre":
                if child.get("authority") == "csl" and _text(child) in CSL_TYPES:
                    entry.type = _text(child)
                    entry.meta["mods_csl_type"] = True
                else:
                    genres.append(_text(child))
            elif tag == "typeOfResource":
                resource = _text(child)
            elif tag == "language":
                terms = _kids(child, "languageTerm")
                text = next((_text(t) for t in terms if t.get("type") == "text"), "") or (
                    _text(terms[0]) if terms else _text(child))
                self._set(entry, "language", text, "language")
            elif tag == "abstract":
                self._set(entry, "abstract", _multiline(child), "abstract")
            elif tag == "note":
                notes.append(_multiline(child))
            elif tag == "subject":
                keywords.extend(_text(t) for t in child if local(t.tag) in ("topic", "geographic", "temporal") and _text(t))
            elif tag == "classification":
                self._set(entry, "call-number", _text(child), "classification")
            elif tag == "physicalDescription":
                for part in child:
                    total = _text(_kid(part, "total")) if local(part.tag) == "extent" else ""
                    if total:
                        self._set(entry, "number-of-pages", total, "physicalDescription-extent")
                    else:
                        self._extra(entry, f"physicalDescription-{local(part.tag)}", _text(part))
            elif tag == "identifier":
                self._identifier(entry, child.get("type", ""), _text(child))
            elif tag == "location":
                for part in child:
                    if local(part.tag) == "url" and not entry.ids.url:
                        entry.ids.url = _text(part)
                        accessed = part.get("dateLastAccessed", "")
                        date = parse_edtf(accessed) or parse_free_date(accessed) if accessed else None
                        if date:
                            entry.dates["accessed"] = date
                        elif accessed:
                            self._extra(entry, "url-dateLastAccessed", accessed)
                    else:
                        self._extra(entry, f"location-{local(part.tag)}", _text(part))
            elif tag == "part":
                self._part(entry, child)
            elif tag == "relatedItem":
                kind = child.get("type", "")
                if kind == "host":
                    has_host = True
                    host_genres, host_issuance = self._host(entry, child, names)
                elif kind == "series":
                    self._series(entry, child, names)
                else:
                    self._extra(entry, f"relatedItem-{kind or 'other'}", _text(child))
            elif tag == "extension":
                self._extension(entry, child)
            elif tag == "recordInfo":
                entry.meta["mods_record_info"] = {local(c.tag): _text(c) for c in child}
            else:
                self._extra(entry, tag, _multiline(child) if tag in ("tableOfContents", "accessCondition") else _text(child))
        for role, found in names.items():
            entry.names[role] = NameList(found)
        if notes:
            self._set(entry, "note", "\n".join(notes), "note")
        if keywords:
            entry.fields["keyword"] = Text(", ".join(keywords))
            entry.meta["ris_keywords"] = keywords
        if genres:
            entry.source_type = genres[0]
            for extra_genre in genres[1:]:
                self._extra(entry, "genre", extra_genre)
        if not entry.meta.get("mods_csl_type"):
            entry.type = self._type(genres, host_genres, issuance, host_issuance, resource, has_host)
            if genres and genres[0].lower() not in GENRES:
                self._set(entry, "genre", genres[0], "genre")
        if resource and resource != "text" and resource != RESOURCE_TYPES.get(entry.type):
            self._extra(entry, "typeOfResource", resource)
        return entry

    def _add_name(self, entry: Entry, names: dict, role: str, element: ET.Element) -> None:
        name, rest = _name(element)
        names.setdefault(role, []).append(name)
        for key, value in rest:  # "Name: value", so that each detail stays with its person
            self._extra(entry, key, f"{name.display()}: {value}")

    @staticmethod
    def _type(genres, host_genres, issuance, host_issuance, resource, has_host) -> str:
        own = [GENRES[g.lower()] for g in genres if g.lower() in GENRES]
        host = [GENRES[g.lower()] for g in host_genres if g.lower() in GENRES]
        if own and own[0] not in ("article-journal", "periodical"):
            return own[0]
        if has_host:
            if "periodical" in host or host_issuance in ("continuing", "serial"):
                return "article-journal"
            if "paper-conference" in host:
                return "paper-conference"
            if host or host_issuance in ("monographic", "single unit", "multipart monograph"):
                return "chapter"
        if own:
            return own[0]
        if resource.startswith("software"):
            return "software"
        return "book" if issuance in ("monographic", "single unit") else "document"

    def _origin(self, entry: Entry, origin: ET.Element, prefix: str = "") -> str:
        issuance = ""
        for part in origin:
            tag = local(part.tag)
            value = _text(part)
            if tag in ("dateIssued", "copyrightDate", "dateCreated") and value:
                if "issued" in entry.dates and (parse_edtf(value) or parse_free_date(value)) == entry.dates["issued"]:
                    continue  # the host's copy of the record's own date
                if "issued" in entry.dates or (tag != "dateIssued" and part.get("keyDate") != "yes"
                                               and _kid(origin, "dateIssued") is not None):
                    self._extra(entry, f"{prefix}{tag}", value)
                    continue
                date = parse_edtf(value) or parse_free_date(value)
                if date is None and re.fullmatch(r"\d{4}", value.strip("[]c. ")):
                    date = parse_edtf(value.strip("[]c. "))
                if date is None:
                    self.report.warn(entry.source.line if entry.source else None,
                                     f"{tag} {value!r} is not a date; kept as written", "bad-date")
                    self._extra(entry, f"{prefix}{tag}", value)
                else:
                    entry.dates["issued"] = date
                    entry.field_names["issued"] = tag
            elif tag == "publisher":
                self._set(entry, "publisher", value, f"{prefix}publisher")
            elif tag == "place":
                terms = _kids(part, "placeTerm")
                text = next((_text(t) for t in terms if t.get("type", "text") == "text"), "")
                if text:
                    self._set(entry, "publisher-place", text, f"{prefix}place")
            elif tag == "edition":
                self._set(entry, "edition", value, f"{prefix}edition")
            elif tag == "issuance":
                issuance = value
            elif value:
                self._extra(entry, f"{prefix}{tag}", value)
        return issuance

    def _host(self, entry: Entry, host: ET.Element, names: dict) -> tuple[list[str], str]:
        genres: list[str] = []
        issuance = ""
        for part in host:
            tag = local(part.tag)
            if tag == "titleInfo":
                slot = "container-title-short" if part.get("type") == "abbreviated" else "container-title"
                self._set(entry, slot, _title(part), f"host-titleInfo{'-' + part.get('type') if part.get('type') else ''}")
            elif tag == "name":
                role = _role(part)
                self._add_name(entry, names, "container-author" if role == "author" else role, part)
            elif tag == "originInfo":
                issuance = self._origin(entry, part, "host-") or issuance
            elif tag == "genre":
                genres.append(_text(part))
            elif tag == "part":
                self._part(entry, part)
            elif tag == "identifier":
                self._identifier(entry, part.get("type", ""), _text(part), "host-")
            else:
                self._extra(entry, f"host-{tag}", _text(part))
        return genres, issuance

    def _series(self, entry: Entry, series: ET.Element, names: dict) -> None:
        for part in series:
            tag = local(part.tag)
            if tag == "titleInfo":
                self._set(entry, "collection-title", _title(part), "series-titleInfo")
            elif tag == "name":
                self._add_name(entry, names, "collection-editor", part)
            elif tag == "part":
                for detail in _kids(part, "detail"):
                    self._set(entry, "collection-number", _text(_kid(detail, "number")) or _text(detail), "series-part")
            else:
                self._extra(entry, f"series-{tag}", _text(part))

    def _part(self, entry: Entry, part: ET.Element) -> None:
        for piece in part:
            tag = local(piece.tag)
            if tag == "detail":
                kind = piece.get("type", "")
                value = _text(_kid(piece, "number")) or _text(_kid(piece, "title")) or _text(piece)
                slot = {"volume": "volume", "issue": "issue", "number": "issue", "chapter": "chapter-number",
                        "section": "section"}.get(kind)
                if slot:
                    self._set(entry, slot, value, f"part-{kind}")
                else:
                    self._extra(entry, f"part-{kind or 'detail'}", value)
            elif tag == "extent":
                start, end = _text(_kid(piece, "start")), _text(_kid(piece, "end"))
                listed = _text(_kid(piece, "list"))
                total = _text(_kid(piece, "total"))
                if start or end:
                    self._set(entry, "page", f"{start}-{end}" if start and end else start or end, "part-extent")
                elif listed:
                    self._set(entry, "page", listed, "part-extent")
                elif total:
                    self._set(entry, "number-of-pages", total, "part-extent")
            elif tag == "date":
                date = parse_edtf(_text(piece)) or parse_free_date(_text(piece))
                if date and "issued" not in entry.dates:
                    entry.dates["issued"] = date
                else:
                    self._extra(entry, "part-date", _text(piece))
            else:
                self._extra(entry, f"part-{tag}", _text(piece))

    def _identifier(self, entry: Entry, kind: str, value: str, prefix: str = "") -> None:
        kind_l = kind.lower()
        ids = entry.ids
        if not value:
            return
        if kind_l == "citekey" and entry.key is None:
            entry.key = value
        elif kind_l == "doi" and not ids.doi and normalize_doi(value):
            ids.doi = normalize_doi(value)
        elif kind_l in IDENTIFIERS and kind_l != "doi" and not getattr(ids, IDENTIFIERS[kind_l]):
            setattr(ids, IDENTIFIERS[kind_l], value)
        elif kind_l in IDENTIFIERS and getattr(ids, IDENTIFIERS[kind_l]) == (normalize_doi(value) if kind_l == "doi" else value):
            return  # the same identifier twice (a URI that is also the location's URL)
        else:
            self._extra(entry, f"{prefix}identifier-{kind or 'other'}", value)

    def _extension(self, entry: Entry, extension: ET.Element) -> None:
        for field in extension:
            name = field.get("name")
            if local(field.tag) == "field" and name:
                if name.startswith("csl:"):  # bibkit's own verbatim copy wins over what MODS said
                    slot, value = name[4:], "".join(field.itertext())
                    if value:
                        entry.fields[slot] = Text(value)
                        entry.field_names.setdefault(slot, name)
                else:
                    self._extra(entry, name, "".join(field.itertext()))
            else:
                self._extra(entry, f"extension-{local(field.tag)}", _text(field))

    @staticmethod
    def _set(entry: Entry, slot: str, value: str, source_name: str) -> None:
        if not value:
            return
        if slot in entry.fields:
            if str(entry.fields[slot]) != value:
                MODSReader._extra(entry, source_name, value)
            return
        entry.fields[slot] = Text(value)
        entry.field_names[slot] = source_name

    @staticmethod
    def _extra(entry: Entry, name: str, value: str) -> None:
        if value:
            entry.extra[name] = f"{entry.extra[name]}\n{value}" if name in entry.extra else value


class MODSImporter:
    name = "mods"
    extensions = (".mods", ".mods.xml")
    description = "MODS XML (Library of Congress; library catalogues, bibutils, Zotero)"

    def detect(self, text: str) -> float:
        return 0.95 if _SIGNATURE.match(text[:4000].lstrip("\ufeff")) else 0.0

    def parse(self, text: str, name: str = "<input>", **options) -> Library:
        return MODSReader(name, **options).read(text)
