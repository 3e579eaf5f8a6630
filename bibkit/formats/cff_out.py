"""CITATION.cff out: the input's software (or dataset) entry, the others as its references.

A library read from a CITATION.cff puts each entry back in its place (``meta["cff_role"]``:
the work, its ``preferred-citation``, its ``references``); people's details kept by the reader
(``extra["cff-authors"]``: ORCID, affiliation) are merged back into each person. Only the keys
the CFF 1.2.0 schema allows are written (``contributors`` only in a 1.3 file), so the output
validates against cffconvert's schema; the rest is named by the loss report.
"""
from __future__ import annotations

import json
import re

import yaml

from bibkit.dates import format_edtf
from bibkit.diagnostics import BibkitError
from bibkit.formats.cff import TYPE_TO_CSL
from bibkit.model import Date, Entry, Library, NameList

CFF_VERSION = "1.2.0"
MESSAGE = "If you use this software, please cite it using the metadata from this file."
#: CSL type -> CFF reference type (a type CFF lacks is written as its nearest, and reported)
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
