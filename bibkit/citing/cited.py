"""What a document cites: its citations in document order, wherever they were read from.

Every reader (:mod:`.aux`, :mod:`.bcf`, :mod:`.tex`, :mod:`.markdown`) produces the same
:class:`CitedKeys`, so ``extract``, ``format`` and ``check`` never care which kind of document
the user named. Order matters: numeric styles number by first citation, so the readers keep
every citation (repeats too) where it was made, with the line to point a user at.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from bibkit.diagnostics import Problem

#: The key of ``\nocite{*}`` (biblatex's ``*`` citekey, pandoc's ``nocite: '@*'``): every entry.
ALL = "*"


@dataclass(frozen=True)
class Citation:
    """One citation of ``key`` at ``file:line`` (``key`` is :data:`ALL` for ``\\nocite{*}``)."""

    key: str
    file: str
    line: int | None = None

    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file


@dataclass
class CitedKeys:
    """The citations of one or several documents, in the order a reader meets them.

    ``bib_files`` are the bibliographies the document names (``\\bibdata``, ``\\bibliography``,
    ``\\addbibresource``, a ``.bcf`` datasource, pandoc's ``bibliography:``), as written there.
    ``problems`` are the documents' own (an unreadable ``\\input``, broken XML).
    """

    citations: list[Citation] = field(default_factory=list)
    bib_files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def add(self, key: str, file: str, line: int | None) -> None:
        key = key.strip()
        if key:
            self.citations.append(Citation(key, file, line))

    def extend(self, other: "CitedKeys") -> None:
        self.citations.extend(other.citations)
        self.bib_files.extend(b for b in other.bib_files if b not in self.bib_files)
        self.problems.extend(other.problems)

    @property
    def cites_all(self) -> bool:
        """Whether the document says ``\\nocite{*}`` (every entry of the bibliography)."""
        return any(c.key == ALL for c in self.citations)

    def keys(self) -> list[str]:
        """Each cited key once, in order of first citation (``*`` left out)."""
        return list(self.first().keys())

    def first(self) -> dict[str, Citation]:
        """Key -> its first citation, in order of first citation (``*`` left out)."""
        out: dict[str, Citation] = {}
        for c in self.citations:
            if c.key != ALL and c.key not in out:
                out[c.key] = c
        return out
