"""OpenAlex: ``/works/doi:{doi}`` and ``/works?search=...``.

OpenAlex merges the versions of a paper into one work and lists where each lives in
``locations`` (``version``: submitted / accepted / published), which is how a preprint is
found to have a published version even when arXiv was never told.
"""
from __future__ import annotations

import re
from urllib.parse import quote

from bibkit.enrich.convert import clean_markup, iso_date, name_from_display
from bibkit.enrich.http import HttpClient, SourceError, read_each
from bibkit.enrich.sources.base import Record
from bibkit.enrich.sources.crossref import TYPES as CROSSREF_TYPES
from bibkit.enrich.sources.crossref import csl_type as crossref_csl_type
from bibkit.enrich.sources.doi import ARXIV_DOI_PREFIX
from bibkit.model_csl import csl_to_entry
from bibkit.identifiers import normalize_doi, parse_arxiv

#: OpenAlex's own work types (https://docs.openalex.org/api-entities/works/work-object#type)
TYPES = {"article": "article-journal", "preprint": "article", "book": "book",
         "book-chapter": "chapter", "dissertation": "thesis", "dataset": "dataset",
         "report": "report", "review": "article-journal", "standard": "standard",
         "conference-paper": "paper-conference", "letter": "article-journal", "editorial": "article-journal",
         "erratum": "article-journal", "retraction": "article-journal", "peer-review": "review",
         "reference-entry": "entry-encyclopedia"}
#: source types whose name is the container of the works they host; a repository or an
#: ebook platform only hosts a copy, a book series is a collection, not a container
CONTAINER_SOURCES = ("journal", "conference")
#: Crossref types (a location's ``raw_type``) whose works sit inside a named container
CONTAINED_RAW_TYPES = ("journal-article", "proceedings-article", "book-chapter", "book-section", "book-part",
                       "reference-entry")


def work_type(work: dict) -> str:
    """The CSL type: Crossref's type when OpenAlex kept it (older records' ``type_crossref``),
    else OpenAlex's own type, else the primary location's ``raw_type`` when that is Crossref's."""
    if work.get("type_crossref") in CROSSREF_TYPES:
        return CROSSREF_TYPES[work["type_crossref"]]
    kind = TYPES.get(str(work.get("type") or ""))
    if kind:
        return kind
    raw = str((work.get("primary_location") or {}).get("raw_type") or "")
    return crossref_csl_type(raw) if raw in CROSSREF_TYPES else "document"


def container(work: dict) -> tuple[str, str]:
    """(container title, ISSN-L) of the primary location.

    Current records often have ``source: null`` for books and proceedings; the venue is then only
    in ``raw_source_name``, which is read when ``raw_type`` says the work sits in a container.
    """
    location = work.get("primary_location") or {}
    source = location.get("source") or {}
    if source:
        if source.get("type") in CONTAINER_SOURCES and source.get("display_name"):
            return str(source["display_name"]), str(source.get("issn_l") or "")
        return "", ""
    if location.get("raw_source_name") and location.get("raw_type") in CONTAINED_RAW_TYPES:
        return str(location["raw_source_name"]), ""
    return "", ""


def _arxiv_of(work: dict) -> str:
    doi = normalize_doi(str(work.get("doi") or ""))
    if doi.startswith(ARXIV_DOI_PREFIX):
        return doi[len(ARXIV_DOI_PREFIX):]
    for loc in work.get("locations") or []:
        url = str((loc or {}).get("landing_page_url") or "")
        if "arxiv.org/" in url:
            arxiv, _ = parse_arxiv(url)
            if arxiv:
                return arxiv
    return ""


def published_location(work: dict) -> str:
    """The DOI of a published (non-arXiv) version among the work's locations, if any."""
    doi = normalize_doi(str(work.get("doi") or ""))
    primary = work.get("primary_location") or {}
    if doi and not doi.startswith(ARXIV_DOI_PREFIX) and (primary.get("version") == "publishedVersion"
                                                          or ((primary.get("source") or {}).get("type") in ("journal", "conference"))):
        return doi
    for loc in work.get("locations") or []:
        loc = loc or {}
        if loc.get("version") != "publishedVersion":
            continue
        found = normalize_doi(str(loc.get("landing_page_url") or ""))
        if found and not found.startswith(ARXIV_DOI_PREFIX):
            return found
    return ""


