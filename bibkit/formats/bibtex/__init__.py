"""BibTeX and BibLaTeX: reading (through bibtexparser v2), writing, and writing back in place.

The modules import one way, each only from those above it in this list:

* :mod:`.fields`, :mod:`.layout`, :mod:`.values`, :mod:`.citekeys`: the field mapping, how a
  written entry is laid out, value expressions (``#``, macros), keys BibTeX accepts;
* :mod:`.blocks`: the text split into bibtexparser's blocks;
* :mod:`.reader`: blocks into canonical blocks (:class:`~.reader.BlockReader`);
* :mod:`.pieces`: a large text read in pieces on several cores, joined to the serial result;
* :mod:`.importer`: a whole text read (serially or in pieces) and checked; the importer plugins;
* :mod:`.writer`: canonical blocks as text; the exporter plugins;
* :mod:`.preserve`: a file written back with its unchanged blocks byte for byte.
"""
from __future__ import annotations

from bibkit.formats.bibtex.blocks import parse_blocks
from bibkit.formats.bibtex.citekeys import safe_key
from bibkit.formats.bibtex.importer import BibLaTeXImporter, BibTeXImporter, BibTeXReader
from bibkit.formats.bibtex.values import ValueError_, evaluate
from bibkit.formats.bibtex.writer import BibLaTeXExporter, BibTeXExporter, BibTeXWriter

__all__ = [
    "BibLaTeXExporter", "BibLaTeXImporter", "BibTeXExporter", "BibTeXImporter", "BibTeXReader",
    "BibTeXWriter", "ValueError_", "evaluate", "parse_blocks", "safe_key",
]
