"""From labelled words to field values: spans, and the affixes that are not part of a value.

The model labels every word, ``pp.`` and ``In:`` included (as annotators do); a value is what
is left after the label's affixes and the punctuation at its edges are stripped: ``(Vol. 3,``
is volume ``3``, ``pp. 1761–1800).`` is pages ``1761–1800``, ``In O. Card (Ed.),`` is editor
``O. Card``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_EDGE = " \t.,;:/"
_QUOTES = "\"'\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb\u2039\u203a"

_PREFIX = {
    "author": r"(?:by)\s+",
    "editor": r"(?:in\s*:?|edited\s+by|ed(?:s)?\.?\s+by|hrsg\.?\s+v(?:on)?\.?|herausgegeben\s+von|"
              r"sous\s+la\s+dir(?:ection)?\.?\s+de|trans(?:lated)?\.?\s+by|translated\s+by|"
              r"(?:eds?|editors?|hrsg|hg|dir)\.?\s*:?)\s+",
    "container": r"(?:in\s*:|in(?=\s+[A-Z\d\"\u201c])|dans\s*:?|im\s*:|en\s*:)\s*",
    "volume": r"(?:vol(?:ume|s)?\.?|v\.|bd\.?|band|tome|t\.)\s*",
    "issue": r"(?:no\.?|nr\.?|num(?:ber)?\.?|iss(?:ue)?\.?|heft|h\.|#)\s*",
    "pages": r"(?:pp?\.?|pages?|ss?\.|seiten|art(?:icle)?\.?(?:\s+no\.?)?)\s*(?=[\dA-Za-z])",
    "edition": r"",
    "date": r"(?:published|pub\.|accessed|retrieved|c\.|ca\.|©)\s*",
    "doi": r"(?:doi\s*:?\s*)",
    "url": r"(?:url\s*:?|available\s+(?:at|from)\s*:?|retrieved\s+from\s*:?|online\s*:?)\s*",
    "isbn": r"(?:isbn(?:-1[03])?\s*:?\s*)",
    "arxiv": r"(?:arxiv\s+preprint\s+)?",
}
_SUFFIX = {
    "author": r"\s*(?:\((?:eds?|editors?|hrsg|hg|dir|coord)\.?\)|,?\s+(?:eds?|editors?)\.?)$",
    "editor": r"\s*(?:\(?(?:eds?|editors?|hrsg|hg|dir|coords?|trans|tr|translators?)\.?\)?,?)$",
    "volume": r"\s*(?:vol(?:ume)?\.?)$",
    "edition": r"\s*(?:ed(?:n|ition)?|aufl(?:age)?|éd(?:ition)?|edición|ed\.)\.?$",
    "pages": r"\s*(?:pp?|pages?|s)\.?$",
}
_PREFIX_RE = {k: re.compile(r"^(?:" + v + r")", re.IGNORECASE) for k, v in _PREFIX.items() if v}
_SUFFIX_RE = {k: re.compile(v, re.IGNORECASE) for k, v in _SUFFIX.items()}


@dataclass
class Span:
    """Consecutive words with one label: the raw text, the value and the model's confidence."""

    label: str
    raw: str
    value: str
    confidence: float
    start: int  # word index


def spans_of(words: list[str], labels: list[str], probs: list[float]) -> list[Span]:
    out: list[Span] = []
    i = 0
    n = len(words)
    while i < n:
        j = i
        while j + 1 < n and labels[j + 1] == labels[i]:
            j += 1
        raw = " ".join(words[i:j + 1])
        conf = min(probs[i:j + 1]) if probs else 1.0
        out.append(Span(labels[i], raw, strip_affixes(labels[i], raw), conf, i))
        i = j + 1
    return out


_INITIAL_END = re.compile(r"(?:^|[\s.\-])[A-Z\u00c0-\u017f]\.$")


def strip_edges(value: str, names: bool = False) -> str:
    """Edge punctuation, and brackets or quotes that enclose the value or are left unmatched;
    in ``names`` the period of a final initial (``Doe, K.``) stays."""
    prev = None
    while prev != value:
        prev = value
        value = value.lstrip(_EDGE + " ")
        stripped = value.rstrip(_EDGE + " ")
        if names and stripped != value:
            m = _INITIAL_END.search(value.rstrip(_EDGE.replace(".", "") + " ")[-4:])
            if m:
                stripped = value.rstrip(_EDGE.replace(".", "") + " ")
        value = stripped
        if value[:1] in _QUOTES:
            value = value[1:]
        if value[-1:] in _QUOTES:
            value = value[:-1]
        for o, c in (("(", ")"), ("[", "]"), ("{", "}"), ("<", ">")):
            if value.startswith(o) and (value.endswith(c) and value.count(o) == 1 or value.count(c) < value.count(o)):
                value = value[1:]
            if value.endswith(c) and value.count(c) > value.count(o):
                value = value[:-1]
    return value.strip()


def strip_affixes(label: str, raw: str) -> str:
    """The value of a span of ``label``: without the label's affixes and edge punctuation."""
    names = label in ("author", "editor")
    value = strip_edges(raw, names)
    if label in ("url", "doi"):
        return _url_value(raw) if label == "url" else value
    if label == "title":
        # a title may end in ? or !, never in the delimiter after it
        return value
    pre = _PREFIX_RE.get(label)
    suf = _SUFFIX_RE.get(label)
    for _ in range(2):
        if pre is not None:
            m = pre.match(value)
            if m and m.end() < len(value):
                value = strip_edges(value[m.end():], names)
        if suf is not None:
            tail = value[-24:]  # suffixes are short: search only the end
            m = suf.search(tail)
            if m and m.start() + len(value) - len(tail) > 0:
                value = strip_edges(value[:m.start() + len(value) - len(tail)], names)
    return value


def _url_value(raw: str) -> str:
    v = raw.strip().lstrip("<([").rstrip(".,;").rstrip(">]")
    if v.endswith(")") and v.count(")") > v.count("("):
        v = v[:-1]
    return v
