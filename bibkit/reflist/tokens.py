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
    """A label per token from (start, end, variable) spans (mapped through ``mapping``): the
    variable that produced the token's first letter or digit, so a token holding two fields
    (``36(11)``, ``6(10),``, ``1978;36(1):1-12.``) is labelled by where it starts, as AnyStyle's
    annotators label ``36(11)`` a volume; a token of punctuation only takes the variable covering
    most of it; None for tokens no variable produced (delimiters, terms of the style such as
    ``In``)."""
    owner = [None] * len(text)
    for a, b, var in spans:
        lab = mapping.get(var, "note")
        for i in range(a, min(b, len(text))):
            owner[i] = lab
    out: list[str | None] = []
    for a, b in tokenize(text):
        first = next((owner[i] for i in range(a, b) if owner[i] is not None and text[i].isalnum()), None)
        if first is None and not any(text[i].isalnum() for i in range(a, b)):
            counts: dict = {}
            for i in range(a, b):
                if owner[i] is not None:
                    counts[owner[i]] = counts.get(owner[i], 0) + 1
            first = max(counts, key=counts.__getitem__) if counts else None
        out.append(first)
    return out


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


_ALNUM = re.compile(r"[^\W_]")  # a letter or digit, as str.isalnum
_OPENING = frozenset("([{\u00ab\u201c\u201e\u2018\"'\u2039<")


def attach_punctuation(words: list[str], labels: list[str]) -> list[str]:
    """Give each token of punctuation only (``:``, ``).``, ``«``, ``&``) the label of the field
    it belongs to by rule: an opening bracket or quotation mark the next word's, anything else
    the previous word's. Such a token carries no value, only a boundary; the same rule labels
    training data and the model's output, so no learned guess moves a field's edge."""
    has_word = [_ALNUM.search(w) is not None for w in words]
    if all(has_word):
        return labels
    out = list(labels)
    n = len(words)
    for i, w in enumerate(words):
        if has_word[i]:
            continue
        j = None
        if i == 0 or all(c in _OPENING for c in w):
            j = next((k for k in range(i + 1, n) if has_word[k]), None)
        if j is not None:
            out[i] = out[j]
        elif i > 0:
            out[i] = out[i - 1]
    return out