def work_to_csl(work: dict) -> dict:
    """An OpenAlex work as a CSL-JSON item."""
    item: dict = {"type": work_type(work)}
    title = clean_markup(str(work.get("title") or work.get("display_name") or ""))
    if title:
        item["title"] = title
    authors = []
    for authorship in work.get("authorships") or []:
        author = (authorship or {}).get("author") or {}
        name = author.get("display_name") or (authorship or {}).get("raw_author_name")
        if name:
            authors.append(name_from_display(str(name)))
    if authors:
        item["author"] = [a for a in authors if a]
    issued = iso_date(str(work.get("publication_date") or work.get("publication_year") or ""))
    if issued:
        item["issued"] = issued
    arxiv = _arxiv_of(work)
    venue, issn = container(work)
    if venue and not (arxiv and "arxiv" in venue.lower()):
        item["container-title"] = venue
        if issn:
            item["ISSN"] = issn
    host = ((work.get("primary_location") or {}).get("source") or {}).get("host_organization_name")
    if host and not (arxiv and "cornell" in str(host).lower()):
        item["publisher"] = str(host)  # the source's host organisation: its publisher
    biblio = work.get("biblio") or {}
    for key in ("volume", "issue"):
        if biblio.get(key):
            item[key] = str(biblio[key])
    if biblio.get("first_page"):
        last = biblio.get("last_page")
        item["page"] = f"{biblio['first_page']}-{last}" if last and last != biblio["first_page"] else str(biblio["first_page"])
    doi = normalize_doi(str(work.get("doi") or ""))
    if doi and not doi.startswith(ARXIV_DOI_PREFIX):
        item["DOI"] = doi
    ids = work.get("ids") or {}
    pmid = re.search(r"(\d+)\s*$", str(ids.get("pmid") or ""))
    if pmid:
        item["PMID"] = pmid.group(1)
    custom: dict = {}
    if arxiv:
        custom["arxiv"] = arxiv
    if work.get("is_authors_truncated"):
        custom["and-others"] = ["author"]  # list endpoints give the first 100 authors only
    if custom:
        item["custom"] = {"bibkit": custom}
    return item


class OpenAlexSource:
    name = "openalex"
    kinds = ("doi", "arxiv", "pmid")
    searchable = True

    def _record(self, work: dict, time: str, url: str) -> Record:
        entry = csl_to_entry(work_to_csl(work))
        entry.key = None
        published = published_location(work)
        is_preprint = bool(entry.ids.arxiv) and published and published != entry.ids.doi
        return Record(entry, self.name, time, url, published_doi=published if is_preprint else "")

    def lookup(self, http: HttpClient, kind: str, value: str) -> Record | None:
        if kind == "arxiv":
            ref = "doi:" + ARXIV_DOI_PREFIX + (parse_arxiv(value)[0] or value)
        elif kind == "doi":
            ref = "doi:" + value
        elif kind == "pmid":
            ref = "pmid:" + value
        else:
            return None
        url = f"{http.config.url(self.name)}/works/{quote(ref, safe='/:;()')}"
        got = http.get(self.name, url)
        if got.status == 404:
            return None
        work = got.json(self.name)
        if not isinstance(work, dict) or not (work.get("id") or work.get("title")):
            raise SourceError(self.name, f"malformed answer from {got.url}: not a work object", "malformed")
        return self._record(work, got.time, got.url)

    def search(self, http: HttpClient, title: str, year: int | None = None, rows: int = 5) -> list[Record]:
        url = f"{http.config.url(self.name)}/works"
        got = http.get(self.name, url, params={"search": title, "per-page": rows})
        if got.status == 404:
            return []
        data = got.json(self.name)
        results = data.get("results") if isinstance(data, dict) else None
        if not isinstance(results, list):
            raise SourceError(self.name, f"malformed answer from {got.url}: no 'results' list", "malformed")
        return read_each(self.name, [w for w in results if isinstance(w, dict)],
                         lambda work: self._record(work, got.time, got.url))
