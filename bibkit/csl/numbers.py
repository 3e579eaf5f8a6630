"""Numbers: numeric tests, ordinals, roman numerals, page ranges."""
from __future__ import annotations

import re
from functools import lru_cache

#: one number: digits with up to three letters either side ("12a", "S12"), or a lower-case
#: roman numeral of i, v and x as citeproc-js reads them ("iv", "xii"; not "mix" or "IV")
_ONE_NUMBER = r"(?:[A-Za-z]{0,3}\d+[A-Za-z]{0,3}|[ivx]+)"
_NUMERIC = re.compile(
    r"^\s*" + _ONE_NUMBER + r"(\s*(?:[-\u2013,&]|and)\s*" + _ONE_NUMBER + r")*\s*$"
)


def is_numeric(value) -> bool:
    if value is None:
        return False
    if isinstance(value, int):
        return True
    return bool(_NUMERIC.match(str(value)))


@lru_cache(maxsize=4096)
def _plural_of_str(s: str, and_term) -> bool:
    return _plural_of(s, and_term)


def plural_of(value, and_term=None) -> bool:
    if isinstance(value, str):
        return _plural_of_str(value, and_term)
    return _plural_of(value, and_term)


#: what separates the numbers of a multi-number value: "&", "and", ",", ";" and range dashes
_JOINERS = re.compile(r"\s*&\s*|,?\s+and\s+|,\s+|;\s*|\s*\\?[-\u2013]+\s*")
#: one number of such a value: digits with an optional letter particle and suffix ("e101",
#: "S12", "12a") or a roman numeral
_LABEL_WORDS = re.compile(r"^(?:[a-z]+\.?\s+)+")
_COUNTABLE = re.compile(r"^(?:\d*[A-Za-z]+0*)?\d+[A-Za-z]*$|^[ivxlcdmIVXLCDM]+$")


def _all_countable(s: str, and_term) -> bool:
    """Whether every number of a multi-number value is a plain one, as citeproc-js requires
    before it counts the value as plural; a leading label word ("fig. 333") is looked past."""
    elements = _JOINERS.split(s.strip())
    if and_term:
        joiner = re.compile(r"\s+" + re.escape(and_term) + r"\s+")
        elements = [part for e in elements for part in joiner.split(e)]
    return all(_COUNTABLE.match(_LABEL_WORDS.sub("", e)) for e in elements if e)


def _plural_of(value, and_term=None) -> bool:
    """Whether a number variable holds more than one number (contextual plural)."""
    if isinstance(value, int):
        return False
    s = str(value)
    if "\\-" in s:
        s = s.replace("\\-", "")
    if re.match(r"^\s*[ivxlcdmIVXLCDM]+\s*[-\u2013&,]\s*[ivxlcdmIVXLCDM]+\s*$", s):
        return True
    if re.match(r"^\s*\w+\s*[-\u2013]\s*$", s):
        return True  # "1-": a range left open, plural as in citeproc-js
    nums = re.findall(r"\d+", s)
    if len(nums) < 2:
        return False
    if not _all_countable(s, and_term):
        return False  # "17:1-17:15", "1.1-1.5", "A-1-A-5": one locator, not a range of pages
    if and_term and re.search(r"\s" + re.escape(and_term) + r"\s", s):
        return True
    return bool(re.search(r"[-\u2013,&]|\band\b", s))


_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
          (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    out = []
    for v, s in _ROMAN:
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


#: "p. 12-19", "pp. 12": a label typed into the page variable, which citeproc-js drops (the
#: style prints its own label, singular or plural by the number that is left)
_TYPED_PAGE_LABEL = re.compile(r"^\s*pp?\.\s*(?=\w)")


def without_page_label(value: str) -> str:
    return _TYPED_PAGE_LABEL.sub("", value)


_RANGE = re.compile(r"^\s*(\w*?)(\d+)\s*[-\u2013]+\s*(\w*?)(\d+)\s*$")


@lru_cache(maxsize=8192)
def format_page_range(value: str, fmt: str | None, delim: str = "\u2013") -> str:
    """Apply page-range-format to each range in a page value ("1-5, 7-9").

    An escaped hyphen ("\\-") is a literal hyphen, not a range.
    """
    value = str(value)
    # citeproc-js's joiners: "&", and "," or ";" before a space; "1,234-1,240" is one value
    parts = re.split(r"(\s*&\s*|\s*[,;]\s+)", value)
    out = []
    for p in parts:
        if "\\-" in p:
            out.append(p.replace("\\-", "-"))
            continue
        m = re.match(r"^(\s*)([A-Za-z0-9]*?[A-Za-z])?(\d+)\s*[-\u2013]+\s*([A-Za-z0-9]*?[A-Za-z])?(\d+)(\s*)$", p)
        if m:
            pre1, a, pre2, b = m.group(2) or "", m.group(3), m.group(4) or "", m.group(5)
            if pre2 != pre1:
                out.append(re.sub(r"\s*-\s*", "-", p))  # "N110-5", "110-N6": not a plain range
                continue
            if fmt:
                b = _expand(a, b, fmt)
            keep_pre = pre2 if (not fmt or fmt == "expanded") else ""
            out.append(m.group(1) + pre1 + a + delim + keep_pre + b + m.group(6))
            continue
        m = re.match(r"^(\s*)(\d+[A-Za-z]*)\s*-+\s*(\d+[A-Za-z]*)(\s*)$", p)
        if m:  # "12a-12f": a range of numbered parts, dashed but never shortened (citeproc-js)
            out.append(m.group(1) + m.group(2) + delim + m.group(3) + m.group(4))
            continue
        m = re.match(r"^(\s*)([ivxlcdmIVXLCDM]+)\s*-+\s*([ivxlcdmIVXLCDM]+)(\s*)$", p)
        if m:
            out.append(m.group(1) + m.group(2) + delim + m.group(3) + m.group(4))
        else:
            out.append(re.sub(r"(?<=\w)\s*-\s*(?=\w)", "-", p))
    return "".join(out)


def _expand(a: str, b: str, fmt: str) -> str:
    if len(b) < len(a):
        b = a[: len(a) - len(b)] + b
    if int(b) <= int(a):
        return b
    if fmt == "expanded":
        return b
    if fmt in ("minimal", "minimal-two"):
        minimum = 2 if fmt == "minimal-two" else 1
        if len(a) != len(b):
            return b
        i = 0
        while i < len(a) - 1 and a[i] == b[i]:
            i += 1
        res = b[i:]
        if len(res) < minimum and len(b) >= minimum:
            res = b[-minimum:]
        return res
    if fmt in ("chicago", "chicago-15", "chicago-16"):
        ia = int(a)
        if len(a) != len(b):
            return b
        if ia < 100 or ia % 100 == 0:
            return b
        if fmt in ("chicago", "chicago-15") and len(a) == 4:
            # four-digit numbers: keep all if more than two digits change
            diff = _expand(a, b, "minimal")
            if len(diff) > 2:
                return b
        if ia % 100 < 10:
            return _expand(a, b, "minimal")
        return _expand(a, b, "minimal-two")
    return b
