"""Does a text look like a structured file (tagged records, markup, keyed data, a table)?

The free-text importers (``reflist``, ``listing``) read prose, so they must never claim a
file whose shape is a format's own: tagged lines (RIS, MEDLINE, Web of Science, EndNote
tagged/Refer), markup (XML, HTML, the CSL test fixtures' ``>>=====`` sections), JSON, YAML
or CFF keys, or a table with a heading row. Such a file, if no importer recognises its
signature, gets "cannot tell the format" rather than confident garbage. One test for all of
them, so both free-text importers refuse the same things.
"""
from __future__ import annotations

import csv
import re

#: a line that is a tag and a value, a key and a value, markup or a fixture section marker
_STRUCTURED_LINE = re.compile(
    r"^(?:[A-Z][A-Z0-9]{1,3} {0,3}-(?: |$)"      # RIS "TY  - ", MEDLINE "PMID- "
    r"|[A-Z][A-Z0-9](?: |$)"                      # Web of Science "AU Smith, J", "ER"
    r"|%[0-9A-Z@\[\]=~!#$&()*+^|>?](?: |$)"       # EndNote tagged / Refer "%A Smith"
    r"|\s*-?\s*[a-z][\w-]*:(?:\s|$)"              # YAML / CFF "cff-version: 1.2.0", "- family-names:"
    r"|\s*</?[A-Za-z!?][^>]*>"                    # XML / HTML markup
    r"|\s*[{}\[\]]\s*$|\s*\"[^\"]+\"\s*:"         # JSON punctuation and keys
    r"|>>=+|<<=+)"                                # CSL test-suite sections
)
_STARTS = re.compile(r"^\ufeff?\s*(?:@\w+\s*[{(]|\{|\[\s*[{\[\"]|\[\s*$|<[?!A-Za-z]|---\s*$|%YAML)")


#: a column heading: a few words, no sentence punctuation ("Document Title", "Art. No.",
#: "Author(s) ID", "ENTRYTYPE"); a reference's first line has a year in parentheses or ends a sentence
_HEADING = re.compile(r"^(?!.*\(\d{4}\))(?!.*[^.\s]+\s+[^.\s]*[^.\s]\.$)[^\n]{0,40}$")


def looks_like_table(lines: list[str]) -> bool:
    """A heading row of 3+ short heading cells and rows with as many cells (comma, semicolon or tab)."""
    head = lines[0]
    delimiter = max(",;\t", key=head.count)
    try:
        rows = list(csv.reader(lines[:10], delimiter=delimiter))
    except csv.Error:
        return False
    width = len(rows[0])
    if width < 3 or len(rows) < 2 or not all(_HEADING.match(c.strip().lstrip("\ufeff")) for c in rows[0]):
        return False
    return sum(len(r) >= width for r in rows[1:]) >= 0.8 * (len(rows) - 1)  # (a trailing separator adds one)


def looks_structured(text: str, sample: int = 60) -> bool:
    """True when the text starts like a structured format, or when at least a third of its
    first ``sample`` non-empty lines are tagged, keyed or markup lines, or it is a table."""
    if _STARTS.match(text[:200]):
        return True
    lines = [ln for ln in (raw.rstrip("\r") for raw in text[:100_000].split("\n")) if ln.strip()][:sample]
    if not lines:
        return False
    structured = sum(bool(_STRUCTURED_LINE.match(ln)) for ln in lines)
    if structured >= max(2, len(lines) / 3):
        return True
    return len(lines) >= 2 and looks_like_table(lines)
