"""``bibkit format``, ``bibkit cite`` and ``bibkit styles``: formatted reference lists.

A ``--style`` is a CSL style name, path or URL (see :mod:`bibkit.csl.styles`), or
``bibtex:NAME`` for a classic BibTeX style rendered by pybtex (:mod:`bibkit.bst`).
"""
from __future__ import annotations

import sys

import click

from bibkit.citing import resolve
from bibkit.cli.common import (EXIT_INPUT_ERRORS, EXIT_OK, apply_journal_options, exit_status, journal_options,
                               load_inputs, print_problems, streamed_output, write_text_output)
from bibkit.cli.extract import read_documents, report_citations
from bibkit.cli.main import main
from bibkit.diagnostics import BibkitError, Problem
from bibkit.streaming import bib_files_on_disk, streaming_enabled

#: --to choices mapped to the engine's format names.
OUTPUT_FORMATS = {"text": "text", "html": "html", "md": "markdown", "markdown": "markdown", "latex": "latex"}

BIBTEX_PREFIX = "bibtex:"

_TO = click.option(
    "-t",
    "--to",
    "to",
    type=click.Choice(sorted(OUTPUT_FORMATS), case_sensitive=False),
    default="text",
    show_default=True,
    help="Output markup.",
)
_STYLE = click.option(
    "--style",
    "-s",
    default="apa",
    show_default=True,
    help="CSL style name, .csl path or URL, or bibtex:plain|unsrt|alpha|unsrtalpha.",
)
_FROM = click.option("-f", "--from", "from_format", default=None,
                     help="Input format (default: from extension, then content).")
_ENCODING = click.option("--encoding", default=None,
                         help="Encoding of the inputs when they are not UTF-8 (e.g. latin-1).")
_QUIET = click.option("-q", "--quiet", is_flag=True, help="Print only errors, not warnings.")
_LOCALE = click.option(
    "--locale",
    "-l",
    default=None,
    help="Locale such as en-US or de-DE (default: the style's default-locale, else en-US).",
)


def _engine(style: str, locale: str | None):
    """The processor for ``style``, warning when no locale file serves the language."""
    from bibkit.csl.reference_lists import locale_available, processor_for, style_locale

    lang = style_locale(style, locale)
    if not locale_available(lang):
        click.echo(f"bibkit: warning: no CSL locale for {lang!r}; terms fall back to en-US", err=True)
    return processor_for(style, lang)


def _print_problems(problems: list[Problem], quiet: bool = False) -> None:
    for problem in problems:
        if quiet and problem.severity != "error":
            continue
        click.echo(str(problem), err=True)


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"bibkit: error: {message}", err=True)
    sys.exit(code)


@main.command("format")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@_STYLE
@_TO
@_LOCALE
@click.option("-o", "--output", default="-", show_default=True, help="Output file ('-' for stdout).")
@_FROM
@_ENCODING
@_QUIET
@click.option("--cited-in", "cited_in", multiple=True, metavar="DOC",
              help="Only the entries DOC (.aux, .bcf, .tex, Markdown) cites, numbered in order of first citation.")
@journal_options
def format_command(
    files: tuple[str, ...],
    style: str,
    to: str,
    locale: str | None,
    output: str,
    from_format: str | None,
    encoding: str | None,
    quiet: bool,
    cited_in: tuple[str, ...] = (),
    abbreviate_journals: bool = False,
    unabbreviate_journals: bool = False,
    journal_list: tuple[str, ...] = (),
) -> None:
    """Format every entry of FILE... (- for stdin) as a reference list in a CSL or BibTeX style.

    With --cited-in, only the cited entries, in order of first citation (which numeric styles
    number by); undefined citations are listed as DOC:line and the exit status is 1. Styles that
    print short journal titles (IEEE, ACS) use the ISO 4 abbreviation with
    --abbreviate-journals when an entry has none of its own.
    """
    from bibkit.csl.reference_lists import csl_items, failure_problems, join_entries

    fmt = OUTPUT_FORMATS[to.lower()]
    undefined = False
    if (len(files) == 1 and not cited_in and not (abbreviate_journals or unabbreviate_journals or journal_list)
            and encoding is None and not style.startswith(BIBTEX_PREFIX) and fmt != "latex"
            and streaming_enabled() and bib_files_on_disk(files, from_format)):
        status = _format_streaming(files[0], style, locale, fmt, output, quiet)
        if status is not None:
            sys.exit(status)
    if cited_in:
        cited = read_documents(cited_in, encoding, quiet)
    # a cited entry formats with what it inherits from its crossref parent, as bibtex would
    library = load_inputs(list(files), fmt=from_format, encoding=encoding, quiet=quiet,
                          **({"resolve_crossref": True} if cited_in else {}))
    if cited_in:
        found = resolve(cited, library.entries)
        undefined = report_citations(found, quiet)
        library.replace_entries(found.cited)
    apply_journal_options(library, abbreviate_journals, unabbreviate_journals, journal_list)
    problems: list[Problem] = []
    try:
        if style.startswith(BIBTEX_PREFIX):
            from bibkit.bst import format_with_bst

            entries = format_with_bst(
                library, style=style[len(BIBTEX_PREFIX):], format=fmt, problems=problems
            )
        else:
            engine = _engine(style, locale)
            items = csl_items(library.entries, problems)
            failures: list = []
            if fmt == "latex":  # a whole thebibliography environment, \bibitem per entry
                entries = [engine.latex_bibliography(items, failures=failures)] if items else []
            else:
                entries = engine.bibliography(items, format=fmt, failures=failures)
            problems.extend(failure_problems(failures, library.entries, items))
    except BibkitError as exc:
        _fail(str(exc), 2)
        return
    _print_problems(problems, quiet)
    write_text_output(join_entries(entries, fmt), output)
    status = exit_status(library)
    if not status and (undefined or any(p.severity == "error" for p in problems)):
        status = 1
    sys.exit(status)


