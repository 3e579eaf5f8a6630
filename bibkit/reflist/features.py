"""What the sequence model sees of each word token.

Word identity and shape, a few lexical classes (years, initials, page ranges, months, the
terms styles print: ``vol.``, ``pp.``, ``In``, ``eds.`` in every language CSL has a locale for,
abbreviated journal words of the ISO 4 LTWA), identifier patterns, the position in the
reference, whether the word sits inside quotes or brackets, the same for the two neighbours on
each side, and what a window cannot see: the segment (sentence-like part) the word is in, how
that segment and the one before it open, whether an ``In`` or a closed quotation came before.
Computed once per token and shared by its neighbours, so labelling stays well above a thousand
references a second.
"""
from __future__ import annotations

import re
from functools import lru_cache

_CORE = re.compile(r"^[^\w]*(.*?)[^\w]*$", re.UNICODE)
_YEAR = re.compile(r"^(?:1[5-9]|20)\d\d[a-z]?$")
_RANGE = re.compile(r"^\d+[a-zA-Z]?\s*[-\u2010-\u2015]+\s*\d+[a-zA-Z]?$")
_INITIAL = re.compile(r"^(?:[A-Z]\.?-?)+\.?,?$|^[A-Z]\.[A-Z]\.")
_ROMAN = re.compile(r"^[ivxlcdm]+$", re.IGNORECASE)
_DOI = re.compile(r"10\.\d{4,9}/")
_URL = re.compile(r"^(?:<?https?://|www\.)", re.IGNORECASE)
_ARXIV = re.compile(r"(?:arxiv|^\d{4}\.\d{4,5}(?:v\d+)?[.,;]?$)", re.IGNORECASE)
_ISBN = re.compile(r"^(?:97[89][-\s]?)?\d{1,5}-\d{1,7}-\d{1,7}-[\dX][.,;]?$|^97[89]\d{10}[.,;]?$")
_SHAPE = str.maketrans(
    {**{c: "A" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}, **{c: "a" for c in "abcdefghijklmnopqrstuvwxyz"},
     **{c: "9" for c in "0123456789"}})
_DIGIT = re.compile(r"\d")
_RUN_A = re.compile("a{3,}")
_RUN_UP = re.compile("A{3,}")
_RUN_9 = re.compile("9{3,}")

MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec spring summer autumn fall winter".split())
TERMS = {
    "vol": "vol", "vols": "vol", "volume": "vol", "bd": "vol", "band": "vol", "tome": "vol",
    "no": "no", "nr": "no", "issue": "no", "number": "no", "heft": "no",
    "pp": "pp", "p": "pp", "pages": "pp", "page": "pp", "s": "pp", "ss": "pp",
    "in": "in", "im": "in", "dans": "in", "en": "in",
    "ed": "ed", "eds": "ed", "editor": "ed", "editors": "ed", "hrsg": "ed", "hg": "ed", "dir": "ed",
    "edited": "ed", "by": "by", "trans": "tr", "translated": "tr",
    "edn": "edn", "edition": "edn", "aufl": "edn", "rev": "edn",
    "and": "and", "&": "and", "et": "et", "al": "al", "und": "and",
    "doi": "doi", "isbn": "isbn", "url": "url", "available": "avail", "retrieved": "avail",
    "accessed": "avail", "online": "avail", "from": "from", "at": "at",
    "journal": "jour", "j": "jour", "proceedings": "proc", "proc": "proc", "conference": "proc",
    "conf": "proc", "symposium": "proc", "workshop": "proc", "international": "proc",
    "int": "proc", "transactions": "jour", "trans.": "jour", "letters": "jour", "lett": "jour",
    "review": "jour", "rev.": "jour", "annals": "jour", "bulletin": "jour", "magazine": "jour",
    "press": "pub", "publishers": "pub", "publishing": "pub", "verlag": "pub", "university": "pub",
    "inc": "pub", "ltd": "pub", "books": "pub", "springer": "pub", "elsevier": "pub", "wiley": "pub",
    "thesis": "thesis", "dissertation": "thesis", "phd": "thesis", "report": "thesis",
    "technical": "thesis", "preprint": "thesis", "arxiv": "arxiv", "forthcoming": "thesis",
    "new": "place", "york": "place", "london": "place", "berlin": "place", "cambridge": "place",
    "oxford": "place", "paris": "place", "amsterdam": "place", "boston": "place", "chicago": "place",
    "heidelberg": "place", "ny": "place", "ma": "place", "ca": "place", "uk": "place", "usa": "place",
}


def _with_locale_terms(own: dict[str, str]) -> dict[str, str]:
    """``TERMS`` plus the words every CSL locale prints for the same terms (``terms.json``,
    made by ``training.locale_terms``); the hand-made classes above win a clash."""
    import json
    from importlib import resources
    try:
        text = resources.files("bibkit.reflist").joinpath("terms.json").read_text("utf-8")
    except OSError:
        return dict(own)
    return {**json.loads(text), **own}


