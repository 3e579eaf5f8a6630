"""The raw BibTeX a check needs: field expressions as written, with their lines.

The BibTeX importer keeps them in ``entry.meta["_raw"]`` when asked (``keep_raw=True``), so
checks that depend on spelling (a hyphen in ``pages``, ``month = {January}``) and the fixes
that edit the file work from the source text without parsing it a second time.
"""
from __future__ import annotations

from bibkit.latex import braced_end
from bibkit.model import Entry


def is_bibtex(entry: Entry) -> bool:
    return bool(entry.source and entry.source.format == "bibtex")


def raw_fields(entry: Entry) -> dict[str, tuple[str, int]]:
    """Lower-case field name -> (value expression as written, line)."""
    return entry.meta.get("_raw", {})


def raw_field(entry: Entry, name: str) -> tuple[str, int] | None:
    return raw_fields(entry).get(name)


def split_delimiters(raw: str) -> tuple[str, str, str] | None:
    """``{body}`` -> ("{", body, "}"), ``"body"`` -> ('"', body, '"'), a bare word -> ("", word, "").

    None for concatenations (``a # "b"``), which checks leave alone.
    """
    text = raw.strip()
    if text.startswith("{") and text.endswith("}") and ("#" not in text or braced_end(text, 0) == len(text)):
        # without '#' the reader has already checked that this is one balanced group
        return "{", text[1:-1], "}"
    if text.startswith('"') and text.endswith('"') and len(text) >= 2 and '"' not in text[1:-1].replace('\\"', ""):
        return '"', text[1:-1], '"'
    if "#" not in text and not any(c in text for c in '{}"'):
        return "", text, ""
    return None


def top_level_spans(body: str) -> list[tuple[int, int]]:
    """Spans of ``body`` outside braces, math and LaTeX commands: where case is not protected."""
    spans: list[tuple[int, int]] = []
    depth = 0
    math = False
    start = 0
    i = 0
    n = len(body)
    while i < n:
        c = body[i]
        if c == "\\":
            if depth == 0 and not math and i > start:
                spans.append((start, i))
            i += 1
            while i < n and body[i].isalpha():
                i += 1
            if i < n and not body[i - 1].isalpha():
                i += 1
            start = i
            continue
        if c in "{}$":
            if depth == 0 and not math and i > start:
                spans.append((start, i))
            if c == "{":
                depth += 1
            elif c == "}":
                depth = max(depth - 1, 0)
            elif depth == 0:
                math = not math
            start = i + 1
        i += 1
    if depth == 0 and not math and n > start:
        spans.append((start, n))
    return spans
