"""``bibkit convert`` and ``bibkit formats``."""
from __future__ import annotations

import sys

import click

from bibkit import registry
from bibkit.api import dumps
from bibkit.cli.common import (
    EXIT_INPUT_ERRORS, EXIT_OK, apply_journal_options, exit_status, journal_options, load_inputs, print_problems,
    report_losses, streamed_output, write_text_output,
)
from bibkit.cli.main import main
from bibkit.diagnostics import BibkitError
from bibkit.keys import assign_keys
from bibkit.streaming import NotStreamable, can_stream, convert_stream

BIB_FORMATS = ("bibtex", "biblatex")


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", default=None, help="Output file ('-' or omitted: standard output).")
@click.option("-f", "--from", "from_", default=None, help="Input format (default: from extension, then content).")
@click.option("-t", "--to", "to", default=None, help="Output format (default: from the output extension, else bibtex).")
@click.option("--encoding", default=None, help="Encoding of the inputs when they are not UTF-8 (e.g. latin-1).")
@click.option("--unicode/--latex", "unicode", default=False, help="BibTeX output: write UTF-8 instead of LaTeX escapes.")
@click.option("--resolve-crossref", is_flag=True, default=False, help="Copy crossref parents' fields into children (always done for non-BibTeX output).")
@click.option("--year", type=int, default=None, help="Paper listings: the year of the page (dates without a year).")
@click.option("--map", "column_map", multiple=True, metavar="FIELD=HEADING",
              help="CSV input: read column HEADING as FIELD (a BibTeX or CSL name), e.g. "
                   "--map title=\"Document Title\"; repeatable.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors, not warnings.")
@click.option("--report", "report_all", is_flag=True,
              help="Name every value the output format has no place for, one line per entry (default: "
                   "one summary line per field when many entries lose it).")
@click.option("--columns", default=None, metavar="LIST",
              help="CSV output: the columns, comma-separated (e.g. key,author,year,title,doi; "
                   "BibTeX or CSL field names). Default: key,type,author,title,year,journal,volume,issue,pages,doi,url.")
@journal_options
def convert(inputs, output, from_, to, encoding, unicode, resolve_crossref, year, column_map, quiet, report_all=False,
            abbreviate_journals=False, unabbreviate_journals=False, journal_list=(), columns=None):
    """Convert INPUTS (files, or - for stdin) to one output format.

    Several inputs are concatenated. Entries without a key get one from the default pattern;
    existing keys are never changed.
    """
    try:
        if to is None:
            exp = registry.exporter_for_path(output) if output and output != "-" else None
            to = exp.name if exp else "bibtex"
        registry.exporter(to)  # fail early on an unknown format
        if from_:
            registry.importer(from_)
        if columns is not None and to != "csv":
            raise BibkitError("--columns is for CSV output (--to csv)")
    except BibkitError as exc:
        raise click.UsageError(str(exc))
    options = {"resolve_crossref": resolve_crossref or to not in BIB_FORMATS}
    if year is not None:
        options["year"] = year
    if column_map:
        options["column_map"] = _column_map(column_map)
    if not (abbreviate_journals or unabbreviate_journals) and can_stream(inputs, from_, to, encoding):
        status = _convert_streaming(inputs, output, to, unicode, report_all, quiet, from_, options)
        if status is not None:
            sys.exit(status)
    library = load_inputs(inputs, from_, encoding, quiet, **options)
    apply_journal_options(library, abbreviate_journals, unabbreviate_journals, journal_list)
    assign_keys(library.entries)
    export_options = {"columns": columns} if columns is not None else {}
    try:
        text = dumps(library, to, unicode=unicode, **export_options)
    except BibkitError as exc:
        raise click.UsageError(str(exc))
    report_losses(library, to, report_all, quiet, **export_options)
    write_text_output(text, output)
    if output not in (None, "-") and not quiet:
        click.echo(f"wrote {len(library.entries)} entries to {output}", err=True)
    sys.exit(exit_status(library))


def _column_map(pairs: tuple[str, ...]) -> dict[str, str]:
    """``("title=Document Title", ...)`` -> ``{"title": "Document Title"}``."""
    out = {}
    for pair in pairs:
        fieldname, sep, heading = pair.partition("=")
        if not sep or not fieldname.strip() or not heading.strip():
            raise click.UsageError(f"--map {pair!r}: expected FIELD=HEADING, e.g. title=\"Document Title\"")
        out[fieldname.strip()] = heading.strip()
    return out


def _convert_streaming(inputs, output, to, unicode, report_all, quiet, from_, options) -> int | None:
    """The conversion batch by batch (:mod:`bibkit.streaming`): its exit status, or None when
    the inputs need the whole-file conversion (nothing was printed or written then)."""
    try:
        with streamed_output(output) as handle:
            count, problems, losses = convert_stream(inputs, to, handle, unicode=unicode, report_all=report_all,
                                                     from_=from_, options=options)
    except NotStreamable:
        return None
    print_problems(problems, quiet)
    print_problems(losses, quiet)
    if output not in (None, "-") and not quiet:
        click.echo(f"wrote {count} entries to {output}", err=True)
    return EXIT_INPUT_ERRORS if any(p.severity == "error" for p in problems) else EXIT_OK


@main.command()
def formats():
    """List the installed importers and exporters (including third-party plugins)."""
    click.echo("importers:")
    for imp in registry.all_importers():
        exts = ", ".join(imp.extensions) or "-"
        click.echo(f"  {imp.name:<12} {exts:<24} {imp.description}")
    click.echo("exporters:")
    for exp in registry.all_exporters():
        click.echo(f"  {exp.name:<12} {exp.extension:<24} {exp.description}")
