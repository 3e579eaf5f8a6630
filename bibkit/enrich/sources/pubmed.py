"""PubMed through NCBI E-utilities ``esummary.fcgi?db=pubmed&retmode=json`` for PMIDs.

NCBI allows three requests a second without an API key and asks for ``tool`` and ``email``.
Authors come as "Family Initials" ("Smith JA"); the initials become "J. A.". Names and dates
are read as the MEDLINE and PubMed XML importers read them (:mod:`bibkit.formats.pubmed_fields`).
"""
from __future__ import annotations

import re

from bibkit.dates import date_to_csl
from bibkit.enrich.http import HttpClient, SourceError
from bibkit.enrich.sources.base import Record
from bibkit.formats.pubmed_fields import name_from_short, parse_pubmed_date
from bibkit.identifiers import normalize_doi
from bibkit.model_csl import csl_to_entry


def _author(name: str) -> dict:
    person = name_from_short(name)
    return {"literal": person.literal} if person.literal else {"family": person.family, "given": person.given}


def summary_to_csl(doc: dict) -> dict:
    item: dict = {"type": "article-journal", "title": str(doc.get("title") or "").rstrip(".")}
    authors = [_author(str(a.get("name"))) for a in doc.get("authors") or []
               if isinstance(a, dict) and a.get("name") and a.get("authtype", "Author") == "Author"]
    if authors:
        item["author"] = authors
    journal = doc.get("fulljournalname") or doc.get("source")
    if journal:
        item["container-title"] = str(journal)
    if doc.get("source") and doc.get("source") != journal:
        item["container-title-short"] = str(doc["source"])
    for key, csl in (("volume", "volume"), ("issue", "issue"), ("pages", "page")):
        if doc.get(key):
            item[csl] = str(doc[key])
    pubdate = str(doc.get("pubdate") or "")
    date = parse_pubmed_date(pubdate) if pubdate else None  # "2018 Mar 27", "2018 Jan-Feb", "2017 Winter"
    if date is None and re.match(r"\d{4}\b", pubdate):
        date = parse_pubmed_date(pubdate[:4])
    if date is not None:
        item["issued"] = date_to_csl(date)
    for article_id in doc.get("articleids") or []:
        if not isinstance(article_id, dict):
            continue
        kind, value = article_id.get("idtype"), str(article_id.get("value") or "")
        if kind == "doi" and normalize_doi(value):
            item["DOI"] = normalize_doi(value)
        elif kind == "pmc" and value:
            item["PMCID"] = value
        elif kind == "pubmed" and value:
            item["PMID"] = value
    if doc.get("issn") or doc.get("essn"):
        item["ISSN"] = str(doc.get("issn") or doc.get("essn"))
    return item


class PubMedSource:
    name = "pubmed"
    kinds = ("pmid",)
    searchable = False

    def lookup(self, http: HttpClient, kind: str, value: str) -> Record | None:
        if kind != "pmid":
            return None
        url = f"{http.config.url(self.name)}/esummary.fcgi"
        got = http.get(self.name, url, params={"db": "pubmed", "id": value, "retmode": "json"})
        if got.status == 404:
            return None
        data = got.json(self.name)
        result = data.get("result") if isinstance(data, dict) else None
        if not isinstance(result, dict):
            raise SourceError(self.name, f"malformed answer from {got.url}: no 'result' object", "malformed")
        doc = result.get(value)
        if not isinstance(doc, dict) or doc.get("error"):
            return None
        entry = csl_to_entry(summary_to_csl(doc))
        entry.key = None
        entry.ids.pmid = value
        return Record(entry, self.name, got.time, got.url)

    def search(self, http: HttpClient, title: str, year: int | None = None, rows: int = 5) -> list:
        return []
