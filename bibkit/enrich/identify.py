"""What kind of identifier a user typed, and which identifiers an entry already carries.

Users paste identifiers in every form (``doi:``, resolver URLs, ``arXiv:`` with versions, abs
and pdf links, publisher landing pages with the DOI in their path, hyphenated ISBNs); each is
reduced to a (kind, normal form) pair with the rules of :mod:`bibkit.identifiers`, so that
look-ups and the cache see one spelling.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

from bibkit.identifiers import (find_arxiv, isbn_is_valid, normalize_doi, normalize_isbn,
                                normalize_pmid, parse_arxiv)
from bibkit.model import Entry

KINDS = ("doi", "arxiv", "isbn", "pmid")
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_PREFIX = re.compile(r"^\s*(doi|arxiv|isbn(?:-1[03])?|pmid|pubmed)\s*(?::\s*|\s+)", re.IGNORECASE)
_PUBMED_URL = re.compile(r"pubmed\.ncbi\.nlm\.nih\.gov/(\d+)|ncbi\.nlm\.nih\.gov/pubmed/(\d+)", re.IGNORECASE)


_URL = re.compile(r"^\s*(?:https?://|www\.)\S+$", re.IGNORECASE)
#: ``host.name/path`` (a last label of letters: ``10.1000/x`` is a DOI, not a host)
_HOST_PATH = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}/\S*$", re.IGNORECASE)
_DOI_IN_TEXT = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)
#: what landing-page and PDF URLs add after the DOI in their path: ``/doi/10.1002/x/full``,
#: ``/content/pdf/10.1007/x.pdf``, bioRxiv's ``10.1101/2020.12.01.406702v1.full.pdf``
_DOI_TAIL = re.compile(
    r"(?:/(?:full|abstract|pdf|epdf|fulltext|html|summary|references|figures|meta|citedby|supplemental)"
    r"|\.(?:pdf|full|abstract|short|long|html|supplementary-material)"
    r"|\+html)$", re.IGNORECASE)
_PREPRINT_VERSION = re.compile(r"^(10\.1101/[\d.]+)v\d+$", re.IGNORECASE)  # bioRxiv/medRxiv versions


def url_identifier(text: str) -> tuple[str, str] | None:
    """The identifier a landing-page URL stands for; None when the URL names none bibkit can read.

    doi.org and dx.doi.org resolve the DOI in their path; arxiv.org's ``/abs/`` and ``/pdf/``
    pages (any version, with or without ``.pdf``) name an arXiv id; a publisher's page names
    its DOI in its path (``dl.acm.org/doi/10.1145/...``) or in a query value
    (``journals.plos.org/...?id=10.1371/...``).
    """
    raw = text.strip()
    if not _URL.match(raw):
        return None
    parts = urlsplit(raw if "://" in raw else "https://" + raw)
    host = (parts.hostname or "").lower()
    path = unquote(parts.path)
    if host.endswith("arxiv.org"):
        m = re.match(r"^/(?:abs|pdf|html|format)/(.+?)/?$", path)
        arxiv, version = parse_arxiv(m.group(1)) if m else ("", "")
        return ("arxiv", arxiv + version) if arxiv else None
    if host in ("doi.org", "dx.doi.org", "www.doi.org"):
        doi = normalize_doi(path.lstrip("/"))
        return _doi_identifier(doi) if doi else None
    m = _PUBMED_URL.search(raw)
    if m:
        return "pmid", m.group(1) or m.group(2)
    m = _DOI_IN_TEXT.search(path)
    if m:
        doi = m.group(0).rstrip("/")
        while _DOI_TAIL.search(doi):
            doi = _DOI_TAIL.sub("", doi)
        doi = _PREPRINT_VERSION.sub(r"\1", doi)
        return _doi_identifier(normalize_doi(doi))
    for _, value in parse_qsl(parts.query):
        doi = normalize_doi(value)
        if doi and _DOI_IN_TEXT.fullmatch(value.strip()):
            return _doi_identifier(doi)
    return None


def is_url(text: str) -> bool:
    """Whether a user's text is a web address (with or without ``https://``)."""
    text = (text or "").strip()
    return bool(_URL.match(text) or _HOST_PATH.match(text))


