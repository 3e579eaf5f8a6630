"""``bibkit extract``: the entries a paper cites, in the order it cites them.

What a submission wants beside its sources: a .bib (or CSL-JSON, RIS...) with exactly the
cited entries and the crossref/xdata parents they need, otherwise as they were, read from the
paper's ``.aux``, ``.bcf``, ``.tex`` or Markdown (:mod:`bibkit.citing`).
"""
from __future__ import annotations

import re
import sys

import click

from bibkit import registry
from bibkit.api import dumps
from bibkit.citing import CitedKeys, Resolution, read_cited, resolve
from bibkit.cli.common import exit_status, load_inputs, print_problems, write_text_output
from bibkit.cli.main import main
from bibkit.diagnostics import BibkitError
from bibkit.model import Entry, Library, Preamble, StringDef

BIB_FORMATS = ("bibtex", "biblatex")

_WORD = re.compile(r"[A-Za-z][\w:.+/'-]*")
_DELIMITED = re.compile(r'\{(?:[^{}]|\{[^{}]*\})*\}|"[^"]*"')


def read_documents(documents: tuple[str, ...] | list[str], encoding: str | None = None,
                   quiet: bool = False) -> CitedKeys:
    """What ``documents`` cite, their problems printed; a document that cannot be read stops with
    status 2 (without it there is nothing to select by)."""
    try:
        cited = read_cited(list(documents), encoding)
    except BibkitError as exc:
        raise click.UsageError(str(exc))
    print_problems(cited.problems, quiet)
    return cited


def report_citations(found: Resolution, quiet: bool = False) -> bool:
    """Print ``DOC:line: undefined citation 'key'`` for each unknown key (and, unless quiet, each
    citation of an ``ids`` alias); True when some citation is undefined."""
    for citation in found.undefined:
        click.echo(f"{citation.where()}: undefined citation '{citation.key}'", err=True)
    if not quiet:
        for citation, entry in found.aliased:
            click.echo(f"{citation.where()}: '{citation.key}' is an old key (ids alias) of '{entry.key}'; "
                       f"cite '{entry.key}'", err=True)
    return bool(found.undefined)


def _macros_used(blocks: list[Entry | StringDef]) -> set[str]:
    """Lower-case names of the @string macros the blocks' values refer to."""
    used: set[str] = set()
    for block in blocks:
        if isinstance(block, StringDef):
            raws = [block.raw]
        else:
            raws = [raw for raw, _ in block.meta.get("bibtex_raw", {}).values() if isinstance(raw, str)]
        for raw in raws:
            used.update(w.lower() for w in _WORD.findall(_DELIMITED.sub(" ", raw or "")))
    return used


def selection(library: Library, entries: list[Entry]) -> Library:
    """A library of ``entries`` with the @preambles and the @string macros they need, so the
    written .bib stands on its own."""
    strings = library.strings
    needed = _macros_used(list(entries))
    by_name = {s.name.lower(): s for s in strings}
    todo = list(needed)
    while todo:  # a macro may be defined through other macros
        macro = by_name.get(todo.pop())
        if macro is not None:
            for name in _macros_used([macro]) - needed:
                needed.add(name)
                todo.append(name)
    kept = [s for s in strings if s.name.lower() in needed]
    return Library(blocks=[*library.preambles, *kept, *entries])


def source_texts(entries: list[Entry], encoding: str | None = None) -> dict[int, str]:
    """id(entry) -> the entry's text exactly as its .bib has it, for the entries read from one.

    The source is parsed again for the blocks' raw text; an entry whose block cannot be matched
    (by line and key) is left out, and gets written by the writer instead.
    """
    from bibkit.formats.bibtex import parse_blocks
    from bibkit.io import read_input

    out: dict[int, str] = {}
    files = {e.source.file for e in entries if e.source and e.source.format == "bibtex"}
    for file in sorted(files - {"<stdin>", "<string>"}):
        try:
            text, _ = read_input(file, encoding)
        except BibkitError:
            continue
        raw = {(b.start_line or 0) + 1: b for b in parse_blocks(text) if getattr(b, "key", None) and b.raw}
        for entry in entries:
            block = raw.get(entry.source.line) if entry.source and entry.source.file == file else None
            if block is not None and block.key == entry.key:
                out[id(entry)] = block.raw.strip()
    return out


