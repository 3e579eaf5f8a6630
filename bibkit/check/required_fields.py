"""Required fields per entry type, in the two data models a .bib is read against.

BibTeX: Patashnik's *BibTeXing* (btxdoc, section 3.1), what the standard styles warn about.
BibLaTeX: the biblatex manual (section 2.1.1), what biber's data model validation warns about.
A tuple inside a rule means "one of these" (``author`` or ``editor``; ``year`` or ``date``).
"""
from __future__ import annotations

Rule = tuple  # of field names, or tuples of alternatives

BIBTEX_REQUIRED: dict[str, Rule] = {
    "article": ("author", "title", "journal", "year"),
    "book": (("author", "editor"), "title", "publisher", "year"),
    "booklet": ("title",),
    "conference": ("author", "title", "booktitle", "year"),
    "inbook": (("author", "editor"), "title", ("chapter", "pages"), "publisher", "year"),
    "incollection": ("author", "title", "booktitle", "publisher", "year"),
    "inproceedings": ("author", "title", "booktitle", "year"),
    "manual": ("title",),
    "mastersthesis": ("author", "title", "school", "year"),
    "misc": (),
    "phdthesis": ("author", "title", "school", "year"),
    "proceedings": ("title", "year"),
    "techreport": ("author", "title", "institution", "year"),
    "unpublished": ("author", "title", "note"),
}

_DATE = ("year", "date")
_AUTHOR_OR_EDITOR = ("author", "editor")
_MISC = (_AUTHOR_OR_EDITOR, "title", _DATE)
_IN = ("author", "title", "booktitle", _DATE)

BIBLATEX_REQUIRED: dict[str, Rule] = {
    "article": ("author", "title", "journaltitle", _DATE),
    "book": ("author", "title", _DATE), "mvbook": ("author", "title", _DATE),
    "inbook": _IN, "bookinbook": _IN, "suppbook": _IN,
    "booklet": _MISC,
    "collection": ("editor", "title", _DATE), "mvcollection": ("editor", "title", _DATE),
    "incollection": _IN, "suppcollection": _IN,
    "dataset": _MISC, "manual": _MISC, "misc": _MISC, "software": _MISC,
    "online": (_AUTHOR_OR_EDITOR, "title", _DATE, ("doi", "eprint", "url")),
    "patent": ("author", "title", "number", _DATE),
    "periodical": ("editor", "title", _DATE), "suppperiodical": ("author", "title", "journaltitle", _DATE),
    "proceedings": ("title", _DATE), "mvproceedings": ("title", _DATE),
    "inproceedings": _IN,
    "reference": ("editor", "title", _DATE), "mvreference": ("editor", "title", _DATE),
    "inreference": _IN,
    "report": ("author", "title", "type", "institution", _DATE),
    "thesis": ("author", "title", "type", "institution", _DATE),
    "unpublished": ("author", "title", _DATE),
    # biber's type aliases (the alias implies ``type``)
    "conference": _IN, "electronic": (_AUTHOR_OR_EDITOR, "title", _DATE, ("doi", "eprint", "url")),
    "www": (_AUTHOR_OR_EDITOR, "title", _DATE, ("doi", "eprint", "url")),
    "mastersthesis": ("author", "title", "institution", _DATE),
    "phdthesis": ("author", "title", "institution", _DATE),
    "techreport": ("author", "title", "institution", _DATE),
    # types without required fields in the model
    "set": (), "xdata": (), "artwork": (), "audio": (), "bibnote": (), "commentary": (), "image": (),
    "jurisdiction": (), "legislation": (), "legal": (), "letter": (), "movie": (), "music": (),
    "performance": (), "review": (), "standard": (), "video": (),
}

#: biber's field aliases: a legacy BibTeX name satisfies the biblatex field.
BIBLATEX_ALIASES = {"journal": "journaltitle", "school": "institution", "address": "location",
                    "annote": "annotation", "archiveprefix": "eprinttype", "primaryclass": "eprintclass"}

#: Fields and types only biblatex knows: a file that uses them is checked against biblatex.
BIBLATEX_MARKERS = {"date", "journaltitle", "location", "eprinttype", "eprintclass", "urldate",
                    "maintitle", "origdate", "eventdate", "pubstate", "sortname", "langid"}
BIBLATEX_ONLY_TYPES = set(BIBLATEX_REQUIRED) - set(BIBTEX_REQUIRED)
