"""Named checks: what each one is called, how bad it is, what it means, and its findings.

Every check has a stable id (``page-hyphen``), a severity and a one-line explanation, so a user
can select, ignore and look them up (``bibkit check --list-checks``). Three kinds exist:
checks fed by the importer's own Problems (mapped by their ``code``, so syntax is parsed once),
per-entry checks, and checks over the whole set of inputs (duplicates).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from bibkit.citing.cited import CitedKeys
from bibkit.model import Entry, Library

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class Fix:
    """A safe text edit: replace ``old`` (the raw value as written) found from ``line`` on."""

    file: str
    line: int
    old: str
    new: str
    description: str


@dataclass
class Finding:
    check: str
    severity: str
    file: str
    line: int | None
    message: str
    fix: Fix | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.severity}: [{self.check}] {self.message}"

    def as_dict(self) -> dict:
        out = {"check": self.check, "severity": self.severity, "file": self.file,
               "line": self.line, "message": self.message, "fixable": self.fix is not None}
        if self.fix is not None:
            out["fix"] = self.fix.description
        return out


@dataclass
class Context:
    """What checks may look at: every input, and the data model each file is checked against."""

    library: Library
    models: dict[str, str] = field(default_factory=dict)  # file -> "bibtex" | "biblatex"
    cache: dict = field(default_factory=dict)  # for checks that index the inputs once
    cited: CitedKeys | None = None  # what the documents of --cited-in cite (citation checks)

    def model(self, entry: Entry) -> str:
        return self.models.get(entry.source.file if entry.source else "", "bibtex")


EntryFn = Callable[[Entry, Context], Iterable[Finding]]
LibraryFn = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True)
class Check:
    id: str
    severity: str
    explanation: str
    family: str
    fixable: bool = False
    codes: tuple[str, ...] = ()  # importer Problem codes reported under this check
    entry_fn: EntryFn | None = None
    library_fn: LibraryFn | None = None

    def finding(self, file: str, line: int | None, message: str, fix: Fix | None = None) -> Finding:
        return Finding(self.id, self.severity, file, line, message, fix)

    def at(self, entry: Entry, message: str, line: int | None = None, fix: Fix | None = None) -> Finding:
        """A finding at ``entry`` (or at ``line`` of its file, e.g. the offending field's line)."""
        file = entry.source.file if entry.source else "<input>"
        if line is None and entry.source is not None:
            line = entry.source.line
        return Finding(self.id, self.severity, file, line, message, fix)


CHECKS: dict[str, Check] = {}


def _add(check: Check) -> Check:
    if check.id in CHECKS:
        raise ValueError(f"check {check.id!r} registered twice")
    CHECKS[check.id] = check
    return check


def from_problems(id: str, severity: str, explanation: str, codes: Iterable[str], family: str = "syntax") -> Check:
    """Register a check whose findings are the importer's Problems with these codes."""
    return _add(Check(id, severity, explanation, family, codes=tuple(codes)))


def entry_check(id: str, severity: str, explanation: str, family: str, fixable: bool = False):
    """Decorator: register ``fn(entry, ctx) -> findings`` as a per-entry check."""
    def register(fn: EntryFn) -> EntryFn:
        _add(Check(id, severity, explanation, family, fixable, entry_fn=fn))
        return fn
    return register


def library_check(id: str, severity: str, explanation: str, family: str, fixable: bool = False):
    """Decorator: register ``fn(ctx) -> findings`` as a check over all inputs at once."""
    def register(fn: LibraryFn) -> LibraryFn:
        _add(Check(id, severity, explanation, family, fixable, library_fn=fn))
        return fn
    return register


def get(id: str) -> Check:
    return CHECKS[id]
