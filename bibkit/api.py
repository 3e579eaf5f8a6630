"""The Python API: ``load``/``loads`` anything, ``dump``/``dumps`` to any format.

Everything the CLI does goes through these, so the CLI and the API cannot drift apart.
"""
from __future__ import annotations

import gc
import os
import sys
from contextlib import contextmanager
from typing import Iterable, Iterator, Union

from bibkit import registry
from bibkit.diagnostics import BibkitError, Problem
from bibkit.io import atomic_write, read_input
from bibkit.model import Entry, Library

PathLike = Union[str, os.PathLike]


#: What becomes of the objects a load creates, which live as long as their library: ``"age"``
#: moves them to the oldest generation (see :func:`_collector_paused`); ``"freeze"`` takes them
#: out of collection for good (``gc.freeze``). The command line chooses "freeze" because its
#: process ends after one command: in a 100k-against-100k merge the one full collection that
#: aging still allows cost 5 s and freed 1,212 objects. A library cannot know that of its host.
after_load = "age"


@contextmanager
def _collector_paused(age: bool = False) -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a file is parsed or written.

    Reading a large .bib allocates hundreds of thousands of small objects and no cycles worth
    collecting midway; each allocation burst otherwise triggers full-heap scans, which cost a
    third of the parse time on the 16.6k-entry corpus file (benchmarks/bench_convert.py).

    ``age``: what a load creates lives as long as its library, so it is moved straight to the
    oldest generation (``gc.freeze`` then ``gc.unfreeze``: a list splice, no traversal) rather
    than traversed by each younger generation's collection in turn (8 s of a 100k-against-100k
    merge). Nothing is kept from collection: full collections still see all of it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if age and after_load == "freeze":
            gc.freeze()
        elif age and gc.get_freeze_count() == 0:  # never thaw what the program itself froze
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


def choose_importer(text: str, name: str, format: str | None):
    """The importer ``loads`` uses: the one named, else by the name's extension, else by content
    (None when nobody recognises the text)."""
    if format:
        return registry.importer(format)
    by_ext = registry.importer_for_path(name) if name not in ("-", "<stdin>", "<string>") else None
    if by_ext is not None:
        return by_ext
    return registry.detect_importer(text)


def loads(text: str, format: str | None = None, *, name: str = "<string>", **options) -> Library:
    """Parse text in ``format`` (detected from the content when None)."""
    imp = choose_importer(text, name, format)
    if imp is None:
        lib = Library()
        if text.strip():
            lib.problems.append(Problem("cannot tell the format of this input; name it with --from", name, None, "error", "unknown-format"))
        return lib
    with _collector_paused(age=True):
        return imp.parse(text, name, **options)


def load(paths: PathLike | Iterable[PathLike], format: str | None = None, *,
         encoding: str | None = None, **options) -> Library:
    """Read one or several files (``-`` is standard input) into one library, in order."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    library = Library()
    for path in paths:
        path = os.fspath(path)
        text, problems = read_input(path, encoding)
        name = "<stdin>" if path == "-" else path
        part = loads(text, format, name=name, **options)
        library.problems.extend(problems)
        library.extend(part)
    return library


def _as_library(data: Library | Iterable[Entry]) -> Library:
    return data if isinstance(data, Library) else Library.of(data)


def dumps(data: Library | Iterable[Entry], format: str = "bibtex", **options) -> str:
    """Serialise entries (or a whole library, keeping its comments and macros) as text."""
    with _collector_paused():
        return registry.exporter(format).dump(_as_library(data), **options)


def dump(data: Library | Iterable[Entry], path: PathLike, format: str | None = None, **options) -> None:
    """Write to ``path`` atomically (``-`` is standard output); format from the extension if None."""
    path = os.fspath(path)
    if format is None:
        exp = registry.exporter_for_path(path) if path != "-" else None
        if exp is None:
            raise BibkitError(f"cannot tell the output format of {path!r}; name it with --to")
        format = exp.name
    text = dumps(data, format, **options)
    if path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        atomic_write(path, text)
