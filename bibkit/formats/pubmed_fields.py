"""What PubMed's two exports (MEDLINE tagged text and efetch XML) share: dates, initials, types.

Both come from the same NLM record, so they spell dates (``2018 Jan-Feb``, ``1998 Dec-1999
Jan``, ``2017 Winter``), author initials (``JA``) and publication types (``Journal Article``,
``Review``, ``Book Chapter``) the same way; one reading of each keeps the two importers from
drifting apart.
"""
from __future__ import annotations

import re

from bibkit.dates import SEASONS, parse_month
from bibkit.model import Date, DateParts, Name

_DATE_PART = re.compile(r"^(?P<y>\d{4})(?:\s+(?P<m>[A-Za-z]{3,9}|\d{1,2})\.?(?:\s+(?P<d>\d{1,2}))?)?$")

#: PubMed publication types -> CSL types, most specific first: a record with several types
#: takes the first of these it carries; anything else is an article in a journal.
PUBLICATION_TYPES = (
    ("Book Chapter", "chapter"),
    ("Book", "book"),
    ("Preprint", "article"),
    ("Dataset", "dataset"),
    ("Patent", "patent"),
    ("Congress", "paper-conference"),
    ("Technical Report", "report"),
    ("Government Publication", "report"),
    ("Legislation", "legislation"),
    ("Legal Case", "legal_case"),
    ("Newspaper Article", "article-newspaper"),
    ("Webcast", "webpage"),
    ("Video-Audio Media", "motion_picture"),
    ("Dictionary", "entry-dictionary"),
    ("Encyclopedia", "entry-encyclopedia"),
)


def type_from_publication_types(types: list[str], default: str = "article-journal") -> str:
    present = {t.strip().lower() for t in types}
    for name, csl in PUBLICATION_TYPES:
        if name.lower() in present:
            return csl
    return default


def _one(text: str) -> tuple[DateParts | None, int | None]:
    text = text.strip()
    m = _DATE_PART.match(text)
    if m:
        month = parse_month(m.group("m")) if m.group("m") else None
        season = SEASONS.get(m.group("m").lower()) if m.group("m") and month is None else None
        if m.group("m") and month is None and season is None:
            return None, None
        day = int(m.group("d")) if m.group("d") and month else None
        return DateParts(int(m.group("y")), month, day), season
    return None, None


def parse_pubmed_date(value: str) -> Date | None:
    """``2018``, ``2018 Jan``, ``2018 Mar 27``, ``2018 Jan-Feb``, ``1998 Dec-1999 Jan``,
    ``2018 Jan 1-15``, ``2017 Winter``, ``20060110`` -> Date; None when it is none of these."""
    text = " ".join(value.split())
    if re.fullmatch(r"\d{8}", text):
        y, m, d = int(text[:4]), int(text[4:6]), int(text[6:])
        return Date(DateParts(y, m or None, d if m else None)) if 1 <= m <= 12 and d <= 31 else None
    start, season = _one(text)
    if start is not None:
        return Date(start, season=season)
    if "-" not in text:
        return None
    left, right = (p.strip() for p in text.split("-", 1))
    start, season = _one(left)
    if start is None:
        return None
    # the right side repeats only what changes: "Jan-Feb", "Mar 27-30", "Dec-1999 Jan", "2018-2019"
    if re.fullmatch(r"\d{1,2}", right) and start.day is not None:
        end = DateParts(start.year, start.month, int(right))
    elif re.fullmatch(r"\d{4}", right):
        end = DateParts(int(right))
    else:
        end, _ = _one(f"{start.year} {right}") if not re.match(r"\d{4}", right) else _one(right)
        if end is None:
            month = parse_month(right.split()[0]) if right else None
            end = DateParts(start.year, month) if month else None
    if end is None:
        return Date(start, season=season)
    return Date(start, end, season=season)


def given_from_initials(initials: str) -> str:
    """``JA`` -> ``J. A.`` (a name that PubMed gives only as initials)."""
    letters = [c for c in initials if c.isalpha()]
    return " ".join(f"{c}." for c in letters)


def name_from_short(value: str) -> Name:
    """MEDLINE's ``AU`` form, ``Casbon JA`` (family name, then initials without dots)."""
    parts = value.strip().rsplit(" ", 1)
    if len(parts) == 2 and re.fullmatch(r"[A-Z]{1,4}", parts[1]):
        return Name(family=parts[0], given=given_from_initials(parts[1]))
    return Name(literal=value.strip())
