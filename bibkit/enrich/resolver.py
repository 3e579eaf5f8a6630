"""Which source to ask for what, in which order, and what to do when one fails.

Each identifier kind has a chain of sources (the first that knows the identifier wins). A
source that is unreachable or timing out is not asked again in this run, so an offline machine
gets one line per source and no wait per entry. Any other failure (an HTTP error, a malformed
answer, an answer bibkit could not read) belongs to one identifier: it is remembered with the
identifier and the source, the chain goes on to the next source, and the other look-ups are
not affected.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from bibkit.enrich.http import HttpClient, PartialAnswer, SourceError
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
class LookupFailure:
    """One look-up that failed: which source, for what (``doi:10...``, ``title "..."``), and why."""

    source: str
    what: str
    error: SourceError

    def line(self) -> str:
        return f"{self.source}: {self.what}: {self.error.message}"


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
        self.lookup_failures: list[LookupFailure] = []
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

    def _fail(self, error: SourceError, what: str = "") -> None:
        with self._lock:
            if error.source in self.failures:
                self.failures[error.source].count += 1
            else:
                self.failures[error.source] = SourceFailure(error)
            if error.kind in ("unreachable", "timeout"):
                self.down.add(error.source)
            elif what:
                self.lookup_failures.append(LookupFailure(error.source, what, error))

    def _ask(self, name: str, what: str, call, *args):
        """``call(*args)``; a failure is recorded against ``what`` and returned as :data:`FAILED`.

        Any exception counts, not only :class:`SourceError`: a source that cannot read one
        answer (a record shape it did not expect) must cost that identifier only.
        """
        try:
            return call(*args)
        except PartialAnswer as exc:  # some hits unreadable: reported, the others still count
            self._fail(exc, what)
            return exc.result
        except SourceError as exc:
            self._fail(exc, what)
        except Exception as exc:  # noqa: BLE001 - one unreadable record never stops the run
            self._fail(SourceError(name, f"could not read the answer: {type(exc).__name__}: {exc}", "unreadable"), what)
        return FAILED

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
            found = self._ask(name, "", src.lookup_many, self.http, values)  # type: ignore[attr-defined]
            if found is FAILED:
                return  # each identifier is asked on its own later
            for value in values:
                bare = parse_arxiv(value)[0] or value
                result = found.get(bare) or found.get(value)
                if isinstance(result, SourceError):
                    self._fail(result, ident_label(kind, value))
                    result = None
                with self._lock:
                    self._memo[(name, kind, value)] = result
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
                record = self._ask(name, ident_label(kind, value), src.lookup, self.http, kind, value)
                if record is FAILED:
                    continue
            if record is not None:
                return record
        return None

    def _hits(self, entry: Entry) -> Iterator[Record]:
        """The search hits for ``entry``'s title, source by source in the search chain, asked
        lazily so that a caller that stops at an accepted hit asks no further source."""
        if not entry.title.strip():
            return
        for name in self.search_chain():
            src = self._usable(name)
            if src is None or not src.searchable:
                continue
            hits = self._ask(name, search_label(entry.title), src.search, self.http, entry.title, entry.year)
            if hits is not FAILED:
                yield from hits

    def search(self, entry: Entry) -> SearchResult:
        """The first search hit that :func:`~bibkit.enrich.match.judge` accepts for ``entry``."""
        result = SearchResult(None)
        for hit in self._hits(entry):
            verdict = judge(entry, hit.entry, self.title_threshold)
            if verdict.accepted:
                result.record = hit
                return result
            result.rejected.append((hit, verdict))
        return result

    def search_all(self, entry: Entry) -> list[tuple[Record, Verdict]]:
        """Every search source's hits for ``entry``'s title, each with its verdict (``bibkit add TITLE``).

        Unlike :meth:`search`, which stops at the first accepted hit (the entry's year and
        author count narrow it down), a bare title asks every source, so that two different
        works with the same title are seen as two and not silently taken as one.
        """
        return [(hit, judge(entry, hit.entry, self.title_threshold)) for hit in self._hits(entry)]
        for name in self.search_chain():
            src = self._usable(name)
            if src is None or not src.searchable:
                continue
            hits = self._ask(name, search_label(entry.title), src.search, self.http, entry.title, entry.year)
            if hits is FAILED:
                continue
            judged.extend((hit, judge(entry, hit.entry, self.title_threshold)) for hit in hits)
        return judged

    def published_version(self, entry: Entry, record: Record | None, ask_more: bool) -> Record | None:
        """The published version of a preprint, from what ``record`` says or (``ask_more``) OpenAlex."""
        doi = record.published_doi if record is not None else ""
        if not doi and ask_more and entry.ids.arxiv:
            other = self.lookup("arxiv", entry.ids.arxiv, PUBLISHED_CHAIN)
            doi = other.published_doi if other is not None else ""
        if not doi:
            return None
        return self.lookup("doi", doi, ("crossref", "doi"))

    def failures_for(self, whats: list[str]) -> list[LookupFailure]:
        """The failed look-ups of these identifiers (``doi:10...``) or searches, in source order."""
        wanted = set(whats)
        with self._lock:
            found = [f for f in self.lookup_failures if f.what in wanted]
        unique = {(f.source, f.what, f.error.message): f for f in found}
        return sorted(unique.values(), key=lambda f: (f.source, f.what))

    def failure_lines(self, reported: set[str] = frozenset()) -> list[str]:
        """What failed: one line per source that was down (its first error, how many look-ups
        it cost), and one line per other failed look-up, naming the identifier, except those
        whose identifier is in ``reported`` (already told to the user with their entry)."""
        lines = []
        by_source: dict[str, list[LookupFailure]] = {}
        for failure in self.lookup_failures:
            by_source.setdefault(failure.source, []).append(failure)
        for name in sorted(self.failures):
            failure = self.failures[name]
            items = by_source.get(name, [])
            if name in self.down or not items:
                more = f" ({failure.count} look-ups failed)" if failure.count > 1 else ""
                lines.append(f"{name}: {failure.error.message}{more}")
            lines.extend(sorted({item.line() for item in items if item.what not in reported}))
        return lines


#: what :meth:`Resolver._ask` returns for a failed call (None means "the source has no record")
FAILED = object()


def search_label(title: str, width: int = 60) -> str:
    """How a title search is named in failure reports: ``title "The first words..."``."""
    title = " ".join(title.split())
    return 'title "' + (title if len(title) <= width else title[:width - 3] + "...") + '"'


def ident_label(kind: str, value: str) -> str:
    """How an identifier look-up is named in failure reports: ``doi:10.1000/x``."""
    return f"{kind}:{value}"
