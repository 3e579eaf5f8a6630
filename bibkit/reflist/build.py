"""Labelled spans -> a canonical :class:`~bibkit.model.Entry`.

Names, dates and identifiers go through bibkit's own code (:mod:`bibkit.names`,
:mod:`bibkit.dates`, :mod:`bibkit.identifiers`). Identifiers are found by pattern in the whole
reference, never taken from the model. The type is guessed from what was found (a thesis or
report word, proceedings words in the container, an editor, a publisher without a container).
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from bibkit.dates import parse_free_date, parse_month
from bibkit.identifiers import find_arxiv, isbn_is_valid, normalize_doi, normalize_isbn, parse_arxiv
from bibkit.text_marks import marked_text
from bibkit.model import Date, DateParts, Entry, Name, NameList, Text
from bibkit.names import parse_name
from bibkit.reflist.fields import Span, spans_of, strip_edges
from bibkit.reflist.repair import mend

#: below this marginal probability a field's label is reported as uncertain
LOW_CONFIDENCE = 0.6

_DOI = re.compile(r"(?:doi\s*:?\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/[^\s\"<>{}]+)", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
_ISBN = re.compile(r"\bISBN(?:-1[03])?\s*:?\s*((?:97[89][\s-]?)?(?:\d[\s-]?){9}[\dXx])")
_ARXIV_BARE = re.compile(r"\barXiv\s*:?\s*(?:preprint\s+)?(?:arXiv\s*:\s*)?"
                         r"(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)([a-z](?![a-z]))?")
_ETAL = re.compile(r"(?:,?\s*(?:et\.?\s*al\.?|and\s+others|u\.\s*a\.|e\.\s*a\.|\.\.\.|…))\s*$", re.IGNORECASE)
_AND = re.compile(r"\s+(?:&|and|und|et|y|e)\s+|\s*&\s*", re.IGNORECASE)
_INITIALS = re.compile(r"^(?:[A-Z\u00c0-\u017f][a-z]?\.?\s*-?\s*){1,4}$")
_VANCOUVER = re.compile(r"^(?P<fam>[\w\u00c0-\u024f'\u2019\- ]+?)\s+(?P<ini>[A-Z]{1,3})\.?$")
_GIVEN_WORDS = re.compile(r"^(?:[A-Z\u00c0-\u017f][\w\u00c0-\u024f'\u2019\-]*\.?\s*){1,3}$")
_VOL_ISSUE = re.compile(r"^(?P<vol>[\w.\-\u2013]+?)\s*(?:\((?P<i1>[^()]+)\)|[/:]\s*(?P<i2>[\w\-\u2013]+)|,?\s*(?:no|nr|issue)\.?\s*(?P<i3>[\w\-\u2013]+))$",
                        re.IGNORECASE)
_VOLUME_PAGES = re.compile(r"^(\w+)\s+([A-Za-z]?\d+\s*[-\u2010-\u2015]\s*[A-Za-z]?\d+)$")
_BARE_RANGE = re.compile(r"^[A-Za-z]?\d+\s*[-\u2010-\u2015]\s*[A-Za-z]?\d+[.,;]?$")
_RANGE = re.compile(r"(?<=\w)\s*(?:--?|[\u2010-\u2015\u2212])\s*(?=\w)")
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
             "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "revised": None}
_PROCEEDINGS = re.compile(r"\b(?:proc(?:eedings|\.)?|conference|conf\.|symposium|workshop|congress|"
                          r"meeting|colloquium|annual\s+meeting|tagung|actes)\b", re.IGNORECASE)
_THESIS = re.compile(r"\b(?:ph\.?\s*d\.?|doctoral|master'?s?|m\.?sc?\.?|diploma|bachelor'?s?)?\s*"
                     r"(?:thesis|dissertation|diss\.|these|thèse|tesis|doktorarbeit)\b", re.IGNORECASE)
_REPORT = re.compile(r"\b(?:tech(?:nical)?\.?\s+rep(?:ort|\.)?|report\s+no\.?|working\s+paper|white\s+paper)\b",
                     re.IGNORECASE)
_BOILERPLATE = re.compile(r"^(?:retrieved(?:\s+from)?|available(?:\s+(?:at|from|online))?|online|"
                          r"\[?online\]?|accessed|url|doi|in|from|isbn|issn|pmid|arxiv(?:\s+preprint)?)\W*$",
                          re.IGNORECASE)


@dataclass
class Built:
    """An entry and what the caller should warn about."""

    entry: Entry
    uncertain: list[tuple[str, str, float]] = field(default_factory=list)  # (field, value, confidence)
    missing: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- names

def parse_name_list(value: str) -> NameList:
    """``Antony, J., Lozano, A., & Bennion, K.``, ``J. Antony and A. Lozano``, ``Antony J,
    Lozano A``, ``Antony, James, Andrew Lozano, and K. Bennion``, ``... et al.`` -> names."""
    value = strip_edges(" ".join(value.split()), names=True)
    names = NameList()
    tail = value[-16:]
    m = _ETAL.search(tail)
    if m:
        m = _ETAL.search(value)
    if m:
        names.others = True
        value = value[:m.start()].strip(" ,;")
    if not value:
        return names
    value = _AND.sub(", " if ";" not in value else "; ", value)
    if ";" in value:
        parts = [p.strip(" ,") for p in value.split(";")]
        groups = [p for p in parts if p]
    else:
        parts = [p.strip() for p in value.split(",") if p.strip()]
        groups = []
        i = 0
        while i < len(parts):
            p = parts[i]
            if groups and _SUFFIX.fullmatch(" " + p):  # ``Bennett, F. G., Jr., & Smith, J.``
                groups[-1] += ", " + p
                i += 1
                continue
            nxt = parts[i + 1] if i + 1 < len(parts) else None
            if nxt is not None and _looks_given(nxt) and (_INITIALS.match(nxt) or " " not in p) \
                    and not _VANCOUVER.match(p) and not _is_full_name(p):
                groups.append(p + ", " + nxt)
                i += 2
                continue
            groups.append(p)
            i += 1
    for g in groups:
        if names.names and _SUFFIX.fullmatch(" " + g.strip()):  # ``Fromhold, A. T., Jr.``
            names.names[-1] = dataclasses.replace(names.names[-1], suffix=g.strip())
            continue
        nm = _one_name(g)
        if nm is not None:
            names.names.append(nm)
    return names


def _looks_given(part: str) -> bool:
    if _INITIALS.match(part):
        return True
    return bool(_GIVEN_WORDS.match(part)) and len(part.split()) <= 2 and not _VANCOUVER.match(part)


def _is_full_name(part: str) -> bool:
    """``J. Antony`` / ``James Antony``: given name(s) first."""
    words = part.split()
    return len(words) >= 2 and bool(_INITIALS.match(words[0])) and words[0].endswith(".")


def _one_name(text: str) -> Name | None:
    text = text.strip(" ,.;") if not text.rstrip().endswith(".") or "," not in text else text.strip(" ,;")
    if not text or not any(c.isalpha() for c in text):
        return None
    suffix = ""
    m = _SUFFIX.search(text)
    if m and text[:m.start()].strip(" ,"):
        suffix = m.group(1) + ("." if m.group(1) in ("Jr", "Sr") else "")
        text = (text[:m.start()] + text[m.end():]).strip(" ,")
    if "," not in text and is_organisation(text):
        return Name(literal=text.rstrip("."))
    nm = _parsed_name(text)
    if suffix and not nm.literal:
        nm = dataclasses.replace(nm, suffix=suffix)
    return nm


def _parsed_name(text: str) -> Name:
    if "," not in text:
        m = _VANCOUVER.match(text)
        if m and len(m.group("fam")) > 1:
            ini = " ".join(c + "." for c in m.group("ini"))
            return Name(family=_decap(m.group("fam").strip()), given=ini)
    try:
        nm = parse_name(text)
    except Exception:
        return Name(literal=text)
    if nm.family and nm.family.isupper() and len(nm.family) > 2:
        nm = Name(family=_decap(nm.family), given=nm.given, particle=nm.particle, suffix=nm.suffix)
    return nm


#: ``Jr.``, ``Sr.``, ``II``, ``III``, ``IV`` anywhere in a name (``Fromhold Jr. AT``, ``Doe J Jr.``)
_SUFFIX = re.compile(r",?\s+(Jr|Sr|II|III|IV)\b\.?(?=\s|,|$)")
_ORGANISATION_WORDS = frozenset(
    "team group consortium collaboration committee council association society institute institution "
    "organization organisation agency foundation university zoo co co. inc inc. ltd ltd. corporation company "
    "office department ministry bureau commission centre center network project initiative alliance board "
    "authority service programme program party bank union federation laboratory laboratories lab labs "
    "hospital museum library administration survey nations forum panel academy press staff".split())
_PARTICLES = frozenset("van von der den de del della di da dos das du la le ten ter bin al el y".split())


def is_organisation(text: str) -> bool:
    """A name written without a comma that is an organisation's, kept whole as a literal:
    ``Gemini Team``, ``DeepSeek-AI``, ``UN DESA``, ``Beijing Zoo``, ``A kasernes fællesvirke``
    (a word from organisations' names, a run of capitals that is no initials, a ``-AI``, or a
    lower-case word that is no particle)."""
    words = text.rstrip(".").split()
    if not words:
        return False
    if any(w.lower().strip(".,") in _ORGANISATION_WORDS for w in words[1:]) or text.rstrip(".").endswith("-AI"):
        return True
    if len(words) >= 2 and any(w.isupper() and w.isalpha() and len(w) >= 2 for w in words[:-1]) and \
            not (words[-1].isupper() and len(words[-1]) <= 3):
        return True
    return len(words) >= 2 and any(w[:1].islower() and w.isalpha() and w not in _PARTICLES for w in words[1:])


def _decap(s: str) -> str:
    """``VAN DER WALT`` (small capitals as copied) -> ``Van Der Walt``; mixed case is kept."""
    return s.title() if s.isupper() and len(s) > 2 else s


# --------------------------------------------------------------------------- dates and numbers

def parse_date(value: str) -> tuple[Date | None, str]:
    """A printed date -> (Date, year suffix such as ``a``)."""
    v = value.strip(" ()[].,;")
    d = parse_free_date(v)
    if d is not None:
        return d, ""
    m = _YEAR.search(v)
    if not m:
        return (Date(literal=v) if v else None), ""
    year = int(m.group(1))
    month = None
    day = None
    for w in re.findall(r"[A-Za-zÀ-ÿ]+", v):
        mo = parse_month(w)
        if mo:
            month = mo
            dm = re.search(r"(?<!\d)(\d{1,2})(?!\d)", v.replace(m.group(1), " "))
            if dm and 1 <= int(dm.group(1)) <= 31:
                day = int(dm.group(1))
            break
    return Date(start=DateParts(year, month, day if month else None)), m.group(2) or ""


def pages_value(value: str) -> str:
    """``1761-1800`` -> ``1761–1800``; words the labeller left before the numbers (``in: n.d.:
    pp. 165–176``) are dropped."""
    value = value.strip()
    if " " in value and not _PAGES_ONLY.match(value):
        m = _LAST_PAGES.search(value)
        if m:
            value = m.group(0)
    return _RANGE.sub("\u2013", value)


_PAGE_NUMBER = r"[A-Za-z]{0,6}\d+[A-Za-z]?"
_PAGES_ONLY = re.compile(r"^" + _PAGE_NUMBER + r"(?:\s*(?:[-\u2010-\u2015,]|and|&)\s*" + _PAGE_NUMBER + r")*$")
_LAST_PAGES = re.compile(_PAGE_NUMBER + r"(?:\s*[-\u2010-\u2015]\s*" + _PAGE_NUMBER + r")?$")


def edition_value(value: str) -> str:
    m = re.search(r"(\d+)", value)
    if m:
        return m.group(1)
    w = value.strip().lower().split()
    if w and w[0] in _ORDINALS and _ORDINALS[w[0]]:
        return str(_ORDINALS[w[0]])
    return value.strip()


# --------------------------------------------------------------------------- the entry

def find_identifiers(text: str) -> dict:
    """DOI, arXiv id, ISBN and URL by pattern; each one's character span is recorded so that
    the same characters are not read as another field."""
    out: dict = {}
    low = text.lower()
    m = _DOI.search(text) if "10." in text else None
    if m:
        doi = normalize_doi(m.group(1))
        if doi:
            out["doi"] = doi
    ax, ver = find_arxiv(text) if "arxiv" in low else ("", "")
    if not ax and "arxiv" in low:
        m = _ARXIV_BARE.search(text)
        if m:
            ax, ver = parse_arxiv(m.group(1))
    if ax:
        out["arxiv"], out["arxiv_version"] = ax, ver
    m = _ISBN.search(text) if "ISBN" in text else None
    if m:
        isbn = normalize_isbn(m.group(1))
        if isbn and isbn_is_valid(isbn):
            out["isbn"] = isbn
    for m in (_URL.finditer(text) if ("http" in low or "www." in low) else ()):
        url = m.group(0).rstrip(".,;)]>")
        if "doi.org/" in url.lower() and "doi" in out:
            continue
        if "arxiv.org/" in url.lower() and "arxiv" in out:
            continue
        out["url"] = url if url.lower().startswith("http") else "http://" + url
        break
    return out


def _first(spans: list[Span], label: str) -> Span | None:
    for s in spans:
        if s.label == label and s.value:
            return s
    return None


def build_entry(words: list[str], labels: list[str], probs: list[float], text: str) -> Built:
    """The entry for one reference whose words the model has labelled (labels mended first by
    :func:`bibkit.reflist.repair.mend`)."""
    spans = spans_of(words, mend(words, labels), probs)
    entry = Entry(type="document")
    built = Built(entry)

    def note_uncertain(fieldname: str, span: Span) -> None:
        if span.confidence < LOW_CONFIDENCE:
            built.uncertain.append((fieldname, span.value, span.confidence))

    ids = find_identifiers(text)
    for k, v in ids.items():
        setattr(entry.ids, k, v)

    for role in ("author", "editor"):
        found = [s for s in spans if s.label == role and s.value]
        if not found:
            continue
        names = NameList()
        for s in found:
            nl = parse_name_list(s.value)
            names.names.extend(nl.names)
            names.others = names.others or nl.others
            note_uncertain(role, s)
        if names:
            entry.names[role] = names

    s = _first(spans, "title")
    if s:
        entry.fields["title"] = marked_text(s.value, title=True)
        note_uncertain("title", s)
    for label, fieldname in (("container", "container-title"), ("publisher", "publisher"),
                             ("place", "publisher-place")):
        s = _first(spans, label)
        if s:
            entry.fields[fieldname] = Text(s.value)
            note_uncertain(fieldname, s)
    pub = entry.fields.get("publisher", "")
    if pub and ":" in pub and "publisher-place" not in entry.fields:
        place, _, rest = pub.partition(":")
        if place.strip() and rest.strip():
            entry.fields["publisher-place"] = Text(place.strip())
            entry.fields["publisher"] = Text(rest.strip())

    s = _first(spans, "volume")
    if s:
        vol = s.value
        m = _VOL_ISSUE.match(vol)
        if m:
            vol = m.group("vol").strip(" ,.")
            issue = (m.group("i1") or m.group("i2") or m.group("i3") or "").strip()
            if issue:
                entry.fields["issue"] = Text(issue)
        m = _VOLUME_PAGES.match(vol)
        if m and not _first(spans, "pages"):  # ``vol. 1 3–10``: the volume, then the pages
            vol = m.group(1)
            entry.fields["page"] = Text(pages_value(m.group(2)))
        entry.fields["volume"] = Text(vol)
        note_uncertain("volume", s)
    s = _first(spans, "issue")
    if s and "issue" not in entry.fields:
        m = _VOL_ISSUE.match(s.value)
        if m and "volume" not in entry.fields:  # "36(11)" labelled as one field
            entry.fields["volume"] = Text(m.group("vol").strip(" ,."))
            entry.fields["issue"] = Text((m.group("i1") or m.group("i2") or m.group("i3") or "").strip())
        else:
            entry.fields["issue"] = Text(s.value)
        note_uncertain("issue", s)
    s = _first(spans, "pages")
    if s:
        entry.fields["page"] = Text(pages_value(s.value))
        note_uncertain("page", s)
    s = _first(spans, "issue")
    if s and "page" not in entry.fields and _BARE_RANGE.match(s.raw.strip()):
        # ``vol. 1 3–10`` (Nature's proceedings): a range with no issue mark is the pages
        entry.fields["page"] = Text(pages_value(entry.fields.pop("issue", s.value)))
    _read_compound(text, entry)
    s = _first(spans, "edition")
    if s:
        entry.fields["edition"] = Text(edition_value(s.value))
    s = _first(spans, "date")
    if s:
        date, suffix = parse_date(s.value)
        if date:
            entry.dates["issued"] = date
            note_uncertain("date", s)
        if suffix:
            entry.extra["year-suffix"] = suffix
    notes = [s.value for s in spans if s.label == "note" and s.value and not _BOILERPLATE.match(s.value)
             and not _mentions_identifier(s.value, ids)]
    if notes:
        entry.fields["note"] = Text("; ".join(notes))

    if "title" not in entry.fields and entry.fields.get("container-title") and \
            not ("volume" in entry.fields or "page" in entry.fields):
        # a reference nearly always has a title; a lone "container" is the title misread (but
        # a journal with volume and pages is one: some styles print no article titles)
        entry.fields["title"] = marked_text(entry.fields.pop("container-title"), title=True)
        s = _first(spans, "container")
        if s:
            built.uncertain.append(("title", s.value, min(s.confidence, LOW_CONFIDENCE - 0.01)))
    s = _first(spans, "container")
    if s and re.match(r"(?i)in\b", s.raw):
        entry.meta["reflist_in"] = True  # "In ..." before the container: a part of a book or proceedings
    entry.type = guess_type(entry, text)
    if not entry.fields.get("title"):
        built.missing.append("title")
    if not entry.names.get("author") and not entry.names.get("editor"):
        built.missing.append("author")
    if "issued" not in entry.dates:
        built.missing.append("date")
    return built


_PAGE = r"[A-Za-z]{0,6}\d+[A-Za-z]?(?:\s*[-\u2010-\u2015]\s*[A-Za-z]{0,6}\d+[A-Za-z]?)?"
#: the numbers of a journal article written as one compound: ``2015 May 28;521(7553):436-44``,
#: ``2011;105:49–57``, ``1981; 52: 727–32`` (NLM/Vancouver), ``17(1):3–27``, ``59 (1): 29–40``,
#: ``87:2832–2841`` (Springer, Chicago, Annual Reviews)
_COMPOUND = re.compile(
    r"(?<![\w/.:;(\-])(?:(?:1[5-9]|20)\d\d[a-z]?(?:\s+[A-Z][a-z]{2,8}\.?(?:\s+\d{1,2}(?:\s*[-\u2013]\s*\d{1,2})?)?"
    r"(?:\s*[-\u2013]\s*[A-Z][a-z]{2,8}\.?)?)?\s*;\s*(?P<v1>[A-Za-z]?\d[\w.]*)\s*(?:\((?P<i1>[^()\s]{1,12})\))?"
    r"(?:\s*:\s*(?P<p1>" + _PAGE + r"))?"
    r"|(?P<v2>\d{1,5})\s*(?:\((?P<i2>[^()\s]{1,12})\))?\s*:\s*(?P<p2>" + _PAGE + r"))(?=[\s.,;)]|$)")
_LINKS = re.compile(r"(?:https?://|doi\s*:\s*|10\.\d{4,9}/)\S+", re.IGNORECASE)


def _read_compound(text: str, entry: Entry) -> None:
    """Volume, issue and pages of a compound such as ``2015 May 28;521(7553):436-44``: the
    labeller gives a word one label (where it starts), so the parts after the first are read
    here by pattern. Links and DOIs are left out of the search; a number the labeller already
    read the same way is kept."""
    plain = _LINKS.sub(lambda m: " " * len(m.group(0)), text)
    m = None
    for m in _COMPOUND.finditer(plain):
        break
    if m is None:
        return
    vol = m.group("v1") or m.group("v2")
    issue = m.group("i1") or m.group("i2")
    pages = m.group("p1") or m.group("p2")
    if m.group("v2") and not issue and "volume" in entry.fields and entry.fields["volume"] != vol:
        return  # ``12:30`` or a ratio somewhere else: the labelled volume stands
    entry.fields["volume"] = Text(vol.rstrip("."))
    if issue:
        entry.fields["issue"] = Text(issue)
    elif "issue" in entry.fields and _VOL_ISSUE.match(str(entry.fields["issue"])) is None \
            and not str(entry.fields["issue"]).isdigit():
        del entry.fields["issue"]
    if pages:
        entry.fields["page"] = Text(pages_value(pages))


def _mentions_identifier(value: str, ids: dict) -> bool:
    low = value.lower()
    return any(v and str(v).lower() in low for v in ids.values())


def guess_type(entry: Entry, text: str) -> str:
    """A CSL type from the fields found and a few words of the reference."""
    container = entry.fields.get("container-title", "")
    low = text.lower()
    if any(k in low for k in ("thes", "diss", "tesis", "doktor")) and _THESIS.search(text):
        return "thesis"
    if ("rep" in low or "paper" in low) and _REPORT.search(text):
        return "report"
    if container:
        if _PROCEEDINGS.search(container):
            return "paper-conference"
        if entry.names.get("editor") or (entry.fields.get("publisher") and not entry.fields.get("volume")):
            return "chapter"
        if entry.meta.get("reflist_in") and not re.search(r"(?i)\b(?:journal|review|letters|transactions)\b", container):
            return "paper-conference"
        return "article-journal"
    if entry.ids.arxiv:
        return "article"
    if entry.fields.get("publisher") or entry.ids.isbn:
        return "book"
    if entry.ids.url and not entry.fields.get("volume"):
        return "webpage"
    return "document"
