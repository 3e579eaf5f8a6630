"""Citations rendered into the documents people write, as pandoc ``--citeproc`` renders them.

:func:`render_markdown` is the whole path: the document model (:mod:`bibkit.render.document`),
its citations rendered by the CSL engine over the whole document (:mod:`bibkit.render.cite`),
and the document written back as Markdown or HTML (:mod:`bibkit.render.markdown`). ``bibkit
render`` and the MkDocs plugin both go through it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from bibkit.citing.cited import Citation
from bibkit.diagnostics import Problem
from bibkit.model import Entry
from bibkit.render.cite import CitedDocument, Settings, cite_document, load_references, processor_for
from bibkit.render.document import MarkdownDocument, read_document
from bibkit.render.markdown import bibliography_markdown, markdown_to_html, write_markdown

FORMATS = ("markdown", "html")


@dataclass
class Rendered:
    """A rendered document: its ``text``, the citations of keys no entry has (first citation of
    each, for ``DOC:line: undefined citation``) and every other problem met."""

    text: str
    undefined: list[Citation] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    cited: CitedDocument | None = None


def render_markdown(text: str, name: str = "<string>", *, bibliography: Iterable[str] = (),
                    csl: str | None = None, lang: str | None = None, to: str = "markdown",
                    entries: Iterable[Entry] | None = None, portable: bool = False,
                    nocite: Iterable[str] = ()) -> Rendered:
    """Render the pandoc citations of Markdown ``text``.

    ``bibliography``, ``csl`` and ``lang`` override the document's metadata of the same names
    (as pandoc's ``--bibliography``, ``--csl`` and ``-M lang``). ``entries``, when given, are
    used instead of reading bibliography files (a caller that already holds them, such as the
    MkDocs plugin rendering many pages). ``to`` is ``markdown`` or ``html``. ``portable``
    Markdown has no pandoc extensions (inline notes, ``^superscript^``), for Python-Markdown
    and GitHub; HTML implies it. ``nocite`` adds keys as the metadata's ``nocite`` does.
    """
    if to not in FORMATS:
        raise ValueError(f"unknown output format {to!r}; use {' or '.join(FORMATS)}")
    document = read_document(text, name)
    for key in nocite:
        document.nocite.add(key, name, None)
    settings = Settings.of(document.meta, bibliography, csl, lang)
    problems = list(document.problems)
    if entries is None:
        entries, found = load_references(document, settings)
        problems += found
    cited = cite_document(document, list(entries), settings)
    problems += cited.problems
    out = write_markdown(cited, portable=portable or to == "html")
    if to == "html":
        out = markdown_to_html(out)
    return Rendered(out, cited.undefined, problems, cited)


__all__ = ["CitedDocument", "FORMATS", "MarkdownDocument", "Rendered", "Settings", "bibliography_markdown",
           "cite_document", "load_references", "markdown_to_html", "processor_for", "read_document",
           "render_markdown", "write_markdown"]
