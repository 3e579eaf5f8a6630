"""MODS XML out (MODS 3.8): the writer beside the reader of :mod:`bibkit.formats.mods`.

Each entry becomes one ``<mods>`` of a ``<modsCollection>``: names with MARC relator roles, the
CSL type as ``<genre authority="csl">`` (plus the marcgt genre other programs read), the
container as ``<relatedItem type="host">`` with volume, issue and pages in its ``<part>``.
Every value MODS has no element for goes into ``<extension>`` as ``<field name="...">``, which
the reader reads back, so a MODS round trip keeps everything; a consumer that ignores
``extension`` still gets standard MODS.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from bibkit.dates import format_edtf
from bibkit.formats.mods import EXTENSION_NS, NS, RESOURCE_TYPES, XSI
from bibkit.model import Entry, Library, Name, NameList

ROLE_CODES = {"author": "aut", "editor": "edt", "translator": "trl", "illustrator": "ill", "composer": "cmp",
              "director": "drt", "interviewer": "ivr", "recipient": "rcp", "contributor": "ctb", "compiler": "com",
              "container-author": "aut", "collection-editor": "edt"}

#: CSL type -> (marcgt genre, issuance of the record) for writing
OUT_GENRES = {
    "article-journal": "journal article", "article-magazine": "magazine article",
    "article-newspaper": "newspaper article", "book": "book", "chapter": "book chapter",
    "paper-conference": "conference publication", "thesis": "thesis", "report": "technical report",
    "software": "computer program", "dataset": "database", "patent": "patent", "webpage": "web site",
    "manuscript": "unpublished", "map": "map", "periodical": "periodical",
}

#: types whose container is a periodical (volume/issue/pages are the host's part)
PERIODICAL_CHILDREN = {"article-journal", "article-magazine", "article-newspaper", "review", "review-book"}

#: canonical text variables the writer has an element for (the others go to <extension>)
WRITTEN_FIELDS = {"title", "title-short", "container-title", "container-title-short", "collection-title",
                  "collection-number", "volume", "issue", "page", "number-of-pages", "publisher",
                  "publisher-place", "edition", "language", "abstract", "note", "keyword", "call-number"}


def _el(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NS}}}{tag}", {k.replace("_", ""): v for k, v in attrs.items() if v})
    if text:
        element.text = text
    return element


def _write_name(parent: ET.Element, name: Name, role: str) -> None:
    if name.literal:
        element = _el(parent, "name", type="corporate")
        _el(element, "namePart", name.literal)
    else:
        element = _el(parent, "name", type="personal")
        family = " ".join(p for p in (name.dropping_particle, name.particle, name.family) if p)
        if family:
            _el(element, "namePart", family, type="family")
        if name.given:
            _el(element, "namePart", name.given, type="given")
        if name.suffix:
            _el(element, "namePart", name.suffix, type="termsOfAddress")
    role_el = _el(element, "role")
    code = ROLE_CODES.get(role)
    if code:
        _el(role_el, "roleTerm", code, authority="marcrelator", type="code")
    _el(role_el, "roleTerm", role, authority="marcrelator" if code else "", type="text")


def _page_parts(page: str) -> tuple[str, str] | None:
    """(start, end) of a page range, for MODS's ``<start>``/``<end>``; None when it is no range."""
    match = re.fullmatch(r"\s*([^-–—,\s]+)\s*(?:-+|–|—)\s*([^-–—,\s]+)\s*", page)
    return (match.group(1), match.group(2)) if match else None


def _keywords(entry: Entry) -> list[str]:
    value = str(entry.fields.get("keyword", ""))
    kept = entry.meta.get("ris_keywords")
    if isinstance(kept, list) and ", ".join(kept) == value:
        return kept
    return [w.strip() for w in re.split(r"[;,]", value) if w.strip()]


