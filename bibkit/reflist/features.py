"""What the sequence model sees of each word token.

Word identity and shape, a few lexical classes (years, initials, page ranges, months, the
terms styles print: ``vol.``, ``pp.``, ``In``, ``eds.``), identifier patterns, the position in
the reference, whether the word sits inside quotes or brackets, and the same for the two
neighbours on each side. Computed once per token and shared by its neighbours, so labelling
stays well above a thousand references a second.
"""
from __future__ import annotations

import re

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
        if core in MONTHS:
            f.append("MONTH")
        t = TERMS.get(core)
        if t:
            f.append("T=" + t)
        if _ROMAN.match(core) and len(core) < 6:
            f.append("ROMAN")
        if core_cased[0].isupper():
            f.append("CAP")
            if core_cased.isupper() and len(core_cased) > 1:
                f.append("CAPS")
        elif core_cased[0].islower():
            f.append("LOW")
        if any(c.isdigit() for c in core):
            f.append("DIGIT")
    if _INITIAL.match(w):
        f.append("INITIAL")
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
    """A word's own features, and how it is described as each neighbour (-2, -1, +1, +2)."""
    d = _cache.get(w)
    if d is None:
        f = _token_features(w)
        core, shape = f[1][2:], f[2][3:]
        flags = [x for x in f[7:] if not x.startswith("len=")]
        d = (f,
             ["-2" + core, "-2" + shape],
             ["-1" + core, "-1" + shape] + ["-1" + x for x in flags],
             ["1" + core, "1" + shape] + ["+1" + x for x in flags],
             ["2" + core, "2" + shape])
        if len(_cache) < 300000:
            _cache[w] = d
    return d


def token_features(w: str) -> list[str]:
    return _described(w)[0]


_POS = ["pos=%d" % i for i in range(10)]
_EDGE = (["-2|"], ["-1|"], ["1|"], ["2|"])


#: feature sets: 1 (word, shape, classes, neighbours, quotes, brackets); 2 adds where the word
#: sits among the reference's sentence-like segments (how many segment ends came before it,
#: whether its segment is the last) and whether a year came before it
FEATURE_VERSION = 2
_SEG = ["seg=%d" % i for i in range(7)]
#: 3 adds the capitalisation and length of the word's segment (container titles are often in
#: title case where article titles are in sentence case); trained once with 300 styles it did
#: not beat set 2 (gold token accuracy 0.9723 vs 0.9732, held-out span F1 0.933 vs 0.936), so
#: the shipped model and the default stay at 2
_STOP = frozenset("a an and at by de der die for from in of on or the to und with".split())


def _segment_shape(words: list[str], desc: list, ends: list[bool]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    start = 0
    n = len(words)
    for i in range(n):
        if ends[i] or i == n - 1:
            caps = content = 0
            for j in range(start, i + 1):
                core = desc[j][0][1][2:]
                if core.isalpha() and core not in _STOP:
                    content += 1
                    caps += "CAP" in desc[j][0]
            kind = "segcap=none" if not content else (
                "segcap=all" if caps == content else "segcap=most" if caps >= 0.6 * content else "segcap=few")
            size = i + 1 - start
            out.extend([(kind, "seglen=%d" % (1 if size == 1 else 2 if size <= 3 else 3 if size <= 7 else 4))]
                       * size)
            start = i + 1
    return out


def _segment_end(w: str, f: list[str]) -> bool:
    """A word ending a segment: a final ``.``/``?``/``!`` that is not an initial or a term."""
    if w[-1] not in ".?!" and not (len(w) > 1 and w[-2] in ".?!" and w[-1] in "\"\u201d'\u2019)"):
        return False
    return "INITIAL" not in f and not any(x.startswith("T=") for x in f)


def sequence_features(words: list[str], version: int = FEATURE_VERSION) -> list[list[str]]:
    """Feature strings for each word of one reference (the input of the CRF)."""
    n = len(words)
    desc = [_described(w) for w in words]
    if version >= 2:
        ends = [_segment_end(w, d[0]) for w, d in zip(words, desc)]
        last_end = max((i for i in range(n - 1) if ends[i]), default=-1)
        seg = 0
        year_seen = False
        shapes = _segment_shape(words, desc, ends) if version >= 3 else None
    out = []
    in_quote = False
    depth = 0
    for i, w in enumerate(words):
        f = desc[i][0] + [_POS[10 * i // n]]
        if i == 0:
            f.append("FIRST")
        if i == n - 1:
            f.append("LAST")
        opens = w[0] in _OPEN_Q
        if in_quote or opens:
            f.append("INQ")
        if opens and not in_quote:
            in_quote = True
        if in_quote and (w[-1] in _CLOSE_Q or w.rstrip(".,;:")[-1:] in _CLOSE_Q) and not (opens and len(w) == 1):
            in_quote = False
        if depth > 0:
            f.append("INP")
        depth = max(0, depth + w.count("(") + w.count("[") - w.count(")") - w.count("]"))
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
            if shapes is not None:
                f.extend(shapes[i])
            if ends[i]:
                seg += 1
            if "YEAR" in desc[i][0]:
                year_seen = True
        out.append(f)
    return out
