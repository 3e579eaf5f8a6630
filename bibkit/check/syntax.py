"""Checks fed by the importers' own Problems: the file is parsed once, and what the reader
already found (with its line) is reported under a named check instead of being re-derived."""
from __future__ import annotations

from bibkit.check.registry import from_problems

from_problems("syntax-error", "error", "a block or value the reader could not read as written (recovered or kept as a comment)",
              ("syntax", "bad-value", "stray-brace", "ris-syntax", "ris-missing-ty", "unknown-format", "io"))
from_problems("encoding", "error", "the file is not valid UTF-8 and declares no encoding",
              ("encoding",))
from_problems("control-character", "warning", "control characters (NUL, ESC, ...) inside values; TeX and biber choke on them",
              ("control-char",))
from_problems("bad-key", "error", "the citation key has characters BibTeX or biber reject (space, comma, braces, ...)",
              ("bad-key",))
from_problems("missing-key", "error", "an entry without a citation key cannot be cited",
              ("missing-key",))
from_problems("duplicate-field", "warning", "a field appears twice in one entry; BibTeX uses only one of the values",
              ("duplicate-field",))
from_problems("undefined-macro", "warning", "a value uses an @string macro that is not defined; bibtex prints nothing for it",
              ("undefined-macro",), family="macros")
from_problems("duplicate-string", "warning", "an @string macro is defined twice; entries after the second definition get its value",
              ("duplicate-string",), family="macros")
from_problems("crossref-missing", "warning", "crossref names an entry that is not in the inputs",
              ("crossref-missing",), family="crossref")
from_problems("crossref-cycle", "error", "crossref links form a cycle; no parent can be resolved",
              ("crossref-cycle",), family="crossref")
from_problems("date-format", "warning", "a date field that is not ISO 8601 / EDTF (biber rejects it)",
              ("bad-date",), family="dates")
from_problems("invalid-doi", "warning", "the doi field holds no DOI (10.NNNN/...)",
              ("bad-doi",), family="identifiers")
from_problems("missing-er", "warning", "a RIS entry is not closed by an ER line",
              ("ris-missing-er",))
from_problems("unknown-type", "warning", "an item type the format does not define",
              ("ris-bad-type", "bad-type", "missing-type"), family="fields")

#: importer codes that a dedicated check reports better (with the raw value), so not twice
SUPERSEDED_CODES = {"duplicate-key", "bad-month"}
