"""A progress bar for long runs on a terminal, and nothing at all otherwise.

Commands wrap their main loop in :func:`progress`. The bar appears only once the loop has run
for ``delay`` seconds (quick runs stay quiet) and only when standard error is a terminal, so
pipes, CI logs and tests never see it. Built on ``click.progressbar``, which the CLI already uses.
"""
from __future__ import annotations

import sys
import time
from typing import Iterable, Iterator, TextIO, TypeVar

import click

T = TypeVar("T")


def progress(items: Iterable[T], length: int | None = None, label: str = "",
             delay: float = 1.0, file: TextIO | None = None) -> Iterator[T]:
    """Yield ``items``; after ``delay`` seconds show a bar on ``file`` (stderr) if it is a tty."""
    stream = file if file is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()):
        yield from items
        return
    if length is None:
        try:
            length = len(items)  # type: ignore[arg-type]
        except TypeError:
            length = None
    start = time.monotonic()
    bar = None
    done = 0
    try:
        for item in items:
            yield item
            done += 1
            if bar is not None:
                bar.update(1)
            elif time.monotonic() - start >= delay:
                bar = click.progressbar(length=length, label=label, file=stream)
                bar.__enter__()
                bar.update(done)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
