"""Which RIS tag goes to which canonical slot, and back.

Kept apart from the reader so the whole mapping can be read in one screen. RIS has dialects
(the 2011 RIS spec, EndNote, Zotero, Mendeley, publishers' exports): several tags mean the same
thing (``AU``/``A1``, ``T1``/``TI``, ``JO``/``JF``/``T2``), and the first tag to claim a slot
wins; a later one claiming the same slot is kept verbatim as ``ris:XX`` in ``entry.extra`` so a
round trip writes it back. The spelling that filled a slot is remembered in
``entry.field_names`` so RIS -> canonical -> RIS writes ``A1`` where it read ``A1``.
"""
from __future__ import annotations

from rispy import TYPE_OF_REFERENCE_MAPPING

#: Every reference type the RIS spec defines (code -> description), from rispy.
RIS_TYPES: dict[str, str] = dict(TYPE_OF_REFERENCE_MAPPING)

#: RIS ``TY`` -> CSL type. Codes missing here read as ``document`` (the code is kept).
TYPE_TO_CSL = {
    "JOUR": "article-journal", "JFULL": "article-journal", "EJOUR": "article-journal",
    "ABST": "article-journal", "INPR": "article-journal", "MGZN": "article-magazine",
    "NEWS": "article-newspaper", "BOOK": "book", "EBOOK": "book", "EDBOOK": "book",
    "CHAP": "chapter", "ECHAP": "chapter", "CONF": "paper-conference",
    "CPAPER": "paper-conference", "THES": "thesis", "RPRT": "report", "GOVDOC": "report",
    "GEN": "document", "ELEC": "webpage", "BLOG": "post-weblog", "DATA": "dataset",
    "DBASE": "dataset", "AGGR": "dataset", "COMP": "software", "PAT": "patent",
    "UNPB": "manuscript", "MANSCPT": "manuscript", "PAMP": "pamphlet",
    "ENCYC": "entry-encyclopedia", "DICT": "entry-dictionary", "MAP": "map",
    "MPCT": "motion_picture", "VIDEO": "motion_picture", "ADVS": "motion_picture",
    "SOUND": "song", "MUSIC": "musical_score", "ART": "graphic", "FIGURE": "figure",
    "CHART": "figure", "HEAR": "hearing", "BILL": "bill", "CASE": "legal_case",
    "STAT": "legislation", "LEGAL": "regulation", "PCOMM": "personal_communication",
    "ICOMM": "personal_communication", "STAND": "standard", "SER": "periodical",
    "ANCIENT": "classic", "CLSWK": "classic", "SLIDE": "speech", "MULTI": "webpage",
}

#: CSL type -> RIS ``TY`` for entries that did not come from RIS (or changed type).
CSL_TO_TYPE = {
    "article-journal": "JOUR", "article-magazine": "MGZN", "article-newspaper": "NEWS",
    "book": "BOOK", "chapter": "CHAP", "paper-conference": "CPAPER", "thesis": "THES",
    "report": "RPRT", "document": "GEN", "webpage": "ELEC", "post-weblog": "BLOG",
    "post": "ELEC", "dataset": "DATA", "software": "COMP", "patent": "PAT",
    "manuscript": "UNPB", "pamphlet": "PAMP", "entry-encyclopedia": "ENCYC",
    "entry-dictionary": "DICT", "entry": "ENCYC", "map": "MAP", "motion_picture": "MPCT",
    "song": "SOUND", "musical_score": "MUSIC", "graphic": "ART", "figure": "FIGURE",
    "hearing": "HEAR", "bill": "BILL", "legal_case": "CASE", "legislation": "STAT",
    "regulation": "LEGAL", "personal_communication": "PCOMM", "standard": "STAND",
    "periodical": "SER", "classic": "CLSWK", "speech": "SLIDE", "article": "GEN",
}

