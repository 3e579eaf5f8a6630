"""Finding entries that describe the same work: identifiers first, then fuzzy matching.

The rules, in the order they are applied (each pair's verdict says which rule and which score):

1. **Identifiers decide.** Equal DOI (case-insensitive: DOIs are), equal arXiv id (version
   ignored; a ``10.48550/arXiv.*`` DOI counts as the arXiv id), or equal ISBN on a whole book
   (chapters of one book share its ISBN, so ISBN never joins parts; an ISBN beside an unrelated
   title or another volume is a data error and joins nothing) mean the same work.
   Two different publisher DOIs or two different arXiv ids mean two works: such entries are never
   joined, not even through a third entry (the union-find refuses a union that would put two
   publisher DOIs, or two arXiv ids, into one group).
2. **Preprint and published version.** A preprint (arXiv id, or a preprint-server DOI: arXiv,
   bioRxiv/medRxiv, SSRN, Research Square, Preprints.org, OSF, ChemRxiv, TechRxiv, Authorea)
   beside an entry with a publisher DOI is one work when the fuzzy test below passes; the pair is
   reported with rule ``preprint-published``.
3. **Fuzzy**, only for entries that no identifier decides, on what databases write alike once
   their variants are folded (:mod:`bibkit.transforms.record_variants`: title annotations such
   as ``[Review] [45 refs]``, journal spellings, swapped names, page forms, accession numbers in
   ``number``): normalised titles (LaTeX already decoded, transliterated to ASCII, case and
   punctuation folded) at least ``threshold`` similar (rapidfuzz ``ratio``), years within one,
   and enough shared authors (the same first author, or half of the shorter list; corporate
   names compared whole). Short titles (three significant words or fewer), entries without
   authors and organisations as the only authors need a near-identical title (``>= 97``).
   Titles that differ in a number ("Part I" / "Part II", "1st" / "2nd", "... 2" / "... 3") or by
   a word that makes another record ("Erratum", "Corrigendum", "Reply", "Comment on",
   "Supplementary material", "Extended version", "Proofs"), web pages at different URLs,
   editions or ISBNs that differ, a book beside an article, chapter or thesis, a thesis beside a
   paper, code/data/supplementary records beside anything else, and papers in two different
   venues (two crossrefs, two journals or proceedings; a journal article and a conference paper
   of one title) are distinct works. A preprint server (arXiv, CoRR, ...) is not a venue. These
   rules live in :mod:`bibkit.transforms.distinct_works`.
   Volume, issue and first page are **weighed, not obeyed** (:func:`fuzzy_score`): a database
   garbles them often enough that one of them may disagree when the title is near-equal, the
   first author the same and the journal or two other numbers agree; two disagreeing ones keep
   the entries apart. Weaker title or author evidence (a title cut short or with a heading
   added, names swapped, one side a study group) needs the venue to agree and nothing to
   disagree; one article's coordinates (first author, year, journal, volume, page range) match a
   translated title; and entries a year apart whose venues differ with no number in common are
   two records (a meeting abstract and the later article).
4. **Groups form by complete linkage**, never by chaining: entries joined by an equal DOI or
   arXiv id are one "atom"; a further link joins two groups only when every atom of one has
   direct evidence (an identifier or the fuzzy test) with every atom of the other and no pair
   across them conflicts. So "Deep learning" (LeCun, Bengio, Hinton; Nature 2015) and "Deep
   Learning" (Goodfellow, Bengio, Courville; MIT Press 2016) never meet through their
   duplicates. ``tests/data/dedupe_lookalikes.json`` holds 89 hand-judged look-alike pairs from
   real bibliographies that pin this down (``tests/test_dedupe_precision.py``).

Candidate pairs come from blocking, never from all pairs: each title contributes keys made of
its rarest tokens (by frequency in the input), and each article its coordinates (first author,
volume, first page), so only entries sharing rare title words or a place are compared; inside
a block only entries with years within one are paired. Cost grows close to
linearly with the number of entries.

Everything is computed in a content-derived order (:func:`bibkit.keys.canonical_order`), so the groups do not depend on the
order of the input.
"""
from __future__ import annotations

import dataclasses
import gc
import re
from sys import intern
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from typing import Hashable, Iterable, Sequence

from anyascii import anyascii
from rapidfuzz import fuzz

from bibkit.identifiers import isbn13
from bibkit.keypattern import FUNCTION_WORDS
from bibkit.keys import canonical_order
from bibkit.model import Entry
from bibkit.transforms.record_variants import (
    PLACEHOLDER_NAMES, clean_title, is_corporate, container_key, first_page, last_page, name_tokens, part_number, plausible_issue,
)
from bibkit.transforms.distinct_works import (
    IN_VENUE_TYPES, is_preprint_venue, SERIAL_TYPES, authors_agree, crossref_key, crossref_parents, kinds_differ,
    same_venue, title_markers_differ, venues_differ, work_kind,
)

DEFAULT_THRESHOLD = 90.0
AUTHORLESS_THRESHOLD = 97.0
_STRONG_TITLE = 95.0  # a title this similar, with authors and venue, outweighs one number

