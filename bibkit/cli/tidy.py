"""``bibkit tidy``: lay out and clean .bib files the way their owner wants (bibtex-tidy's options).

Every option is also a setting of ``[tool.bibkit.tidy]`` in pyproject.toml or ``.bibkit.toml``
(see :mod:`bibkit.config`), so a project chooses its layout once.
"""
from __future__ import annotations

import codecs
import os
import sys
from pathlib import Path

import click

from bibkit.cli.common import print_problems, streamed_output, write_text_output
from bibkit.cli.main import main
from bibkit.diagnostics import BibkitError, Problem
from bibkit.formats.bibtex.layout import Layout
from bibkit.io import atomic_write, file_encoding, read_input
from bibkit.streaming import NotStreamable, streaming_enabled, tidy_stream
from bibkit.transforms.tidy import DEFAULT_FIELD_ORDER, TidyOptions, tidy_text

#: options whose value may be left out (bibtex-tidy's ``--sort`` alone means "by key"), with
#: the value they take then
OPTIONAL_VALUES = {"--sort": "key", "--sort-fields": ",".join(DEFAULT_FIELD_ORDER),
                   "--enclosing-braces": "title", "--wrap": "80"}


class OptionalValueCommand(click.Command):
    """``--sort`` alone, or before a file name, means ``--sort=key`` (click has no optional values).

    A following word is taken as the value only when it is not an option and not a file that
    exists or ends in ``.bib``: ``bibkit tidy --sort refs.bib`` sorts refs.bib by key.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        out: list[str] = []
        for i, arg in enumerate(args):
            if arg in OPTIONAL_VALUES:
                nxt = args[i + 1] if i + 1 < len(args) else None
                if nxt is None or nxt.startswith("-") or nxt.endswith(".bib") or os.path.exists(nxt):
                    out.append(f"{arg}={OPTIONAL_VALUES[arg]}")
                    continue
            out.append(arg)
        return super().parse_args(ctx, out)


def _list(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(",") if v.strip())


@main.command("tidy", cls=OptionalValueCommand)
@click.argument("files", nargs=-1, required=True)
@click.option("-o", "--output", default=None, help="Write the result here (several FILES: concatenated).")
@click.option("-i", "--in-place", is_flag=True, help="Rewrite each FILE (atomically).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 and name each FILE that is not tidy.")
@click.option("--sort", default=None, metavar="[FIELDS]",
              help="Sort entries by these fields (key, type, any field; -year is descending). Alone: by key. "
                   "Example: --sort=-year,author")
@click.option("--sort-fields", default=None, metavar="[ORDER]",
              help="Order the fields of each entry (others keep their order, after). Alone: bibtex-tidy's "
                   "order (title, shorttitle, author, year, ...). Example: --sort-fields=author,title,year")
@click.option("--omit", default=None, metavar="F,...", help="Remove these fields. Example: --omit=abstract,file")
@click.option("--remove-empty-fields", is_flag=True, help="Remove fields whose value is empty ({} or \"\").")
@click.option("--remove-url-if-doi", is_flag=True, help="Remove url from entries that have a doi.")
@click.option("--indent", type=click.IntRange(0, 16), default=2, show_default=True, help="Spaces before each field.")
@click.option("--tab", is_flag=True, help="Indent with a tab instead of spaces.")
@click.option("--align", type=click.IntRange(0, 80), default=0, show_default=True,
              help="Pad field names so '=' stands in this column (bibtex-tidy's --align=14); 0: no padding.")
@click.option("--wrap", type=click.IntRange(0, 1000), default=0, show_default=True, metavar="[N]",
              help="Re-flow long braced values within N columns (alone: 80); 0: never.")
@click.option("--curly", "delimiters", flag_value="curly", help="Write every value in braces: \"x\" -> {x}.")
@click.option("--quotes", "delimiters", flag_value="quotes", help="Write values in quotes where safe: {x} -> \"x\".")
@click.option("--keep-delimiters", "delimiters", flag_value="keep", default=True,
              help="Keep braces and quotes as written (default).")
@click.option("--numeric", is_flag=True, help="Write numbers bare: {1998} -> 1998.")
@click.option("--months", is_flag=True, help="Write months as macros: {January}, {1} -> jan.")
@click.option("--lowercase", is_flag=True, help="Lower-case entry types and field names: @ARTICLE{..., Title=} -> @article{..., title=}.")
@click.option("--enclosing-braces", default=None, metavar="[F,...]",
              help="Protect the case of these fields with double braces: {Title} -> {{Title}}. Alone: title.")
@click.option("--max-authors", type=click.IntRange(0), default=0,
              help="Keep the first N authors and write 'and others' for the rest; 0: all.")
@click.option("--trailing-commas", is_flag=True, help="A comma after the last field too.")
@click.option("--strip-comments", is_flag=True, help="Remove comments (@comment and text between entries).")
@click.option("--blank-lines/--no-blank-lines", default=True, show_default=True, help="An empty line between entries.")
@click.option("--abbreviate-journals", is_flag=True, help="ISO 4 journal names: Physical Review Letters -> Phys. Rev. Lett.")
@click.option("--unabbreviate-journals", is_flag=True,
              help="Full journal names where known (from --journal-list or the file itself).")
@click.option("--journal-list", multiple=True, metavar="CSV",
              help="Abbreviation list (JabRef CSV: Full Name;Abbrev.), repeatable.")
@click.option("--encoding", default=None, help="Encoding of the inputs when they are not UTF-8.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
def tidy_command(files, output, in_place, check, sort, sort_fields, omit, remove_empty_fields, remove_url_if_doi,
                 indent, tab, align, wrap, delimiters, numeric, months, lowercase, enclosing_braces, max_authors,
                 trailing_commas, strip_comments, blank_lines, abbreviate_journals, unabbreviate_journals,
                 journal_list, encoding, quiet):
    """Lay out FILE... the same way every time, with only the changes the options name.

    Values are kept as written (LaTeX, macros, comments, @string and @preamble too); tidying a
    tidy file changes nothing. Output goes to standard output unless -o or --in-place.
    Exit status: 0 done (or tidy, with --check), 1 not tidy or a block could not be read, 2 usage.
    """
    if output and in_place:
        raise click.UsageError("give -o or --in-place, not both")
    if abbreviate_journals and unabbreviate_journals:
        raise click.UsageError("give --abbreviate-journals or --unabbreviate-journals, not both")
    layout = Layout(indent="\t" if tab else " " * indent, align=align, wrap=wrap,
                    trailing_commas=trailing_commas, blank_lines=blank_lines)
    options = TidyOptions(
        sort=_list(sort), sort_fields=_list(sort_fields), omit=_list(omit),
        remove_empty_fields=remove_empty_fields, remove_url_if_doi=remove_url_if_doi,
        delimiters=delimiters or "keep", numeric=numeric, months=months, lowercase=lowercase,
        enclosing_braces=_list(enclosing_braces), max_authors=max_authors, strip_comments=strip_comments,
        abbreviate_journals=abbreviate_journals, unabbreviate_journals=unabbreviate_journals,
        journal_lists=tuple(journal_list), layout=layout)
    if (len(files) == 1 and not (check or in_place or encoding) and files[0] != "-" and os.path.isfile(files[0])
            and streaming_enabled()):
        status = _tidy_streaming(files[0], options, output, quiet)
        if status is not None:
            sys.exit(status)
    failed = False
    untidy: list[str] = []
    texts: list[str] = []
    for path in files:
        try:
            text, problems = read_input(path, encoding)
            result = tidy_text(text, options, "<stdin>" if path == "-" else path)
        except BibkitError as exc:
            print_problems([Problem(str(exc), path, None, "error", "io")])
            failed = True
            continue
        print_problems(problems + result.problems, quiet)
        failed = failed or result.has_errors or any(p.severity == "error" for p in problems)
        if check:
            if result.text != text:
                untidy.append(path)
                click.echo(f"{path}: not tidy", err=True)
        elif in_place:
            if path == "-":
                raise click.UsageError("--in-place needs files, not standard input")
            if result.text != text:
                if not _write_back(path, result.text, encoding):
                    failed = True
                    continue
                if not quiet:
                    click.echo(f"{path}: tidied ({result.entries} entries)", err=True)
        else:
            texts.append(result.text)
    if not check and not in_place:
        write_text_output(Layout(blank_lines=blank_lines).separator.join(t.rstrip("\n") for t in texts if t)
                          + ("\n" if any(texts) else ""), output)
    sys.exit(1 if (failed or untidy) else 0)


def _write_back(path: str, text: str, encoding: str | None) -> bool:
    """Write a tidied file over itself in the encoding it was read in (a Latin-1 file stays
    Latin-1, a UTF-8 file keeps its byte order mark); False, with a message, when it cannot be."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot read ({exc.strerror or exc})")
    used = file_encoding(data, encoding)
    if used.replace("-", "").lower() in ("utf8", "utf8sig") and data.startswith(codecs.BOM_UTF8):
        text = "\ufeff" + text
    try:
        text.encode(used)
    except UnicodeEncodeError as exc:
        print_problems([Problem(f"the tidied text has {exc.object[exc.start]!r}, which {used} cannot hold: "
                                "file left unchanged", path, None, "error", "encoding")])
        return False
    try:
        atomic_write(path, text, encoding=used)
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot write ({exc.strerror or exc})")
    return True


def _tidy_streaming(path: str, options: TidyOptions, output: str | None, quiet: bool) -> int | None:
    """One file tidied batch by batch (:func:`bibkit.streaming.tidy_stream`): the exit status, or
    None when it needs the whole file (nothing was printed or written then)."""
    try:
        with streamed_output(output) as handle:
            _, problems = tidy_stream(path, options, handle)
    except NotStreamable:
        return None
    print_problems(problems, quiet)
    return 1 if any(p.severity == "error" for p in problems) else 0
