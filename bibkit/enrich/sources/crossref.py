"""Crossref REST API: ``/works/{doi}`` and ``/works?query.bibliographic=...``.

Crossref's work JSON is close to CSL-JSON (it was designed alongside it) but gives strings as
lists, uses its own type names and puts JATS markup in titles; we reshape it into a CSL item.
Its ``relation`` object links a preprint to its published version (``is-preprint-of``).
"""
from __future__ import annotations

from urllib.parse import quote

from bibkit.enrich.convert import clean_markup, first
from bibkit.enrich.http import HttpClient, SourceError, read_each
from bibkit.enrich.sources.base import Record
from bibkit.model_csl import csl_to_entry
from bibkit.identifiers import normalize_doi

#: Crossref work types -> CSL item types
TYPES = {
    "journal-article": "article-journal", "proceedings-article": "paper-conference",
    "book-chapter": "chapter", "book-section": "chapter", "book-part": "chapter",
    "book": "book", "monograph": "book", "edited-book": "book", "reference-book": "book",
    "book-set": "book", "posted-content": "article", "report": "report", "report-component": "report",
    "dataset": "dataset", "dissertation": "thesis", "standard": "standard",
    "reference-entry": "entry-encyclopedia", "peer-review": "review", "proceedings": "book",
    "journal-issue": "periodical", "journal": "periodical",
}
#: ``posted-content`` subtypes (Crossref's deposit schema) that name a more precise CSL type;
#: preprints, working papers, letters and "other" stay ``article``
POSTED_SUBTYPES = {"blog": "post-weblog", "dissertation": "thesis", "report": "report", "review": "review"}
#: Crossref's dates of publication, most general first (``issued`` is the earliest of the
#: others). ``created``, ``deposited`` and ``indexed`` say when the DOI's metadata was
#: registered or refreshed, not when the work appeared, so they are never read as a date.
PUBLICATION_DATES = ("issued", "published", "published-print", "published-online", "posted")


def csl_type(kind: str, subtype: str | None = None) -> str:
    """Crossref's type (and ``posted-content`` subtype) as a CSL type; ``document`` when unknown."""
    kind = str(kind or "")
    if kind == "posted-content" and subtype:
        return POSTED_SUBTYPES.get(str(subtype).replace("_", "-"), "article")
    return TYPES.get(kind, "document")


def date_parts(value) -> list[int] | None:
    """A Crossref/CSL date's first ``date-parts`` as ints; None for ``[[null]]`` and the like."""
    parts = value.get("date-parts") if isinstance(value, dict) else None
    if not isinstance(parts, list) or not parts or not isinstance(parts[0], list):
        return None
    out = []
    for part in parts[0]:
        try:
            out.append(int(part))
        except (TypeError, ValueError):
            break  # a missing month ends the date there: [2003, null] is 2003
    return out or None


def id_list(value) -> str:
    """ISSN/ISBN as one or several values (Crossref sends a list) -> "a, b" (the form .bib files use)."""
    values = value if isinstance(value, list) else [value]
    seen: list[str] = []
    for item in values:
        text = str(item or "").strip()
        if text and text not in seen:
            seen.append(text)
    return ", ".join(seen)


_NAME_ROLES = ("author", "editor", "translator", "chair")


def _name(data: dict) -> dict:
    if data.get("name") and not data.get("family"):
        return {"literal": str(data["name"])}
    out = {k: str(data[k]) for k in ("family", "given", "suffix") if data.get(k)}
    return out


def work_to_csl(work: dict) -> dict:
    """A Crossref work (the ``message`` of ``/works/{doi}``) as a CSL-JSON item."""
    item: dict = {"type": csl_type(work.get("type", ""), work.get("subtype"))}
    title = clean_markup(first(work.get("title")) or "")
    subtitle = clean_markup(first(work.get("subtitle")) or "")
    if title:
        item["title"] = f"{title}: {subtitle}" if subtitle and subtitle.lower() not in title.lower() else title
    for crossref_key, csl_key in (("container-title", "container-title"),
                                  ("short-container-title", "container-title-short"),
                                  ("publisher", "publisher"), ("publisher-location", "publisher-place"),
                                  ("volume", "volume"), ("issue", "issue"), ("page", "page"),
                                  ("article-number", "number"), ("edition-number", "edition")):
        value = first(work.get(crossref_key))
        if value:
            item[csl_key] = clean_markup(str(value))
    if "container-title-short" in item and item["container-title-short"] == item.get("container-title"):
        del item["container-title-short"]
    for role in _NAME_ROLES:
        names = [_name(n) for n in work.get(role) or [] if isinstance(n, dict)]
        names = [n for n in names if n]
        if names:
            item[role] = names
    for date_key in PUBLICATION_DATES:
        parts = date_parts(work.get(date_key))
        if parts:
            item["issued"] = {"date-parts": [parts]}
            break
    doi = normalize_doi(str(work.get("DOI", "")))
    if doi:
        item["DOI"] = doi
    for key in ("ISSN", "ISBN"):
        value = id_list(work.get(key))
        if value:
            item[key] = value
    return item


def preprint_of(work: dict) -> str:
    """The DOI of the published version a preprint's ``relation`` names, if any."""
    relation = work.get("relation") or {}
    for link in relation.get("is-preprint-of") or []:
        if isinstance(link, dict) and link.get("id-type", "doi") == "doi":
            doi = normalize_doi(str(link.get("id", "")))
            if doi:
                return doi
    return ""


class CrossrefSource:
    name = "crossref"
    kinds = ("doi",)
    searchable = True

    def _record(self, work: dict, time: str, url: str) -> Record:
        return Record(csl_to_entry(work_to_csl(work)), self.name, time, url, published_doi=preprint_of(work))

    def lookup(self, http: HttpClient, kind: str, value: str) -> Record | None:
        if kind != "doi":
            return None
        url = f"{http.config.url(self.name)}/works/{quote(value, safe='/:;()')}"
        got = http.get(self.name, url)
        if got.status == 404:
            return None
        data = got.json(self.name)
        work = data.get("message") if isinstance(data, dict) else None
        if not isinstance(work, dict):
            raise SourceError(self.name, f"malformed answer from {got.url}: no 'message' object", "malformed")
        return self._record(work, got.time, got.url)

    def search(self, http: HttpClient, title: str, year: int | None = None, rows: int = 5) -> list[Record]:
        url = f"{http.config.url(self.name)}/works"
        got = http.get(self.name, url, params={"query.bibliographic": title, "rows": rows})
        if got.status == 404:
            return []
        data = got.json(self.name)
        message = data.get("message") if isinstance(data, dict) else None
        items = message.get("items") if isinstance(message, dict) else None
        if not isinstance(items, list):
            raise SourceError(self.name, f"malformed answer from {got.url}: no 'message.items' list", "malformed")
        return read_each(self.name, [w for w in items if isinstance(w, dict)],
                         lambda work: self._record(work, got.time, got.url))
