"""Deciding whether a title-search hit is the entry's record.

A wrong match is worse than none (it silently puts another paper's authors in a
bibliography), so a hit is accepted only when the titles agree closely (rapidfuzz on
normalised titles), the years agree, and, for entries read from a paper listing that gave an
author count, the number of authors agrees too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from anyascii import anyascii
from rapidfuzz import fuzz

from bibkit.model import Entry

#: minimum rapidfuzz ratio (0-100) between normalised titles
TITLE_THRESHOLD = 92.0
#: keys a listing importer may use for "N authors"
AUTHOR_COUNT_KEYS = ("author-count", "authors-count", "author_count", "authorcount")


def normalize_title(title: str) -> str:
    text = anyascii(str(title or "")).lower()
    text = re.sub(r"<[^>]+>|[{}\\$]", "", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def title_score(a: str, b: str) -> float:
    """Similarity of two titles, 0-100; a subtitle present in one only does not sink it."""
    na, nb = normalize_title(a), normalize_title(b)
    if not na or not nb:
        return 0.0
    if na.replace(" ", "") == nb.replace(" ", ""):
        return 100.0  # "Pre-training" vs "Pretraining"
    short, long = sorted((na, nb), key=len)
    if len(short) >= 25 and long.startswith(short + " "):
        return 95.0  # "Title" vs "Title: A Subtitle"
    score = float(fuzz.ratio(na, nb))
    if _unmatched_words(na, nb) or _unmatched_words(nb, na):
        score = min(score, 85.0)  # "Attention Is All You Need" vs "Attention Is Not All You Need"
    return score


def _unmatched_words(a: str, b: str) -> list[str]:
    """Words of ``a`` with no near spelling in ``b`` (a spelling variant is not a new word)."""
    others = b.split()
    return [w for w in a.split() if w not in others
            and not any(fuzz.ratio(w, o) >= 80 for o in others)]


def expected_author_count(entry: Entry) -> int | None:
    """The author count a listing gave ("11 authors"), when the entry came from one."""
    for key in AUTHOR_COUNT_KEYS:
        value = entry.extra.get(key) or entry.meta.get(key)
        if value not in (None, ""):
            try:
                return int(str(value).strip())
            except ValueError:
                return None
    return None


@dataclass
class Verdict:
    accepted: bool
    score: float
    reason: str = ""


def judge(entry: Entry, candidate: Entry, threshold: float = TITLE_THRESHOLD) -> Verdict:
    """Is ``candidate`` (a search hit) the record of ``entry``? With the reason when not."""
    score = title_score(entry.title, candidate.title)
    if score < threshold:
        return Verdict(False, score, f"title differs (similarity {score:.0f} < {threshold:.0f})")
    issued = entry.dates.get("issued")
    if entry.year is not None:
        slack = 1 if issued is not None and issued.inferred else 0
        if candidate.year is None or abs(candidate.year - entry.year) > slack:
            return Verdict(False, score, f"year differs ({candidate.year} for {entry.year})")
    count = expected_author_count(entry)
    if count is not None:
        found = len(candidate.authors)
        truncated = candidate.authors.others and found <= count  # "and others": a prefix of the list
        if found != count and not truncated:
            return Verdict(False, score, f"author count differs ({found} for {count})")
    return Verdict(True, score)
