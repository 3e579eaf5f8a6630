"""Paper listings in: the lists of papers people copy from listing pages, one paper a line.

Three shapes are read, line by line, and may be mixed in one file:

* **paper cards** as copied from a paper-listing page:
  ``UPVOTES TITLE ABSTRACT N authors · DATE [COMMENTS]``, where UPVOTES is a number or ``-``,
  the title and abstract run together with no separator (see
  :mod:`bibkit.formats.listing_split` for how they are told apart), DATE is ``Jan 22`` or
  ``Sep 10, 2024`` and the optional trailing number is the card's comment count;
* **arXiv listing pages** ("arXiv:2501.12948 [pdf] Title: ... Authors: ... Subjects: ..."),
  on one line or as the multi-line block the page shows; these carry author names;
* **identifier lists**: one DOI or arXiv id (bare, prefixed or as a URL) per line, which become
  entries holding just the identifier until ``bibkit enrich`` fills them.

Lines of no known shape are reported with their line number (and kept as comments), never
dropped silently.

Dates: a card omits the year when the date falls in the year the page was captured. The year
is inferred, in this order: the ``year`` option (``bibkit convert --year``) wins; otherwise an
arXiv id on the card pins its year (YYMM is the month arXiv announced it, so a December
card with a January id belongs to the year before); otherwise the
capture year is taken as the earliest year consistent with the listing, i.e. one after the
latest year printed explicitly (a printed year is by construction not the capture year, and
no paper is dated after the capture); with no printed year at all, the current year (and a
warning asking for ``--year``). Every inferred date is ``Date(..., inferred=True)`` and the date
as printed is kept in ``extra["listing-date"]``.

Cards give an author count, never names: the count is kept in ``extra["author-count"]``,
names stay empty (nothing is invented) and one warning per file says how many entries lack
names. Everything else on a card that has no canonical slot goes to ``extra`` too
(``upvotes``, ``comments``, ``urls``), so nothing of the line is lost. The title/abstract
split's confidence is ``meta["title_confidence"]`` (warned below :data:`LOW_CONFIDENCE`).
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from bibkit.dates import parse_free_date, parse_month
from bibkit.diagnostics import Reporter
from bibkit.formats.listing_split import split_title_abstract
from bibkit.formats.signatures import looks_structured
from bibkit.identifiers import DOI_RE, find_arxiv, find_doi, normalize_doi, parse_arxiv
from bibkit.model import Comment, Date, DateParts, Entry, Library, NameList, Source
from bibkit.names import parse_name
from bibkit.text_marks import marked_text

#: below this title confidence an entry gets a warning asking the user to check the title
LOW_CONFIDENCE = 0.5

_UPVOTES = r"(?P<up>-|–|\d[\d,]*(?:\.\d+)?[kK]?)"
_CARD = re.compile(
    rf"^\s*{_UPVOTES}\s+(?P<body>.+?)\s+(?P<n>\d[\d,]*)\s+authors?\s*[·•|]\s*(?P<rest>.*?)\s*$"
)
_CARD_NO_AUTHORS = re.compile(rf"^\s*{_UPVOTES}\s+(?P<body>\S.*?)\s*$")
_CARD_DATE = re.compile(
    r"^(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:(?P<comma>,)\s*(?P<year>\d{4}))?(?:\s+(?P<tail>\d[\d,]*))?$"
)
_URL = re.compile(r"https?://[^\s<>\"'`]+")
_ARXIV_LABELS = ("Title", "Authors", "Author", "Abstract", "Comments", "Subjects", "Journal-ref",
                 "DOI", "Report-no", "MSC-class", "ACM-class")
_LABEL = re.compile(r"(?:(?<=\s)|^)(" + "|".join(re.escape(x) for x in _ARXIV_LABELS) + r")\s*:\s*")
_ARXIV_HEAD = re.compile(
    r"^\s*(?:\[\d+\]\s*)?arXiv:\s*(?P<id>\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?P<v>v\d+)?"
    # arXiv categories: "cs.CL", "astro-ph.GA", "hep-th" (a dot or a dash; never a title word)
    r"(?:\s*\[[^\]]*\])?(?P<classes>(?:\s+(?:[a-z]+\.[A-Za-z\-]+|[a-z]+-[a-z]+(?:\.[A-Za-z\-]+)?)(?=\s|$))*)",
)
_SUBMITTED = re.compile(r"Submitted\s+(\d{1,2}\s+[A-Za-z]+,?\s+\d{4})")
_COMMENT_LINE = re.compile(r"^\s*(?:#|%|//)")


# --------------------------------------------------------------------------- raw records


@dataclass
class _Record:
    """One recognised unit of the input (a card, an arXiv block, an identifier line)."""

    kind: str  # "card", "arxiv", "id", "comment", "unknown"
    line: int
    text: str
    lines: list[str] = field(default_factory=list)


def _is_id_line(text: str) -> bool:
    """A line that is nothing but one DOI or arXiv id (bare, prefixed or as a URL)."""
    stripped = text.strip().rstrip(".,;")
    if not stripped or " " in stripped:
        return False
    if parse_arxiv(stripped)[0]:
        return True
    bare = re.sub(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", "", stripped, flags=re.IGNORECASE)
    return bool(DOI_RE.fullmatch(bare))


def _is_arxiv_start(text: str) -> bool:
    return bool(_ARXIV_HEAD.match(text))


def _looks_like_card(text: str) -> bool:
    if _CARD.match(text):
        return True
    # a card that lost its "N authors · date" tail: upvotes, then at least a title and a sentence
    m = _CARD_NO_AUTHORS.match(text)
    return bool(m) and len(m.group("body").split()) >= 8 and bool(re.match(r"[A-Z$\d]", m.group("body")))


def _starts_arxiv_block(lines: list[str], i: int) -> bool:
    """``arXiv:ID [pdf] Title: ...`` on this line, or a bare id with labelled lines below it."""
    stripped = lines[i].strip()
    if _is_id_line(stripped):
        return bool(parse_arxiv(stripped)[0]) and _next_is_label(lines, i + 1)
    return _is_arxiv_start(stripped)


def _ends_arxiv_block(line: str) -> bool:
    stripped = line.strip()
    return not stripped or _is_arxiv_start(stripped) or _is_id_line(stripped) or bool(_CARD.match(stripped))


def _records(text: str) -> list[_Record]:
    """Group the input's lines into records; unknown lines become ``unknown`` records.

    Lines are counted at ``\n`` (``\r\n`` and ``\r`` too), as editors and ``grep -n`` count them.
    """
    lines = re.split(r"\r\n|\r|\n", text)
    out: list[_Record] = []
    i = 0
    while i < len(lines):
        raw = lines[i]
        stripped = raw.strip()
        number = i + 1
        if not stripped:
            i += 1
            continue
        if _starts_arxiv_block(lines, i):
            block = [stripped]
            i += 1
            while i < len(lines) and not _ends_arxiv_block(lines[i]):
                block.append(lines[i].strip())
                i += 1
            out.append(_Record("arxiv", number, " ".join(block), block))
            continue
        if _is_id_line(stripped):
            out.append(_Record("id", number, stripped))
        elif _COMMENT_LINE.match(stripped):
            out.append(_Record("comment", number, raw))
        elif _looks_like_card(stripped):
            out.append(_Record("card", number, stripped))
        else:
            out.append(_Record("unknown", number, raw))
        i += 1
    return out


def _next_is_label(lines: list[str], j: int) -> bool:
    while j < len(lines) and not lines[j].strip():
        j += 1
    return j < len(lines) and bool(_LABEL.match(lines[j].strip()))


# --------------------------------------------------------------------------- helpers


def find_urls(text: str) -> list[str]:
    """URLs in free text, without the sentence punctuation that follows them.

    "available at https://aka.ms/vlmo." gives ``https://aka.ms/vlmo``; a closing parenthesis is
    dropped only when the URL did not open one (Wikipedia-style URLs keep theirs).
    """
    urls = []
    for m in _URL.finditer(text):
        url = m.group(0)
        while url:
            if url[-1] in ".,;:!?'\"":
                url = url[:-1]
            elif url[-1] in ")]}" and url.count(url[-1]) > url.count({")": "(", "]": "[", "}": "{"}[url[-1]]):
                url = url[:-1]
            else:
                break
        if url and url not in urls:
            urls.append(url)
    return urls


def _int(value: str | None) -> int | None:
    """``"1,234"`` -> 1234, ``"1.2k"`` -> 1200, ``"-"`` -> None."""
    if value is None or value in ("-", "–"):
        return None
    digits = value.replace(",", "")
    if digits[-1:] in ("k", "K"):
        try:
            return round(float(digits[:-1]) * 1000)
        except ValueError:
            return None
    return int(digits) if digits.isdigit() else None


def _arxiv_year_month(arxiv: str) -> tuple[int, int] | None:
    m = re.match(r"^(\d{2})(\d{2})\.\d{4,5}$", arxiv) or re.match(r"^[a-z\-]+(?:\.[A-Z]{2})?/(\d{2})(\d{2})\d{3}$", arxiv)
    if not m:
        return None
    yy, mm = int(m.group(1)), int(m.group(2))
    if not 1 <= mm <= 12:
        return None
    return (2000 + yy if yy < 91 else 1900 + yy), mm


@dataclass
class _CardDate:
    month: int | None = None
    day: int | None = None
    year: int | None = None
    comments: int | None = None
    raw: str = ""


def _card_date(rest: str) -> _CardDate | None:
    """``Jan 22 5`` -> Jan 22, no year, 5 comments; ``Oct 19, 2023 2``; ``Jan 16 2025``."""
    m = _CARD_DATE.match(rest.strip())
    if not m or parse_month(m.group("mon")) is None:
        return None
    day = int(m.group("day"))
    if not 1 <= day <= 31:
        return None
    year = int(m.group("year")) if m.group("year") else None
    tail = m.group("tail")
    # "Jan 16 2025" (no comma): a four-digit 19xx/20xx tail is a year, not a comment count
    if year is None and tail and re.fullmatch(r"(19|20)\d\d", tail):
        year, tail = int(tail), None
    date_text = rest.strip() if tail is None else rest.strip()[: rest.strip().rfind(tail)].rstrip()
    return _CardDate(parse_month(m.group("mon")), day, year, _int(tail), date_text)


# --------------------------------------------------------------------------- importer


class ListingImporter:
    """Paper cards, arXiv listing pages and DOI/arXiv id lists (see the module docstring)."""

    name = "listing"
    # .txt is too generic to claim: listings are recognised from their content (detect)
    extensions: tuple[str, ...] = ()
    description = "Paper listings: cards (title+abstract, N authors · date), arXiv pages, DOI/arXiv id lists"

    def detect(self, text: str) -> float:
        """High only when most non-empty lines are cards, arXiv blocks or identifiers."""
        start = text.lstrip()
        if start[:1] in ("@", "{", "<") or (start[:1] == "[" and not re.match(r"\[\d+\]\s*arXiv:", start)):
            return 0.0  # BibTeX, JSON, XML
        if looks_structured(text):
            return 0.0  # tagged records, keyed data, markup, a table: some format's own
        sample = "\n".join(text.splitlines()[:400])
        records = _records(sample)
        total = sum(len(r.lines) or 1 for r in records if r.kind != "comment")
        if not total:
            return 0.0
        known = sum(len(r.lines) or 1 for r in records if r.kind in ("card", "arxiv", "id"))
        share = known / total
        if share >= 0.6:
            return 0.85
        if share >= 0.3:
            return 0.4
        return 0.0  # a few card-like lines in other text are not a listing

    def parse(self, text: str, name: str = "<input>", year: int | None = None, **_options) -> Library:
        library = Library()
        report = Reporter(name, library.problems)
        records = _records(text)
        cards: list[tuple[_Record, Entry, _CardDate | None]] = []
        for rec in records:
            if rec.kind == "card":
                entry, date = self._card(rec, name, report)
                cards.append((rec, entry, date))
                library.blocks.append(entry)
            elif rec.kind == "arxiv":
                library.blocks.append(self._arxiv(rec, name, report))
            elif rec.kind == "id":
                library.blocks.append(self._identifier(rec, name))
            elif rec.kind == "comment":
                library.blocks.append(Comment(rec.text.strip(), explicit=True, line=rec.line))
            else:
                report.error(rec.line, "not a paper card, an arXiv listing entry or a DOI/arXiv id; "
                             "kept as a comment", "listing-unknown-line")
                library.blocks.append(Comment(rec.text.strip(), explicit=True, line=rec.line))
        self._dates(cards, year, report)
        nameless = sum(1 for b in library.entries if "author-count" in b.extra and not b.authors)
        if nameless:
            report.warn(None, f"{nameless} entries have no author names (the listing gives only a count); "
                        "`bibkit enrich` can fill them", "listing-no-authors")
        id_only = sum(1 for b in library.entries if b.meta.get("listing_shape") == "identifier")
        if id_only:
            report.info(None, f"{id_only} entries hold only an identifier; `bibkit enrich` can fill them",
                        "listing-id-only")
        return library

    # -- cards

    def _card(self, rec: _Record, name: str, report: Reporter) -> tuple[Entry, _CardDate | None]:
        entry = Entry(type="article", source=Source(name, rec.line, "listing"))
        entry.meta["listing_shape"] = "card"
        m = _CARD.match(rec.text)
        date = None
        if m:
            body, upvotes = m.group("body"), m.group("up")
            entry.extra["author-count"] = str(_int(m.group("n")))
            rest = m.group("rest")
            date = _card_date(rest)
            if date is None:
                if rest:
                    entry.extra["listing-date"] = rest
                report.warn(rec.line, f"cannot read the card's date {rest!r}; kept in extra", "listing-bad-date")
            elif date.comments is not None:
                entry.extra["comments"] = str(date.comments)
        else:
            mm = _CARD_NO_AUTHORS.match(rec.text)
            body, upvotes = mm.group("body"), mm.group("up")
            report.warn(rec.line, "card has no 'N authors · date' part; no author count or date", "listing-no-meta")
        up = _int(upvotes)
        if up is not None:
            entry.extra["upvotes"] = str(up)
        split = split_title_abstract(body)
        entry.fields["title"] = marked_text(split.title, title=True)
        if split.abstract:
            entry.fields["abstract"] = marked_text(split.abstract)
        entry.meta["title_confidence"] = split.confidence
        if split.confidence < LOW_CONFIDENCE:
            report.warn(rec.line, f"title/abstract boundary uncertain (confidence {split.confidence:.2f}): "
                        f"title read as {split.title!r}; next best {split.runner_up!r}", "listing-title-uncertain")
        urls = find_urls(split.abstract)
        if urls:
            entry.extra["urls"] = " ".join(urls)
        arxiv, version = find_arxiv(rec.text)
        if arxiv:
            entry.ids.arxiv, entry.ids.arxiv_version = arxiv, version
        doi = find_doi(rec.text)
        if doi:
            entry.ids.doi = doi
        return entry, date

    def _dates(self, cards: list[tuple[_Record, Entry, _CardDate | None]], year: int | None,
               report: Reporter) -> None:
        """Give every card its issued date, completing missing years (see the module docstring)."""
        explicit = [d.year for _, _, d in cards if d and d.year]
        capture = year
        how = "the year option"
        if capture is None and explicit:
            capture, how = max(explicit) + 1, f"one after the latest printed year ({max(explicit)})"
        if capture is None:
            capture, how = _dt.datetime.now(_dt.timezone.utc).year, "the current year"
        missing = 0
        for rec, entry, d in cards:
            if d is None:
                continue
            if d.year:
                entry.dates["issued"] = Date(DateParts(d.year, d.month, d.day))
                continue
            pinned = _arxiv_year_month(entry.ids.arxiv) if entry.ids.arxiv else None
            if pinned and year is None:
                y, id_month = pinned
                # the id's month is when arXiv announced it, never before the card's date
                y = y - 1 if d.month and d.month > id_month else y
            else:
                y = capture
                missing += 1
            entry.dates["issued"] = Date(DateParts(y, d.month, d.day), inferred=True)
            entry.extra.setdefault("listing-date", d.raw)
        if missing and not explicit and year is None:
            report.warn(None, f"{missing} dates have no year and the listing prints none; assumed {capture} "
                        "(give the page's year with --year)", "listing-year-assumed")
        elif missing:
            report.info(None, f"{missing} dates without a year read as {capture} ({how})", "listing-year-inferred")

    # -- arXiv listing pages

    def _arxiv(self, rec: _Record, name: str, report: Reporter) -> Entry:
        entry = Entry(type="article", source=Source(name, rec.line, "listing"))
        entry.meta["listing_shape"] = "arxiv"
        text = rec.text
        head = _ARXIV_HEAD.match(text)
        if head:
            entry.ids.arxiv, entry.ids.arxiv_version = head.group("id"), head.group("v") or ""
            classes = head.group("classes").split()
            if classes:
                entry.ids.arxiv_class = classes[0]
            rest = text[head.end():]
        else:
            entry.ids.arxiv, entry.ids.arxiv_version = parse_arxiv(text.split()[0])
            rest = text[len(text.split()[0]):]
        submitted = _SUBMITTED.search(rest)
        if submitted:  # search results end with "Submitted DATE; originally announced ..."
            rest = rest[: submitted.start()]
        labelled = list(_LABEL.finditer(rest))
        values: dict[str, str] = {}
        for k, m in enumerate(labelled):
            end = labelled[k + 1].start() if k + 1 < len(labelled) else len(rest)
            values.setdefault(m.group(1).lower(), rest[m.end():end].strip())
        leading = rest[: labelled[0].start()].strip() if labelled else rest.strip()
        title = values.get("title") or leading
        if title:
            entry.fields["title"] = marked_text(" ".join(title.split()), title=True)
        else:
            report.warn(rec.line, f"arXiv entry {entry.ids.arxiv} has no title", "listing-no-title")
        if "abstract" in values:
            abstract = values["abstract"]
            if "▽ More" in abstract:  # search results: a teaser, then the full text
                abstract = abstract.split("▽ More", 1)[1]
            abstract = abstract.replace("△ Less", "").strip()
            if abstract:
                entry.fields["abstract"] = marked_text(abstract)
        for label in ("comments", "subjects", "journal-ref", "report-no", "msc-class", "acm-class"):
            value = values.get(label, "")
            if value:
                entry.extra["arxiv-comments" if label == "comments" else label] = value
        if not entry.ids.arxiv_class and values.get("subjects"):
            cls = re.search(r"\(([a-z\-]+(?:\.[A-Za-z\-]+)?)\)", values["subjects"])
            if cls:
                entry.ids.arxiv_class = cls.group(1)
        if values.get("doi"):
            entry.ids.doi = normalize_doi(values["doi"]) or values["doi"]
        authors = values.get("authors") or values.get("author")
        if authors:
            entry.names["author"] = _author_list(authors)
        if submitted:
            date = parse_free_date(submitted.group(1).replace(",", ""))
            if date:
                entry.dates["issued"] = date
        if "issued" not in entry.dates and entry.ids.arxiv:
            ym = _arxiv_year_month(entry.ids.arxiv)
            if ym:
                entry.dates["issued"] = Date(DateParts(ym[0], ym[1]), inferred=True)
        return entry

    # -- identifier lists

    def _identifier(self, rec: _Record, name: str) -> Entry:
        text = rec.text.strip().rstrip(".,;")
        entry = Entry(type="article", source=Source(name, rec.line, "listing"))
        entry.meta["listing_shape"] = "identifier"
        arxiv, version = parse_arxiv(text)
        if arxiv:
            entry.ids.arxiv, entry.ids.arxiv_version = arxiv, version
            ym = _arxiv_year_month(arxiv)
            if ym:
                entry.dates["issued"] = Date(DateParts(ym[0], ym[1]), inferred=True)
        else:
            entry.ids.doi = normalize_doi(text)
            entry.type = "document"  # unknown until enrichment looks the DOI up
        return entry


def _author_list(value: str) -> NameList:
    """"A. Author, B. Author and C. Author" (arXiv's style) -> names; "et al." -> others."""
    value = re.sub(r"\s*\(\s*\d+(?:\s*,\s*\d+)*\s*\)", "", value)  # affiliation markers
    parts = [p.strip() for p in re.split(r",\s*|\s+and\s+|;\s*", value) if p.strip()]
    names = NameList()
    for part in parts:
        if part.lower().rstrip(".") in ("et al", "others"):
            names.others = True
            continue
        names.names.append(parse_name(part))
    return names


__all__ = ["ListingImporter", "find_urls"]
