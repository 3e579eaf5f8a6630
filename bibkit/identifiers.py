"""Recognising and normalising identifiers: DOI, arXiv, ISBN, ISSN, PMID.

Normal forms are what deduplication compares: a DOI lower-cased without resolver prefix, an
arXiv id without ``arXiv:`` and with the version kept apart, ISBN/ISSN as bare digits (with the
check digit validated separately so a typo can be reported rather than silently "fixed").
"""
from __future__ import annotations

import re

DOI_RE = re.compile(r"10\.\d{4,9}/[^\s\"<>{}]+", re.IGNORECASE)
_DOI_PREFIX = re.compile(
    r"^\s*(?:doi:\s*|https?://(?:dx\.)?doi\.org/|(?:dx\.)?doi\.org/|info:doi/)", re.IGNORECASE
)

# new style: 2501.12948 (since 2015 five digits), 0704.0001 (2007-2014 four digits)
ARXIV_NEW = re.compile(r"(?<![\w.])(\d{4}\.\d{4,5})(v\d+)?(?![\w.])")
# old style: hep-th/9901001, math.AG/0601001
ARXIV_OLD = re.compile(r"(?<![\w.])([a-z][a-z\-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?(?!\w)")
_ARXIV_PREFIX = re.compile(
    r"^\s*(?:arxiv:\s*|https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/|arxiv\.org/(?:abs|pdf)/)",
    re.IGNORECASE,
)


def normalize_doi(value: str) -> str:
    """``https://doi.org/10.1000/ABC`` -> ``10.1000/abc``; "" when no DOI is in the value.

    DOIs are case-insensitive by definition (the DOI Handbook), so the normal form is lower case.
    It is the form to compare; :func:`written_doi` is the form to write.
    """
    return bare_doi(value).lower()


def bare_doi(value: str) -> str:
    """The DOI in ``value`` without resolver prefix, in the case it was written ("" if none)."""
    if not value:
        return ""
    text = _DOI_PREFIX.sub("", value.strip())
    match = DOI_RE.search(text)
    if not match:
        return ""
    return match.group(0).rstrip(".,;)")


#: Where readers keep a DOI as the source wrote it (``entry.meta``), checked in this order.
DOI_AS_WRITTEN = "doi_as_written"


def written_doi(entry) -> str:
    """The entry's DOI as its source wrote it (``10.1093/mind/LIX.236.433``), without resolver.

    ``entry.ids.doi`` is the lower-case normal form used for comparison; writers show the
    source's spelling when it is still the same DOI (an enriched or merged entry may have
    changed it since).
    """
    doi = entry.ids.doi
    if not doi:
        return ""
    meta = entry.meta
    for candidate in (meta.get(DOI_AS_WRITTEN), meta.get("bibtex_verbatim", {}).get("doi"),
                      meta.get("ris_raw", {}).get("DO")):
        if candidate and isinstance(candidate, str):
            bare = bare_doi(candidate)
            if bare.lower() == doi:
                return bare
    return doi


def is_valid_doi(value: str) -> bool:
    return bool(re.fullmatch(r"10\.\d{4,9}/\S+", value or ""))


def parse_arxiv(value: str) -> tuple[str, str]:
    """``arXiv:2501.12948v2`` -> (``2501.12948``, ``v2``); ("", "") when it is not an arXiv id."""
    if not value:
        return "", ""
    text = _ARXIV_PREFIX.sub("", value.strip())
    text = re.sub(r"\.pdf$", "", text)
    for pattern in (ARXIV_NEW, ARXIV_OLD):
        match = pattern.match(text.strip())
        if match:
            return match.group(1), match.group(2) or ""
    return "", ""


def find_arxiv(text: str) -> tuple[str, str]:
    """The first arXiv id mentioned anywhere in free text (``arXiv:...`` or an arxiv.org URL)."""
    match = re.search(
        r"(?:arxiv(?:\.org/(?:abs|pdf)/|:\s*)|\barXiv\s+)([a-z\-]+(?:\.[A-Z]{2})?/\d{7}|\d{4}\.\d{4,5})(v\d+)?",
        text,
        re.IGNORECASE,
    )
    if match:
        return match.group(1), match.group(2) or ""
    return "", ""


def find_doi(text: str) -> str:
    match = DOI_RE.search(text or "")
    return match.group(0).rstrip(".,;)").lower() if match else ""


def normalize_isbn(value: str) -> str:
    """Digits (and a final X) only; multiple ISBNs keep only the first."""
    first = re.split(r"[;,]|\s{2,}", value.strip())[0] if value else ""
    return re.sub(r"[^0-9Xx]", "", first).upper()


def isbn13(isbn: str) -> str:
    """An ISBN-10 as its ISBN-13 (the same book has both); anything else as it is."""
    if len(isbn) != 10 or not isbn[:9].isdigit():
        return isbn
    body = "978" + isbn[:9]
    check = (10 - sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(body)) % 10) % 10
    return body + str(check)



def isbn_is_valid(isbn: str) -> bool:
    digits = normalize_isbn(isbn)
    if len(digits) == 10:
        if not digits[:9].isdigit():
            return False
        total = sum((10 - i) * int(c) for i, c in enumerate(digits[:9]))
        check = 10 if digits[9] == "X" else (int(digits[9]) if digits[9].isdigit() else -1)
        return (total + check) % 11 == 0
    if len(digits) == 13 and digits.isdigit():
        total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(digits[:12]))
        return (10 - total % 10) % 10 == int(digits[12])
    return False


def normalize_issn(value: str) -> str:
    first = re.split(r"[;,]", value.strip())[0] if value else ""
    digits = re.sub(r"[^0-9Xx]", "", first).upper()
    return f"{digits[:4]}-{digits[4:]}" if len(digits) == 8 else first.strip()


def issn_is_valid(issn: str) -> bool:
    digits = re.sub(r"[^0-9X]", "", (issn or "").upper())
    if len(digits) != 8 or not digits[:7].isdigit():
        return False
    total = sum((8 - i) * int(c) for i, c in enumerate(digits[:7]))
    check = (11 - total % 11) % 11
    return digits[7] == ("X" if check == 10 else str(check))


def normalize_pmid(value: str) -> str:
    match = re.search(r"\d{1,9}", value or "")
    return match.group(0) if match else ""


def is_valid_url(value: str) -> bool:
    return bool(re.match(r"^(https?|ftp)://[^\s/$.?#][^\s]*$", value or "", re.IGNORECASE))


def strip_doi_prefix(value: str) -> str:
    """``https://doi.org/10.1000/X`` -> ``10.1000/X`` with the case kept (for in-place fixes)."""
    return _DOI_PREFIX.sub("", (value or "").strip())
