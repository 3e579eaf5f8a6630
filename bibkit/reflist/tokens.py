"""Word tokens of one reference string, and labels from character spans.

Tokens are whitespace-separated words with their punctuation attached (``Smith,`` ``(2019).``),
as in AnyStyle's data: a label per word is what both training sources can give, and what a
reader checks. Text is normalised first (NFKC turns ``ﬁ`` into ``fi``; odd spaces become one).
"""
from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\S+")


def normalize(text: str) -> str:
    """Compatibility-normalise (ligatures, full-width forms) without touching dashes."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text)


def tokenize(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the whitespace-separated words of ``text``."""
    return [(m.start(), m.end()) for m in _WS.finditer(text)]


def label_tokens(text: str, spans, mapping) -> list[str | None]:
    """A label per token from (start, end, variable) spans: the variable covering most of the
    token's letters and digits (the first one on a tie, so ``36(11)`` is a volume, as annotated) (mapped through ``mapping``); None for tokens no variable
    produced (delimiters, terms of the style such as ``In``)."""
    owner = [None] * len(text)
    for a, b, var in spans:
        lab = mapping.get(var, "note")
        for i in range(a, min(b, len(text))):
            owner[i] = lab
    out: list[str | None] = []
    for a, b in tokenize(text):
        counts: dict = {}
        alnum = any(text[i].isalnum() for i in range(a, b))
        for i in range(a, b):
            lab = owner[i]
            if lab is not None and (text[i].isalnum() or not alnum):
                counts[lab] = counts.get(lab, 0) + 1
        out.append(max(counts, key=lambda k: (counts[k], -_first(owner, a, b, k))) if counts else None)
    return out


def _first(owner, a, b, lab) -> int:
    for i in range(a, b):
        if owner[i] == lab:
            return i
    return b


def fill_gaps(words: list[str], labels: list[str | None]) -> list[str]:
    """Give unlabelled tokens a neighbour's label, as annotators do: a word (``In``, ``pp.``)
    belongs to the field after it, bare punctuation to the field before it."""
    n = len(labels)
    out = list(labels)
    for i in range(n):
        if out[i] is not None:
            continue
        has_word = any(c.isalnum() for c in words[i])
        nxt = next((labels[j] for j in range(i + 1, n) if labels[j] is not None), None)
        prv = next((out[j] for j in range(i - 1, -1, -1) if out[j] is not None), None)
        out[i] = (nxt or prv) if has_word else (prv or nxt)
        if has_word and nxt == "url":  # "Retrieved from", "Available at": a note, as annotated
            out[i] = "note"
        if out[i] is None:
            out[i] = "note"
    return out  # type: ignore[return-value]
