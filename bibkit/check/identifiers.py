"""Identifiers: DOI (and its resolver prefix), ISBN and ISSN check digits, arXiv ids, URLs."""
from __future__ import annotations

import re
from typing import Iterable

from bibkit.check.raw import raw_field, split_delimiters
from bibkit.check.registry import Context, Finding, Fix, entry_check, get
from bibkit.identifiers import is_valid_url, isbn_is_valid, issn_is_valid, parse_arxiv, strip_doi_prefix
from bibkit.model import Entry

_SPLIT = re.compile(r"\s*[;,]\s*|\s+(?=(?:ISBN|ISSN|\d))", re.IGNORECASE)


def _parts(value: str) -> list[str]:
    """Several identifiers in one field (``978-... ; 0-...``) are checked one by one."""
    cleaned = re.sub(r"\((?:print|online|electronic|hardcover|paperback|pbk|hbk)[^)]*\)", "", value, flags=re.I)
    parts = [re.sub(r"^(?:ISBN|ISSN)(?:-1[03])?:?\s*", "", p.strip(), flags=re.I) for p in _SPLIT.split(cleaned)]
    return [p for p in parts if p and re.search(r"\d", p)]


def _line(entry: Entry, field: str) -> int | None:
    raw = raw_field(entry, field)
    return raw[1] if raw else None


@entry_check("doi-resolver-prefix", "warning",
             "the doi field holds a URL or 'doi:' prefix; biblatex and styles add their own, giving broken links",
             "identifiers", fixable=True)
def doi_prefix(entry: Entry, ctx: Context) -> Iterable[Finding]:
    raw = raw_field(entry, "doi")
    if raw is None:
        return
    parts = split_delimiters(raw[0])
    if parts is None:
        return
    bare = strip_doi_prefix(parts[1])
    if bare == parts[1].strip():
        return
    if not bare.startswith("10."):
        return  # not a DOI at all: invalid-doi says so
    new = parts[0] + bare + parts[2] if parts[0] else "{" + bare + "}"
    fix = Fix(entry.source.file, raw[1], raw[0], new, f"doi: removed the resolver prefix ({bare})")
    yield get("doi-resolver-prefix").at(entry, f"doi {parts[1]!r} has a resolver prefix; write {bare!r}", raw[1], fix)


@entry_check("invalid-isbn", "warning", "an ISBN with the wrong length or check digit (a typo)", "identifiers")
def invalid_isbn(entry: Entry, ctx: Context) -> Iterable[Finding]:
    for part in _parts(entry.ids.isbn):
        digits = re.sub(r"[^0-9Xx]", "", part)
        if not isbn_is_valid(part):
            why = "check digit is wrong" if len(digits) in (10, 13) else f"has {len(digits)} digits, not 10 or 13"
            if len(digits) == 8 and issn_is_valid(part):
                why = "is an ISSN, not an ISBN (write it in the issn field)"
            yield get("invalid-isbn").at(entry, f"ISBN {part!r} {why}", _line(entry, "isbn"))


@entry_check("invalid-issn", "warning", "an ISSN with the wrong length or check digit", "identifiers")
def invalid_issn(entry: Entry, ctx: Context) -> Iterable[Finding]:
    for part in _parts(entry.ids.issn):
        digits = re.sub(r"[^0-9Xx]", "", part)
        if not issn_is_valid(part):
            why = "check digit is wrong" if len(digits) == 8 else f"has {len(digits)} digits, not 8"
            yield get("invalid-issn").at(entry, f"ISSN {part!r} {why}", _line(entry, "issn"))


@entry_check("invalid-arxiv", "warning",
             "eprint is declared an arXiv id but is not one (YYMM.NNNNN or archive/YYMMNNN)", "identifiers")
def invalid_arxiv(entry: Entry, ctx: Context) -> Iterable[Finding]:
    eprint = entry.extra.get("eprint")
    if not eprint:
        return
    kind = next((v for k, v in entry.extra.items() if k.lower() in ("archiveprefix", "eprinttype")), "")
    if kind.strip().lower() == "arxiv" and not parse_arxiv(eprint)[0]:
        yield get("invalid-arxiv").at(entry, f"eprint {eprint!r} is not an arXiv identifier", _line(entry, "eprint"))


@entry_check("invalid-url", "warning", "a url that is not an absolute http(s)/ftp URL, or has spaces", "identifiers")
def invalid_url(entry: Entry, ctx: Context) -> Iterable[Finding]:
    url = entry.ids.url
    if url and not is_valid_url(url.strip()):
        yield get("invalid-url").at(entry, f"url {url!r} is not a valid absolute URL", _line(entry, "url"))
