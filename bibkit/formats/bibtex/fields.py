"""Which BibTeX/BibLaTeX field goes to which canonical slot, and back.

Kept apart from the parser so the whole mapping can be read (and argued about) in one screen.
"""
from __future__ import annotations

SUBTYPE_FIELD = "entrysubtype"  # BibLaTeX's; a CSL type name there is the entry's CSL type
INFERRED_FIELD = "bibkit-inferred"  # names the dates bibkit inferred (Date.inferred)

# Source field (lower case) -> CSL text variable. The first source field to claim a slot wins;
# a later one claiming the same slot is kept in ``extra`` under its own name.
TEXT_FIELDS = {
    "title": "title",
    "journal": "container-title",
    "journaltitle": "container-title",
    "booktitle": "container-title",
    "shortjournal": "container-title-short",
    "journalabbr": "container-title-short",
    "shorttitle": "title-short",
    "series": "collection-title",
    "volume": "volume",
    "number": "number",  # becomes "issue" for periodical articles (see below)
    "issue": "issue",
    "pages": "page",
    "pagetotal": "number-of-pages",
    "volumes": "number-of-volumes",
    "publisher": "publisher",
    "school": "publisher",
    "institution": "publisher",
    "organization": "publisher",
    "address": "publisher-place",
    "location": "publisher-place",
    "edition": "edition",
    "chapter": "chapter-number",
    "note": "note",
    "annote": "annote",
    "annotation": "annote",
    "abstract": "abstract",
    "keywords": "keyword",
    "language": "language",
    "type": "genre",
    "eventtitle": "event-title",
    "venue": "event-place",
    "version": "version",
    "howpublished": "medium",
    "origtitle": "original-title",
    "origpublisher": "original-publisher",
    "origlocation": "original-publisher-place",
    "part": "part",
    "status": "status",
    "pubstate": "status",
    "library": "call-number",
}

NAME_FIELDS = {
    "author": "author",
    "editor": "editor",
    "translator": "translator",
    "bookauthor": "container-author",
    "origauthor": "original-author",
    "director": "director",
    "recipient": "recipient",
    "compiler": "compiler",
    "illustrator": "illustrator",
}

DATE_FIELDS = {"urldate": "accessed", "origdate": "original-date", "eventdate": "event-date"}
ISSUED_FIELDS = ("date", "year", "month", "day")

ID_FIELDS = {"doi", "url", "isbn", "issn", "pmid", "pmcid", "eprint", "archiveprefix", "eprinttype",
             "primaryclass", "eprintclass"}

# Fields read as written (no LaTeX decoding): identifiers, links, paths.
VERBATIM_FIELDS = {"url", "doi", "eprint", "file", "pdf", "urldate", "crossref", "ids", "xdata",
                   "key", "bdsk-url-1", "bdsk-url-2", "bdsk-file-1", "local-url", "eprinttype",
                   "archiveprefix", "primaryclass", "eprintclass", "related", "xref"}

# Canonical text variables whose blank lines are paragraph breaks, kept as "\n\n".
PARAGRAPH_FIELDS = frozenset({"abstract"})

# Types whose ``number`` is the issue of a periodical.
PERIODICAL_TYPES = {"article-journal", "article-magazine", "article-newspaper", "periodical"}

# Canonical variable -> field to write, per flavour. Per-type overrides first.
CONTAINER_FIELD = {
    "bibtex": {"article-journal": "journal", "article-magazine": "journal",
               "article-newspaper": "journal", "periodical": "journal"},
    "biblatex": {"article-journal": "journaltitle", "article-magazine": "journaltitle",
                 "article-newspaper": "journaltitle", "periodical": "journaltitle"},
}
PUBLISHER_FIELD = {
    "bibtex": {"thesis": "school", "report": "institution"},
    "biblatex": {"thesis": "institution", "report": "institution"},
}
OUT_TEXT = {
    "bibtex": {
        "title": "title", "container-title-short": "shortjournal", "title-short": "shorttitle",
        "collection-title": "series", "volume": "volume", "issue": "number", "number": "number",
        "page": "pages", "number-of-pages": "pagetotal", "number-of-volumes": "volumes",
        "publisher": "publisher", "publisher-place": "address", "edition": "edition",
        "chapter-number": "chapter", "note": "note", "annote": "annote", "abstract": "abstract",
        "keyword": "keywords", "language": "language", "genre": "type",
        "event-title": "eventtitle", "event-place": "venue", "version": "version",
        "medium": "howpublished", "original-title": "origtitle",
        "original-publisher": "origpublisher", "original-publisher-place": "origlocation",
        "part": "part", "status": "pubstate", "call-number": "library",
    },
    "biblatex": {
        "title": "title", "container-title-short": "shortjournal", "title-short": "shorttitle",
        "collection-title": "series", "volume": "volume", "issue": "number", "number": "number",
        "page": "pages", "number-of-pages": "pagetotal", "number-of-volumes": "volumes",
        "publisher": "publisher", "publisher-place": "location", "edition": "edition",
        "chapter-number": "chapter", "note": "note", "annote": "annotation",
        "abstract": "abstract", "keyword": "keywords", "language": "language", "genre": "type",
        "event-title": "eventtitle", "event-place": "venue", "version": "version",
        "medium": "howpublished", "original-title": "origtitle",
        "original-publisher": "origpublisher", "original-publisher-place": "origlocation",
        "part": "part", "status": "pubstate", "call-number": "library",
    },
}
OUT_NAMES = {
    "author": "author", "editor": "editor", "translator": "translator",
    "container-author": "bookauthor", "original-author": "origauthor", "director": "director",
    "recipient": "recipient", "compiler": "compiler", "illustrator": "illustrator",
}
OUT_DATES = {"accessed": "urldate", "original-date": "origdate", "event-date": "eventdate"}
