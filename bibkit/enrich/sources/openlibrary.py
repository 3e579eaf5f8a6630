"""Open Library's Books API (``/api/books?bibkeys=ISBN:...&jscmd=data&format=json``) for ISBNs.

``jscmd=data`` gives authors' names and publishers inline, so one request makes one entry.
"""
from __future__ import annotations

from bibkit.dates import parse_free_date
from bibkit.enrich.convert import name_from_display
from bibkit.enrich.http import HttpClient, SourceError
from bibkit.enrich.sources.base import Record
from bibkit.model_csl import csl_to_entry


def book_to_csl(book: dict, isbn: str) -> dict:
    item: dict = {"type": "book"}
    title = str(book.get("title") or "")
    if book.get("subtitle"):
        title = f"{title}: {book['subtitle']}"
    if title:
        item["title"] = title
    authors = [name_from_display(str(a.get("name"))) for a in book.get("authors") or [] if isinstance(a, dict) and a.get("name")]
    if authors:
        item["author"] = authors
    publishers = [p.get("name") for p in book.get("publishers") or [] if isinstance(p, dict) and p.get("name")]
    if publishers:
        item["publisher"] = str(publishers[0])
    places = [p.get("name") for p in book.get("publish_places") or [] if isinstance(p, dict) and p.get("name")]
    if places:
        item["publisher-place"] = str(places[0])
    when = str(book.get("publish_date") or "")
    date = parse_free_date(when) if when else None
    if date is not None and date.start is not None:
        item["issued"] = {"date-parts": [date.start.as_list()]}
    elif when[-4:].isdigit():
        item["issued"] = {"date-parts": [[int(when[-4:])]]}
    if book.get("number_of_pages"):
        item["number-of-pages"] = str(book["number_of_pages"])
    item["ISBN"] = isbn
    return item


class OpenLibrarySource:
    name = "openlibrary"
    kinds = ("isbn",)
    searchable = False

    def lookup(self, http: HttpClient, kind: str, value: str) -> Record | None:
        if kind != "isbn":
            return None
        url = f"{http.config.url(self.name)}/api/books"
        got = http.get(self.name, url, params={"bibkeys": f"ISBN:{value}", "jscmd": "data", "format": "json"})
        if got.status == 404:
            return None
        data = got.json(self.name)
        if not isinstance(data, dict):
            raise SourceError(self.name, f"malformed answer from {got.url}: not an object", "malformed")
        book = data.get(f"ISBN:{value}")
        if not isinstance(book, dict):
            return None
        entry = csl_to_entry(book_to_csl(book, value))
        entry.key = None
        return Record(entry, self.name, got.time, got.url)

    def search(self, http: HttpClient, title: str, year: int | None = None, rows: int = 5) -> list:
        return []
