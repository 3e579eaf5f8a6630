"""text-case transformations over rich text, respecting nocase spans.

Transformations work on the concatenated text of all leaves so word boundaries span
formatting, then write characters back leaf by leaf; characters inside nocase spans are
never changed.
"""
from __future__ import annotations

import re

from .richtext import leaves

#: citeproc-js's SKIP_WORDS that can match one word: title case leaves them lower case
STOP_WORDS = frozenset(
    ("about above across afore after against al along alongside amid amidst among amongst anenst "
     "apropos apud around as aside astride at athwart atop barring before behind below beneath "
     "beside besides between beyond but by circa despite down during et except for forenenst from "
     "given in inside into lest like modulo near next notwithstanding of off on onto out over per "
     "plus pro qua sans since than through throughout thruout till to toward towards under "
     "underneath until unto up upon versus vs. v. vs v via vis-à-vis with within without or yet so "
     "and nor a an the de d' von van c ca").split()
)
#: what citeproc-js's case engine splits a title at besides spaces: quotes, hyphens and dashes,
#: slash and sentence punctuation, brackets. A word is a run between these, so "Llama.cpp" is
#: two words and "x-ray" is "x" + "ray".
_TAG = re.compile(r"[\u2018\u2019\u201c\u201d\"'\-\u2013\u2014/.,;?!:\[\]()]")
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
        # citeproc-js: the first word keeps its letters but the first, which is capitalised
        # ("iPhone apps" -> "IPhone apps"); every later word is lower-cased
        new = list(s.lower()) if len(s.lower()) == len(s) else chars[:]
        first = next(_words(s), None)
        if first is not None:
            new[first[0]:first[1]] = chars[first[0]:first[1]]
            _cap(new, first[0], first[1])
    elif case == "title":
        if not english:
            return
        new = chars[:]
        # where markup begins or ends (a new leaf container): a tag to citeproc-js too
        pos, first_markup = 0, len(s)
        for k, ((c, _, _), t) in enumerate(zip(lv, texts)):
            if k and c is not lv[k - 1][0] and pos:
                first_markup = pos
                break
            pos += len(t)
        _title_case(s, new, first_markup)
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


#: a word: neither space nor tag, but an apostrophe inside a word belongs to it ("You're")
_WORD_RUN = re.compile(r"(?:[^\s\u2018\u2019\u201c\u201d\"'\-\u2013\u2014/.,;?!:\[\]()]"
                       r"|(?<=\w)['\u2019](?=\w))+")


def _words(s: str):
    """(start, end) of each word: a run of neither space nor one of citeproc-js's tags."""
    for m in _WORD_RUN.finditer(s):
        yield m.start(), m.end()


def _title_case(s: str, new: list, first_markup: int) -> None:
    """citeproc-js's title case, quirks included, so titles print as the reference engine
    prints them. Words of more than one letter that are no stop word are capitalised; so are
    the first word, the word after ``:``, ``?`` or ``!``, and the last word if a stop word.
    A word of lower-case letters only is touched ("iPhone", "t-SNE"'s "SNE" are not). A word
    right before a hyphen is capitalised, stop word or single letter ("Off-the-Shelf",
    "X-Ray"), but only while no tag has been passed: citeproc-js looks at the following tag in
    the title's first run alone, so later it prints "of off-the-Shelf" and "the X-Ray of
    e-Mail"."""
    is_first = True
    after_punct = False
    last = None
    for start, end in _words(s):
        # an apostrophe inside a word ends citeproc-js's word: "l’art" is judged by its "l"
        word = re.split(r"['\u2019]", s[start:end], maxsplit=1)[0]
        gap = s[last[1] if last else 0:start]
        tags = _TAG.findall(gap)
        if tags and re.search(r"[!?:]", "".join(tags)):
            after_punct = True
        lcase = word.lower()
        capitalize = False
        if len(word) > 1 and lcase not in STOP_WORDS:
            capitalize = True
        elif s[end:end + 1] == "-" and start < first_markup and not _TAG.search(s, 0, start):
            capitalize = True
        elif is_first or after_punct:
            capitalize = True
        # right after a closing quote that closes nothing ("'who governs?'governance"),
        # citeproc-js puts the word's first letter back as typed
        orphan = start > 0 and s[start - 1] in "\u2019'"
        if capitalize and word == lcase and not orphan:
            _cap(new, start, end)
        is_first = after_punct = False
        last = (start, end)
    if last is not None:
        word = s[last[0]:last[1]]
        if len(word) > 1 and word.lower() in STOP_WORDS and word == word.lower():
            _cap(new, last[0], last[1])
