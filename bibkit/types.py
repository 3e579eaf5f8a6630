"""The controlled type vocabulary (CSL item types) and the tables to and from BibTeX/BibLaTeX.

The tables are explicit on purpose: a reviewer can read in one place what ``@inproceedings``
becomes and what ``paper-conference`` is written as.
"""
from __future__ import annotations

CSL_TYPES = frozenset({
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book",
    "broadcast", "chapter", "classic", "collection", "dataset", "document", "entry",
    "entry-dictionary", "entry-encyclopedia", "event", "figure", "graphic", "hearing",
    "interview", "legal_case", "legislation", "manuscript", "map", "motion_picture",
    "musical_score", "pamphlet", "paper-conference", "patent", "performance", "periodical",
    "personal_communication", "post", "post-weblog", "regulation", "report", "review",
    "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage",
})

# BibTeX and BibLaTeX entry type -> CSL type (lower-case keys)
BIBTEX_TO_CSL = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "booklet": "pamphlet",
    "inbook": "chapter",
    "bookinbook": "chapter",
    "incollection": "chapter",
    "suppbook": "chapter",
    "collection": "book",
    "mvcollection": "book",
    "proceedings": "book",
    "mvproceedings": "book",
    "reference": "book",
    "mvreference": "book",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "inreference": "entry-encyclopedia",
    "manual": "report",
    "mastersthesis": "thesis",
    "phdthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "misc": "document",
    "unpublished": "manuscript",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "webpage": "webpage",
    "patent": "patent",
    "periodical": "periodical",
    "suppperiodical": "article-journal",
    "dataset": "dataset",
    "software": "software",
    "standard": "standard",
    "artwork": "graphic",
    "audio": "song",
    "image": "graphic",
    "jurisdiction": "legal_case",
    "legislation": "legislation",
    "legal": "treaty",
    "letter": "personal_communication",
    "movie": "motion_picture",
    "video": "motion_picture",
    "music": "song",
    "performance": "performance",
    "review": "review",
    "set": "document",
    "xdata": "document",
}

# CSL type -> BibTeX type (classic bibtex only knows the 14 standard types)
CSL_TO_BIBTEX = {
    "article": "misc",
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "book": "book",
    "chapter": "incollection",
    "paper-conference": "inproceedings",
    "thesis": "phdthesis",
    "report": "techreport",
    "manuscript": "unpublished",
    "pamphlet": "booklet",
    "entry-encyclopedia": "incollection",
    "entry-dictionary": "incollection",
    "periodical": "misc",
}

# CSL type -> BibLaTeX type
CSL_TO_BIBLATEX = {
    "article": "online",
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "book": "book",
    "chapter": "incollection",
    "paper-conference": "inproceedings",
    "thesis": "thesis",
    "report": "report",
    "manuscript": "unpublished",
    "pamphlet": "booklet",
    "webpage": "online",
    "post": "online",
    "post-weblog": "online",
    "dataset": "dataset",
    "software": "software",
    "patent": "patent",
    "periodical": "periodical",
    "entry-encyclopedia": "inreference",
    "entry-dictionary": "inreference",
    "legislation": "legislation",
    "legal_case": "jurisdiction",
    "standard": "standard",
    "review": "review",
    "review-book": "review",
    "motion_picture": "movie",
    "song": "music",
    "graphic": "image",
    "performance": "performance",
    "personal_communication": "letter",
}

BIBTEX_TYPES = frozenset({
    "article", "book", "booklet", "conference", "inbook", "incollection", "inproceedings",
    "manual", "mastersthesis", "misc", "phdthesis", "proceedings", "techreport", "unpublished",
})
BIBLATEX_TYPES = frozenset({
    "article", "book", "mvbook", "inbook", "bookinbook", "suppbook", "booklet", "collection",
    "mvcollection", "incollection", "suppcollection", "dataset", "manual", "misc", "online",
    "patent", "periodical", "suppperiodical", "proceedings", "mvproceedings", "inproceedings",
    "reference", "mvreference", "inreference", "report", "set", "software", "thesis",
    "unpublished", "xdata", "conference", "electronic", "mastersthesis", "phdthesis",
    "techreport", "www", "artwork", "audio", "bibnote", "commentary", "image", "jurisdiction",
    "legislation", "legal", "letter", "movie", "music", "performance", "review", "standard",
    "video",
})


def csl_type_from_bibtex(bibtex_type: str) -> str:
    return BIBTEX_TO_CSL.get(bibtex_type.lower(), "document")


def bibtex_type_for(entry_type: str, source_type: str = "", biblatex: bool = False) -> str:
    """The entry type to write: the source's own type when the target knows it, else the map."""
    known = BIBLATEX_TYPES if biblatex else BIBTEX_TYPES
    src = source_type.lower()
    if src and src in known and BIBTEX_TO_CSL.get(src, "document") == entry_type:
        return src
    table = CSL_TO_BIBLATEX if biblatex else CSL_TO_BIBTEX
    return table.get(entry_type, "misc")
