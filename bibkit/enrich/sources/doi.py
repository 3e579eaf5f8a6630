"""DOI content negotiation: ask the DOI resolver for CSL-JSON.

``Accept: application/vnd.citationstyles.csl+json`` on ``https://doi.org/{doi}`` is answered by
whichever agency registered the DOI (Crossref, DataCite, mEDRA), so this source covers DOIs
that Crossref's API does not hold, notably DataCite's ``10.48550/arXiv.*`` DOIs of arXiv papers.
The answer is CSL-JSON already, read by the CSL-JSON importer's own conversion, after three
repairs that the real answers need: Crossref's transform names types in Crossref's own words
(``journal-article``, ``posted-content`` with a ``subtype``), sends ``ISSN``/``ISBN`` as lists, and
sends some string variables as (often empty) lists.
"""
from __future__ import annotations

from urllib.parse import quote

from bibkit.enrich.convert import clean_markup
from bibkit.enrich.http import HttpClient, SourceError
from bibkit.enrich.sources.base import Record
from bibkit.enrich.sources.crossref import csl_type, date_parts, id_list
from bibkit.model_csl import csl_to_entry
from bibkit.identifiers import normalize_doi, parse_arxiv
from bibkit.types import CSL_TYPES

CSL_JSON = "application/vnd.citationstyles.csl+json"
ARXIV_DOI_PREFIX = "10.48550/arxiv."


#: CSL string variables Crossref's transform may send as lists (``"container-title": []``)
_LISTED_STRINGS = ("title", "container-title", "container-title-short", "publisher", "publisher-place",
                   "volume", "issue", "page", "edition", "title-short", "collection-title")


def repair_item(item: dict) -> dict:
    """A content-negotiation answer as a CSL item bibkit can read: CSL type, strings, dates."""
    item = dict(item)
    item.pop("id", None)
    kind = str(item.get("type") or "")
    if kind not in CSL_TYPES:
        item["type"] = csl_type(kind, item.get("subtype"))
    for key in _LISTED_STRINGS:
        value = item.get(key)
        if isinstance(value, list):
            value = next((str(v) for v in value if v not in (None, "")), "")
            if value:
                item[key] = value
            else:
                del item[key]
    for key in ("ISSN", "ISBN"):
        if key in item:
            value = id_list(item[key])
            if value:
                item[key] = value
            else:
                del item[key]
    if "issued" in item and date_parts(item["issued"]) is None and not (
            isinstance(item["issued"], dict) and item["issued"].get("literal")):
        del item["issued"]  # [[null]]: no date, rather than an invented one
    return item


class DOISource:
    name = "doi"
    kinds = ("doi", "arxiv")
    searchable = False

    def lookup(self, http: HttpClient, kind: str, value: str) -> Record | None:
        doi = ARXIV_DOI_PREFIX + (parse_arxiv(value)[0] or value) if kind == "arxiv" else value
        url = f"{http.config.url(self.name)}/{quote(doi, safe='/:;()')}"
        got = http.get(self.name, url, headers={"Accept": CSL_JSON})
        if got.status == 404:
            return None
        item = got.json(self.name)
        if isinstance(item, list) and item:
            item = item[0]
        if not isinstance(item, dict) or not (item.get("title") or item.get("DOI")):
            raise SourceError(self.name, f"malformed answer from {got.url}: not a CSL-JSON item", "malformed")
        item = repair_item(item)
        for key in ("title", "container-title", "publisher"):
            if isinstance(item.get(key), str):
                item[key] = clean_markup(item[key])
        for key in ("abstract", "reference", "license", "link", "copyright", "keyword", "categories", "source"):
            item.pop(key, None)
        entry = csl_to_entry(item)
        entry.key = None
        entry.extra.clear()
        if entry.ids.doi.startswith(ARXIV_DOI_PREFIX):
            # an arXiv preprint: its DataCite DOI is the eprint id under another name
            raw = str(item.get("DOI", ""))
            raw = raw[raw.lower().find(ARXIV_DOI_PREFIX) + len(ARXIV_DOI_PREFIX):]
            entry.ids.arxiv, entry.ids.arxiv_version = parse_arxiv(raw)
            entry.ids.arxiv = entry.ids.arxiv or value
            entry.ids.doi = ""
            entry.fields.pop("publisher", None) if entry.fields.get("publisher", "").lower() == "arxiv" else None
            if entry.ids.url.startswith(("https://arxiv.org/abs/", "http://arxiv.org/abs/")):
                entry.ids.url = ""
        elif normalize_doi(entry.ids.doi) != entry.ids.doi:
            entry.ids.doi = normalize_doi(entry.ids.doi)
        return Record(entry, self.name, got.time, got.url)

    def search(self, http: HttpClient, title: str, year: int | None = None, rows: int = 5) -> list:
        return []