def _verbatim(library: Library, entries: list[Entry], flavour: str, encoding: str | None) -> str:
    """``library`` as a .bib whose entries are written as their sources wrote them."""
    from bibkit.formats.bibtex import BibTeXWriter

    writer = BibTeXWriter(flavour)
    texts = source_texts(entries, encoding)
    head = dumps(Library(blocks=[b for b in library.blocks if not isinstance(b, Entry)]), flavour).strip()
    parts = [head] if head else []
    parts += [texts.get(id(e)) or writer.entry(e) for e in library.entries]
    return "\n\n".join(parts) + "\n" if parts else ""


def _flavour(library: Library, entries: list[Entry]) -> str:
    """biblatex when a cited entry's .bib is written for biblatex, else bibtex."""
    from bibkit.check.fields import detect_model

    files = {e.source.file for e in entries if e.source and e.source.format == "bibtex"}
    return "biblatex" if any(detect_model(library, f) == "biblatex" for f in sorted(files)) else "bibtex"


@main.command("extract")
@click.argument("files", nargs=-1, required=True)
@click.option("--cited-in", "documents", multiple=True, required=True, metavar="DOC",
              help="A .aux, .bcf, .tex or Markdown document whose citations select the entries (repeatable).")
@click.option("-o", "--output", default=None, help="Output file ('-' or omitted: standard output).")
@click.option("-t", "--to", "to", default=None,
              help="Output format (default: from the output extension, else a .bib with each entry as "
                   "its source wrote it; --to bibtex|biblatex normalises them).")
@click.option("-f", "--from", "from_", default=None, help="Input format (default: from extension, then content).")
@click.option("--encoding", default=None, help="Encoding of the inputs when they are not UTF-8 (e.g. latin-1).")
@click.option("--unicode/--latex", "unicode", default=False,
              help="BibTeX output: write (normalised) UTF-8 instead of LaTeX escapes.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors, not warnings.")
def extract(files, documents, output, to, from_, encoding, unicode, quiet):
    """Write the entries of FILES that DOC cites, in order of first citation.

    The entries they refer to come along: crossref/xdata parents (after their children, as
    bibtex needs), xref, related and entryset members;
    a citation of an old key (``ids`` alias) selects its entry. Undefined citations are listed
    as DOC:line on standard error and the exit status is 1; the rest is still written.
    """
    try:
        if to is None and output and output != "-":
            exp = registry.exporter_for_path(output)
            to = exp.name if exp is not None and exp.name not in BIB_FORMATS else None
        if to is not None:
            registry.exporter(to)  # fail early on an unknown format
        if from_:
            registry.importer(from_)
    except BibkitError as exc:
        raise click.UsageError(str(exc))
    cited = read_documents(documents, encoding, quiet)
    bib_output = to is None or to in BIB_FORMATS
    library = load_inputs(files, from_, encoding, quiet, resolve_crossref=not bib_output, keep_raw=to is None)
    found = resolve(cited, library.entries)
    undefined = report_citations(found, quiet)
    entries = found.bibtex_order() if bib_output else found.entries
    if to is None and not unicode:  # a .bib: each entry exactly as its source wrote it
        text = _verbatim(selection(library, entries), entries, _flavour(library, entries), encoding)
    else:
        text = dumps(selection(library, entries), to or _flavour(library, entries), unicode=unicode)
    write_text_output(text, output)
    if output not in (None, "-") and not quiet:
        click.echo(f"wrote {len(entries)} entries to {output}", err=True)
    status = exit_status(library)
    if undefined or any(p.severity == "error" for p in cited.problems):
        status = 1
    sys.exit(status)
