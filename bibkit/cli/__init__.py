"""The ``bibkit`` command line. Each command module registers itself on :data:`main`."""
from bibkit.cli.main import main
from bibkit.cli import convert  # noqa: F401  (registers convert, formats)
from bibkit.cli import format  # noqa: F401  (registers format, cite, styles)
from bibkit.cli import enrich  # noqa: F401  (registers add, enrich)
from bibkit.cli import keys  # noqa: F401  (registers keys)
from bibkit.cli import merge  # noqa: F401  (registers merge, dedupe)
from bibkit.cli import check  # noqa: F401  (registers check)
from bibkit.cli import extract  # noqa: F401  (registers extract)
from bibkit.cli import tidy  # noqa: F401  (registers tidy)
from bibkit.cli import config  # noqa: F401  (registers config)
from bibkit.cli import render  # noqa: F401  (registers render)
from bibkit.cli import serve  # noqa: F401  (registers serve)

__all__ = ["main", "run"]


def run() -> None:
    """The console script: run the command, then leave without tearing the interpreter down.

    After a 100k-against-100k merge, freeing the libraries object by object at exit took 7 s,
    longer than writing the output (benchmarks/bench_merge.py). Everything the command writes
    is written atomically and flushed before this point, so the process ends with ``os._exit``
    once its standard streams and log handlers are flushed.
    """
    import logging
    import os
    import sys

    from bibkit import api

    api.after_load = "freeze"  # this process ends after one command (see api.after_load)
    try:
        main(standalone_mode=True)
        code = 0
    except SystemExit as exc:
        code = exc.code
    if isinstance(code, str):  # SystemExit("message"): what the interpreter would print
        print(code, file=sys.stderr)
        code = 1
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (``bibkit ... | head``)
            code = code or 1
    os._exit(code or 0)
