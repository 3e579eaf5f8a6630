"""What a document cites, read from whatever the user has: a LaTeX ``.aux`` (bibtex), a biber
``.bcf``, the ``.tex`` sources themselves, or pandoc Markdown.

:func:`read_cited` picks the reader by extension and concatenates several documents;
:func:`resolve` matches the citations against the entries of a library. ``bibkit extract``,
``bibkit format --cited-in`` and ``bibkit check --cited-in`` all go through these two.
"""
from __future__ import annotations

import os
from typing import Callable, Iterable

from bibkit.citing.aux import read_aux
from bibkit.citing.bcf import read_bcf
from bibkit.citing.cited import ALL, Citation, CitedKeys
from bibkit.citing.markdown import markdown_citations, read_markdown
from bibkit.citing.resolve import Resolution, resolve
from bibkit.citing.tex import read_tex, tex_citations
from bibkit.diagnostics import BibkitError

READERS: dict[str, Callable[[str, str | None], CitedKeys]] = {
    ".aux": read_aux,
    ".bcf": read_bcf,
    ".tex": read_tex, ".ltx": read_tex, ".latex": read_tex,
    ".md": read_markdown, ".markdown": read_markdown, ".qmd": read_markdown, ".rmd": read_markdown,
    ".pandoc": read_markdown,
}


def reader_for(path: str) -> Callable[[str, str | None], CitedKeys]:
    """The reader for ``path``'s extension; a :class:`BibkitError` naming the known ones if none."""
    ext = os.path.splitext(path)[1].lower()
    if ext not in READERS:
        known = ", ".join(sorted(READERS))
        raise BibkitError(f"{path}: cannot tell what it cites from its extension (known: {known})")
    return READERS[ext]


def read_cited(paths: str | Iterable[str], encoding: str | None = None) -> CitedKeys:
    """The citations of every document in ``paths``, in order, documents one after another."""
    if isinstance(paths, str):
        paths = [paths]
    cited = CitedKeys()
    for path in paths:
        cited.extend(reader_for(path)(path, encoding))
    return cited


__all__ = ["ALL", "Citation", "CitedKeys", "READERS", "Resolution", "markdown_citations", "read_aux",
           "read_bcf", "read_cited", "read_markdown", "read_tex", "reader_for", "resolve", "tex_citations"]
