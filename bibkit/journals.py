"""Journal names: ISO 4 abbreviations (with the LTWA, through ``pyiso4``) and back.

Abbreviating is a rule (ISO 4 applied word by word with the List of Title Word Abbreviations);
un-abbreviating is not, since many full titles share one abbreviation, so a full name is only
restored where it is *known*: from an abbreviation list the user names (JabRef's CSV format,
``Full Name;Abbreviation`` per line) or from the file itself (an entry that spells the journal
out, or gives both ``journal`` and ``shortjournal``). Abbreviations are matched ignoring case,
dots and spaces ("Phys Rev Lett" is "Phys. Rev. Lett.").
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Mapping

from bibkit import latex
from bibkit.diagnostics import BibkitError

#: CSL item types whose container is a serial (the titles ISO 4 is made for)
SERIAL_TYPES = frozenset({"article-journal", "article-magazine", "article-newspaper", "periodical"})
SHORT_FIELDS = ("shortjournal", "journalabbr", "journal-abbreviation")


@lru_cache(maxsize=1)
def _abbreviator():
    try:
        from pyiso4.ltwa import Abbreviate
    except ImportError:  # pragma: no cover - a declared dependency
        raise BibkitError("journal abbreviations need the pyiso4 package (pip install pyiso4)")
    return Abbreviate.create()


@lru_cache(maxsize=4096)
def iso4(title: str) -> str:
    """The ISO 4 abbreviation of a journal title ("Physical Review Letters" -> "Phys. Rev. Lett.")."""
    title = title.strip()
    if not title:
        return title
    return _abbreviator()(title, remove_part=True) or title


def match_key(name: str) -> str:
    """The form abbreviations are compared in: lower case, no dots, no spaces."""
    return re.sub(r"[\s.]+", "", name).lower()


class JournalNames:
    """Known full names by their abbreviation, gathered from lists and from the data itself."""

    def __init__(self) -> None:
        self.full: dict[str, str] = {}  # match_key(abbreviation) -> full name

    def add(self, full: str, abbreviation: str) -> None:
        full, abbreviation = full.strip(), abbreviation.strip()
        if full and abbreviation and match_key(full) != match_key(abbreviation):
            self.full.setdefault(match_key(abbreviation), full)

    @classmethod
    def from_lists(cls, paths: Iterable[str]) -> "JournalNames":
        names = cls()
        for path in paths:
            names.read_list(path)
        return names

    def read_list(self, path: str) -> None:
        """A JabRef-style list: ``full;abbreviation`` (or comma/tab separated) per line."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise BibkitError(f"{path}: cannot read the journal list ({exc.strerror or exc})")
        for row in csv.reader(text.splitlines(), delimiter=_delimiter(text)):
            if len(row) >= 2 and not row[0].startswith("#"):
                self.add(row[0], row[1])

    def learn(self, entries: Iterable[Mapping[str, str]]) -> None:
        """Full names the data itself spells out: ``journal`` beside ``shortjournal``, or a
        full ``journal`` whose ISO 4 form another entry uses."""
        for fields in entries:
            full = fields.get("journal") or fields.get("journaltitle") or ""
            if "\\" in full or "{" in full:
                full = latex.decode_plain(full)
            if not full.strip():
                continue
            for short in SHORT_FIELDS:
                if fields.get(short):
                    self.add(full, fields[short])
            if " " in full.strip():
                self.add(full, iso4(full))

    def unabbreviate(self, name: str) -> str | None:
        """The full name for an abbreviation, None when it is not known."""
        return self.full.get(match_key(name))


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip() and not line.startswith("#")), "")
    for d in (";", "\t", ","):
        if d in first:
            return d
    return ";"


def bibtex_journal_mapper(names: JournalNames, abbreviate: bool) -> Callable[[str], str]:
    """A function over a .bib journal value (LaTeX text): abbreviated, or its full name restored.

    A value with LaTeX is decoded, changed and encoded again only when it changes.
    """
    def change(value: str) -> str:
        plain = latex.decode_plain(value) if ("\\" in value or "{" in value) else value
        if abbreviate:
            new = iso4(plain)
        else:
            new = names.unabbreviate(plain) or plain
        if new == plain:
            return value
        return latex.encode(new) if plain is not value else new
    return change


def abbreviate_entries(entries, names: JournalNames | None = None, unabbreviate: bool = False) -> int:
    """Fill ``container-title-short`` of serial entries (what CSL styles such as IEEE print).

    With ``unabbreviate``, a container title that is a known abbreviation gets its full name
    and keeps the abbreviation as ``container-title-short``. Returns the entries changed.
    """
    from bibkit.model import Text

    changed = 0
    for entry in entries:
        if entry.type not in SERIAL_TYPES:
            continue
        title = entry.fields.get("container-title", "")
        if not title:
            continue
        if unabbreviate:
            full = names.unabbreviate(title) if names else None
            if full and full != title:
                entry.fields.setdefault("container-title-short", Text(str(title)))
                entry.fields["container-title"] = Text(full)
                changed += 1
        elif not entry.fields.get("container-title-short"):
            short = iso4(str(title))
            if short != title:
                entry.fields["container-title-short"] = Text(short)
                changed += 1
    return changed