#: DOI prefixes (or patterns) of preprint servers.
PREPRINT_DOI = re.compile(
    r"^10\.(?:48550/arxiv\.|1101/(?:\d{4}\.\d{2}\.\d{2}\.)?\d{6,}|2139/ssrn\.|21203/rs\.|20944/preprints"
    r"|31219/osf\.io|31234/osf\.io|31235/osf\.io|31222/osf\.io|26434/chemrxiv|36227/techrxiv|22541/au\.|1002/essoar\.)",
    re.IGNORECASE,
)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
#: Types whose ISBN is the work's own (a chapter or paper shares its book's ISBN).
WHOLE_WORK_TYPES = {"book", "report", "thesis", "manuscript", "document", "standard", "software", "map",
                    "musical_score", "periodical", "classic"}
WEB_TYPES = {"webpage", "post", "post-weblog"}
_ROMAN = re.compile(r"^(?=[ivxlc]+$)c{0,3}(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_VERSION = re.compile(r"v\d+$")
_NOT_ISBN = re.compile(r"[^0-9X]")
_DIGITS = re.compile(r"\d+")
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$")
_ROMAN_CHARS = frozenset("ivxlc")
_EMPTY: frozenset = frozenset()  # one empty set for every record (each new one costs 216 bytes)
_THESIS_ABSTRACTS = ("dissertation abstracts", "diss abstr", "masters abstracts")
_REVIEW_TITLE = 80.0  # unmatched pairs this similar go to the review queue
_CUT_MIN = 90  # characters: shorter titles are never taken as cut short
_BLOCK_CAP = 400  # above this many members a block is compared only within equal years


def is_preprint_doi(doi: str) -> bool:
    return bool(doi) and bool(PREPRINT_DOI.match(doi))


def normalize_title(title: str) -> str:
    """Title for comparison: ASCII, lower case, punctuation and braces folded to single spaces."""
    text = title if title.isascii() else anyascii(title)
    return _NON_ALNUM.sub(" ", text.lower()).strip()


def _family(name) -> str:
    return _fold_name(name.literal or name.family)


@lru_cache(maxsize=1 << 16)
def _fold_name(text: str) -> str:
    return intern(_NON_ALNUM.sub("", (text if text.isascii() else anyascii(text)).lower()))


@contextmanager
def paused_gc():
    """Pause the cyclic garbage collector while building many small objects.

    Matching creates millions of short-lived tuples; each full collection would walk every
    entry of a 100k-entry library. Reference counting still frees everything; this only stops
    the repeated full scans (about a third of the run time on large inputs).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class Match:
    """Why two entries (indices into the input) are one work: the rule and its score (0-100)."""

    a: int
    b: int
    rule: str  # "doi", "arxiv", "isbn", "preprint-published", "fuzzy"
    score: float
    detail: str = ""


@dataclass
class DuplicateGroup:
    """Entries that describe one work; ``indices`` point into the list given to find_duplicates."""

    indices: list[int]
    entries: list[Entry]
    matches: list[Match] = field(default_factory=list)

    @property
    def rules(self) -> list[str]:
        return sorted({m.rule for m in self.matches})


@dataclass(slots=True)
class _Features:
    """What matching needs from one entry, computed once: a compact record (slots, interned
    strings; a few hundred bytes) that pickles, so a file read in batches
    (:mod:`bibkit.transforms.dedupe_stream`) keeps these instead of its entries."""

    title: str
    words: int  # how many words of the title are not function words
    numbers: frozenset
    year: int | None
    families: tuple  # distinct, sorted (a record holds tuples: a set costs 216 bytes or more)
    doi: str  # publisher DOI
    preprint_doi: str
    arxiv: str
    isbn: str
    first_page: str
    container: str
    parts: tuple  # (volume, issue, edition), normalised, "" when absent
    web_url: str  # the URL of a web page (for pages the URL is the identity)
    first_family: str = ""  # the first author's (or editor's) family name, folded
    kind: str = ""  # "book" or "article" when the type says which; "" otherwise
    in_venue: bool = False  # a paper or chapter: its container names where it was published
    venue_ref: str = ""  # the key its ``crossref`` names (a proceedings entry of the same file)
    serial: bool = False  # a journal (magazine, newspaper) article rather than a conference paper
    name_tokens: tuple = ()  # every word of every name, folded, sorted (swapped names meet)
    corporate: bool = False  # every author is an organisation (a trial sponsor says little)
    last_page: str = ""  # the last page's number, when the pages are a range of more than one

    @property
    def is_preprint(self) -> bool:
        return bool(self.arxiv or self.preprint_doi)


def _features(entry: Entry, parent: Entry | None = None) -> _Features:
    """``parent``: the entry its ``crossref`` names, which holds the venue and often the year."""
    fields = entry.fields
    title = normalize_title(clean_title(fields.get("title", "")))
    people = entry.names.get("author") or entry.names.get("editor")
    family_list: list[str] = []
    tokens_of_names: set[str] = set()
    if people:
        for n in people.names:
            f = _family(n)
            if not f or f in PLACEHOLDER_NAMES:
                continue
            family_list.append(f)
            tokens_of_names |= _name_tokens(n.literal or n.family, n.given, n.particle)
    families = tuple(sorted(set(family_list)))
    corporate = bool(family_list) and all(is_corporate(n) for n in people.names)
    doi = entry.ids.doi.lower()
    arxiv = entry.ids.arxiv.lower()
    preprint_doi = ""
    if doi and is_preprint_doi(doi):
        preprint_doi, doi = doi, ""
        m = _ARXIV_DOI.match(preprint_doi)
        if m and not arxiv:
            arxiv = _VERSION.sub("", m.group(1))
    isbn = entry.ids.isbn
    if isbn:
        isbn = isbn13(_NOT_ISBN.sub("", isbn.upper())) if entry.type in WHOLE_WORK_TYPES else ""
    page = last = fields.get("page", "")
    if page:
        page, last = first_page(page), last_page(page)
    container = fields.get("container-title", "")
    issued = entry.dates.get("issued")
    if parent is not None:
        container = container or parent.fields.get("container-title") or parent.fields.get("title", "")
        issued = issued or parent.dates.get("issued")
    year = issued.start.year if issued is not None and issued.start is not None else None
    issue = part_number(fields.get("issue", ""))
    parts = (part_number(fields.get("volume", "")), issue if plausible_issue(issue) else "",
             _part(fields.get("edition", "")))
    web_url = entry.ids.url.rstrip("/").lower() if entry.type in WEB_TYPES else ""
    container = intern(container_key(container)) if container else ""
    kind = work_kind(entry)
    if container.startswith(_THESIS_ABSTRACTS):
        kind = "thesis"  # a dissertation abstract is the thesis, as a database records it
    return _Features(title, _word_count(title), _title_numbers(title), year, families, doi, preprint_doi, arxiv,
                     isbn, page, container, parts, web_url,
                     family_list[0] if family_list else "", kind, entry.type in IN_VENUE_TYPES and kind != "thesis",
                     crossref_key(entry), entry.type in SERIAL_TYPES, tuple(sorted(tokens_of_names)), corporate, last)


def _word_count(title: str) -> int:
    return sum(t not in FUNCTION_WORDS for t in title.split())


def _title_words(title: str) -> set[str]:
    """The distinct title words blocking compares. Computed again when needed rather than kept in
    each record: a tuple of them was an eighth of a record's size."""
    return set(map(intern, title.split())).difference(FUNCTION_WORDS)


def _title_numbers(title: str) -> frozenset:
    """The numbers a title names (digits, number words, ordinals, roman numerals): "Part II"."""
    return frozenset(_ORDINAL.sub(r"\1", _NUMBER_WORDS.get(t, t)) for t in title.split()
                     if t.isdigit() or t in _NUMBER_WORDS or _ORDINAL.match(t)
                     or (len(t) < 6 and _ROMAN_CHARS.issuperset(t) and _ROMAN.match(t))) or _EMPTY


@lru_cache(maxsize=1 << 16)
def _name_tokens(family: str, given: str, particle: str) -> frozenset:
    return frozenset(intern(t) for t in name_tokens(family, given, particle))


def hard_conflict(a: "_Features", b: "_Features") -> str:
    """Why two entries cannot be one work whatever else links them ("" when nothing says so).

    Volumes, issues and pages are not here: a database writes them wrongly often enough (an
    accession number in ``number``) that they are weighed as evidence in :func:`fuzzy_score`.
    """
    why = _ids_distinct(a, b)
    if why:
        return why
    if a.isbn and b.isbn and a.isbn != b.isbn:
        return "different ISBNs"
    if kinds_differ(a.kind, b.kind):
        return f"a {a.kind} and a {b.kind}"
    if a.parts[2] and b.parts[2] and a.parts[2] != b.parts[2]:
        return "different editions"
    if _numbers_differ(a, b):
        return "titles differ in a number (part, volume)"
    marker = title_markers_differ(a.title, b.title)
    if marker:
        return f"only one title says {marker!r}"
    if venues_differ(a, b):
        return "published in different venues"
    return ""


def _numbers_differ(a: "_Features", b: "_Features") -> bool:
    """Titles that name different numbers ("Part I" / "Part II"); a title a database cut short
    is compared only as far as it goes."""
    return a.numbers != b.numbers and not cut_short(a.title, b.title)


def cut_short(x: str, y: str) -> bool:
    """One long normalised title is the other cut off (databases cut titles at a length limit)."""
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    if len(short) < _CUT_MIN or len(short) == len(long_):
        return False
    head = short.rsplit(" ", 1)[0]  # the last word may be cut in the middle
    return long_.startswith(head)


_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
_NUMBER_WORDS.update({w: str(i) for i, w in enumerate(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth".split()) if i})
_EDITION_WORDS = {"first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6"}


def _part(value: str) -> str:
    """A volume, issue or edition for comparison: "2nd ed." and "Second" and "2" are equal."""
    if not value or value.isdigit():
        return value
    return _slow_part(value)


@lru_cache(maxsize=1 << 12)
def _slow_part(value: str) -> str:
    text = normalize_title(value)
    first = text.split()[0] if text else ""
    first = _EDITION_WORDS.get(first, first)
    digits = _DIGITS.match(first)
    return digits.group(0) if digits else text


class _UnionFind:
    """Union-find whose groups remember their identifiers, to refuse joining two distinct works."""

    def __init__(self, feats: Sequence[_Features], apart: Sequence[Hashable | None] | None = None,
                 different: Iterable[tuple[int, int]] = ()):
        self.parent = list(range(len(feats)))
        self.dois = [frozenset([f.doi]) if f.doi else _EMPTY for f in feats]
        self.arxivs = [frozenset([f.arxiv]) if f.arxiv else _EMPTY for f in feats]
        # what the user said: labels of searches whose records stay apart, pairs marked different
        self.labels = [frozenset([x]) if x is not None else _EMPTY for x in (apart or [None] * len(feats))]
        self.members: dict[int, list[int]] = {}
        self.different: dict[int, set[int]] = defaultdict(set)
        for x, y in different:
            if x != y:
                self.different[x].add(y)
                self.different[y].add(x)

    def kept_apart(self, a: int, b: int) -> bool:
        """The user's word keeps the groups of ``a`` and ``b`` apart."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.labels[ra] & self.labels[rb]:
            return True
        if self.different:
            group_b = set(self.members.get(rb, (rb,)))
            return any(self.different.get(x, set()) & group_b for x in self.members.get(ra, (ra,)))
        return False

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def can_join(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self.dois[ra] and self.dois[rb] and not (self.dois[ra] & self.dois[rb]):
            return False
        if self.arxivs[ra] and self.arxivs[rb] and not (self.arxivs[ra] & self.arxivs[rb]):
            return False
        return True

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.dois[ra] |= self.dois[rb]
        self.arxivs[ra] |= self.arxivs[rb]
        self.labels[ra] |= self.labels[rb]
        if self.different:
            self.members[ra] = self.members.pop(ra, [ra]) + self.members.pop(rb, [rb])
        return True


def _ids_distinct(a: _Features, b: _Features) -> str:
    """Why two entries are certainly different works ("" when identifiers do not say so)."""
    if a.doi and b.doi and a.doi != b.doi:
        return "different DOIs"
    if a.arxiv and b.arxiv and a.arxiv != b.arxiv:
        return "different arXiv ids"
    if a.preprint_doi and b.preprint_doi and a.preprint_doi != b.preprint_doi:
        return "different preprint DOIs"
    return ""


def _same_book(a: _Features, b: _Features) -> bool:
    """An equal ISBN with unrelated titles is a copy-paste error, not one book; volumes differ too."""
    if any(x and y and x != y for x, y in zip(a.parts, b.parts)) or a.numbers != b.numbers:
        return False
    if a.title and b.title and title_markers_differ(a.title, b.title):
        return False
    if not (a.title and b.title) or fuzz.token_set_ratio(a.title, b.title) >= 60:
        return True
    initials = lambda t: "".join(w[0] for w in t.split())  # noqa: E731  ("TAOCP")
    return a.title.replace(" ", "") == initials(b.title) or b.title.replace(" ", "") == initials(a.title)


def fuzzy_score(a: _Features, b: _Features, threshold: float = DEFAULT_THRESHOLD) -> tuple[float, str]:
    """(score, reason): the title similarity when the evidence says one work, else (0, why not).

    Titles, years, authors, kinds and venues must agree (as in the module docstring). Volume,
    issue and first page are weighed rather than obeyed: databases garble them (accession
    numbers in ``number``, "Suppl" for a page), so one of them may disagree when everything else
    agrees strongly (:func:`_outweighs`); two disagreeing ones keep the entries apart.
    """
    if not a.title or not b.title:
        return 0.0, "no title"
    if a.year is not None and b.year is not None and abs(a.year - b.year) > 1:
        return 0.0, "years more than one apart"
    if _numbers_differ(a, b):
        return 0.0, "titles differ in a number (part, volume)"
    if a.parts[2] and b.parts[2] and a.parts[2] != b.parts[2]:
        return 0.0, "different editions"
    if a.web_url and b.web_url and a.web_url != b.web_url:
        return 0.0, "web pages at different URLs"
    authorless = not a.families or not b.families
    # one word in three decides a short title ("Soar-EpMem Manual" / "Soar-SMem Manual"); an
    # organisation as the only author (a trial sponsor) does not tell its studies apart
    short = min(a.words, b.words) <= 3
    cutoff = AUTHORLESS_THRESHOLD if authorless or short or (a.corporate and b.corporate) else threshold
    cutoff = max(cutoff, threshold)
    score = fuzz.ratio(a.title, b.title, score_cutoff=cutoff)
    how = "title"
    if not score and not authorless:
        if cut_short(a.title, b.title):
            score, how = 100.0 * min(len(a.title), len(b.title)) / max(len(a.title), len(b.title)), "title (one cut short)"
        elif _heading_added(a.title, b.title):
            score, how = 100.0 * min(len(a.title), len(b.title)) / max(len(a.title), len(b.title)), \
                "title (one adds a heading or subtitle)"
        elif _same_place(a, b):
            # a title translated or reworded by one database: the article's coordinates decide
            score, how = fuzz.token_set_ratio(a.title, b.title), "journal, volume and first page"
    if not score:
        return 0.0, "titles not similar enough"
    who = "author"
    if not authorless and a.corporate != b.corporate:
        # a study group on one side, its members on the other: the authors cannot be compared,
        # so the title must be near-equal and the venue and a number must agree
        if score < AUTHORLESS_THRESHOLD or not _venue_agrees(a, b) or not _numbers_agree(a, b):
            return 0.0, "an organisation as author on one side only, and not enough else agrees"
        who = "venue (an organisation as author on one side)"
    elif not authorless and not authors_agree(a, b):
        if _same_first_author(a.first_family, b.first_family):
            who = "first author (spelled apart)"
        elif _names_swapped(a, b):
            who = "author (name order differs)"
        else:
            return 0.0, "no shared author" if set(a.families).isdisjoint(b.families) else \
                "too few shared authors (first authors differ)"
    if kinds_differ(a.kind, b.kind):
        return 0.0, f"a {a.kind} and a {b.kind}"
    if a.isbn and b.isbn and a.isbn != b.isbn:
        return 0.0, "different ISBNs"
    marker = title_markers_differ(a.title, b.title)
    if marker:
        return 0.0, f"only one title says {marker!r}"
    if venues_differ(a, b):
        return 0.0, "published in different venues"
    if a.words <= 2 and a.container and b.container and fuzz.ratio(a.container, b.container) < threshold:
        return 0.0, "short generic title in different containers"
    disagree = [] if _shifted(a, b) or _shifted(b, a) else [
        name for name, x, y in (("volume", a.parts[0], b.parts[0]), ("issue", a.parts[1], b.parts[1]),
                                ("first page", a.first_page, b.first_page)) if x and y and x != y]
    why = "authorless: title and year" if authorless else f"{how}, year and {who}"
    if how != "title" or who != "author":
        # a cut or translated title or swapped names are weaker evidence: the venue must agree and
        # only an issue (often an accession number) may differ, beside an equal volume and page
        weak_ok = not disagree or (disagree == ["issue"] and a.parts[0] == b.parts[0] and a.first_page == b.first_page)
        if how != "title" and who != "author":
            # two weak signs are not one strong one, unless volume and first page place the article
            weak_ok = not disagree and a.parts[0] == b.parts[0] != "" and a.first_page == b.first_page != ""
        elif how.endswith("subtitle)"):
            # "X" and "X in children" by one author in one journal: only the same page is one article
            weak_ok = weak_ok and a.first_page == b.first_page != ""
        elif who != "author":
            weak_ok = weak_ok and _numbers_agree(a, b)
        if not weak_ok or authorless or not _venue_agrees(a, b):
            return 0.0, f"{how} and {who} agree, but " + (f"different {disagree[0]}s" if disagree else "not the venue")
        return float(max(score, 1.0)), why + " and venue"
    if not _placed(a, b, authorless):
        return 0.0, "only the title and authors agree: years differ and nothing places both in one venue"
    if score < _STRONG_TITLE and not _placed(a, b, authorless, same_year_too=True):
        # two abstracts of one study at two meetings: similar titles, the same authors and year
        return 0.0, "titles only similar, and neither the venue nor a volume, issue or page agrees"
    if not disagree:
        return float(score), why
    if len(disagree) == 1 and not authorless and _outweighs(a, b, score, disagree[0]):
        return float(score), f"{why} and venue agree; only the {disagree[0]} differs"
    return 0.0, "different " + " and ".join(f"{d}s" for d in disagree)


def _heading_added(x: str, y: str) -> bool:
    """One title is the other with a heading before it or a subtitle after it ("Thrombotic
    microangiopathy: can liver-kidney transplantation cure aHUS?"), the shorter having at least
    four words."""
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    if short.count(" ") < 3 or len(short) == len(long_):
        return False
    return long_.startswith(short + " ") or long_.endswith(" " + short)


def _same_place(a: _Features, b: _Features) -> bool:
    """The same first author, year, journal, volume and page range: one article whatever its
    title says. A single page is not enough (conference abstracts share a page), nor page 1
    (where every article of an online journal starts)."""
    return bool(a.first_family and a.first_family == b.first_family and a.parts[0] and a.parts[0] == b.parts[0]
                and a.first_page and a.first_page == b.first_page and a.first_page != "1"
                and a.last_page and a.last_page == b.last_page
                and a.year is not None and a.year == b.year) and _venue_agrees(a, b) and authors_agree(a, b)


def _placed(a: _Features, b: _Features, authorless: bool, same_year_too: bool = False) -> bool:
    """Something beyond title and authors puts both in one place when their years differ.

    A conference abstract and the journal article a year later share title and authors, but
    their venues disagree and no volume or page is equal. Without authors, a title and a year
    one apart are not enough: the venue or a number must agree. ``same_year_too`` asks the same
    of entries of one year (for titles that are only similar: two meetings' abstracts of one study).
    """
    if not same_year_too and (a.year is None or b.year is None or a.year == b.year):
        return True
    if _venue_agrees(a, b) or _numbers_agree(a, b):
        return True
    venues = [c for c in (a.container, b.container) if c and not is_preprint_venue(c)]
    return not authorless and len(venues) < 2  # a preprint server is not a venue


def _shifted(a: _Features, b: _Features) -> bool:
    """``a`` has no volume and its issue and page are ``b``'s volume and issue: an export that
    wrote each number one slot too far (volume 26, issue 9 as issue 26, page 9)."""
    return not a.parts[0] and bool(a.parts[1]) and a.parts[1] == b.parts[0] and a.first_page == b.parts[1]


def _numbers_agree(a: _Features, b: _Features) -> bool:
    """An equal volume, issue or first page."""
    return any(x and x == y for x, y in ((a.parts[0], b.parts[0]), (a.parts[1], b.parts[1]),
                                          (a.first_page, b.first_page)))


def _names_swapped(a: _Features, b: _Features) -> bool:
    """The first author of one is among the words of the other's names (family and given
    swapped, "Luis Ferreira, Santos A" for "Santos, A L"), and the lists are not disjoint works."""
    return bool(a.first_family and b.first_family) and (
        a.first_family in b.name_tokens or b.first_family in a.name_tokens)


def _venue_agrees(a: _Features, b: _Features) -> bool:
    return bool(a.container and b.container) and (a.container == b.container or same_venue(a.container, b.container))


def _outweighs(a: _Features, b: _Features, score: float, differing: str) -> bool:
    """Title, authors and venue agree strongly enough to outweigh one disagreeing number.

    Near-equal titles, the same first author, the same journal (its spellings, abbreviations and
    ISO 4 forms agree) and at least one other number (volume, issue or first page) equal.
    """
    if score < _STRONG_TITLE or not (_same_first_author(a.first_family, b.first_family) or _names_swapped(a, b)):
        return False
    agreeing = sum(1 for x, y in ((a.parts[0], b.parts[0]), (a.parts[1], b.parts[1]), (a.first_page, b.first_page))
                   if x and y and x == y)
    # two equal numbers place the article even when one database translates the journal's name
    return agreeing >= 2 or (agreeing == 1 and _venue_agrees(a, b))


def _same_first_author(x: str, y: str) -> bool:
    """One first author, spelled by two databases: equal, a particle more ("vanschil" /
    "schil") or a transliteration apart ("talalaj" / "taaaj", "vishnevskii" / "vishnevski")."""
    if not x or not y:
        return False
    if x == y:
        return True
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    # short names are too alike to tell a typo from another person ("chen" / "cheng")
    return (len(short) >= 4 and long_.endswith(short)) or (len(short) >= 5 and fuzz.ratio(x, y) >= 80)


def _issues_are_record_numbers(feats: Sequence[_Features]) -> bool:
    """Whether the ``number`` field of this input holds record numbers rather than issues.

    Real issues repeat (most journals have 1 to 12 a year); an export that puts a database's
    accession number into ``number`` (EndNote does) gives nearly every record its own. Such
    "issues" are no evidence, for or against.
    """
    issues = [f.parts[1] for f in feats if f.parts[1]]
    return len(issues) >= 50 and len(set(issues)) > 0.5 * len(issues)


def _review_similarity(a: _Features, b: _Features) -> float:
    """How alike two unmatched entries are, when a person should look (0 when not): similar
    titles with nothing that certainly separates them (identifiers, kinds, "Erratum", parts,
    venues), or one article's coordinates under two titles."""
    if not a.title or not b.title or hard_conflict(a, b):
        return 0.0
    if a.year is not None and b.year is not None and abs(a.year - b.year) > 1:
        return 0.0
    similar = fuzz.ratio(a.title, b.title)
    if _same_place(a, b):
        return similar
    strangers = a.families and b.families and set(a.families).isdisjoint(b.families) and not _names_swapped(a, b)
    if similar >= (AUTHORLESS_THRESHOLD if strangers else _REVIEW_TITLE):
        return similar
    return 0.0


def _blocks(feats: Sequence[_Features], order: Sequence[int]) -> dict[tuple, list[int] | int]:
    """Blocking keys: pairs of the three rarest title tokens (one token for one-word titles).

    A block of one entry (six in seven of them) holds its index, not a list of one: a million
    entries make millions of blocks, and a list each cost hundreds of MB."""
    df: Counter = Counter()
    for f in feats:
        df.update(_title_words(f.title))
    blocks: dict[tuple, list[int] | int] = {}

    def put(key: tuple, i: int) -> None:
        members = blocks.get(key)
        if members is None:
            blocks[key] = i
        elif type(members) is int:
            blocks[key] = [members, i]
        else:
            members.append(i)

    for i in order:
        f = feats[i]
        if f.first_family and f.parts[0] and f.first_page:
            put(("@", f.first_family, f.parts[0], f.first_page), i)  # one article's coordinates
        tokens = sorted(_title_words(f.title), key=lambda t: (df[t], t))[:3]
        if not tokens:
            continue
        if len(tokens) == 1:
            put((tokens[0],), i)
            continue
        for pair in combinations(sorted(tokens), 2):
            put(pair, i)
    return blocks


def _ranks(order: Sequence[int]) -> list[int]:
    """Each index's place in ``order`` (a list: a dict of a million ints is a hundred MB)."""
    rank = [0] * len(order)
    for r, i in enumerate(order):
        rank[i] = r
    return rank


def _candidate_pairs(feats: Sequence[_Features], order: Sequence[int]):
    """Pairs (in the canonical order) sharing a block and with years within one."""
    rank = _ranks(order)
    size = len(feats)
    seen: set[int] = set()  # pairs (i, j) as i * size + j: an int costs half a tuple
    for members in _blocks(feats, order).values():
        if type(members) is int:
            continue
        by_year = sorted(members, key=lambda i: (feats[i].year if feats[i].year is not None else -1, rank[i]))
        undated = [i for i in by_year if feats[i].year is None]
        dated = [i for i in by_year if feats[i].year is not None]
        span = 0 if len(members) > _BLOCK_CAP else 1
        for x, i in enumerate(dated):
            yi = feats[i].year
            for j in dated[x + 1:]:
                if feats[j].year - yi > span:
                    break
                pair = (i, j) if rank[i] < rank[j] else (j, i)
                code = pair[0] * size + pair[1]
                if code not in seen:
                    seen.add(code)
                    yield pair
        if len(members) <= _BLOCK_CAP:
            for i in undated:
                for j in members:
                    if j == i:
                        continue
                    pair = (i, j) if rank[i] < rank[j] else (j, i)
                    code = pair[0] * size + pair[1]
                    if code not in seen:
                        seen.add(code)
                        yield pair


def find_duplicates(entries: Sequence[Entry], threshold: float = DEFAULT_THRESHOLD, *,
                    order: Sequence[int] | None = None, apart: Sequence[Hashable | None] | None = None,
                    different: Iterable[tuple[int, int]] = (), same: Iterable[tuple[int, int]] = (),
                    review: list[Match] | None = None) -> list[DuplicateGroup]:
    """Groups of entries that describe the same work (groups of two or more, complete linkage).

    Stable API (used by ``bibkit check``): groups are sorted by their first index, indices
    ascend within a group, and each group lists the matches (rule, score) that joined it.
    ``order`` is :func:`bibkit.keys.canonical_order` of ``entries`` when the caller has it already.

    The user's word overrides the evidence: entries with the same non-None ``apart`` label (a
    search already deduplicated) and the index pairs in ``different`` are never in one group,
    not even through a third entry; pairs in ``same`` are joined (rule ``decision``) unless that
    would put such entries together. ``review``, when given, receives the pairs with some but not
    enough evidence (rule ``review``), in content order, for a person to decide.

    The finding itself is :func:`duplicate_groups` on the entries' records, which is what a file
    read in batches calls with records made in the workers: the two cannot drift apart.
    """
    with paused_gc():
        parents = crossref_parents(entries)
        feats = [_features(e, parents.get(i)) for i, e in enumerate(entries)]
        if order is None:
            order = canonical_order(entries)
        groups = _duplicate_groups(feats, threshold, order, apart, different, same, review)
    for group in groups:
        group.entries = [entries[i] for i in group.indices]
    return groups


def record(entry: Entry) -> _Features:
    """The compact record duplicate finding needs of ``entry`` (one without a ``crossref``
    parent in the file; :func:`find_duplicates` gives children their parent's venue and year)."""
    return _features(entry)


def duplicate_groups(feats: Sequence[_Features], order: Sequence[int], threshold: float = DEFAULT_THRESHOLD,
                     review: list[Match] | None = None) -> list[DuplicateGroup]:
    """:func:`find_duplicates` on records (:func:`record`) in ``order`` (the entries'
    :func:`bibkit.keys.canonical_order`); the groups' ``entries`` are left empty."""
    with paused_gc():
        return _duplicate_groups(feats, threshold, order, review=review)


def _duplicate_groups(feats: Sequence[_Features], threshold: float, order: Sequence[int],
                      apart: Sequence[Hashable | None] | None = None, different: Iterable[tuple[int, int]] = (),
                      same: Iterable[tuple[int, int]] = (), review: list[Match] | None = None) -> list[DuplicateGroup]:
    if _issues_are_record_numbers(feats):
        feats = [dataclasses.replace(f, parts=(f.parts[0], "", f.parts[2])) for f in feats]
    rank = _ranks(order)
    uf = _UnionFind(feats, apart, different)
    matches: list[Match] = []

    def link(a: int, b: int, rule: str, score: float, detail: str, force: bool = False) -> None:
        if uf.find(a) == uf.find(b) or uf.kept_apart(a, b):
            return
        if not force and not uf.can_join(a, b):
            return
        uf.union(a, b)
        matches.append(Match(min(a, b), max(a, b), rule, score, detail))

    # 1. identifiers: an equal DOI (or arXiv id) is one work whatever else the entries say; these
    # groups are the "atoms" the later rules join whole or not at all
    for attr, rule in (("doi", "doi"), ("preprint_doi", "doi"), ("arxiv", "arxiv")):
        first: dict[str, int] = {}
        for i in order:
            value = getattr(feats[i], attr)
            if not value:
                continue
            if value in first:
                j = first[value]
                named = rule
                if rule == "arxiv" and bool(feats[i].doi) != bool(feats[j].doi):
                    named = "preprint-published"
                link(j, i, named, 100.0, f"same {attr.replace('_', ' ')} {value}", force=(rule == "doi"))
            else:
                first[value] = i
    # each group's atoms; a group of one entry is not stored ([[i]], by far the most groups)
    shared = {uf.find(i) for i in range(len(feats)) if uf.find(i) != i}
    atoms: dict[int, list[int]] = defaultdict(list)
    for i in order:
        root = uf.find(i)
        if root in shared:
            atoms[root].append(i)
    groups: dict[int, list[list[int]]] = {root: [members] for root, members in atoms.items()}
    del atoms, shared
    evidence_cache: dict[tuple[int, int], bool] = {}
    conflict_cache: dict[tuple[int, int], bool] = {}
    version: dict[int, int] = defaultdict(int)  # bumped when a group grows
    refused: set[tuple[int, int, int, int]] = set()

    def evidence(x: int, y: int) -> bool:
        """Direct evidence that x and y are one work (an identifier or the fuzzy test)."""
        pair = (x, y) if x < y else (y, x)
        known = evidence_cache.get(pair)
        if known is None:
            fx, fy = feats[x], feats[y]
            if hard_conflict(fx, fy):
                known = False
            elif fx.isbn and fx.isbn == fy.isbn and _same_book(fx, fy):
                known = True
            else:
                known = bool(fuzzy_score(fx, fy, threshold)[0])
            evidence_cache[pair] = known
        return known

    def joinable(a: int, b: int) -> bool:
        """Complete linkage: every atom of one group has evidence with every atom of the other.

        Single-link chaining is what let "Deep learning" (Nature 2015) and "Deep Learning" (MIT
        Press 2016) meet through their duplicates; here a third entry joins only a group all of
        whose works it matches, and no member of either may conflict (DOIs, ISBNs, book and
        article, volumes, editions, "Erratum").
        """
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            return True
        if not uf.can_join(a, b) or uf.kept_apart(a, b):
            return False
        # a refusal stands until one of the two groups changes (many pairs link the same groups)
        tried = (ra, version[ra], rb, version[rb]) if ra < rb else (rb, version[rb], ra, version[ra])
        if tried in refused:
            return False
        for atom_a in groups.get(ra) or [[ra]]:
            for atom_b in groups.get(rb) or [[rb]]:
                if any(conflict(x, y) for x in atom_a for y in atom_b) \
                        or not any(evidence(x, y) for x in atom_a for y in atom_b):
                    refused.add(tried)
                    return False
        return True

    def conflict(x: int, y: int) -> bool:
        pair = (x, y) if x < y else (y, x)
        known = conflict_cache.get(pair)
        if known is None:
            known = conflict_cache[pair] = bool(hard_conflict(feats[x], feats[y]))
        return known

    def join(a: int, b: int, rule: str, score: float, detail: str) -> None:
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb or not joinable(a, b):
            return
        link(a, b, rule, score, detail)
        root = uf.find(a)
        merged = (groups.pop(ra, None) or [[ra]]) + (groups.pop(rb, None) or [[rb]])
        groups[root] = merged
        version[root] = version.get(ra, 0) + version.get(rb, 0) + 1

    # 2. ISBNs of whole books, when the titles agree
    first_isbn: dict[str, int] = {}
    for i in order:
        value = feats[i].isbn
        if not value:
            continue
        if value in first_isbn:
            j = first_isbn[value]
            if _same_book(feats[i], feats[j]):
                join(j, i, "isbn", 100.0, f"same isbn {value}")
        else:
            first_isbn[value] = i
    # 3. fuzzy candidates from blocking; identifiers veto, preprint/published pairs are named
    verdicts = []
    possible = []  # (a, b, title similarity, why not) for the review queue
    for a, b in _candidate_pairs(feats, order):
        fa, fb = feats[a], feats[b]
        if _ids_distinct(fa, fb):
            continue
        score, why = fuzzy_score(fa, fb, threshold)
        if not score:
            if review is not None:
                similar = _review_similarity(fa, fb)
                if similar:
                    possible.append((a, b, similar, why))
            continue
        evidence_cache[(a, b) if a < b else (b, a)] = True
        pair_rule = "fuzzy"
        if (fa.is_preprint and not fa.doi and fb.doi) or (fb.is_preprint and not fb.doi and fa.doi):
            pair_rule = "preprint-published"
        verdicts.append((-score, a, b, pair_rule, why))
    verdicts.sort(key=lambda v: (v[0], rank[v[1]], rank[v[2]]))  # best scores first, then content order
    for neg, a, b, pair_rule, why in verdicts:
        join(a, b, pair_rule, round(-neg, 1), why)
        if review is not None and uf.find(a) != uf.find(b) and not uf.kept_apart(a, b):
            possible.append((a, b, round(-neg, 1), "evidence for the pair, but its groups disagree elsewhere"))
    # 4. the user's decisions: a pair marked "same" is one work (unless kept apart)
    for a, b in sorted((min(p), max(p)) for p in same):
        if a != b and uf.find(a) != uf.find(b) and uf.can_join(a, b):
            link(a, b, "decision", 100.0, "marked same in the decisions file")
    if review is not None:
        for a, b, similar, why in sorted(possible, key=lambda p: (rank[p[0]], rank[p[1]])):
            if uf.find(a) != uf.find(b) and not uf.kept_apart(a, b):
                review.append(Match(min(a, b), max(a, b), "review", float(round(similar, 1)), why))

    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(feats)):
        members[uf.find(i)].append(i)
    by_root: dict[int, list[Match]] = defaultdict(list)
    for m in matches:
        by_root[uf.find(m.a)].append(m)
    result = []
    for root, idx in members.items():
        if len(idx) > 1:
            result.append(DuplicateGroup(idx, [], sorted(by_root[root], key=lambda m: (m.a, m.b))))
    result.sort(key=lambda g: g.indices[0])
    return result