class MODSWriter:
    """Canonical entries -> one ``<modsCollection>`` (MODS 3.8)."""

    def dump(self, library: Library) -> str:
        ET.register_namespace("", NS)
        ET.register_namespace("xsi", XSI)
        ET.register_namespace("bibkit", EXTENSION_NS)
        root = ET.Element(f"{{{NS}}}modsCollection", {
            f"{{{XSI}}}schemaLocation": f"{NS} http://www.loc.gov/standards/mods/v3/mods-3-8.xsd"})
        for entry in library.entries:
            self.record(root, entry)
        ET.indent(root, "  ")
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

    def record(self, root: ET.Element, entry: Entry) -> None:
        mods = _el(root, "mods", ID=entry.key or "", version="3.8")
        fields = entry.fields
        if fields.get("title"):
            _el(_el(mods, "titleInfo"), "title", str(fields["title"]))
        if fields.get("title-short"):
            _el(_el(mods, "titleInfo", type="abbreviated"), "title", str(fields["title-short"]))
        container_roles = {"container-author", "collection-editor"}
        in_host = entry.type in ("chapter", "paper-conference", "entry-encyclopedia", "entry-dictionary")
        for role, names in entry.names.items():
            if role in container_roles or (role == "editor" and in_host):
                continue
            for name in names:
                _write_name(mods, name, role)
        _el(mods, "typeOfResource", RESOURCE_TYPES.get(entry.type, "text"))
        _el(mods, "genre", entry.type, authority="csl")
        if entry.type in OUT_GENRES:
            _el(mods, "genre", OUT_GENRES[entry.type], authority="marcgt")
        self._origin(mods, entry)
        if fields.get("language"):
            _el(_el(mods, "language"), "languageTerm", str(fields["language"]), type="text")
        if fields.get("number-of-pages"):
            _el(_el(_el(mods, "physicalDescription"), "extent", unit="pages"), "total", str(fields["number-of-pages"]))
        if fields.get("abstract"):
            _el(mods, "abstract", str(fields["abstract"]))
        if fields.get("note"):
            _el(mods, "note", str(fields["note"]))
        for word in _keywords(entry):
            _el(_el(mods, "subject"), "topic", word)
        if fields.get("call-number"):
            _el(mods, "classification", str(fields["call-number"]))
        self._host(mods, entry)
        if fields.get("collection-title"):
            series = _el(mods, "relatedItem", type="series")
            _el(_el(series, "titleInfo"), "title", str(fields["collection-title"]))
            if fields.get("collection-number"):
                _el(_el(_el(series, "part"), "detail", type="volume"), "number", str(fields["collection-number"]))
            for name in entry.names.get("collection-editor", NameList()):
                _write_name(series, name, "editor")
        ids = entry.ids
        for kind, value in (("doi", ids.doi), ("isbn", ids.isbn), ("pmid", ids.pmid), ("pmc", ids.pmcid),
                            ("arxiv", ids.arxiv + ids.arxiv_version if ids.arxiv else "")):
            if value:
                _el(mods, "identifier", value, type=kind)
        if ids.issn and entry.type not in PERIODICAL_CHILDREN:
            _el(mods, "identifier", ids.issn, type="issn")
        if entry.key:
            _el(mods, "identifier", entry.key, type="citekey")
        if ids.url:
            accessed = entry.dates.get("accessed")
            _el(_el(mods, "location"), "url", ids.url, dateLastAccessed=format_edtf(accessed) if accessed else "")
        self._extension(mods, entry)

    def _origin(self, mods: ET.Element, entry: Entry) -> None:
        fields = entry.fields
        issued = entry.dates.get("issued")
        origin = _el(mods, "originInfo")
        if issued:
            text = format_edtf(issued)
            simple = bool(re.fullmatch(r"-?\d{4}(-\d{2}(-\d{2})?)?", text))
            _el(origin, "dateIssued", text, encoding="w3cdtf" if simple else ("edtf" if issued.start else ""),
                keyDate="yes")
        if fields.get("publisher"):
            _el(origin, "publisher", str(fields["publisher"]))
        if fields.get("publisher-place"):
            _el(_el(origin, "place"), "placeTerm", str(fields["publisher-place"]), type="text")
        if fields.get("edition"):
            _el(origin, "edition", str(fields["edition"]))
        if entry.type in ("book", "report", "thesis", "software", "dataset", "manuscript", "patent", "standard"):
            _el(origin, "issuance", "monographic")
        if len(origin) == 0:
            mods.remove(origin)

    def _host(self, mods: ET.Element, entry: Entry) -> None:
        fields = entry.fields
        part_values = [fields.get(k) for k in ("volume", "issue", "page")]
        has_container = fields.get("container-title") or fields.get("container-title-short")
        host_names = [(role, n) for role in ("container-author", "editor") for n in entry.names.get(role, NameList())
                      if role == "container-author" or entry.type in ("chapter", "paper-conference",
                                                                       "entry-encyclopedia", "entry-dictionary")]
        if not (has_container or any(part_values) or host_names):
            return
        host = _el(mods, "relatedItem", type="host")
        if fields.get("container-title"):
            _el(_el(host, "titleInfo"), "title", str(fields["container-title"]))
        if fields.get("container-title-short"):
            _el(_el(host, "titleInfo", type="abbreviated"), "title", str(fields["container-title-short"]))
        for role, name in host_names:
            _write_name(host, name, "author" if role == "container-author" else role)
        if entry.type in PERIODICAL_CHILDREN:
            _el(_el(host, "originInfo"), "issuance", "continuing")
            _el(host, "genre", "periodical", authority="marcgt")
        elif entry.type == "paper-conference":
            _el(host, "genre", "conference publication", authority="marcgt")
        elif entry.type in ("chapter", "entry-encyclopedia", "entry-dictionary"):
            _el(host, "genre", "book", authority="marcgt")
        if any(part_values):
            part = _el(host, "part")
            for kind, value in (("volume", part_values[0]), ("issue", part_values[1])):
                if value:
                    _el(_el(part, "detail", type=kind), "number", str(value))
            page = str(part_values[2] or "")
            if page:
                extent = _el(part, "extent", unit="pages")
                parts = _page_parts(page)
                if parts:
                    _el(extent, "start", parts[0])
                    _el(extent, "end", parts[1])
                else:
                    _el(extent, "list", page)
        if entry.ids.issn and entry.type in PERIODICAL_CHILDREN:
            _el(host, "identifier", entry.ids.issn, type="issn")

    def _extension(self, mods: ET.Element, entry: Entry) -> None:
        pending = [(f"csl:{var}", str(value)) for var, value in entry.fields.items()
                   if var not in WRITTEN_FIELDS and str(value).strip()]
        page = str(entry.fields.get("page", ""))
        parts = _page_parts(page)
        if parts and f"{parts[0]}-{parts[1]}" != page:  # "1–9" as written, beside MODS's start and end
            pending.append(("csl:page", page))
        pending += [(name, str(value)) for name, value in entry.extra.items() if str(value).strip()]
        if not pending:
            return
        extension = _el(mods, "extension")
        for name, value in pending:
            field = ET.SubElement(extension, f"{{{EXTENSION_NS}}}field", {"name": name})
            field.text = value


def mods_unplaced(entry: Entry) -> list[str]:
    """Values MODS (with bibkit's extension fields) has no place for: other name roles, other dates."""
    lost = [entry.field_names.get(role, role) for role, date in entry.dates.items()
             if date and role not in ("issued",) and not (role == "accessed" and entry.ids.url)]
    ids = entry.ids
    if ids.arxiv_class:
        lost.append(entry.field_names.get("arxiv_class", "primaryclass"))
    return lost


class MODSExporter:
    name = "mods"
    extension = ".mods.xml"
    description = "MODS XML 3.8 (library catalogues, bibutils, Zotero)"

    def dump(self, library: Library, **_options) -> str:
        return MODSWriter().dump(library)

    def unplaced(self, entry: Entry) -> list[str]:
        return mods_unplaced(entry)
