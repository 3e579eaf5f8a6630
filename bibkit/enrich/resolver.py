"""Which source to ask for what, in which order, and what to do when one fails.

Each identifier kind has a chain of sources (the first that knows the identifier wins); a
failed source is remembered with its first error, and once it is unreachable or timing out it
is not asked again in this run, so an offline machine gets one line per source and no wait
per entry.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from bibkit.enrich.http import HttpClient, SourceError
from bibkit.enrich.match import TITLE_THRESHOLD, Verdict, judge
from bibkit.enrich.sources import get_source, source_names
from bibkit.enrich.sources.base import Record, Source
from bibkit.identifiers import parse_arxiv
from bibkit.model import Entry

CHAINS: dict[str, tuple[str, ...]] = {
    "doi": ("crossref", "doi", "openalex"),
    "arxiv": ("arxiv", "doi", "openalex"),
    "isbn": ("openlibrary", "googlebooks"),
    "pmid": ("pubmed", "openalex"),
}
SEARCH_CHAIN: tuple[str, ...] = ("crossref", "openalex")
#: for a preprint: who may know of its published version beyond the arXiv record itself
PUBLISHED_CHAIN: tuple[str, ...] = ("openalex",)
BUILTIN = {"crossref", "doi", "arxiv", "openalex", "openlibrary", "googlebooks", "pubmed"}


@dataclass
class SourceFailure:
    error: SourceError
    count: int = 1


@dataclass
class SearchResult:
    record: Record | None
    rejected: list[tuple[Record, Verdict]] = field(default_factory=list)


class Resolver:
    """Looks identifiers up and searches titles across the configured sources."""

    def __init__(self, http: HttpClient, sources: list[str] | None = None,
                 title_threshold: float = TITLE_THRESHOLD):
        self.http = http
        self.enabled = set(sources) if sources else None
        self.title_threshold = title_threshold
        self._sources: dict[str, Source] = {}
        self.failures: dict[str, SourceFailure] = {}
        self.down: set[str] = set()
        self._memo: dict[tuple[str, str, str], Record | None] = {}
        self._lock = threading.Lock()

    def source(self, name: str) -> Source | None:
        if self.enabled is not None and name not in self.enabled:
            return None
        if name not in self._sources:
            try:
                self._sources[name] = get_source(name)
            except Exception as exc:  # a broken plugin must not stop the built-in sources
                self._fail(SourceError(name, f"cannot load this source: {exc}", "unreachable"))
                self._sources[name] = None  # type: ignore[assignment]
        return self._sources[name]

    def chain(self, kind: str) -> tuple[str, ...]:
        """The built-in order for ``kind``, then any plugin source that declares the kind."""
        names = list(CHAINS.get(kind, ()))
        for name in source_names():
            if name not in names and name not in BUILTIN:
                src = self.source(name)
                if src is not None and kind in getattr(src, "kinds", ()):
                    names.append(name)
        return tuple(names)

    def search_chain(self) -> tuple[str, ...]:
        names = list(SEARCH_CHAIN)
        for name in source_names():
            if name not in names and name not in BUILTIN:
                src = self.source(name)
                if src is not None and getattr(src, "searchable", False):
                    names.append(name)
        return tuple(names)

    def _fail(self, error: SourceError) -> None:
        with self._lock:
            if error.source in self.failures:
                self.failures[error.source].count += 1
            else:
                self.failures[error.source] = SourceFailure(error)
            if error.kind in ("unreachable", "timeout"):
                self.down.add(error.source)

    def _usable(self, name: str) -> Source | None:
        if name in self.down:
            with self._lock:
                if name in self.failures:
                    self.failures[name].count += 1
            return None
        return self.source(name)

    def prefetch(self, kind: str, values: list[str]) -> None:
        """Batch look-ups for sources that can (arXiv's ``id_list``), before the per-entry work."""
        for name in self.chain(kind):
            src = self._usable(name)
            if src is None or not hasattr(src, "lookup_many") or kind not in src.kinds:
                continue
            try:
                found = src.lookup_many(self.http, values)  # type: ignore[attr-defined]
            except SourceError as exc:
                self._fail(exc)
                return
            with self._lock:
                for value in values:
                    bare = parse_arxiv(value)[0] or value
                    self._memo[(name, kind, value)] = found.get(bare) or found.get(value)
            return

    def lookup(self, kind: str, value: str, chain: tuple[str, ...] | None = None) -> Record | None:
        """The first record any source of the kind's chain has for ``value``."""
        for name in chain or self.chain(kind):
            src = self._usable(name)
            if src is None or kind not in src.kinds:
                continue
            key = (name, kind, value)
            with self._lock:
                memo_hit = key in self._memo
                record = self._memo.get(key)
            if not memo_hit:
                try:
                    record = src.lookup(self.http, kind, value)
                except SourceError as exc:
                    self._fail(exc)
                    continue
            if record is not None:
                return record
        return None

    def search(self, entry: Entry) -> SearchResult:
        """The first search hit that :func:`~bibkit.enrich.match.judge` accepts for ``entry``."""
        result = SearchResult(None)
        if not entry.title.strip():
            return result
        for name in self.search_chain():
            src = self._usable(name)
            if src is None or not src.searchable:
                continue
            try:
                hits = src.search(self.http, entry.title, entry.year)
            except SourceError as exc:
                self._fail(exc)
                continue
            for hit in hits:
                verdict = judge(entry, hit.entry, self.title_threshold)
                if verdict.accepted:
                    result.record = hit
                    return result
                result.rejected.append((hit, verdict))
        return result

    def published_version(self, entry: Entry, record: Record | None, ask_more: bool) -> Record | None:
        """The published version of a preprint, from what ``record`` says or (``ask_more``) OpenAlex."""
        doi = record.published_doi if record is not None else ""
        if not doi and ask_more and entry.ids.arxiv:
            other = self.lookup("arxiv", entry.ids.arxiv, PUBLISHED_CHAIN)
            doi = other.published_doi if other is not None else ""
        if not doi:
            return None
        return self.lookup("doi", doi, ("crossref", "doi"))

    def failure_lines(self) -> list[str]:
        """One line per failed source: the first error, and how many look-ups it cost."""
        lines = []
        for name in sorted(self.failures):
            failure = self.failures[name]
            more = f" ({failure.count} look-ups failed)" if failure.count > 1 else ""
            lines.append(f"{name}: {failure.error.message}{more}")
        return lines
