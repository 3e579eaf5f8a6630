"""Writing a BibTeX file back the way its user wrote it (``--normalize`` / ``--preserve``).

The commands that edit a bibliography (``merge``, ``dedupe``, ``keys``, ``enrich``) write, by
default, only what they changed when the output is the file they read, and ``merge``,
``dedupe`` and ``keys`` whenever the input and the output are both BibTeX (another file or
standard output too): unchanged blocks byte for byte, changed entries field by field
(:mod:`bibkit.formats.bibtex.preserve`), so a user comparing the two files sees only the change.
``--normalize`` rewrites the whole output in bibkit's canonical form. Asking for a conversion
(``--to``, ``--unicode``) means a rewrite unless ``--preserve`` is given too.
"""
from __future__ import annotations

import os

import click

from bibkit.api import dumps
from bibkit.formats.bibtex import BibTeXWriter
from bibkit.formats.bibtex.preserve import Original, capture, detect_flavour, write_preserving
from bibkit.model import Library

BIBTEX_FORMATS = ("bibtex", "biblatex")

normalize_option = click.option(
    "--normalize/--preserve", "normalize", default=None,
    help="--normalize: rewrite the whole output in bibkit's canonical form. --preserve: keep the input's own "
         "text for every unchanged entry and field, whatever the output. Default: preserve when writing back "
         "to the input file.")
#: the same option for ``merge``, ``dedupe`` and ``keys``, which preserve whenever both sides are BibTeX
normalize_option_bibtex = click.option(
    "--normalize/--preserve", "normalize", default=None,
    help="--normalize: rewrite the whole output in bibkit's canonical form. --preserve: keep the input's own "
         "text for every unchanged entry and field, whatever the output. Default: preserve when the input and "
         "the output are both BibTeX (and no --to/--unicode conversion is asked for).")


def same_file(a: str | None, b: str | None) -> bool:
    if a in (None, "-") or b in (None, "-"):
        return False
    if os.path.abspath(a) == os.path.abspath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def preserves(source: str, output: str | None, fmt: str, normalize: bool | None, to: str | None = None,
              unicode: bool = False, any_bibtex: bool = False) -> bool:
    """Whether the output keeps the input's text (see :func:`plan`), the file permitting."""
    rewrite = to is not None or unicode or not (any_bibtex or same_file(source, output))
    return not normalize and fmt in BIBTEX_FORMATS and not (normalize is None and rewrite)


def plan(library: Library, source: str, output: str | None, fmt: str, normalize: bool | None,
         to: str | None = None, unicode: bool = False, any_bibtex: bool = False) -> Original | None:
    """The source to write back piecewise, captured now (before the command changes the
    library), or None when the output is to be written whole.

    By default the input's text is kept when writing back to the input file, or, with
    ``any_bibtex`` (``merge``, ``dedupe``, ``keys``), whenever input and output are BibTeX.

    The library's source texts are let go either way (only the capture keeps the one it
    needs): in a 100k-entry merge they are hundreds of megabytes the merge has no use for.
    """
    original = None
    if preserves(source, output, fmt, normalize, to, unicode, any_bibtex):
        original = capture(library, source)  # None when the input was not read as BibTeX
    library.sources.clear()
    return original


def render(original: Original | None, library: Library, fmt: str, to: str | None = None,
           unicode: bool = False) -> str:
    """The output text: ``original``'s text with the library's changes, or a canonical rewrite."""
    if original is None:
        return dumps(library, fmt, unicode=unicode)
    flavour = to if to in BIBTEX_FORMATS else detect_flavour_of(original, library)
    text = write_preserving(original, library, BibTeXWriter(flavour, unicode))
    return BOM + text if starts_with_bom(original.name) else text


BOM = "\ufeff"


def starts_with_bom(path: str) -> bool:
    """The reader drops a UTF-8 byte order mark; a file written back keeps the one it had."""
    try:
        with open(path, "rb") as handle:
            return handle.read(3) == BOM.encode("utf-8")
    except OSError:
        return False


def detect_flavour_of(original: Original, library: Library) -> str:
    return detect_flavour(Library(blocks=list(original.blocks.values())), original.name)
