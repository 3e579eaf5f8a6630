"""What every command shares: reading inputs with problems printed, writing outputs, exit codes.

Exit status: 0 when everything was read (warnings are printed but do not fail), 1 when any
input had an error (something was skipped or recovered by guessing), 2 for usage errors.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from contextlib import contextmanager
from typing import Iterable, Iterator, TextIO

import click

from bibkit.api import load
from bibkit.diagnostics import BibkitError, Problem
from bibkit.io import atomic_write, atomic_writer
from bibkit.model import Library

EXIT_OK = 0
EXIT_INPUT_ERRORS = 1


def print_problems(problems: Iterable[Problem], quiet: bool = False) -> None:
    for problem in problems:
        if quiet and problem.severity != "error":
            continue
        if problem.severity == "info":
            continue
        click.echo(str(problem), err=True)


def load_inputs(paths: Iterable[str], fmt: str | None = None, encoding: str | None = None,
                quiet: bool = False, **options) -> Library:
    """Load every input (``-`` is stdin) into one library; print problems as ``file:line: ...``.

    A missing file is an input error for that file only: the others are still read.
    """
    library = Library()
    for path in paths:
        try:
            part = load(path, fmt, encoding=encoding, **options)
        except BibkitError as exc:
            library.problems.append(Problem(str(exc), path, None, "error", "io"))
            continue
        library.extend(part)
    print_problems(library.problems, quiet)
    return library


def write_text_output(text: str, output: str | None) -> None:
    """Write to ``output`` atomically, or to standard output for None or ``-``."""
    if output in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        atomic_write(output, text)
    except OSError as exc:  # a full disk or a read-only folder is not a bug: say it plainly
        where = "standard output" if output in (None, "-") else output
        raise click.ClickException(f"{where}: cannot write ({exc.strerror or exc})")


@contextmanager
def streamed_output(output: str | None) -> Iterator[TextIO]:
    """A handle for output written as it is made (a streamed command). ``output`` is replaced
    atomically when the block ends normally; standard output (None or ``-``) gets the text
    then, from a temporary file, so that a block that fails (say, a file that needs the whole
    conversion after all) has written nothing anywhere."""
    try:
        if output in (None, "-"):
            # a file on disk, not io.scratch_file: a forked child may write it (keys' first reading)
            with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as tmp:
                yield tmp
                tmp.seek(0)
                shutil.copyfileobj(tmp, sys.stdout)
                sys.stdout.flush()
        else:
            with atomic_writer(output) as handle:
                yield handle
    except OSError as exc:  # a full disk or a read-only folder is not a bug: say it plainly
        where = "standard output" if output in (None, "-") else output
        raise click.ClickException(f"{where}: cannot write ({exc.strerror or exc})")


def journal_options(func):
    """``--abbreviate-journals``, ``--unabbreviate-journals``, ``--journal-list`` for a command."""
    for option in reversed([
        click.option("--abbreviate-journals", is_flag=True,
                     help="Fill each article's short journal title (CSL container-title-short, BibTeX "
                          "shortjournal) with its ISO 4 abbreviation: Physical Review Letters -> Phys. Rev. Lett."),
        click.option("--unabbreviate-journals", is_flag=True,
                     help="Write the full journal name where it is known (from --journal-list or the input "
                          "itself); the abbreviation stays as the short title."),
        click.option("--journal-list", multiple=True, metavar="CSV",
                     help="Abbreviation list (JabRef CSV: Full Name;Abbrev.), repeatable."),
    ]):
        func = option(func)
    return func


def apply_journal_options(library: Library, abbreviate: bool, unabbreviate: bool, lists: Iterable[str]) -> None:
    """What the journal options ask, on the loaded entries (see :mod:`bibkit.journals`)."""
    if not (abbreviate or unabbreviate):
        return
    if abbreviate and unabbreviate:
        raise click.UsageError("give --abbreviate-journals or --unabbreviate-journals, not both")
    from bibkit.journals import JournalNames, abbreviate_entries

    try:
        names = JournalNames.from_lists(lists)
    except BibkitError as exc:
        raise click.UsageError(str(exc))
    if unabbreviate:
        names.learn({"journal": str(e.fields.get("container-title", "")),
                     "shortjournal": str(e.fields.get("container-title-short", ""))} for e in library.entries)
    abbreviate_entries(library.entries, names, unabbreviate=unabbreviate)


def report_losses(library: Library, to: str, everything: bool = False, quiet: bool = False, **options) -> None:
    """Say which values the export to ``to`` had no place for (see :mod:`bibkit.loss`).

    ``options`` are the exporter's (CSV's ``columns``): what is left out may depend on them.
    """
    from bibkit.loss import loss_problems

    print_problems(loss_problems(library, to, everything, **options), quiet)


def exit_status(library: Library) -> int:
    return EXIT_INPUT_ERRORS if library.has_errors else EXIT_OK


def fail(message: str) -> None:
    """Stop with a one-line message and status 2 (no traceback)."""
    raise click.UsageError(message)
