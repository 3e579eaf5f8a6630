"""The one small interface every source implements, and what a look-up returns.

A source answers two questions: "what is the record for this identifier?" (``lookup``) and
"which records have a title like this?" (``search``). It returns canonical entries, so the
rest of bibkit never sees a source's own format; deciding whether a search hit is the right
record is the resolver's job, not the source's.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from bibkit.enrich.http import HttpClient
from bibkit.model import Entry


@dataclass
class Record:
    """One source's record as a canonical entry.

    ``published_doi`` is set when the record is a preprint that the source knows was
    published (arXiv's DOI/journal-ref, Crossref's ``is-preprint-of``, an OpenAlex location);
    ``journal_ref`` is arXiv's free-text reference to the published version.
    """

    entry: Entry
    source: str
    time: str
    url: str = ""
    published_doi: str = ""
    journal_ref: str = ""

    @property
    def is_preprint(self) -> bool:
        return bool(self.entry.ids.arxiv) and not self.entry.fields.get("container-title")


@runtime_checkable
class Source(Protocol):
    name: str
    #: identifier kinds this source can look up: doi, arxiv, isbn, pmid
    kinds: tuple[str, ...]
    #: True when ``search`` is implemented (title search)
    searchable: bool

    def lookup(self, http: HttpClient, kind: str, value: str) -> Record | None:
        """The record for an identifier, None when the source has none."""

    def search(self, http: HttpClient, title: str, year: int | None = None, rows: int = 5) -> list[Record]:
        """Candidate records for a title (best first, as the source ranks them)."""
