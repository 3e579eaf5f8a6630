"""What bibliographic databases write differently about one record, folded before matching.

The same article exported from MEDLINE, Embase, Web of Science, CINAHL or Scopus differs in
ways that say nothing about the work: the title carries the database's annotations
(``[Review] [45 refs]``, ``(Provisional abstract)``, ``(multiple letters) [1]``, ``[Erratum
appears in ...]``) or is cut short at a length limit; the journal is ``Obstetrical & Gynecological
Survey`` in one and ``Obstetrical and Gynecological Survey`` or ``Obstet Gynecol Surv`` in
another; names are swapped (``Ching-yi, Wu``), written with initials, or ``null``; pages are
``S417-S429`` or ``Suppl``; a volume reads ``Drug Discovery. 9``; ``number`` holds an accession
number. These helpers fold such variation so :mod:`bibkit.transforms.dedupe` compares the work
itself. What marks another *record* is kept: a Web of Science erratum citation
``(vol 142, pg 310, 2003)`` becomes the word "erratum", which :mod:`distinct_works` reads.
"""
from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

#: Database annotations in titles that are not part of the work's title.
_ANNOTATIONS = re.compile(
    r"(?ix)"
    r"\[\s*(?:review|editorial|comment|comments|see\ comments?|letter|news|english\ abstract|"
    r"\d+\s*refs?\.?|\d+)\s*(?:\]|$)"
    r"|\[\s*(?:published\ )?(?:erratum\ appears|retraction|comment|update)\ in\b.*$"  # to the end: nested, cut
    r"|\(\s*(?:provisional|structured)?\s*abstract\s*\)"
    r"|\[\s*abstract(?:\s+no\.?\s*:?\s*[\w.-]+)?\s*\]"  # CENTRAL marks a meeting abstract so
    r"|\(\s*multiple\ letters\s*\)"
    r"|\(\s*(?:author'?s?\ )?transl\s*\)"
)
#: A Web of Science correction: "Title (vol 142, pg 310, 2003)" is the erratum of that article.
_WOS_ERRATUM = re.compile(r"(?i)\(\s*vol\.?\s*\w+\s*,\s*pg?\.?\s*\w+\s*,\s*(?:\d{4}|\w+)\s*\)")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_DIGITS = re.compile(r"\d+")
#: Author "names" that are placeholders for none.
PLACEHOLDER_NAMES = frozenset({"null", "none", "na", "nan", "anonymous", "anon", "unknown", "noauthor"})


#: A MEDLINE-style citation appended to a title ("... N Engl J Med. 2009 Jan 29;360(5):544-6").
_CITATION_TAIL = re.compile(r"(?:\.\.\.|[.:])\s+[A-Z][A-Za-z .&]{2,80}?\.?\s+(?:19|20)\d\d\b[^;]{0,20};\s*\d+\s*"
                            r"(?:\(\s*[\w-]+\s*\))?\s*:\s*[\w-]+\.?\s*$")


#: A journal section named as a subtitle by one database ("...: Brief communication").
_SECTION_SUBTITLE = re.compile(r"(?i)\s*:\s*(?:brief|short|rapid)\s+(?:communication|report)s?\.?\s*$"
                               r"|\s*:\s*(?:original|research|review|clinical)\s+(?:article|paper|research)s?\.?\s*$")


def clean_title(title: str) -> str:
    """The title without database annotations; an erratum citation becomes the word "erratum"."""
    if "[" in title or "(" in title:
        title = _ANNOTATIONS.sub(" ", title)
        title = _WOS_ERRATUM.sub(" erratum ", title)
    if ";" in title:
        title = _CITATION_TAIL.sub("", title)
    if ":" in title:
        title = _SECTION_SUBTITLE.sub("", title)
    return title


def first_page(pages: str) -> str:
    """The first page's number for comparison ("S417" and "417" equal); "" when it has none.

    "Suppl", "t" or "e-pub" say nothing about where the article starts: such pages are unknown,
    not different.
    """
    start = re.split(r"[-–—,]", pages, maxsplit=1)[0].strip().lower()
    digits = _DIGITS.search(start)
    return digits.group(0).lstrip("0") or "0" if digits else ""


def last_page(pages: str) -> str:
    """The last page's number of a range, completed from the first ("943-5" ends at 945); ""
    for a single page or when it cannot be read."""
    parts = re.split(r"\s*[-–—]+\s*", pages.strip(), maxsplit=1)
    if len(parts) < 2:
        return ""
    first, last = first_page(parts[0]), first_page(parts[1])
    if not first or not last:
        return ""
    if len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return last if last != first else ""


def part_number(value: str) -> str:
    """A volume or issue for comparison: its number, also inside noise ("Drug Discovery. 9")."""
    if not value or value.isdigit():
        return value.lstrip("0") or value
    digits = _DIGITS.search(value)
    return digits.group(0).lstrip("0") or "0" if digits else _NON_ALNUM.sub(" ", value.lower()).strip()


def plausible_issue(value: str) -> bool:
    """An issue number a journal could have: a database accession number in ``number`` is not."""
    return bool(value) and not (value.isdigit() and len(value) > 3)


@lru_cache(maxsize=1 << 14)
def container_key(name: str) -> str:
    """A journal name for comparison: ASCII, lower case, ``&`` as "and", no leading article,
    no "[Electronic Resource]"-like tags, punctuation folded."""
    text = name if name.isascii() else anyascii(name)
    text = re.sub(r"\[[^\]]*\]", " ", text).replace("&", " and ")
    text = _NON_ALNUM.sub(" ", text.lower()).strip()
    return re.sub(r"^(?:the|la|le|les|der|die|das)\s+", "", text)


def name_tokens(family: str, given: str, particle: str) -> set[str]:
    """Every word of a name, folded: lets "Ching-yi, Wu" meet "Wu, Ching-yi" and "de-Schipper"
    meet "Schipper"."""
    words = set()
    for part in (family, given, particle):
        if not part:
            continue
        folded = part if part.isascii() else anyascii(part)
        folded = folded.lower()
        pieces = [p for p in _NON_ALNUM.split(folded) if len(p) > 1]
        words.update(pieces)
        joined = "".join(pieces)
        if joined:
            words.add(joined)
    return words


_CORPORATE_WORDS = frozenset("""inc ltd llc corp corporation gmbh group pharmaceuticals pharma company ag plc
    foundation institute organization organisation association society committee consortium collaboration
    collaborative investigators trialists network agency council ministry department""".split())


def is_corporate(name) -> bool:
    """An organisation rather than a person ("Alexion Pharmaceuticals, Inc", "{ASCUS-LSIL Triage
    Study Group}"): as an author it tells little about which of its works a record is."""
    if name.literal:
        return True
    words = _NON_ALNUM.split(f"{name.family} {name.given}".lower())
    return any(w in _CORPORATE_WORDS for w in words)
