"""``bibkit add`` (entries from identifiers) and ``bibkit enrich`` (fill what entries lack).

Both talk to the scholarly databases through :mod:`bibkit.enrich`; the options here only say
where the sources are, how to be polite to them, and what may be changed in the user's file.
"""
from __future__ import annotations

import contextlib
import copy
import difflib
import os
import sys

import click

from bibkit import registry
from bibkit.api import dumps
from bibkit.cli.common import load_inputs, print_problems, write_text_output, report_losses
from bibkit.cli.main import main
from bibkit.cli.preserve import normalize_option, plan, render
from bibkit.diagnostics import BibkitError
from bibkit.enrich import provenance
from bibkit.enrich.config import EnrichConfig
from bibkit.enrich.engine import add_identifiers, enrich_library
from bibkit.enrich.http import HttpClient
from bibkit.enrich.merge import parse_overwrite
from bibkit.enrich.resolver import Resolver
from bibkit.formats.bibtex.preserve import Original
from bibkit.io import atomic_write
from bibkit.keys import assign_keys
from bibkit.model import Library


def _source_options(func):
    options = [
        click.option("--source-url", "source_urls", multiple=True, metavar="NAME=URL",
                     help="Base URL of a source (a mirror, a test server); also BIBKIT_<NAME>_URL."),
        click.option("--sources", default=None, help="Only these sources, comma-separated (default: all)."),
        click.option("--mailto", default=None, help="Contact address sent to the sources (polite use); also BIBKIT_MAILTO."),
        click.option("--no-cache", is_flag=True, help="Do not read or write the on-disk HTTP cache."),
        click.option("--cache-dir", default=None, type=click.Path(file_okay=False),
                     help="Cache folder (default: BIBKIT_CACHE_DIR or the user cache dir)."),
        click.option("--timeout", type=float, default=None, help="Seconds before a silent source is given up (default 20)."),
        click.option("--workers", type=int, default=None, help="Look-ups in flight at once (default 8)."),
        click.option("--no-rate-limit", is_flag=True, help="Ignore the sources' polite-use rate limits (your own mirror only)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _client(source_urls, mailto, no_cache, cache_dir, timeout, workers, no_rate_limit) -> HttpClient:
    urls = {}
    for item in source_urls:
        name, sep, url = item.partition("=")
        if not sep or not url:
            raise click.UsageError(f"--source-url wants NAME=URL, got {item!r}")
        urls[name.strip()] = url.strip()
    from pathlib import Path

    config = EnrichConfig.from_env(urls=urls, mailto=mailto, timeout=timeout, workers=workers,
                                   cache_dir=Path(cache_dir) if cache_dir else None)
    if no_cache:
        config.cache = False
    if no_rate_limit:
        config.polite = False
    return HttpClient(config)


def _resolver(http: HttpClient, sources: str | None) -> Resolver:
    names = [s.strip() for s in sources.split(",") if s.strip()] if sources else None
    if names:
        from bibkit.enrich.sources import source_names

        unknown = [n for n in names if n not in source_names()]
        if unknown:
            raise click.UsageError(f"unknown source(s) {', '.join(unknown)} (known: {', '.join(source_names())})")
    return Resolver(http, names)


@contextlib.contextmanager
def _progress(length: int, label: str):
    """A progress bar on a terminal; nothing when stderr is a file or a pipe."""
    if length > 1 and sys.stderr.isatty():
        with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
            yield bar.update
    else:
        yield None


def _print_source_errors(lines: list[str]) -> None:
    for line in lines:
        click.echo(f"bibkit: error: {line}", err=True)


def _output_format(path: str | None, to: str | None, fallback: str = "bibtex") -> str:
    if to:
        registry.exporter(to)
        return to
    if path and path != "-":
        exp = registry.exporter_for_path(path)
        if exp is not None:
            return exp.name
    return fallback


def _input_format(library: Library) -> str | None:
    formats = {e.source.format for e in library.entries if e.source and e.source.format}
    if len(formats) == 1:
        name = formats.pop()
        if name in registry.exporter_names():
            return name
    return None


def _write(library: Library, output: str | None, fmt: str, mode: str, original: Original | None = None) -> None:
    sidecar = provenance.apply_mode(library, mode, fmt)
    write_text_output(render(original, library, fmt), output)
    report_losses(library, fmt)
    if sidecar and output not in (None, "-"):
        path = provenance.sidecar_path(output)
        existing = {}
        if os.path.exists(path):
            import json

            try:
                with open(path, encoding="utf-8") as handle:
                    existing = json.load(handle)
            except (OSError, ValueError):
                existing = {}
        for key, fields in sidecar.items():
            existing.setdefault(key, {}).update(fields)
        atomic_write(path, provenance.sidecar_text(existing))


_PROVENANCE = click.option("--provenance", "prov_mode", type=click.Choice(provenance.MODES), default="note",
                           show_default=True, help="Where to record each fetched value's source and time.")


@main.command("add")
@click.argument("identifiers", nargs=-1, required=True)
@click.option("-o", "--output", default=None, help="Append to this file (created if missing); omitted: print.")
@click.option("-t", "--to", default=None, help="Output format (default: from the output extension, else bibtex).")
@_PROVENANCE
@_source_options
def add_command(identifiers, output, to, prov_mode, source_urls, sources, mailto, no_cache, cache_dir,
                timeout, workers, no_rate_limit):
    """Fetch entries for DOIs, arXiv ids, ISBNs, PMIDs, landing-page URLs or titles and append them
    to a file (or print them).

    Identifiers may be written in any usual form: 10.1000/xyz, doi:..., https://doi.org/...,
    arXiv:2501.12948v2, https://arxiv.org/abs/... or /pdf/...v2.pdf, hep-th/9901001, ISBN 978-...,
    pmid:123, or a publisher's page with the DOI in its URL (https://dl.acm.org/doi/10.1145/...).
    A quoted title ("Attention is all you need") is searched as enrich searches and added only
    when exactly one work matches closely enough; otherwise the candidates are listed, nothing
    is added for it and the exit status is 1. Existing entries and keys of the file are never
    changed.
    """
    if prov_mode == "sidecar" and output in (None, "-"):
        raise click.UsageError("--provenance sidecar needs -o FILE")
    try:
        fmt = _output_format(output, to)
    except BibkitError as exc:
        raise click.UsageError(str(exc))
    library = Library()
    original = None
    if output not in (None, "-") and os.path.exists(output):
        library = load_inputs([output])
        if library.has_errors:
            click.echo(f"bibkit: error: {output} has errors; not appending to it", err=True)
            sys.exit(1)
        original = plan(library, output, output, fmt, None)  # its entries are written as they are
    http = _client(source_urls, mailto, no_cache, cache_dir, timeout, workers, no_rate_limit)
    try:
        resolver = _resolver(http, sources)
        with _progress(len(identifiers), "looking up") as progress:
            report = add_identifiers(list(identifiers), resolver, progress)
    finally:
        http.close()
    _print_source_errors(report.source_errors)
    print_problems(report.problems)
    new = []
    known = {(k, v): e.key for e in library.entries for k, v in (("doi", e.ids.doi), ("arxiv", e.ids.arxiv)) if v}
    for outcome in report.outcomes:
        entry = outcome.entry
        ids = [(k, v) for k, v in (("doi", entry.ids.doi), ("arxiv", entry.ids.arxiv)) if v]
        twin = next(((k, v) for k, v in ids if (k, v) in known), None)
        if twin is not None:
            where = f"already in {output} as {known[twin]}" if known[twin] else "given twice"
            click.echo(f"bibkit: {twin[0]}:{twin[1]} is {where}; not added again", err=True)
            continue
        known.update({kv: None for kv in ids})
        new.append(entry)
    assign_keys([e for e in library.entries if e.key] + new)
    failed = any(p.severity == "error" for p in report.problems) or bool(report.source_errors)
    if output in (None, "-"):
        if new:
            _write(Library.of(new), None, fmt, prov_mode)
    elif new:
        library.blocks.extend(new)
        _write(library, output, fmt, prov_mode, original)
        click.echo(f"added {len(new)} entr{'y' if len(new) == 1 else 'ies'} to {output}: "
                   + ", ".join(e.key or "?" for e in new), err=True)
    sys.exit(1 if failed else 0)


@main.command("enrich")
@click.argument("file")
@click.option("-o", "--output", default=None, help="Write here ('-' or omitted: standard output; FILE itself to update it).")
@click.option("-t", "--to", default=None, help="Output format (default: from the output extension, else the input's).")
@click.option("--overwrite", default=None, metavar="FIELD,...",
              help="Replace these fields even when they have a value (e.g. journal,year; 'all').")
@click.option("--upgrade-preprints", is_flag=True, help="Cite published versions of arXiv preprints (the arXiv id is kept as eprint).")
@click.option("--dry-run", is_flag=True, help="Show the changes as a diff; write nothing.")
@click.option("--all", "force", is_flag=True, help="Look up every entry, not only those missing authors, identifier, venue or date.")
@normalize_option
@_PROVENANCE
@_source_options
def enrich_command(file, output, to, overwrite, upgrade_preprints, dry_run, force, normalize, prov_mode, source_urls,
                   sources, mailto, no_cache, cache_dir, timeout, workers, no_rate_limit):
    """Fill what the entries of FILE lack (authors, DOI/arXiv id, venue, date) from scholarly databases.

    Entries are found by identifier when they have one, else by title search, accepted only
    when title, year and (for paper listings) author count agree. Values already in FILE are
    kept unless named in --overwrite; each filled value records its source and time.
    """
    try:
        overwrite_fields = parse_overwrite(overwrite)
    except ValueError as exc:
        raise click.UsageError(str(exc))
    if prov_mode == "sidecar" and output in (None, "-") and not dry_run:
        raise click.UsageError("--provenance sidecar needs -o FILE")
    library = load_inputs([file])
    if not library.entries and library.has_errors:
        sys.exit(1)
    try:
        fmt = _output_format(output, to, _input_format(library) or _output_format(file, None))
    except BibkitError as exc:
        raise click.UsageError(str(exc))
    # over FILE itself (or with --dry-run, as a diff against it) only the filled fields change
    original = plan(library, file, file if dry_run and output in (None, "-") else output, fmt, normalize, to)
    provenance.read_notes(library)
    before = copy.deepcopy(library) if dry_run and original is None else None
    http = _client(source_urls, mailto, no_cache, cache_dir, timeout, workers, no_rate_limit)
    try:
        resolver = _resolver(http, sources)
        with _progress(len(library.entries), "enriching") as progress:
            report = enrich_library(library, resolver, overwrite=overwrite_fields,
                                    upgrade_preprints=upgrade_preprints, force=force, progress=progress)
    finally:
        http.close()
    _print_source_errors(report.source_errors)
    print_problems(report.problems)
    changed = report.changed
    fields = sum(len(o.changes) for o in changed)
    offered = sum(1 for o in report.outcomes if o.published_doi and not o.upgraded)
    upgraded = sum(1 for o in report.outcomes if o.upgraded)
    missing = sum(1 for o in report.outcomes if o.status == "not-found")
    failed = sum(1 for o in report.outcomes if o.status == "failed")
    summary = f"enriched {len(changed)} of {len(library.entries)} entries ({fields} fields)"
    if upgraded:
        summary += f", {upgraded} preprints upgraded"
    if offered:
        summary += f", {offered} preprints published (see --upgrade-preprints)"
    if missing:
        summary += f", {missing} not found"
    if failed:
        summary += f", {failed} failed"
    status = 1 if report.source_errors or library.has_errors else 0
    if dry_run:
        old = original.text if original is not None else dumps(before, fmt)
        # what a real run writes (notes included) against the file's text; else without notes, as before
        provenance.apply_mode(library, "note" if original is not None and prov_mode == "note" else "none", fmt)
        new = render(original, library, fmt)
        diff = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                    fromfile=file, tofile=f"{file} (enriched)")
        sys.stdout.writelines(diff)
        click.echo(summary + " (dry run: nothing written)", err=True)
        sys.exit(status)
    same_file = output not in (None, "-") and os.path.exists(output) and os.path.samefile(output, file)
    if not changed and output not in (None, "-") and (report.source_errors or same_file):
        click.echo(summary + f"; {output} left untouched", err=True)
        sys.exit(status)
    _write(library, output, fmt, prov_mode, original)
    click.echo(summary + (f"; wrote {output}" if output not in (None, "-") else ""), err=True)
    sys.exit(status)
