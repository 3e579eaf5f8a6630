"""``bibkit keys``: fill missing citation keys, or re-key a file with a map of the changes."""
from __future__ import annotations

import json
import sys

import click

from bibkit import registry
from bibkit.cli.common import (
    EXIT_INPUT_ERRORS, EXIT_OK, exit_status, load_inputs, print_problems, report_losses, streamed_output,
    write_text_output,
)
from bibkit.cli.main import main
from bibkit.cli.preserve import normalize_option_bibtex, plan, preserves, render, starts_with_bom
from bibkit.diagnostics import BibkitError
from bibkit.keypattern import PatternError
from bibkit.keys import DEFAULT_PATTERN, POLICIES, assign_keys, parse_pattern
from bibkit.keys_stream import keys_stream
from bibkit.streaming import NotStreamable, bib_files_on_disk, streaming_enabled


def output_format(to: str | None, output: str | None) -> str:
    """The exporter for ``--to``, else the output file's extension, else BibTeX."""
    try:
        if to is None:
            exp = registry.exporter_for_path(output) if output and output != "-" else None
            to = exp.name if exp else "bibtex"
        registry.exporter(to)
    except BibkitError as exc:
        raise click.UsageError(str(exc))
    return to


def write_key_map(path: str, changes: dict[str, str]) -> None:
    """old -> new as JSON (``.json``) or as tab-separated lines, handy for sed over .tex files."""
    if path.endswith(".json"):
        text = json.dumps(changes, indent=2, ensure_ascii=False) + "\n"
    else:
        text = "".join(f"{old}\t{new}\n" for old, new in changes.items())
    write_text_output(text, path)


@main.command("keys")
@click.argument("file")
@click.option("-p", "--pattern", default=DEFAULT_PATTERN, show_default=True,
              help="Key pattern: JabRef markers ([auth], [year], [shorttitle], [FIELD], modifiers :lower :abbr "
                   ":truncateN ...) with '|' between fallback alternatives.")
@click.option("--rekey", is_flag=True, help="Regenerate every key (old keys become BibLaTeX ids aliases).")
@click.option("--policy", type=click.Choice(POLICIES), default="second-a", show_default=True,
              help="Suffixes for colliding keys: second-a (x, xa, xb), second-b (x, xb, xc), always (xa, xb).")
@click.option("--map", "map_path", default=None, help="Write the old -> new key map here (.json, else TSV).")
@click.option("--no-aliases", is_flag=True, help="With --rekey: do not add old keys to ids.")
@click.option("-o", "--output", default=None, help="Output file ('-' or omitted: standard output).")
@click.option("-f", "--from", "from_", default=None, help="Input format (default: from extension, then content).")
@click.option("-t", "--to", "to", default=None, help="Output format (default: from the output extension, else bibtex).")
@click.option("--unicode/--latex", "unicode", default=False, help="BibTeX output: write UTF-8 instead of LaTeX escapes.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@normalize_option_bibtex
def keys_command(file, pattern, rekey, policy, map_path, no_aliases, output, from_, to, unicode, quiet, normalize):
    """Give every entry of FILE a citation key; existing keys are kept unless --rekey.

    Keys depend only on each entry's content, never on its position: the same entries in any
    order get the same keys. Written back over FILE (-o FILE), only the new keys (and ids
    aliases) change; a file whose entries all have keys stays byte for byte the same.
    """
    fmt = output_format(to, output)
    if streaming_enabled() and bib_files_on_disk([file], from_):
        status = _keys_streaming(file, output, fmt, normalize, to, unicode, map_path, quiet, pattern=pattern,
                                 rekey=rekey, policy=policy, aliases=not no_aliases)
        if status is not None:
            sys.exit(status)
    library = load_inputs([file], from_, quiet=quiet)
    missing = sum(1 for e in library.entries if not e.key)
    original = plan(library, file, output, fmt, normalize, to, unicode, any_bibtex=True)
    try:
        changes = assign_keys(library.entries, pattern, rekey=rekey, policy=policy, aliases=not no_aliases)
    except (PatternError, ValueError) as exc:
        raise click.UsageError(str(exc))
    write_text_output(render(original, library, fmt, to, unicode), output)
    report_losses(library, fmt, quiet=quiet)
    _report(changes, missing, map_path, quiet)
    sys.exit(exit_status(library))


def _report(changes: dict[str, str], missing: int, map_path: str | None, quiet: bool) -> None:
    if map_path:
        write_key_map(map_path, changes)
    if not quiet:
        click.echo(f"{missing} key(s) generated, {len(changes)} key(s) changed"
                   + (f"; map written to {map_path}" if map_path else ""), err=True)


def _keys_streaming(file: str, output: str | None, fmt: str, normalize: bool | None, to: str | None,
                    unicode: bool, map_path: str | None, quiet: bool, **options) -> int | None:
    """``keys`` of a .bib on disk in two streamed passes (:mod:`bibkit.keys_stream`): the exit
    status, or None when it needs the whole-file path (nothing was printed or written then)."""
    try:
        parse_pattern(options["pattern"] or DEFAULT_PATTERN)
    except (PatternError, ValueError):
        return None  # the whole-file path reports it, after the file's own problems
    preserve = preserves(file, output, fmt, normalize, to, unicode, any_bibtex=True)
    try:
        with streamed_output(output) as handle:
            result = keys_stream(file, handle, fmt=fmt, preserve=preserve, to=to, unicode=unicode,
                                 bom=preserve and starts_with_bom(file), **options)
    except NotStreamable:
        return None
    print_problems(result.problems, quiet)
    print_problems(result.losses, quiet)
    _report(result.changes, result.missing, map_path, quiet)
    return EXIT_INPUT_ERRORS if any(p.severity == "error" for p in result.problems) else EXIT_OK
