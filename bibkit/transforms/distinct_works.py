"""Evidence that two look-alike entries are two works: kinds, venues, title markers, authors.

Kept apart from :mod:`bibkit.transforms.dedupe` (which decides how groups form) so the rules
that keep different works apart can be read in one place. Every function here is about one
pair; ``a`` and ``b`` are dedupe's per-entry features (``families``, ``first_family``, ``kind``,
``in_venue``, ``serial``, ``container``, ``venue_ref``).

The rules come from look-alike pairs in real bibliographies (``tests/data/dedupe_lookalikes.json``):
a workshop paper and the conference paper of the same title, a paper and its supplementary
material or code record, a book and a chapter in it, a thesis and the paper from it, "Deep
learning" the Nature article and "Deep Learning" the MIT Press book.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Protocol, Sequence

from rapidfuzz import fuzz

from bibkit.keypattern import FUNCTION_WORDS
from bibkit.model import Entry


class Features(Protocol):
    """What these rules read of an entry (dedupe's per-entry features)."""

    families: tuple  # distinct folded family names, sorted (a tuple: a set costs 216 bytes or more)
    first_family: str
    kind: str
    in_venue: bool
    serial: bool
    container: str
    venue_ref: str


def work_kind(entry: Entry) -> str:
    kind = _KINDS.get(entry.type, "")
    if kind:
        return kind
    fields = entry.fields
    if any(_ARTIFACT.search(fields.get(name) or "") for name in _ARTIFACT_FIELDS):
        return "artifact"
    if entry.ids.doi.lower().startswith("10.5281/zenodo") or "/supp/" in entry.ids.url:
        return "artifact"
    return ""


def crossref_parents(entries: Sequence[Entry]) -> dict[int, Entry]:
    """Index -> the entry its crossref names, for entries whose crossref is in the input."""
    wanted = {i: ref for i, e in enumerate(entries) if (ref := crossref_key(e))}
    if not wanted:
        return {}
    by_key = {e.key.lower(): e for e in entries if e.key}
    return {i: by_key[ref] for i, ref in wanted.items() if ref in by_key}


def crossref_key(entry: Entry) -> str:
    extra = entry.extra
    value = extra.get("crossref")
    if value is None and extra:
        value = next((v for k, v in extra.items() if k.lower() == "crossref"), None)
    return value.strip().lower() if value else ""


#: Types that say "a whole book" or "a part of a serial": a book and an article are two works.
_KINDS = {"book": "book", "article-journal": "article", "article-magazine": "article",
          "article-newspaper": "article", "paper-conference": "article", "chapter": "part",
          "entry-encyclopedia": "part", "entry-dictionary": "part", "thesis": "thesis",
          "report": "report", "dataset": "artifact", "software": "artifact"}
#: Kinds that are another work than any other kind (a paper and a chapter may be one work; a
#: technical report and the article it became are two records, as a conference paper and its
#: journal version are).
_KIND_ALONE = frozenset({"book", "thesis", "report", "artifact"})
#: Where a record says it is supplementary material, code or data rather than the paper itself.
_ARTIFACT_FIELDS = ("medium", "genre")  # BibTeX's howpublished and type
_ARTIFACT = re.compile(r"(?i)\bsupp(?:l\.?|lement(?:ary|al|s)?)?\b|\bsupp(?=\d)|zenodo|figshare|github\.com|gitlab"
                       r"|\bsoftware\b|\bsource code\b|\bdata ?set\b")
#: Words that make a title another work when only one of two otherwise equal titles has them:
#: "Supplementary material", "Erratum", "Corrigendum", "Reply", "Comment on", "Part II",
#: "Extended version" are records of their own, not spellings of the paper they name.
TITLE_MARKERS = frozenset("""
    supplementary supplemental supplement supplements appendix erratum errata corrigendum corrigenda
    correction corrections correcting reply replies response responses rejoinder comment comments
    commentary commentaries extended extension retraction retracted addendum discussion part
    preface foreword introduction summary abstract poster slides review reviews proof proofs
""".split())


def title_markers_differ(a: str, b: str) -> str:
    """A marker word that only one of two normalised titles has ("" when none).

    Compared on the words that are not shared, so "Widgets: a reply" and "Reply: widgets" are
    the same reply while "Widgets" and "Widgets: supplementary material" are two records.
    """
    wa, wb = a.split(), b.split()
    only = set(wa).symmetric_difference(wb)
    found = only & TITLE_MARKERS
    return min(found) if found else ""


def kinds_differ(a: str, b: str) -> bool:
    """A book, a thesis or code/data is another work than a paper of the same title."""
    if a == b:
        return False
    if a == "artifact" or b == "artifact":
        return True  # code, data or supplementary material beside anything else
    return bool(a and b) and (a in _KIND_ALONE or b in _KIND_ALONE)


def authors_agree(a: Features, b: Features) -> bool:
    """Enough shared authors to be one work: the same first author, or half of the shorter list.

    One shared name is not enough: "Deep learning" by LeCun, Bengio and Hinton (Nature 2015) and
    "Deep Learning" by Goodfellow, Bengio and Courville (MIT Press 2016) share only Bengio.
    """
    shared = len(set(a.families).intersection(b.families))
    if not shared:
        return False
    if a.first_family and a.first_family == b.first_family:
        return True
    return 2 * shared >= min(len(a.families), len(b.families))


#: Types published inside one venue (a journal, proceedings, a book): the venue names the record.
SERIAL_TYPES = frozenset({"article-journal", "article-magazine", "article-newspaper"})
IN_VENUE_TYPES = frozenset({"article-journal", "article-magazine", "article-newspaper", "paper-conference", "chapter"})


def venues_differ(a: Features, b: Features) -> bool:
    """Two papers in two different journals or proceedings are two publications.

    A workshop paper and the conference paper that grew out of it often share title, authors
    and year. (Two journal names on one article are a conflict for the merge to report: one
    article is rarely published twice.) Spellings of one venue are not a difference: shared words ("IJCAI" inside
    "Proceedings of IJCAI 2015"), abbreviations ("J. Artif. Intell. Res.") and acronyms agree.
    """
    if not (a.in_venue and b.in_venue):
        return False
    if a.venue_ref and b.venue_ref and a.venue_ref != b.venue_ref:
        return True  # crossrefs to two different proceedings of the same file
    if not (a.container and b.container) or a.container == b.container:
        return False
    if is_preprint_venue(a.container) or is_preprint_venue(b.container):
        return False  # a preprint server is not a venue: preprint and paper are one work
    if a.serial and b.serial:
        return False  # one article under two journal names is a data conflict, not two works
    if a.kind == b.kind == "article" and a.serial != b.serial:
        # a journal article and a conference paper: one title in two venues (the conference
        # version and the journal version)
        return not _same_venue_strict(a.container, b.container)
    return not same_venue(a.container, b.container)


_PREPRINT_VENUE = re.compile(r"\b(?:corr|computing research repository|arxiv\w*|biorxiv|medrxiv|ssrn|preprints?|chemrxiv"
                             r"|techrxiv|research square)\b")


def is_preprint_venue(container: str) -> bool:
    """A preprint server (arXiv, CoRR, bioRxiv, SSRN, ...) named as the container: not a venue."""
    return bool(_PREPRINT_VENUE.search(container))


@lru_cache(maxsize=1 << 14)
def _same_venue_strict(x: str, y: str) -> bool:
    """Two spellings of one venue, not one name inside another ("Artificial Intelligence")."""
    if fuzz.token_sort_ratio(x, y) >= 80:
        return True
    wx = [w for w in x.split() if w not in FUNCTION_WORDS and not w.isdigit()]
    wy = [w for w in y.split() if w not in FUNCTION_WORDS and not w.isdigit()]
    acronym = lambda short, long: any(len(w) >= 3 and w in "".join(v[0] for v in long) for w in short)  # noqa: E731
    return acronym(wx, wy) or acronym(wy, wx)


@lru_cache(maxsize=1 << 14)
def same_venue(x: str, y: str) -> bool:
    """Two spellings of one venue: shared words, an abbreviation (ISO 4 or not) or an acronym."""
    if fuzz.token_set_ratio(x, y) >= 60:
        return True
    wx = [w for w in x.split() if w not in FUNCTION_WORDS and not w.isdigit()]
    wy = [w for w in y.split() if w not in FUNCTION_WORDS and not w.isdigit()]
    return _abbreviates(wx, wy) or _abbreviates(wy, wx)


@lru_cache(maxsize=1 << 12)
def _acronym_of(word: str, words: tuple) -> bool:
    """``word`` spelled by the starts (one or two letters) of consecutive ``words``, from the
    first: "amcis" is "Americas Conference on Information Systems"."""
    if len(word) < 4 or not word.isalpha():
        return False

    def spell(rest: str, k: int) -> bool:
        if not rest:
            return True
        if k == len(words):
            return False
        w = words[k]
        return any(rest.startswith(w[:n]) and spell(rest[n:], k + 1) for n in (2, 1) if len(w) >= n)

    return spell(word, 0)


def _abbreviates(short: list[str], long: list[str]) -> bool:
    """Every word of ``short`` starts a later word of ``long`` in order, or one word is its acronym."""
    if not short or not long:
        return False
    initials = "".join(w[0] for w in long)
    if any(len(w) >= 3 and (w in initials or _acronym_of(w, tuple(long))) for w in short):
        return True
    k = 0
    for w in short:
        while k < len(long) and not long[k].startswith(w):
            k += 1
        if k == len(long):
            return False
        k += 1
    return True