TERMS = _with_locale_terms(TERMS)


@lru_cache(maxsize=1)
def ltwa_abbreviations() -> frozenset[str]:
    """The abbreviated forms of the ISO 4 List of Title Word Abbreviations (``Phys.``,
    ``Lett.``, ``Neurosci.``), lower-cased, from the copy ``pyiso4`` ships: an abbreviated
    word marks a journal name even for a journal training never saw (feature set 5)."""
    import csv
    import os
    try:
        import pyiso4
    except ImportError:
        return frozenset()
    path = os.path.join(os.path.dirname(pyiso4.__file__), "LTWA_20210702.csv")
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh, delimiter="\t"))
    except OSError:
        return frozenset()
    out = set()
    for row in rows[1:]:
        if len(row) > 1 and row[1] and row[1] != "n.a.":
            out.update(a.strip().lower() for a in row[1].split(",") if a.strip().endswith("."))
    return frozenset(out)

_OPEN_Q = "\"\u201c\u2018\u201e\u00ab'"
_CLOSE_Q = "\"\u201d\u2019\u00bb'"


def _token_features(w: str) -> list[str]:
    low = w.lower()
    m = _CORE.match(w)
    core_cased = m.group(1) if m else w
    core = core_cased.lower()
    shape = w.translate(_SHAPE)
    if len(shape) > 2:
        shape = _RUN_A.sub("aa", _RUN_UP.sub("AA", _RUN_9.sub("99", shape)))
    f = ["w=" + low, "c=" + core, "sh=" + shape, "x2=" + core[-2:], "x3=" + core[-3:],
         "p2=" + core[:2], "p3=" + core[:3]]
    if w[-1] in ".,;:)]\"\u201d'":
        f.append("end=" + w[-1])
    if w[0] in "([\"\u201c'\u2018":
        f.append("beg=" + w[0])
    if core:
        if _YEAR.match(core):
            f.append("YEAR")
        elif core.isdigit():
            f.append("NUM%d" % min(len(core), 5))
        if _RANGE.match(core):
            f.append("RANGE")
        t = TERMS.get(core)
        if core in MONTHS or t == "month":
            f.append("MONTH")
        elif t:
            f.append("T=" + t)
        if _ROMAN.match(core) and len(core) < 6:
            f.append("ROMAN")
        if core_cased[0].isupper():
            f.append("CAP")
            if core_cased.isupper() and len(core_cased) > 1:
                f.append("CAPS")
        elif core_cased[0].islower():
            f.append("LOW")
        if _DIGIT.search(core):
            f.append("DIGIT")
    if _INITIAL.match(w):
        f.append("INITIAL")
    elif core and w[-1] in ".,;:)" and low.rstrip(",;:)") in ltwa_abbreviations():
        f.append("LTWA")
    if _DOI.search(w):
        f.append("DOI")
    if _URL.match(w):
        f.append("URL")
    if _ARXIV.search(w):
        f.append("ARXIV")
    if _ISBN.match(w):
        f.append("ISBN")
    f.append("len=%d" % min(len(w), 12))
    return f


_cache: dict = {}


def _described(w: str) -> tuple:
    """A word's own features, how it is described as each neighbour (-2, -1, +1, +2), whether
    it ends a segment, and its core (the word without edge punctuation, lower-cased)."""
    d = _cache.get(w)
    if d is None:
        f = _token_features(w)
        core, shape = f[1][2:], f[2][3:]
        flags = [x for x in f[7:] if not x.startswith("len=")]
        d = (f,
             ["-2" + core, "-2" + shape],
             ["-1" + core, "-1" + shape] + ["-1" + x for x in flags],
             ["1" + core, "1" + shape] + ["+1" + x for x in flags],
             ["2" + core, "2" + shape],
             _segment_end(w, f),
             core,
             (w[0] in _OPEN_Q,
              w[-1] in _CLOSE_Q or w.rstrip(".,;:")[-1:] in _CLOSE_Q,
              w.count("(") + w.count("[") - w.count(")") - w.count("]")))
        if len(_cache) < 300000:
            _cache[w] = d
    return d


def token_features(w: str) -> list[str]:
    return _described(w)[0]


_POS = ["pos=%d" % i for i in range(10)]
_EDGE = (["-2|"], ["-1|"], ["1|"], ["2|"])


