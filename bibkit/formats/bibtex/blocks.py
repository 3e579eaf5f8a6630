"""A BibTeX text split into bibtexparser's blocks: the one splitter every reading goes through.

We run bibtexparser (v2) with an empty middleware stack: evaluation of values is ours
(:mod:`.reader`).
"""
from __future__ import annotations

import logging

import bibtexparser
from bibtexparser import model as bp

# bibtexparser logs every failed block; we report those ourselves as file:line problems
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)


def parse_blocks(text: str) -> list[bp.Block]:
    """bibtexparser's blocks for ``text``, without the tracebacks of its failed blocks.

    A failed block keeps its exception, whose traceback holds the splitter's frame, which holds
    every block of the file: one failed block made the whole parse (1.5 GB for 200k entries) a
    reference cycle that lived until the cyclic collector found it. We only use the message.
    Every parse of the reader goes through here, re-parses of damaged entries included (their
    frames' callers hold the file's text).
    """
    blocks = bibtexparser.parse_string(text, parse_stack=[]).blocks
    for block in blocks:
        error = getattr(block, "error", None)
        if error is not None:
            error.__traceback__ = None
    return blocks
