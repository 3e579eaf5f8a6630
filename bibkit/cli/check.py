"""``bibkit check``: lint bibliographies, in text (``file:line: severity: [id] message``) or JSON."""
from __future__ import annotations

import json
import sys

import click

from bibkit.cli.main import main
from bibkit.diagnostics import BibkitError
from bibkit.streaming import bib_files_on_disk, streaming_enabled


@main.command("check")
@click.argument("files", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output: one line per finding, or a JSON document.")
@click.option("--fix", is_flag=True, help="Apply the safe fixes to the files (atomically) and say which.")
@click.option("--strict", is_flag=True, help="Exit 1 when there are warnings (errors always exit 2).")
@click.option("--model", type=click.Choice(["auto", "bibtex", "biblatex"]), default="auto", show_default=True,
              help="Data model for required fields and entry types (auto: biblatex if the file uses its fields).")
@click.option("--select", multiple=True, metavar="ID", help="Run only these checks (repeatable).")
@click.option("--ignore", multiple=True, metavar="ID", help="Skip these checks (repeatable).")
@click.option("-f", "--from", "from_", default=None, help="Input format (default: from extension, then content).")
@click.option("--encoding", default=None, help="Encoding of the inputs when they are not UTF-8.")
@click.option("--list-checks", is_flag=True, help="List every check with its severity and explanation.")
@click.option("--cited-in", "cited_in", multiple=True, metavar="DOC",
              help="Also check against what DOC (.aux, .bcf, .tex, Markdown) cites: undefined citations, "
                   "unused entries, citations of old keys (repeatable).")
def check_command(files, fmt, fix, strict, model, select, ignore, from_, encoding, list_checks, cited_in):
    """Check FILE... for problems bibtex, biber and citation styles will trip on.

    Exit status: 0 clean (or warnings only), 1 warnings with --strict, 2 errors.
    """
    from bibkit.check import CHECKS, apply_fixes, exit_status, load_for_check, run_checks

    if list_checks:
        for c in CHECKS.values():
            fixable = " (fixable)" if c.fixable else ""
            click.echo(f"{c.id:<24} {c.severity:<8} {c.explanation}{fixable}")
        return
    if not files:
        raise click.UsageError("give at least one FILE (or --list-checks)")
    try:
        cited = None
        if cited_in:
            from bibkit.citing import read_cited

            cited = read_cited(cited_in, encoding)
        findings = None
        if len(files) == 1 and not (fix or cited_in or encoding) and streaming_enabled() \
                and bib_files_on_disk(files, from_):
            findings = _check_streaming(files[0], select, ignore, model)
        if findings is None:
            library = load_for_check(files, from_, encoding)
            if cited is not None:
                library.problems.extend(cited.problems)  # an unreadable \input is a finding too
            findings = run_checks(library, select, ignore, model, cited=cited)
    except BibkitError as exc:
        raise click.UsageError(str(exc))
    fixed, notes = [], []
    if fix:
        fixed, notes = apply_fixes(findings, encoding)
        done = {id(f) for f in fixed}
        findings = [f for f in findings if id(f) not in done]
    severities: list[str] = []  # text output prints a streamed check's findings as they are read back
    if fmt == "json":
        findings = list(findings)
        severities = [f.severity for f in findings]
        summary = _summary(severities, len(files))
        doc = {"findings": [f.as_dict() for f in findings], "fixed": [f.as_dict() for f in fixed],
               "summary": summary}
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        for f in findings:
            click.echo(str(f))
            severities.append(f.severity)
    for f in fixed:
        where = f"{f.file}:{f.fix.line}"
        click.echo(f"{where}: fixed: [{f.check}] {f.fix.description}", err=True)
    for note in notes:
        click.echo(note, err=True)
    if fmt == "text":
        s = _summary(severities, len(files))
        tail = f", {len(fixed)} fixed" if fix else ""
        click.echo(f"{s['errors']} errors, {s['warnings']} warnings in {s['files']} files{tail}", err=True)
    sys.exit(exit_status(severities, strict))


def _check_streaming(path: str, select, ignore, model: str):
    """One .bib file checked batch by batch (:func:`bibkit.check.streamed.check_stream`): its
    findings (read back one batch at a time as they are iterated), or None when the file or a selected check needs the whole file."""
    from bibkit.check.streamed import NotStreamable, check_stream

    try:
        return check_stream(path, select, ignore, model)
    except NotStreamable:
        return None


def _summary(severities: list[str], nfiles: int) -> dict:
    return {"errors": severities.count("error"),
            "warnings": severities.count("warning"),
            "files": nfiles}
