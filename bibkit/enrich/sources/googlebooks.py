"""Google Books (``/volumes?q=isbn:...``): the second source for ISBNs Open Library lacks."""
from __future__ import annotations

from bibkit.enrich.convert import iso_date, name_from_display
from bibkit.enrich.http import HttpClient, SourceError
from bibkit.enrich.sources.base import Record
from bibkit.model_csl import csl_to_entry
from bibkit.identifiers import normalize_isbn


def volume_to_csl(info: dict, isbn: str) -> dict:
    item: dict = {"type": "book"}
    title = str(info.get("title") or "")
    if info.get("subtitle"):
        title = f"{title}: {info['subtitle']}"
    if title:
        item["title"] = title
    authors = [name_from_display(str(a)) for a in info.get("authors") or [] if a]
    if authors:
        item["author"] = authors
    if info.get("publisher"):
        item["publisher"] = str(info["publisher"])
    issued = iso_date(str(info.get("publishedDate") or ""))
    if issued:
        item["issued"] = issued
    if info.get("pageCount"):
        item["number-of-pages"] = str(info["pageCount"])
    item["ISBN"] = isbn
    return item


class GoogleBooksSource:
    name = "googlebooks"
    kinds = ("isbn",)
    searchable = False

    def lookup(self, http: HttpClient, kind: str, value: str) -> Record | None:
        if kind != "isbn":
            return None
        url = f"{http.config.url(self.name)}/volumes"
        got = http.get(self.name, url, params={"q": f"isbn:{value}"})
        if got.status == 404:
            return None
        data = got.json(self.name)
        if not isinstance(data, dict):
            raise SourceError(self.name, f"malformed answer from {got.url}: not an object", "malformed")
        for volume in data.get("items") or []:
            info = (volume or {}).get("volumeInfo") or {}
            isbns = {normalize_isbn(str(i.get("identifier", ""))) for i in info.get("industryIdentifiers") or []
                     if isinstance(i, dict)}
            if value in isbns or not isbns:
                entry = csl_to_entry(volume_to_csl(info, value))
                entry.key = None
                return Record(entry, self.name, got.time, got.url)
        return None

    def search(self, http: HttpClient, title: str, year: int | None = None, rows: int = 5) -> list:
        return []