#: Name tags -> CSL name role. ``A2`` is the secondary author: the editor of the book or
#: proceedings (EndNote, Zotero); ``A3`` the series editor; ``A4`` Zotero's translator.
NAME_TAGS = {
    "AU": "author", "A1": "author", "A2": "editor", "ED": "editor",
    "A3": "collection-editor", "A4": "translator",
}

#: Date tags -> CSL date variable. PY/Y1 (and DA, the 2011 spec's full date) are the
#: publication date in ``YYYY/MM/DD/other`` form; Y2 is the access date (Zotero, 2011 spec).
DATE_TAGS = {"PY": "issued", "Y1": "issued", "DA": "issued", "Y2": "accessed"}

#: Text tags -> CSL text variable. The container tags claim ``container-title`` in order of
#: appearance; the abbreviation tags claim ``container-title-short``.
TEXT_TAGS = {
    "TI": "title", "T1": "title", "CT": "title",
    "T2": "container-title", "JO": "container-title", "JF": "container-title",
    "BT": "container-title",
    "JA": "container-title-short", "J1": "container-title-short", "J2": "container-title-short",
    "T3": "collection-title",
    "ST": "title-short",
    "VL": "volume", "IS": "issue", "CP": "issue", "M1": "number", "NV": "number-of-volumes",
    "ET": "edition", "SE": "section",
    "PB": "publisher", "CY": "publisher-place", "PP": "publisher-place",
    "AB": "abstract", "N2": "abstract", "N1": "note",
    "LA": "language", "M3": "genre", "CN": "call-number", "DB": "source", "DP": "source",
    "OP": "original-title",
}

#: Identifier tags (handled in code: SN is an ISBN or an ISSN, UR the first link).
ID_TAGS = ("DO", "UR", "SN", "AN")

#: Page tags: SP (start page, or the whole range) and EP (end page).
PAGE_TAGS = ("SP", "EP")

#: Keywords: each occurrence is one value.
KEYWORD_TAG = "KW"

#: Tags whose untagged continuation lines are further values, not a wrapped value: EndNote
#: writes all keywords (or ISSNs, links, addresses) under one tag, one per line.
LIST_TAGS = {"KW", "SN", "UR", "L1", "L2", "L3", "L4", "AD", "AU", "A1", "A2", "A3", "A4", "ED"}

#: Tags whose continuation lines are kept as line breaks (notes, abstracts); other wrapped
#: values are joined with a space.
MULTILINE_TAGS = {"AB", "N1", "N2", "RN"}

#: The tags written for each canonical slot when the entry did not come from RIS.
OUT_TEXT = {
    "title": "TI", "container-title": "T2", "container-title-short": "J2",
    "collection-title": "T3", "title-short": "ST", "volume": "VL", "issue": "IS",
    "number": "M1", "number-of-volumes": "NV", "edition": "ET", "section": "SE",
    "publisher": "PB", "publisher-place": "CY", "abstract": "AB", "note": "N1",
    "language": "LA", "genre": "M3", "call-number": "CN", "source": "DP",
    "original-title": "OP",
}
OUT_NAMES = {"author": "AU", "editor": "A2", "collection-editor": "A3", "translator": "A4"}
OUT_DATES = {"issued": "PY", "accessed": "Y2"}

#: The order tags are written in (RIS readers do not care; people reading the file do).
TAG_ORDER = (
    "TY", "ID", "AU", "A1", "A2", "ED", "A3", "A4", "TI", "T1", "CT", "ST", "T2", "JO", "JF",
    "BT", "JA", "J1", "J2", "T3", "PY", "Y1", "DA", "Y2", "VL", "IS", "CP", "M1", "NV", "SP",
    "EP", "ET", "SE", "PB", "CY", "PP", "SN", "DO", "UR", "AN", "AB", "N2", "N1", "KW", "LA",
    "M3", "CN", "DB", "DP", "OP",
)

#: Prefix of ``entry.extra`` keys that hold RIS tags without a canonical slot.
EXTRA_PREFIX = "ris:"