#: feature sets (a model's JSON names the set it was trained with):
#: 1 word, shape, classes, the two neighbours on each side, quotes, brackets;
#: 2 adds where the word sits among the reference's sentence-like segments (how many segment
#:   ends came before it, whether its segment is the last) and whether a year came before it;
#: 3 (the capitalisation and length of the word's segment) did not beat 2 and was removed;
#: 4 adds what the window of two words cannot see: the first word of the word's segment
#:   (``In``, ``Proceedings``, ``Journal`` open containers), whether an ``In``-like word opened
#:   an earlier segment, whether an editor term (``eds.``, ``Hrsg.``) follows in the same
#:   segment (editors printed where authors stand), whether a quotation closed before, and how
#:   many segments are left;
#: 5 is 4 with the LTWA flag (``Phys.``, ``Surf.``) and the terms of every CSL locale in TERMS
#:   (both added to the word's own features, so older sets see them too);
#: 6 adds the word paired with each neighbour and the first word class of the segment before.
#: Each step was kept because it raised span F1 on held-out styles with the same training data.
FEATURE_VERSION = 6
_SEG = ["seg=%d" % i for i in range(7)]


def _segment_end(w: str, f: list[str]) -> bool:
    """A word ending a segment: a final ``.``/``?``/``!`` that is not an initial or a term."""
    if w[-1] not in ".?!" and not (len(w) > 1 and w[-2] in ".?!" and w[-1] in "\"\u201d'\u2019)"):
        return False
    return "INITIAL" not in f and not any(x.startswith("T=") for x in f)


def _global_context(words: list[str], desc: list, ends: list[bool], version: int = 4) -> list[list[str]]:
    """Feature set 4's reference-wide context of each word (see above); set 6 adds the first
    word class of the segment before."""
    n = len(words)
    out: list[list[str]] = [[] for _ in range(n)]
    # segments as (start, end) index pairs
    segs = []
    start = 0
    for i in range(n):
        if ends[i] or i == n - 1:
            segs.append((start, i))
            start = i + 1
    after_in = after_quote = False
    prev_head = "psf=|"
    for k, (a, b) in enumerate(segs):
        first = desc[a][0]
        core = first[1][2:]
        term = next((x for x in first if x.startswith("T=")), None)
        head = ["sf=" + core, "sft=" + (term[2:] if term else "CAP" if "CAP" in first else "LOW" if "LOW" in first
                                         else "NUM" if "DIGIT" in first else "PUNCT")]
        left = "segleft=%d" % min(len(segs) - 1 - k, 3)
        ed_at = [j for j in range(a, b + 1) if "T=ed" in desc[j][0]]
        for j in range(a, b + 1):
            f = out[j]
            f.extend(head)
            if version >= 6:
                f.append(prev_head)
            f.append(left)
            if after_in:
                f.append("AFTER_IN")
            if after_quote:
                f.append("AFTER_Q")
            if ed_at and j < ed_at[-1]:
                f.append("ED_AHEAD")
            w = words[j]
            if "T=in" in desc[j][0] and (j == a or w.endswith(":")) and (w[0].isupper() or w.endswith(":")):
                after_in = True
            if j > a and w.rstrip(".,;:")[-1:] in _CLOSE_Q and len(w) > 1:
                after_quote = True
        prev_head = "p" + head[1]
    return out


def sequence_features(words: list[str], version: int = FEATURE_VERSION) -> list[list[str]]:
    """Feature strings for each word of one reference (the input of the CRF)."""
    n = len(words)
    desc = [_described(w) for w in words]
    if version >= 2:
        ends = [d[5] for d in desc]
        last_end = max((i for i in range(n - 1) if ends[i]), default=-1)
        seg = 0
        year_seen = False
        context = _global_context(words, desc, ends, version) if version >= 4 else None
    out = []
    in_quote = False
    depth = 0
    for i, w in enumerate(words):
        f = desc[i][0] + [_POS[10 * i // n]]
        if i == 0:
            f.append("FIRST")
        if i == n - 1:
            f.append("LAST")
        opens, closes, brackets = desc[i][7]
        if in_quote or opens:
            f.append("INQ")
        if opens and not in_quote:
            in_quote = True
        if in_quote and closes and not (opens and len(w) == 1):
            in_quote = False
        if depth > 0:
            f.append("INP")
        depth = max(0, depth + brackets)
        f += desc[i - 2][1] if i >= 2 else _EDGE[0]
        f += desc[i - 1][2] if i >= 1 else _EDGE[1]
        f += desc[i + 1][3] if i + 1 < n else _EDGE[2]
        f += desc[i + 2][4] if i + 2 < n else _EDGE[3]
        if version >= 2:
            f.append(_SEG[min(seg, 6)])
            if i > last_end:
                f.append("LASTSEG")
            if year_seen:
                f.append("AFTERYEAR")
            if context is not None:
                f.extend(context[i])
            if version >= 6:  # the word with its neighbours, as pairs
                f.append("b-1=" + (desc[i - 1][6] if i else "|") + "|" + desc[i][6])
                f.append("b+1=" + desc[i][6] + "|" + (desc[i + 1][6] if i + 1 < n else "|"))
            if ends[i]:
                seg += 1
            if "YEAR" in desc[i][0]:
                year_seen = True
        out.append(f)
    return out
