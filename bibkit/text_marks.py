"""Plain text copied from web pages and listings as canonical :class:`~bibkit.model.Text`.

The listing reader and the reference-list labeller both turn plain text into titles and
abstracts, so the marking lives below both of them.
"""
from __future__ import annotations

import re

from bibkit.model import Mark, Text

_MATH = re.compile(r"(?<!\\)\$[^$]+?(?<!\\)\$")
_TITLE_WORD = re.compile(r"[^\s:;,.!?()\[\]\"“”]+")
_LATEX_ESCAPE = re.compile(r"\\([%&_#])")


def marked_text(value: str, title: bool = False) -> Text:
    """Plain listing text, with ``$...$`` spans marked as math so exporters keep them verbatim.

    Abstracts copied from arXiv keep a few LaTeX escapes of their source (``19\\%``); those are
    decoded to the character they stand for, so exporters escape it once, not twice.

    In a ``title``, words whose capitals are not only initial ("LLMs", "DeepSeek-R1", "MoE",
    "70B") are marked ``nocase``: the listing prints the authors' casing, and without the mark
    BibTeX styles and CSL sentence-casing would print "llms" (Better BibTeX protects the same
    words). Words with only an initial capital are left to the style.
    """
    value = _LATEX_ESCAPE.sub(r"\1", value)
    marks = [Mark(m.start(), m.end(), "math") for m in _MATH.finditer(value)]
    if title:
        outside_math = _MATH.sub(lambda m: " " * len(m.group()), value)  # same offsets
        marks += [Mark(m.start(), m.end(), "nocase") for m in _TITLE_WORD.finditer(outside_math)
                  if _needs_case_protection(m.group())]
    return Text(value, marks)


def _needs_case_protection(word: str) -> bool:
    """A capital after the first letter of any hyphen part: "LLMs", "DeepSeek-R1", "GPT-4"."""
    return any(re.search(r"(?<=.)[A-Z]", part) for part in word.split("-"))
