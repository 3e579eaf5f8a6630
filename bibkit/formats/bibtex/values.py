"""BibTeX value expressions split into their operands: ``{..}``, ``".."`` and bare words
(numbers and macro names) joined by ``#``.

One splitter for everything that reads a value's syntax: the reader evaluates the operands
(substituting ``@string`` macros), ``bibkit tidy`` rewrites them and keeps the expression the
user wrote. Both must agree on what a value is, so both call this.
"""
from __future__ import annotations

import re

from bibkit.dates import MONTHS
from bibkit.latex import braced_end

#: a bare operand: a number or a macro name
BARE_OPERAND = re.compile(r"[^\s\"#%'(),={}]+")


class ValueError_(Exception):
    """A field value that is not a valid BibTeX expression."""


def quoted_end(text: str, start: int) -> int:
    """Index just past the ``"`` closing the quoted operand opened at ``start``, or -1. A
    ``"`` inside braces or after a backslash does not close it."""
    depth = 0
    i = start + 1
    n = len(text)
    while i < n:
        c = text[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == "\\":
            i += 1
        elif c == '"' and depth == 0:
            return i + 1
        i += 1
    return -1


def split_operands(raw: str) -> list[tuple[str, str]]:
    """The operands of a value expression as (kind, text): kind ``braced``, ``quoted`` or
    ``bare``, text what stands between the delimiters. An empty expression has none; anything
    that is not an expression raises :class:`ValueError_` saying what is wrong."""
    parts: list[tuple[str, str]] = []
    i = 0
    n = len(raw)
    expect_value = True
    while i < n:
        c = raw[i]
        if c.isspace():
            i += 1
            continue
        if not expect_value:
            if c != "#":
                raise ValueError_(f"unexpected {raw[i:i + 20]!r} after a complete value")
            expect_value = True
            i += 1
            continue
        if c == "{":
            end = braced_end(raw, i)
            if end < 0:
                raise ValueError_("unbalanced braces")
            parts.append(("braced", raw[i + 1:end - 1]))
            i = end
        elif c == '"':
            end = quoted_end(raw, i)
            if end < 0:
                raise ValueError_("unterminated quoted value")
            parts.append(("quoted", raw[i + 1:end - 1]))
            i = end
        else:
            m = BARE_OPERAND.match(raw, i)
            if not m:
                raise ValueError_(f"unexpected {raw[i:i + 20]!r}")
            parts.append(("bare", m.group(0)))
            i = m.end()
        expect_value = False
    if expect_value and parts:
        raise ValueError_("dangling '#'")
    return parts


def evaluate(raw: str, macros: dict[str, str]) -> tuple[str, list[str], bool]:
    """Evaluate a raw BibTeX value expression.

    Returns (value, undefined macro names, used a user macro). Month macros and numbers are
    built in; macro names are case-insensitive, as in BibTeX.
    """
    raw = raw.strip()
    if raw.startswith("{") and raw.endswith("}"):
        inner = raw[1:-1]
        if ("{" not in inner and "}" not in inner) or braced_end(raw, 0) == len(raw):
            return inner, [], False
    if raw.isdigit():
        return raw, [], False
    out: list[str] = []
    undefined: list[str] = []
    used_macro = False
    for kind, word in split_operands(raw):
        if kind != "bare" or word.isdigit():
            out.append(word)
            continue
        key = word.lower()
        if key in macros:
            out.append(macros[key])
            used_macro = True
        else:
            out.append(word)
            if key not in MONTHS:
                undefined.append(word)
    return "".join(out), undefined, used_macro
