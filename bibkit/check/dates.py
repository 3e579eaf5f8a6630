"""Month and year values that bibtex or biber get wrong.

bibtex's styles know ``month`` through the macros ``jan``...``dec`` (unbraced): a string is
printed as written (``"jan"`` prints "jan", and cannot be abbreviated, translated or sorted),
an unknown macro (``sept``) prints nothing. biber turns the macros into 1-12 and takes an
integer; for anything else, ``{jan}`` and ``{January}`` included, it warns "legacy month field
... is not an integer - this will probably not sort properly" (measured with biber 2.18).
``year`` must be a number for sorting and labels in both.
"""
from __future__ import annotations

import re
from typing import Iterable

from bibkit.check.raw import is_bibtex, raw_field, split_delimiters
from bibkit.check.registry import Context, Finding, Fix, entry_check, get
from bibkit.dates import MONTH_MACROS, parse_month
from bibkit.model import Entry


@entry_check("month-format", "warning",
             "month is not a month macro (jan..dec) or a number 1-12; bibtex prints strings as written, unknown macros as nothing",
             "dates", fixable=True)
def month_format(entry: Entry, ctx: Context) -> Iterable[Finding]:
    raw = raw_field(entry, "month") if is_bibtex(entry) else None
    if raw is None:
        return
    parts = split_delimiters(raw[0])
    if parts is None:
        return  # a concatenation such as jan # "--" # feb: left to the user
    delim, body, _ = parts
    value = body.strip()
    if not delim and value.lower() in MONTH_MACROS:
        return
    if value.isdigit() and 1 <= int(value) <= 12:
        return
    number = parse_month(value)
    check = get("month-format")
    if number is None:
        yield check.at(entry, f"month {raw[0]!r} is not a month; bibtex prints it as written and biber cannot sort it", raw[1])
        return
    macro = MONTH_MACROS[number - 1]
    if delim:
        what = "a string: bibtex styles print it as written, biber warns it is not an integer"
    else:
        what = "an undefined macro: bibtex prints nothing for it"
    fix = Fix(entry.source.file, raw[1], raw[0], macro, f"month: {raw[0]} -> {macro}")
    yield check.at(entry, f"month {raw[0]} is {what}; write month = {macro}", raw[1], fix)


@entry_check("year-format", "warning", "year is not a plain number; sorting and labels break", "dates")
def year_format(entry: Entry, ctx: Context) -> Iterable[Finding]:
    raw = raw_field(entry, "year") if is_bibtex(entry) else None
    if raw is None:
        return
    parts = split_delimiters(raw[0])
    value = parts[1].strip() if parts is not None else raw[0]
    if not re.fullmatch(r"-?\d{1,4}", value):
        yield get("year-format").at(entry, f"year {raw[0]!r} is not a number", raw[1])
