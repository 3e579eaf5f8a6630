"""``bibkit render``: a Markdown document with its citations rendered in a CSL style, as
``pandoc --citeproc`` renders them."""
from __future__ import annotations

import os
import sys

import click

from bibkit.cli.common import print_problems, write_text_output
from bibkit.cli.main import main
from bibkit.diagnostics import BibkitError
from bibkit.io import read_input

_TO = {"md": "markdown", "markdown": "markdown", "html": "html"}


@main.command("render")
@click.argument("document", type=click.Path(dir_okay=False))
@click.option("--bibliography", "-b", "bibliography", multiple=True, metavar="FILE",
              help="Bibliography file (.bib, CSL-JSON, CSL-YAML, RIS...); repeatable. "
                   "Replaces the document's own `bibliography:`.")
@click.option("--csl", "-s", "csl", default=None,
              help="CSL style name, .csl path or URL (default: the document's `csl:`, else chicago-author-date).")
@click.option("--lang", "-l", "lang", default=None, help="Locale such as en-US (default: the document's `lang:`).")
@click.option("-t", "--to", "to", type=click.Choice(sorted(_TO), case_sensitive=False), default=None,
              help="Output markup (default: from the output file's extension, else markdown).")
@click.option("-o", "--output", default="-", show_default=True, help="Output file ('-' for stdout).")
@click.option("--encoding", default=None, help="Encoding of the document when it is not UTF-8.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors, not warnings.")
def render_command(document: str, bibliography: tuple[str, ...], csl: str | None, lang: str | None,
                   to: str | None, output: str, encoding: str | None, quiet: bool) -> None:
    """Render the pandoc citations of DOCUMENT ([@key], [see @a, p. 3; -@b], @key [p. 3]) and
    its bibliography, as `pandoc --citeproc` does, into Markdown or HTML.

    The document's YAML header is read as pandoc reads it (bibliography, csl, references, nocite,
    link-citations, reference-section-title, lang); `::: {#refs}` places the bibliography.
    Note styles put citations in footnotes. An undefined key prints as **key?**, is reported as
    DOC:line: undefined citation 'key', and the exit status is 1.
    """
    from bibkit.render import render_markdown

    if to is None:
        to = "html" if os.path.splitext(output)[1].lower() in (".html", ".htm") else "markdown"
    text, problems = read_input(document, encoding)
    try:
        result = render_markdown(text, document, bibliography=bibliography, csl=csl, lang=lang,
                                 to=_TO[to.lower()])
    except BibkitError as exc:
        click.echo(f"bibkit: error: {exc}", err=True)
        sys.exit(2)
    print_problems(problems + result.problems, quiet)
    for citation in result.undefined:
        click.echo(f"{citation.where()}: undefined citation '{citation.key}'", err=True)
    write_text_output(result.text, output)
    failed = result.undefined or any(p.severity == "error" for p in problems + result.problems)
    sys.exit(1 if failed else 0)
