"""Locators in a citation's suffix, read as pandoc reads them: ``, pp. 33-35 and passim`` is
the locator ``33-35`` labelled ``page`` and the suffix `` and passim``.

A label is any form of a CSL locator term in the document's language (``p.``, ``pp.``,
``page``, ``chap.``, ``§``...); without one, a locator that holds a digit is a page. Several
numbers joined by commas, hyphens or dashes are one locator (``33, 35-37``); braces say exactly
where it ends (``{pp. iv, vi-xi}``). Anything else stays in the suffix.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: the CSL locator types (CSL 1.0.2 appendix "Locators")
LOCATOR_TYPES = (
    "act", "appendix", "article-locator", "book", "canon", "chapter", "column", "elocation",
    "equation", "figure", "folio", "issue", "line", "note", "opus", "page", "paragraph", "part",
    "rule", "scene", "section", "sub-verbo", "supplement", "table", "timestamp", "title-locator",
    "verse", "version", "volume",
)

_WORD = re.compile(r"[\w\u2013\-:.()/]*\d[\w\u2013\-:.()/]*|[ivxlcdmIVXLCDM]+\b")
_JOIN = re.compile(r"\s*(?:,|&|and)?\s*(?=\d)|\s*[-\u2013]\s*")


@dataclass(frozen=True)
class Locator:
    label: str | None
    locator: str | None
    suffix: str


@lru_cache(maxsize=32)
def _labels(lang: str) -> tuple[tuple[str, str], ...]:
    """(lower-cased term form, locator type), longest form first, for ``lang``."""
    from bibkit.csl.locale import LocaleChain

    chain = LocaleChain([], lang)
    forms: dict[str, str] = {}
    for kind in LOCATOR_TYPES:
        for form in ("long", "short", "symbol"):
            for plural in (False, True):
                text = chain.term(kind, form, plural)
                if text:
                    forms.setdefault(text.lower(), kind)
    forms.setdefault("§", "section")
    forms.setdefault("§§", "section")
    return tuple(sorted(forms.items(), key=lambda kv: -len(kv[0])))


def _label_at(text: str, lang: str) -> tuple[str, int] | None:
    """The locator type whose term begins ``text`` and the length it takes with its spaces."""
    low = text.lower()
    for form, kind in _labels(lang):
        if low.startswith(form):
            end = len(form)
            if form[-1].isalpha() and end < len(low) and low[end].isalpha():
                continue  # "p" of "passim"
            while end < len(text) and text[end] == " ":
                end += 1
            return kind, end
    return None


def _words(text: str, labelled: bool) -> int:
    """How much of ``text`` is a run of locator words (0 when it does not start with one)."""
    m = _WORD.match(text)
    if m is None or (not labelled and not any(ch.isdigit() for ch in m.group(0))):
        return 0
    end = m.end()
    while True:
        j = _JOIN.match(text, end)
        if j is None or j.end() == end:
            break
        nxt = _WORD.match(text, j.end())
        if nxt is None or not any(ch.isdigit() for ch in nxt.group(0)) and not labelled:
            break
        end = nxt.end()
    while end and text[end - 1] == "." and not text[end - 2:end - 1].isdigit():
        end -= 1  # "33f." ends a sentence, not the locator
    return end


def parse_locator(suffix: str, lang: str = "en-US") -> Locator:
    """The locator and what is left of the suffix, in the terms of ``lang``."""
    text = suffix.lstrip()
    if text.startswith(","):
        text = text[1:].lstrip()
    if text.startswith("{"):
        close = text.find("}")
        if close > 0:
            inner = text[1:close].strip()
            found = _label_at(inner, lang)
            label, start = found if found else ("page", 0)
            return Locator(label, inner[start:].strip() or None, text[close + 1:])
    found = _label_at(text, lang)
    label, start = found if found else ("page", 0)
    end = _words(text[start:], found is not None)
    if not end:
        return Locator(None, None, suffix)
    return Locator(label, text[start:start + end], text[start + end:])
