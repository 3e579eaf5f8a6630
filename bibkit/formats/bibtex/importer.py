"""Reading a whole BibTeX/BibLaTeX text: on one core, or in pieces on several (:mod:`.pieces`),
then the checks that need the whole library (keys, crossrefs); and the importer plugins.
"""
from __future__ import annotations

import re

from bibkit.formats.bibtex.citekeys import BAD_KEY_CHARS, safe_key
from bibkit.formats.bibtex.blocks import parse_blocks
from bibkit.formats.bibtex import pieces
from bibkit.formats.bibtex.reader import BlockReader
from bibkit.diagnostics import Reporter
from bibkit.model import Library


class BibTeXReader(BlockReader):
    """A whole file's reading: ``BibTeXReader(name, **options).read(text)``."""

    # ---- entry point
    def read(self, text: str) -> Library:
        text = self._strip_control_characters(text)
        parts = pieces.read_in_pieces(self, text) if pieces.worth_splitting(text, self.jobs) else None
        self.library.sources[self.name] = text  # what the blocks' spans point into
        if parts is None:
            self.convert(parse_blocks(text), text)
        else:
            for blocks, problems in parts:
                self.library.blocks.extend(blocks)
                self.library.problems.extend(problems)
        check_keys(self.library, self.name)
        if self.resolve:
            from bibkit.transforms.crossref import resolve_crossrefs
            resolve_crossrefs(self.library)
        else:
            from bibkit.transforms.crossref import check_crossrefs
            check_crossrefs(self.library)
        return self.library


def check_keys(library: Library, name: str) -> None:
    """Warn (into ``library.problems``) of keys BibTeX or biber reject, once per entry."""
    report = Reporter(name, library.problems)
    for entry in library.entries:
        if entry.key and BAD_KEY_CHARS.search(entry.key):
            line = entry.source.line if entry.source else None
            if not any(p.code == "bad-key" and p.line == line for p in library.problems):
                report.warn(line, f"key {entry.key!r} has characters BibTeX or biber reject; "
                            f"written as {safe_key(entry.key)!r}", "bad-key")


class BibTeXImporter:
    name = "bibtex"
    extensions = (".bib", ".bibtex")
    description = "BibTeX (.bib); also reads BibLaTeX fields"

    def detect(self, text: str) -> float:
        return 0.9 if re.search(r"^\s*@\s*\w+\s*[{(]", text[:20000], re.MULTILINE) else 0.0

    def parse(self, text: str, name: str = "<input>", **options) -> Library:
        return BibTeXReader(name, **options).read(text)


class BibLaTeXImporter(BibTeXImporter):
    name = "biblatex"
    extensions = ()
    description = "BibLaTeX (.bib): the same reader as bibtex"

    def detect(self, text: str) -> float:
        return 0.0  # the bibtex reader already reads both dialects