def _doi_identifier(doi: str) -> tuple[str, str] | None:
    if not doi:
        return None
    arxiv = _arxiv_from_doi(doi)
    return ("arxiv", arxiv) if arxiv else ("doi", doi)


def _arxiv_from_doi(doi: str) -> str:
    m = _ARXIV_DOI.match(doi)
    if not m:
        return ""
    arxiv, _ = parse_arxiv(m.group(1))
    return arxiv or m.group(1)


def parse_identifier(text: str) -> tuple[str, str] | None:
    """``"doi:10.1000/X"`` -> ("doi", "10.1000/x"); None when it is no identifier we know.

    A version on an arXiv id is kept (``2501.12948v2``): the user asked for that version.
    """
    raw = (text or "").strip()
    if not raw:
        return None
    if _URL.match(raw):
        return url_identifier(raw)
    prefix = _PREFIX.match(raw)
    kind = prefix.group(1).lower()[:4] if prefix else ""
    kind = {"pubm": "pmid", "arxi": "arxiv"}.get(kind, kind)
    body = raw[prefix.end():] if prefix else raw
    if kind == "pmid":
        pmid = normalize_pmid(body)
        return ("pmid", pmid) if pmid and pmid == body.strip() else None
    if kind == "isbn":
        isbn = normalize_isbn(body)
        return ("isbn", isbn) if isbn_is_valid(isbn) else None
    if kind in ("", "arxiv"):
        arxiv, version = parse_arxiv(raw if kind == "arxiv" else body)
        if arxiv:
            return "arxiv", arxiv + version
        if kind == "arxiv":
            return None
    if not kind and _HOST_PATH.match(raw):  # a URL pasted without its scheme: dl.acm.org/doi/10...
        return url_identifier("https://" + raw)
    m = _PUBMED_URL.search(raw)
    if m:
        return "pmid", m.group(1) or m.group(2)
    doi = normalize_doi(raw)
    if doi:
        arxiv = _arxiv_from_doi(doi)
        return ("arxiv", arxiv) if arxiv else ("doi", doi)
    digits = re.sub(r"[\s\-]", "", body)
    if re.fullmatch(r"\d{9}[\dXx]|\d{13}", digits) and isbn_is_valid(digits):
        return "isbn", normalize_isbn(digits)
    if re.fullmatch(r"\d{1,8}", digits):
        return "pmid", digits
    return None


def entry_identifiers(entry: Entry) -> list[tuple[str, str]]:
    """The identifiers to look an entry up by, most specific first.

    An arXiv id hidden in a free-text field (``journal = {arXiv preprint arXiv:2501.12948}``,
    a URL, a note) counts: that is how most hand-made preprint entries cite arXiv.
    """
    ids = entry.ids
    out: list[tuple[str, str]] = []
    if ids.doi:
        arxiv = _arxiv_from_doi(ids.doi)
        out.append(("arxiv", arxiv) if arxiv else ("doi", ids.doi))
    arxiv = ids.arxiv
    if not arxiv:
        for text in (entry.fields.get("container-title", ""), entry.fields.get("number", ""), ids.url,
                     entry.fields.get("note", ""), entry.extra.get("eprint", ""), entry.extra.get("journal", "")):
            arxiv, _ = find_arxiv(text or "")
            if arxiv:
                break
    if arxiv and ("arxiv", arxiv) not in out:
        out.append(("arxiv", arxiv))
    if not ids.doi:
        doi = normalize_doi(ids.url) if "doi.org/" in ids.url else ""
        if doi:
            out.insert(0, ("doi", doi))
    if ids.pmid:
        out.append(("pmid", ids.pmid))
    if ids.isbn and isbn_is_valid(ids.isbn):
        out.append(("isbn", normalize_isbn(ids.isbn)))
    return out
