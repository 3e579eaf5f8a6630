"""bibkit: read any references, get clean canonical entries, write the format your paper needs.

The API in one screen::

    import bibkit
    lib = bibkit.load("refs.bib")            # also .json (CSL-JSON), .ris, .yaml, listings ...
    for problem in lib.problems: print(problem)   # file:line: message
    bibkit.dump(lib, "refs.json")            # format from the extension, written atomically
    text = bibkit.dumps(lib.entries, "biblatex")
"""
from bibkit.api import dump, dumps, load, loads
from bibkit.diagnostics import BibkitError, Problem
from bibkit.model import Date, DateParts, Entry, Identifiers, Library, Mark, Name, NameList, Source, Text

__version__ = "0.1.0"

__all__ = [
    "load", "loads", "dump", "dumps", "Entry", "Name", "NameList", "Date", "DateParts",
    "Identifiers", "Library", "Mark", "Source", "Text", "Problem", "BibkitError", "__version__",
]