def _format_streaming(path: str, style: str, locale: str | None, fmt: str, output: str, quiet: bool) -> int | None:
    """One .bib formatted batch by batch (:func:`bibkit.format_stream.format_stream`): the exit
    status, or None when it needs the whole-file path (nothing was printed or written then)."""
    from bibkit.csl.reference_lists import locale_available, processor_for, style_locale
    from bibkit.format_stream import NotStreamable, format_stream

    try:
        lang = style_locale(style, locale)
        engine = processor_for(style, lang)
    except BibkitError:
        return None  # the whole-file path says what is wrong, after the file's own problems
    try:
        with streamed_output(output) as handle:
            reading, problems = format_stream(path, engine, fmt, handle)
    except NotStreamable:
        return None
    print_problems(reading, quiet)
    if not locale_available(lang):
        click.echo(f"bibkit: warning: no CSL locale for {lang!r}; terms fall back to en-US", err=True)
    _print_problems(problems, quiet)
    if any(p.severity == "error" for p in reading):
        return EXIT_INPUT_ERRORS
    return 1 if any(p.severity == "error" for p in problems) else EXIT_OK


@main.command("cite")
@click.argument("file", type=click.Path(dir_okay=False))
@click.argument("keys", nargs=-1, required=True)
@_STYLE
@_TO
@_LOCALE
@click.option("--locator", default=None, help="Locator for the last key (e.g. 12 or 3-5).")
@click.option("--label", "locator_label", default="page", show_default=True, help="Locator label (page, chapter, ...).")
@_FROM
@_ENCODING
@_QUIET
def cite_command(
    file: str,
    keys: tuple[str, ...],
    style: str,
    to: str,
    locale: str | None,
    locator: str | None,
    locator_label: str,
    from_format: str | None,
    encoding: str | None,
    quiet: bool,
) -> None:
    """Print one in-text citation of KEY... from FILE in a style."""
    import difflib

    from bibkit.csl.reference_lists import csl_items, failure_problems

    fmt = OUTPUT_FORMATS[to.lower()]
    library = load_inputs([file], fmt=from_format, encoding=encoding, quiet=quiet)
    by_key = {e.key: e for e in library.entries if e.key}
    unknown = [k for k in keys if k not in by_key]
    if unknown:
        for key in unknown:
            close = difflib.get_close_matches(key, list(by_key), n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            click.echo(f"{file}: error: no entry with key {key!r}{hint}", err=True)
        sys.exit(1)
    try:
        if style.startswith(BIBTEX_PREFIX):
            from bibkit.bst import bst_labels

            labels = bst_labels(library, style[len(BIBTEX_PREFIX):])
            parts = [labels.get(k, "?") for k in keys]
            if locator:
                parts[-1] += f", {locator}"
            text = "[" + ", ".join(parts) + "]"
        else:
            engine = _engine(style, locale)
            group = [{"id": k} for k in keys]
            if locator:
                group[-1].update(locator=locator, label=locator_label)
            # every entry of the file is registered, so numeric styles number as the
            # bibliography would; the cite itself is the group of the given keys only
            items = csl_items(library.entries)
            failures: list = []
            text = engine.citations([group], items, format=fmt, failures=failures, number_all=True)[0]
            problems = failure_problems(failures, library.entries, items)
            _print_problems(problems, quiet)
            if problems:
                click.echo(text)
                sys.exit(1)
    except BibkitError as exc:
        _fail(str(exc), 2)
        return
    click.echo(text)
    sys.exit(exit_status(library))


@main.command("styles")
@click.argument("search", required=False)
@click.option("--independent", is_flag=True, help="Only independent styles (no journal aliases).")
def styles_command(search: str | None, independent: bool) -> None:
    """List the styles whose name or title matches SEARCH (all styles without it)."""
    from bibkit.bst import bst_styles
    from bibkit.csl.styles import list_styles

    rows: list[tuple[str, str]] = []
    for name in bst_styles():
        full = f"{BIBTEX_PREFIX}{name}"
        title = f"BibTeX {name}.bst (pybtex)"
        if not search or all(w in f"{full} {title}".lower() for w in search.lower().split()):
            rows.append((full, title))
    for entry in list_styles(search):
        if independent and entry.dependent:
            continue
        rows.append((entry.name, entry.title + (" [dependent]" if entry.dependent else "")))
    if not rows:
        _fail(f"no style matches {search!r}")
    width = min(max(len(name) for name, _ in rows), 48)
    for name, title in rows:
        click.echo(f"{name:<{width}}  {title}")
