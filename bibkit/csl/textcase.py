"""text-case transformations over rich text, respecting nocase spans.

Transformations work on the concatenated text of all leaves so word boundaries span
formatting, then write characters back leaf by leaf; characters inside nocase spans are
never changed.
"""
from __future__ import annotations

import re

from .richtext import leaves

STOP_WORDS = frozenset(
    ("a according across afore after against ahead along alongside amid amidst among amongst an and "
     "anenst apart apropos apud around as aside astride at athwart atop barring before behind below "
     "beneath beside besides between beyond but by circa despite down during except for forenenst "
     "from given in inside into lest like modulo near next nor notwithstanding of off on onto or out "
     "over per plus pro qua sans since so than the through thru throughout thruout till to toward "
     "towards under underneath until unto up upon versus vs. v. vis-à-vis via vis-a-vis with within "
     "without yet about de d' d\u2019 von van v vs").split()
)

_WORD = re.compile(r"[^\s\-\u2013\u2014/]+")


def _is_lower(w: str) -> bool:
    return any(c.isalpha() for c in w) and w == w.lower()


def _cap(chars, start, end):
    """Uppercase the first letter in chars[start:end] (Latin script only)."""
    for i in range(start, end):
        c = chars[i]
        if c.isalpha():
            if ord(c) > 0x24F:
                return
            chars[i] = c.upper()
            return
        if c not in "\"'\u201c\u2018([\u00ab":
            return


def apply_text_case(rich, case: str, english: bool = True, lang: str = "") -> None:
    if not case:
        return
    lv = list(leaves(rich))
    if not lv:
        return
    texts = [c[i] for c, i, _ in lv]
    s = "".join(texts)
    if not s:
        return
    mask = []
    for (c, i, nc), t in zip(lv, texts):
        mask.extend([nc] * len(t))
    chars = list(s)
    if case == "lowercase":
        new = list(s.lower()) if len(s.lower()) == len(s) else chars
    elif case == "uppercase":
        if lang[:2] in ("tr", "az"):  # dotted and dotless i
            s = s.replace("i", "\u0130").replace("\u0131", "I")
            chars = list(s)
        up = s.upper()
        new = list(up) if len(up) == len(s) else [c.upper() for c in chars]
    elif case == "capitalize-first":
        new = chars[:]
        m = _WORD.search(s)
        if m and _is_lower(m.group(0)):
            _cap(new, m.start(), m.end())
    elif case == "capitalize-all":
        new = chars[:]
        for m in _WORD.finditer(s):
            if _is_lower(m.group(0)):
                _cap(new, m.start(), m.end())
                # "h.b.", "e.g.": each initial of an abbreviation, as citeproc-js does
                for d in re.finditer(r"\.(?=\w)", m.group(0)):
                    _cap(new, m.start() + d.end(), m.end())
    elif case == "sentence":
        new = list(s.lower()) if len(s.lower()) == len(s) else chars[:]
        m = _WORD.search(s)
        if m:
            _cap(new, m.start(), m.end())
    elif case == "title":
        if not english:
            return
        new = chars[:]
        all_upper = False
        if all_upper:
            low = s.lower()
            if len(low) == len(s):
                new = list(low)
                s2 = low
            else:
                s2 = s
        else:
            s2 = s
        words = list(_WORD.finditer(s2))
        n = len(words)
        for k, m in enumerate(words):
            w = m.group(0)
            core = w.strip("\"'\u201c\u201d\u2018\u2019().,:;!?[]")
            if not _is_lower(w):
                continue
            first = k == 0
            last = k == n - 1
            before_text = s2[:m.start()].rstrip("\"'\u201c\u2018( ")
            # a subtitle after ":", "?" or "!" opens capitalized; a "." (often an
            # abbreviation's: "e.g.") does not, as in citeproc-js
            after_colon = k > 0 and re.search(r"[:?!]\s*$", before_text) is not None
            # a stop word opening a hyphenated compound is capitalized ("Pro-Environmental")
            before_hyphen = s2[m.end():m.end() + 1] == "-" and (m.start() == 0 or s2[m.start() - 1] != "-")
            if not first and len(w) > 2 and w[1] in "'\u2019" and w[0].isalpha():
                continue  # elided article: "de l’art"
            if not first and not after_colon and re.search(r"\w\.\w", core):
                continue  # "e.g.", "i.e." stay lower case (citeproc-js)
            if not first and not after_colon and len(core) == 1:
                continue  # a lone letter stays as typed: "07-x", "x-Ray", "vitamin b" (citeproc-js)
            if core.lower() in STOP_WORDS and not first and not last and not after_colon and not before_hyphen:
                continue
            _cap(new, m.start(), m.end())
    else:
        return
    # write back, skipping nocase characters
    pos = 0
    for (container, idx, nc), t in zip(lv, texts):
        ln = len(t)
        if not nc:
            seg = new[pos:pos + ln]
            container[idx] = "".join(seg)
        pos += ln
