"""PubMed XML in: efetch's ``<PubmedArticleSet>`` of ``<PubmedArticle>`` and ``<PubmedBookArticle>``.

The XML is parsed with ``defusedxml`` (the maintained guard for the standard library's parser):
PubMed's files carry a ``<!DOCTYPE ... pubmed_250101.dtd>`` line, which is allowed, but an
entity declaration (a billion-laughs bomb, an external entity naming a local file or a URL) is
refused with a clear error and nothing is read. The external DTD is never fetched.

Mapping follows :mod:`bibkit.formats.medline` (the same NLM record): ``ForeName`` + ``LastName``
(``Initials`` when there is no fore name), ``Journal/Title`` and ``ISOAbbreviation``,
``JournalIssue`` volume/issue/``PubDate`` (or ``MedlineDate``), ``MedlinePgn``, the
``ArticleIdList`` and ``ELocationID`` identifiers, ``AbstractText`` sections (labels kept),
MeSH descriptors (with qualifiers, ``*`` for major topics, as MEDLINE writes them) and author
keywords as keywords, ``PublicationType`` for the entry type. Every other element with text is
kept verbatim in ``entry.extra`` under ``pubmed:`` and its path within the record (repeated
elements joined by newlines), so nothing is lost.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from bibkit.diagnostics import Reporter
from bibkit.formats.pubmed_fields import given_from_initials, parse_pubmed_date, type_from_publication_types
from bibkit.identifiers import normalize_doi, normalize_issn
from bibkit.model import Date, Entry, Library, Name, NameList, Source, Text

EXTRA_PREFIX = "pubmed:"
_RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle")
_RECORD_START = re.compile(r"<(PubmedArticle|PubmedBookArticle)[\s>]")
_RECORD_CHUNK = re.compile(r"<(PubmedArticle|PubmedBookArticle)[\s>].*?</\1\s*>", re.DOTALL)
_DATE_PARTS = {"Year", "Month", "Day", "Hour", "Minute", "Second", "Season"}
_NAME_PARTS = {"LastName", "ForeName", "Initials", "Suffix", "CollectiveName"}
_ROOT = re.compile(r"<(PubmedArticleSet|PubmedBookArticleSet)[\s>]")


def _text(el: ET.Element | None) -> str:
    """All the text of an element, inline markup (``<i>``, MathML) flattened, spaces collapsed."""
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


class _Record:
    """One article or book while it is being mapped: marks the elements it has used."""

    def __init__(self, root: ET.Element):
        self.root = root
        self.used: set[int] = set()

    def find(self, path: str) -> ET.Element | None:
        el = self.root.find(path)
        if el is not None:
            self.used.add(id(el))
        return el

    def findall(self, path: str) -> list[ET.Element]:
        found = self.root.findall(path)
        self.used.update(id(el) for el in found)
        return found

    def text(self, path: str) -> str:
        return _text(self.find(path))

    def name(self, author: ET.Element) -> Name | None:
        """The author's name; what else the author element holds (affiliations, ORCID) is
        left for :meth:`leftovers`."""
        has_fore_name = author.find("ForeName") is not None
        for part in author:  # initials beside a fore name are kept (they are PubMed's own form)
            if part.tag in _NAME_PARTS and not (part.tag == "Initials" and has_fore_name):
                self.used.add(id(part))
        return _name(author)

    def fill(self, entry: Entry, slots: dict[str, str]) -> None:
        """Each canonical text slot from the element at its path, where there is text."""
        for slot, path in slots.items():
            value = self.text(path)
            if value:
                entry.fields[slot] = Text(value)

    def leftovers(self) -> dict[str, str]:
        """Text of every element not used, keyed by its path in the record."""
        out: dict[str, str] = {}

        def walk(el: ET.Element, path: str) -> None:
            if id(el) in self.used:
                return
            children = list(el)
            if children and all(c.tag in _DATE_PARTS for c in children):  # <Year>2018</Year><Month>..
                value = "-".join(_text(c) for c in children if c.tag in ("Year", "Month", "Day", "Season"))
            elif not children or el.tag in ("AbstractText", "Citation", "ArticleTitle"):
                value = _text(el)
            else:
                value = None
            if value is not None:
                if el.attrib:
                    value += " [" + ", ".join(f"{k}={v}" for k, v in el.attrib.items()) + "]"
                if not value:
                    return
                key = EXTRA_PREFIX + path
                out[key] = f"{out[key]}\n{value}" if key in out else value
                return
            for child in children:
                walk(child, f"{path}/{child.tag}")

        for child in self.root:
            walk(child, child.tag)
        return out


def _name(author: ET.Element) -> Name | None:
    collective = _text(author.find("CollectiveName"))
    if collective:
        return Name(literal=collective)
    family = _text(author.find("LastName"))
    if not family:
        return None
    given = _text(author.find("ForeName")) or given_from_initials(_text(author.find("Initials")))
    return Name(family=family, given=given, suffix=_text(author.find("Suffix")))


def _date(el: ET.Element | None) -> Date | None:
    """``<PubDate>``: Year/Month/Day, Year/Season or a free ``MedlineDate``."""
    if el is None:
        return None
    medline = _text(el.find("MedlineDate"))
    if medline:
        return parse_pubmed_date(medline)
    parts = " ".join(p for p in (_text(el.find("Year")), _text(el.find("Month")) or _text(el.find("Season")),
                                 _text(el.find("Day"))) if p)
    return parse_pubmed_date(parts) if parts else None


class PubMedXMLReader:
    def __init__(self, name: str):
        self.name = name
        self.library = Library()
        self.report = Reporter(name, self.library.problems)

    def read(self, text: str) -> Library:
        try:
            root = fromstring(text.encode("utf-8"))
        except DefusedXmlException as exc:
            self.report.error(1, f"refused: the XML declares entities ({type(exc).__name__}); "
                              "entity expansion and external entities are never read", "xml-unsafe")
            return self.library
        except ET.ParseError as exc:
            return self._read_records_apart(text, exc)
        lines = [text.count("\n", 0, m.start()) + 1 for m in _RECORD_START.finditer(text)]
        records = [root] if root.tag in _RECORD_TAGS else [el for el in root if el.tag in _RECORD_TAGS]
        for other in (el for el in root if el.tag not in _RECORD_TAGS and el.tag != "DeleteCitation"):
            self.report.warn(None, f"<{other.tag}> is not a PubMed record; skipped", "pubmed-unknown")
        for number, el in enumerate(records, 1):
            self._record(el, number, lines[number - 1] if number - 1 < len(lines) else None)
        if not records:
            self.report.error(1, "no <PubmedArticle> or <PubmedBookArticle> records found", "pubmed-empty")
        return self.library

    def _read_records_apart(self, text: str, exc: ET.ParseError) -> Library:
        """The file is not well-formed: read each record on its own, so one broken record
        costs only itself (reported with its line), not the file."""
        line = exc.position[0] if getattr(exc, "position", None) else 1
        self.report.error(line, f"not well-formed XML ({exc}); reading each record on its own", "xml-syntax")
        for number, match in enumerate(_RECORD_CHUNK.finditer(text), 1):
            start = text.count("\n", 0, match.start()) + 1
            try:
                el = fromstring(match.group(0).encode("utf-8"))
            except (ET.ParseError, DefusedXmlException) as err:
                self.report.error(start, f"record {number} is not well-formed XML ({err}); skipped", "xml-syntax")
                continue
            self._record(el, number, start)
        return self.library

    def _record(self, el: ET.Element, number: int, line: int | None) -> None:
        entry = self.book(el, line) if el.tag == "PubmedBookArticle" else self.article(el, line)
        if not entry.title:
            self.report.warn(line, f"record {number} has no title", "pubmed-no-title")
        self.library.blocks.append(entry)

    # -- the parts articles and books share

    def _common(self, rec: _Record, entry: Entry, base: str) -> None:
        names = [n for n in map(rec.name, rec.root.findall(f"{base}/AuthorList/Author")) if n]
        if names:
            entry.names["author"] = NameList(names)
        abstract = []
        for part in rec.findall(f"{base}/Abstract/AbstractText"):
            label = part.get("Label")
            abstract.append(f"{label}: {_text(part)}" if label else _text(part))
        if abstract:
            entry.fields["abstract"] = Text("\n".join(abstract))
        languages = [_text(el) for el in rec.findall(f"{base}/Language")]
        if languages:
            entry.fields["language"] = Text(languages[0])
            if len(languages) > 1:
                entry.extra[EXTRA_PREFIX + "Language"] = "\n".join(languages[1:])
        for el in rec.findall("*/ArticleIdList/ArticleId"):  # the record's own, not its references'
            self._identifier(entry, el.get("IdType", ""), _text(el))
        for el in rec.findall(f"{base}/ELocationID"):
            kind, value = el.get("EIdType", ""), _text(el)
            if kind == "doi" and not entry.ids.doi:
                entry.ids.doi = normalize_doi(value)
            elif kind != "doi" or normalize_doi(value) != entry.ids.doi:
                entry.extra[EXTRA_PREFIX + f"ELocationID[{kind}]"] = value
        # an article lists its types in <PublicationTypeList>; a book document has them bare
        types = [_text(el) for el in rec.findall(f"{base}/PublicationTypeList/PublicationType")
                 + rec.findall(f"{base}/PublicationType")]
        if types:
            entry.extra[EXTRA_PREFIX + "PublicationType"] = "\n".join(types)
            entry.source_type = types[0]
        entry.meta["pubmed_types"] = types

    def _identifier(self, entry: Entry, kind: str, value: str) -> None:
        if kind == "pubmed" and not entry.ids.pmid:
            entry.ids.pmid = value
        elif kind == "pmc" and not entry.ids.pmcid:
            entry.ids.pmcid = value
        elif kind == "doi" and not entry.ids.doi and normalize_doi(value):
            entry.ids.doi = normalize_doi(value)
        elif not (kind == "doi" and normalize_doi(value) == entry.ids.doi) and \
                not (kind == "pubmed" and value == entry.ids.pmid):
            key = EXTRA_PREFIX + f"ArticleId[{kind}]"
            entry.extra[key] = f"{entry.extra[key]}\n{value}" if key in entry.extra else value

    def _keywords(self, rec: _Record, entry: Entry, base: str) -> None:
        words = []
        for heading in rec.findall(f"{base}/MeshHeadingList/MeshHeading"):
            descriptor = heading.find("DescriptorName")
            if descriptor is None:
                continue
            star = "*" if descriptor.get("MajorTopicYN") == "Y" else ""
            quals = heading.findall("QualifierName")
            if not quals:
                words.append(star + _text(descriptor))
            for q in quals:
                words.append(f"{_text(descriptor)}/{'*' if q.get('MajorTopicYN') == 'Y' else ''}{_text(q)}")
        words += [_text(k) for k in rec.findall(f"{base}/KeywordList/Keyword")]
        if words:
            entry.fields["keyword"] = Text("; ".join(w for w in words if w))

    def _finish(self, rec: _Record, entry: Entry) -> Entry:
        entry.extra.update(rec.leftovers())
        return entry

    # -- records

    def article(self, el: ET.Element, line: int | None) -> Entry:
        rec = _Record(el)
        entry = Entry(source=Source(self.name, line, "pubmed-xml"))
        mc = "MedlineCitation"
        art = f"{mc}/Article"
        entry.ids.pmid = rec.text(f"{mc}/PMID")
        title = rec.text(f"{art}/ArticleTitle") or rec.text(f"{art}/VernacularTitle")
        if title:
            entry.fields["title"] = Text(title)
        journal = f"{art}/Journal"
        rec.fill(entry, {"container-title": f"{journal}/Title", "container-title-short": f"{journal}/ISOAbbreviation",
                         "volume": f"{journal}/JournalIssue/Volume", "issue": f"{journal}/JournalIssue/Issue"})
        issn = rec.text(f"{journal}/ISSN")
        if issn:
            entry.ids.issn = normalize_issn(issn)
        date = _date(rec.find(f"{journal}/JournalIssue/PubDate"))
        if date is None:  # an electronic-only article: the ArticleDate is its date
            date = _date(rec.find(f"{art}/ArticleDate"))
        if date is not None:
            entry.dates["issued"] = date
        pages = rec.text(f"{art}/Pagination/MedlinePgn")
        if not pages:
            start, end = rec.text(f"{art}/Pagination/StartPage"), rec.text(f"{art}/Pagination/EndPage")
            pages = f"{start}-{end}" if start and end else start
        if pages:
            entry.fields["page"] = Text(pages)
        self._common(rec, entry, art)
        self._keywords(rec, entry, mc)
        entry.type = type_from_publication_types(entry.meta["pubmed_types"])
        return self._finish(rec, entry)

    def book(self, el: ET.Element, line: int | None) -> Entry:
        rec = _Record(el)
        entry = Entry(source=Source(self.name, line, "pubmed-xml"))
        doc, book = "BookDocument", "BookDocument/Book"
        entry.ids.pmid = rec.text(f"{doc}/PMID")
        chapter = rec.text(f"{doc}/ArticleTitle")
        book_title = rec.text(f"{book}/BookTitle")
        if chapter:
            entry.fields["title"] = Text(chapter)
            if book_title:
                entry.fields["container-title"] = Text(book_title)
        elif book_title:
            entry.fields["title"] = Text(book_title)
        rec.fill(entry, {"publisher": f"{book}/Publisher/PublisherName", "publisher-place": f"{book}/Publisher/PublisherLocation",
                         "edition": f"{book}/Edition", "volume": f"{book}/Volume",
                         "collection-title": f"{book}/CollectionTitle"})
        isbn = rec.text(f"{book}/Isbn")
        if isbn:
            entry.ids.isbn = isbn
        date = _date(rec.find(f"{book}/PubDate"))
        if date is not None:
            entry.dates["issued"] = date
        editors = [n for n in map(rec.name, rec.root.findall(f"{book}/AuthorList[@Type='editors']/Author")) if n]
        if editors:
            entry.names["editor"] = NameList(editors)
        book_authors = [n for n in map(rec.name, rec.root.findall(f"{book}/AuthorList[@Type='authors']/Author")) if n]
        self._common(rec, entry, doc)
        if "author" not in entry.names and book_authors:
            entry.names["author"] = NameList(book_authors)
        self._keywords(rec, entry, doc)
        entry.type = type_from_publication_types(entry.meta["pubmed_types"], "chapter" if chapter else "book")
        if entry.type == "article-journal":
            entry.type = "chapter" if chapter else "book"
        return self._finish(rec, entry)


class PubMedXMLImporter:
    name = "pubmed-xml"
    extensions: tuple[str, ...] = ()  # .xml is shared by many formats: detected from the content
    description = "PubMed XML (efetch PubmedArticleSet: articles and books)"

    def detect(self, text: str) -> float:
        """Its own root element near the top (after the XML declaration and DOCTYPE)."""
        head = text[:2000]
        return 0.95 if head.lstrip("\ufeff \t\r\n").startswith("<") and _ROOT.search(head) else 0.0

    def parse(self, text: str, name: str = "<input>", **_options) -> Library:
        return PubMedXMLReader(name).read(text)


__all__ = ["PubMedXMLImporter"]
