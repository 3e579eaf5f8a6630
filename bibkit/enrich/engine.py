"""Running look-ups for many entries at once: ``bibkit add`` and ``bibkit enrich``.

Entries are independent, so each one's look-up chain runs in a bounded thread pool; the
per-source gates in :mod:`bibkit.enrich.http` keep each service within its polite-use rate
while the pool keeps the different services (and the cache) busy. Results are applied in
input order, so output and messages do not depend on timing.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Callable, Iterable

from bibkit.diagnostics import Problem
from bibkit.enrich.identify import entry_identifiers, is_url, parse_identifier
from bibkit.enrich.merge import Change, fill, stamp_all, upgrade
from bibkit.enrich.resolver import Resolver, ident_label, search_label
from bibkit.enrich.sources.base import Record
from bibkit.enrich.titles import by_title, looks_like_title
from bibkit.identifiers import parse_arxiv
from bibkit.model import Entry, Library

Progress = Callable[[int], None]


@dataclass
class Outcome:
    """What happened to one entry."""

    entry: Entry
    changes: list[Change] = field(default_factory=list)
    record: Record | None = None
    status: str = "unchanged"  # filled | unchanged | not-found | ambiguous | skipped | failed
    message: str = ""
    published_doi: str = ""  # a preprint's published version (offered or applied)
    upgraded: bool = False


@dataclass
class EnrichReport:
    outcomes: list[Outcome]
    problems: list[Problem]
    source_errors: list[str]

    @property
    def changed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.changes]


def needs_enrichment(entry: Entry) -> list[str]:
    """What an entry lacks among author names, an identifier, a venue and a date."""
    missing = []
    if not entry.authors.names and not entry.names.get("editor"):
        missing.append("author")
    ids = entry.ids
    if not (ids.doi or ids.arxiv or ids.isbn or ids.pmid):
        missing.append("identifier")
    if not (entry.fields.get("container-title") or entry.fields.get("publisher") or ids.arxiv):
        missing.append("venue")
    if not entry.dates.get("issued"):
        missing.append("date")
    return missing


def is_preprint(entry: Entry) -> bool:
    """An arXiv preprint not yet cited as its published version."""
    if not entry.ids.arxiv and not any(k == "arxiv" for k, _ in entry_identifiers(entry)):
        return False
    venue = entry.fields.get("container-title", "").lower()
    if entry.ids.doi and not entry.ids.doi.startswith("10.48550/"):
        return False
    return not venue or "arxiv" in venue or "corr" in venue.split() or "preprint" in venue


def wants_lookup(entry: Entry, overwrite: set[str], upgrade_preprints: bool, force: bool) -> bool:
    """Whether an entry is worth a request: something missing, or the user asked for more."""
    return bool(needs_enrichment(entry) or overwrite or force or (upgrade_preprints and is_preprint(entry)))


def run_parallel(items: list, work: Callable, workers: int, progress: Progress | None = None,
                 on_error: Callable[[object, Exception], object] | None = None) -> list:
    """``work`` over ``items`` in a bounded pool; results in input order.

    An exception in one item's work never leaves the pool: ``on_error(item, exc)`` gives that
    item's result instead (the exception itself when no ``on_error`` is given), so the other
    items' results are kept.
    """
    if not items:
        return []
    results: list = [None] * len(items)

    def guarded(item):
        try:
            return work(item)
        except Exception as exc:  # noqa: BLE001 - reported per item by on_error
            return on_error(item, exc) if on_error else exc

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(items)))) as pool:
        futures = {pool.submit(guarded, item): i for i, item in enumerate(items)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if progress:
                progress(1)
    return results


def _failed(entry: Entry, exc: Exception) -> Outcome:
    return Outcome(entry, status="failed", message=f"{type(exc).__name__}: {exc}")


def _enrich_one(entry: Entry, resolver: Resolver, overwrite: set[str], upgrade_preprints: bool,
                force: bool) -> Outcome:
    outcome = Outcome(entry)
    preprint = is_preprint(entry)
    if not wants_lookup(entry, overwrite, upgrade_preprints, force):
        outcome.status = "skipped"
        return outcome
    record = None
    for kind, value in entry_identifiers(entry):
        record = resolver.lookup(kind, value)
        if record is not None:
            break
    if record is None:
        result = resolver.search(entry)
        record = result.record
        if record is None and result.rejected:
            best = max(result.rejected, key=lambda r: r[1].score)
            if best[1].score >= 80:
                outcome.message = f"closest record rejected: {best[1].reason}"
    outcome.record = record
    if record is not None:
        outcome.changes = fill(entry, record, overwrite)
    if preprint:
        published = resolver.published_version(entry, record, ask_more=upgrade_preprints)
        if published is not None and published.entry.ids.doi:
            outcome.published_doi = published.entry.ids.doi
            if upgrade_preprints:
                outcome.changes += upgrade(entry, published)
                outcome.upgraded = True
    if outcome.changes:
        outcome.status = "filled"
    elif record is None:
        outcome.status = "not-found"
    return outcome


def enrich_library(library: Library, resolver: Resolver, *, overwrite: Iterable[str] = (),
                   upgrade_preprints: bool = False, force: bool = False,
                   progress: Progress | None = None) -> EnrichReport:
    """Fill what each entry of ``library`` lacks, in place; report per entry and per source.

    ``force`` looks up entries that already have authors, an identifier, a venue and a date.
    """
    overwrite = set(overwrite)
    entries = library.entries
    arxiv_ids = sorted({v for e in entries if wants_lookup(e, overwrite, upgrade_preprints, force)
                        for k, v in entry_identifiers(e) if k == "arxiv"})
    if arxiv_ids:
        resolver.prefetch("arxiv", arxiv_ids)
    outcomes = run_parallel(entries, lambda e: _enrich_one(e, resolver, overwrite, upgrade_preprints, force),
                            resolver.http.config.workers, progress, on_error=_failed)
    problems: list[Problem] = []
    reported: set[str] = set()
    for outcome in outcomes:
        entry = outcome.entry
        file = entry.source.file if entry.source else "<input>"
        line = entry.source.line if entry.source else None
        label = entry.key or (entry.title[:50] or "entry")
        failures = []
        if outcome.status != "skipped":
            whats = [ident_label(k, v) for k, v in entry_identifiers(entry)] + [search_label(entry.title)]
            failures = resolver.failures_for(whats)
            for failure in failures:
                reported.add(failure.what)
                problems.append(Problem(f"{label}: {failure.line()}", file, line, "error", "enrich-source-failed"))
        if outcome.status == "not-found" and failures:
            outcome.status = "failed"  # not found because a source failed, as just said
        elif outcome.status == "not-found":
            detail = f"; {outcome.message}" if outcome.message else ""
            problems.append(Problem(f"{label}: no record found{detail}", file, line, "warning", "enrich-not-found"))
        elif outcome.status == "failed":
            problems.append(Problem(f"{label}: enrichment failed ({outcome.message})", file, line,
                                    "error", "enrich-failed"))
        if outcome.published_doi and not outcome.upgraded:
            problems.append(Problem(f"{label}: this preprint was published as doi:{outcome.published_doi}; "
                                    "--upgrade-preprints cites the published version", file, line, "warning",
                                    "preprint-published"))
    library.problems.extend(problems)
    return EnrichReport(outcomes, problems, resolver.failure_lines(reported))


def add_identifiers(texts: list[str], resolver: Resolver, progress: Progress | None = None) -> EnrichReport:
    """Entries for what users have: identifiers as they type them, landing-page URLs, or a title.

    A title is searched like ``enrich`` searches and added only when exactly one work passes
    the same threshold; otherwise the candidates are reported and nothing is added for it.
    """
    problems: list[Problem] = []
    parsed: list[tuple[str, tuple[str, str]]] = []
    seen: set[tuple[str, str]] = set()
    for text in texts:
        ident = parse_identifier(text)
        if ident is None and is_url(text):
            problems.append(Problem("a URL bibkit cannot map to a DOI, arXiv id or PMID (give the identifier, "
                                    "or the title in quotes)", text, None, "error", "bad-identifier"))
            continue
        if ident is None and looks_like_title(text):
            ident = ("title", " ".join(text.split()))
        if ident is None:
            problems.append(Problem("not a DOI, arXiv id, ISBN or PMID", text, None, "error", "bad-identifier"))
        elif ident in seen:
            problems.append(Problem(f"{ident[0]}:{ident[1]} given twice; added once", text, None, "warning", "duplicate"))
        else:
            seen.add(ident)
            parsed.append((text, ident))
    arxiv_ids = [value for _, (kind, value) in parsed if kind == "arxiv"]
    if arxiv_ids:
        resolver.prefetch("arxiv", arxiv_ids)

    def work(item: tuple[str, tuple[str, str]]) -> Outcome:
        text, (kind, value) = item
        message = ""
        if kind == "title":
            match = by_title(value, resolver)
            if match.record is None:
                return Outcome(Entry(), status=match.status, message=match.message)
            record, message = match.record, match.message
        else:
            record = resolver.lookup(kind, value)
        if record is None:
            return Outcome(Entry(), status="not-found", message="no record found")
        entry = record.entry
        entry.key = None
        if kind == "arxiv":
            entry.ids.arxiv, version = parse_arxiv(value)
            entry.ids.arxiv_version = version
        stamp_all(entry, record)
        return Outcome(entry, record=record, status="filled", message=message)

    outcomes = run_parallel(parsed, work, resolver.http.config.workers, progress,
                            on_error=lambda item, exc: _failed(Entry(), exc))
    reported: set[str] = set()
    for (text, (kind, value)), outcome in zip(parsed, outcomes):
        for failure in resolver.failures_for([search_label(value) if kind == "title" else ident_label(kind, value)]):
            reported.add(failure.what)
            problems.append(Problem(failure.line(), text, None, "error", "source-failed"))
        if outcome.status in ("not-found", "ambiguous"):
            message = outcome.message or "no record found"
            if resolver.down and outcome.status == "not-found":
                message += " (a source failed; see above)"
            problems.append(Problem(message, text, None, "error", outcome.status))
        elif outcome.status == "failed":
            problems.append(Problem(f"look-up failed ({outcome.message})", text, None, "error", "failed"))
        else:
            if outcome.message:
                problems.append(Problem(outcome.message, text, None, "warning", "title-match"))
            if outcome.record is not None and outcome.record.published_doi:
                problems.append(Problem(f"this preprint was published as doi:{outcome.record.published_doi} "
                                        "(add that DOI to cite the published version)", text, None, "warning",
                                        "preprint-published"))
    return EnrichReport([o for o in outcomes if o.status == "filled"], problems, resolver.failure_lines(reported))
