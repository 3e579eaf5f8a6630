"""Dates: BibTeX ``year``/``month``/``day``, BibLaTeX/EDTF ``date`` strings and CSL dates.

Unparseable values are never dropped: they become ``Date(literal=...)`` and the caller reports
them.
"""
from __future__ import annotations

import re

from bibkit.model import Date, DateParts

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
MONTH_NAMES = {
    "january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "sept": 9,
}
MONTH_NAMES_FULL = {k for k in MONTH_NAMES if k != "sept"} | {"may"}
SEASONS = {"spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4}
MONTH_MACROS = tuple(MONTHS)  # the macros BibTeX styles define

_ISO_PART = r"(-?\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?"
_EDTF = re.compile(rf"^{_ISO_PART}([~?%]?)$")


def parse_month(value: str) -> int | None:
    """``jan``, ``January``, ``1``, ``01``, ``Jan.`` -> 1; None when it is not a month."""
    text = value.strip().rstrip(".").lower()
    if text.isdigit():
        n = int(text)
        return n if 1 <= n <= 12 else None
    if text in MONTHS:
        return MONTHS[text]
    if text in MONTH_NAMES:
        return MONTH_NAMES[text]
    return None


def _parts(y: str, m: str | None, d: str | None) -> DateParts | None:
    year = int(y)
    month = int(m) if m else None
    day = int(d) if d else None
    if month is not None and not (1 <= month <= 12 or 21 <= month <= 24):
        return None
    if day is not None and not 1 <= day <= 31:
        return None
    return DateParts(year, month, day)


def parse_edtf(value: str) -> Date | None:
    """``2020``, ``2020-05-01``, ``2020-01/2020-03``, ``2019/``, ``2020~`` (approximate)."""
    text = value.strip()
    if not text:
        return None
    if "/" in text:
        left, _, right = text.partition("/")
        start = parse_edtf(left) if left and left != ".." else None
        if start is None or start.start is None:
            return None
        if right in ("", ".."):
            return Date(start=start.start, end=None, approximate=start.approximate, literal="")
        end = parse_edtf(right)
        if end is None or end.start is None:
            return None
        return Date(start=start.start, end=end.start, approximate=start.approximate)
    match = _EDTF.match(text)
    if not match:
        return None
    y, m, d, qual = match.groups()
    parts = _parts(y, m, d)
    if parts is None:
        return None
    season = None
    if parts.month and parts.month > 12:
        season = parts.month - 20
        parts = DateParts(parts.year)
    return Date(start=parts, approximate=qual in ("~", "%"), season=season)


def parse_bibtex_date(year: str = "", month: str = "", day: str = "") -> tuple[Date | None, list[str]]:
    """Combine BibTeX's separate fields; returns the date and the complaints about them."""
    problems: list[str] = []
    year = year.strip()
    if not year:
        return None, problems
    ymatch = re.fullmatch(r"(-?\d{1,4})", year)
    if not ymatch:
        # "2001--2003", "1990/1991", "in press", "{\noopsort{a}}1999"
        rng = re.fullmatch(r"(\d{4})\s*(?:--?|–|/)\s*(\d{4})", year)
        if rng:
            return Date(start=DateParts(int(rng.group(1))), end=DateParts(int(rng.group(2)))), problems
        edtf = parse_edtf(year)
        if edtf is not None:
            return edtf, problems
        return Date(literal=year), problems
    m = None
    if month.strip():
        m = parse_month(month)
        if m is not None and month.strip().rstrip(".").lower() not in MONTHS and not month.strip().isdigit() \
                and month.strip().lower() not in MONTH_NAMES_FULL:
            problems.append(f"month {month.strip()!r} is not a BibTeX month macro; read as {m}")
        if m is None:
            season = SEASONS.get(month.strip().lower())
            if season:
                return Date(start=DateParts(int(year)), season=season), problems
            problems.append(f"month {month.strip()!r} is not a month; kept as written")
    d = None
    if day.strip() and m is not None:
        if day.strip().isdigit() and 1 <= int(day) <= 31:
            d = int(day)
        else:
            problems.append(f"day {day.strip()!r} is not a day; kept as written")
    return Date(start=DateParts(int(year), m, d)), problems


def parse_free_date(value: str) -> Date | None:
    """A date a human wrote: ISO, ``5 Mar 2024``, ``Mar 5, 2024``, ``March 2024``."""
    text = value.strip()
    edtf = parse_edtf(text)
    if edtf is not None:
        return edtf
    m = re.fullmatch(r"(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})", text)
    if m and parse_month(m.group(2)):
        return Date(start=DateParts(int(m.group(3)), parse_month(m.group(2)), int(m.group(1))))
    m = re.fullmatch(r"([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})", text)
    if m and parse_month(m.group(1)):
        return Date(start=DateParts(int(m.group(3)), parse_month(m.group(1)), int(m.group(2))))
    m = re.fullmatch(r"([A-Za-z]{3,9})\.?\s+(\d{4})", text)
    if m and parse_month(m.group(1)):
        return Date(start=DateParts(int(m.group(2)), parse_month(m.group(1))))
    return None


def format_edtf(date: Date) -> str:
    """The BibLaTeX ``date`` field value (ISO 8601 / EDTF level 1)."""
    if date.start is None:
        return date.literal

    def one(p: DateParts) -> str:
        y = f"{p.year:04d}" if p.year >= 0 else f"-{abs(p.year):04d}"
        out = y
        if p.month:
            out += f"-{p.month:02d}"
            if p.day:
                out += f"-{p.day:02d}"
        return out

    text = one(date.start)
    if date.season and not date.start.month:
        text += f"-{20 + date.season}"
    if date.approximate:
        text += "~"
    if date.end is not None:
        text += "/" + one(date.end)
    return text


def date_to_csl(date: Date) -> dict:
    out: dict = {}
    if date.start is not None:
        parts = [date.start.as_list()]
        if date.end is not None:
            parts.append(date.end.as_list())
        out["date-parts"] = parts
    elif date.literal:
        out["literal"] = date.literal
    if date.approximate:
        out["circa"] = True
    if date.season:
        out["season"] = date.season
    return out


def date_from_csl(value) -> Date | None:
    if isinstance(value, str):
        return parse_free_date(value) or Date(literal=value)
    if not isinstance(value, dict):
        return None
    circa = bool(value.get("circa"))
    season = value.get("season")
    try:
        season = int(season) if season not in (None, "") else None
    except (TypeError, ValueError):
        season = None
    parts = value.get("date-parts")
    if parts and isinstance(parts, list) and parts[0]:
        try:
            start = _csl_parts(parts[0])
            end = _csl_parts(parts[1]) if len(parts) > 1 and parts[1] else None
        except (TypeError, ValueError):
            start = end = None
        if start is not None:
            return Date(start=start, end=end, approximate=circa, season=season)
    if value.get("raw"):
        parsed = parse_free_date(str(value["raw"]))
        if parsed:
            return parsed
        return Date(literal=str(value["raw"]))
    if value.get("literal"):
        return Date(literal=str(value["literal"]), approximate=circa)
    return None


def _csl_parts(seq) -> DateParts | None:
    nums = [int(x) for x in seq if str(x).strip().lstrip("-").isdigit()]
    if not nums:
        return None
    return DateParts(nums[0], nums[1] if len(nums) > 1 else None, nums[2] if len(nums) > 2 else None)
