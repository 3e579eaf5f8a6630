"""``bibkit check``: a linter for bibliographies.

Checks are registered by name (:mod:`bibkit.check.registry`), one module per family:
:mod:`.syntax` (the importer's own Problems), :mod:`.keys` (duplicate keys and entries),
:mod:`.fields` (required fields per type), :mod:`.identifiers`, :mod:`.dates`, :mod:`.text`, and
:mod:`.citations` (the inputs against what a document cites, with ``cited``).
:func:`load_for_check` reads inputs with raw values kept, :func:`run_checks` runs the checks over
a library, and :func:`apply_fixes` applies the safe fixes to the files.
"""
from __future__ import annotations

import re
from typing import Iterable

from bibkit.check import citations, dates, fields, identifiers, keys, syntax, text  # noqa: F401  (register checks)
from bibkit.check.fixes import apply_fixes, fix_text
from bibkit.citing.cited import CitedKeys
from bibkit.check.registry import CHECKS, SEVERITY_RANK, Check, Context, Finding, Fix
from bibkit.diagnostics import BibkitError, Problem
from bibkit.model import Entry, Library
from bibkit.progress import progress

_BY_CODE = {code: check for check in CHECKS.values() for code in check.codes}


def load_for_check(paths: Iterable[str], format: str | None = None, encoding: str | None = None,
                   show_progress: bool = True) -> Library:
    """Read every input with raw BibTeX values kept; an unreadable file is a finding, not a stop."""
    from bibkit.api import load

    library = Library()
    paths = list(paths)
    for path in progress(paths, label="reading", delay=1.0) if show_progress else paths:
        try:
            part = load(path, format, encoding=encoding, keep_raw=True)
        except BibkitError as exc:
            library.problems.append(Problem(str(exc), path, None, "error", "io"))
            continue
        library.extend(part)
    return library


def selected_checks(select: Iterable[str] | None, ignore: Iterable[str] | None) -> list[Check]:
    """The checks to run: ``select`` (default: all) less ``ignore``; an unknown id is an error."""
    chosen = set(select) if select else set(CHECKS)
    unknown = (chosen | set(ignore or ())) - set(CHECKS)
    if unknown:
        raise BibkitError(f"unknown check(s): {', '.join(sorted(unknown))} (see bibkit check --list-checks)")
    return [c for c in CHECKS.values() if c.id in chosen and c.id not in set(ignore or ())]


_UNDEFINED = re.compile(r"undefined macro '([^']+)'")


def _problems(library: Library) -> list[Problem]:
    """The importers' problems, re-judged across all inputs as bibtex sees files given together.

    Each file is read on its own, so a macro from another input (``abbrev.bib``) or a crossref
    to an entry in another input looks missing; here those links are resolved over everything.
    """
    from bibkit.transforms.crossref import check_crossrefs

    problems = [p for p in library.problems if p.code not in ("crossref-missing", "crossref-cycle")]
    files = {p.file for p in library.problems} | {e.source.file for e in library.entries if e.source}
    if len(files) > 1:
        defined = {s.name.lower() for s in library.strings}
        problems = [p for p in problems if not (p.code == "undefined-macro" and (m := _UNDEFINED.search(p.message))
                                                 and m.group(1).lower() in defined)]
    links = Library(blocks=list(library.entries))
    check_crossrefs(links)
    return problems + links.problems


def run_checks(library: Library, select: Iterable[str] | None = None, ignore: Iterable[str] | None = None,
               model: str = "auto", show_progress: bool = True, cited: CitedKeys | None = None) -> list[Finding]:
    """Every finding for ``library``, sorted by file and line; with ``cited`` (what a document
    cites, :func:`bibkit.citing.read_cited`) also undefined citations and unused entries."""
    checks = selected_checks(select, ignore)
    files = {e.source.file for e in library.entries if e.source}
    ctx = Context(library, {f: (fields.detect_model(library, f) if model == "auto" else model) for f in files},
                  cited=cited)
    findings = problem_findings(_problems(library), checks)
    entries = library.entries
    findings.extend(entry_findings(progress(entries, label="checking", delay=1.0) if show_progress else entries,
                                   checks, ctx))
    for check in checks:
        if check.library_fn is not None:
            findings.extend(check.library_fn(ctx))
    return sort_findings(findings)


def problem_findings(problems: Iterable[Problem], checks: list[Check]) -> list[Finding]:
    """The importers' problems as findings of the checks their codes belong to (in their order)."""
    ids = {c.id for c in checks}
    findings: list[Finding] = []
    for problem in problems:
        check = _BY_CODE.get(problem.code)
        if problem.code in syntax.SUPERSEDED_CODES:
            continue
        if check is None:
            findings.append(Finding("import-problem", problem.severity, problem.file, problem.line, problem.message))
        elif check.id in ids:
            finding = check.finding(problem.file, problem.line, problem.message)
            if problem.severity == "info":  # e.g. a non-UTF-8 file read through its declared encoding
                finding.severity = "info"
            findings.append(finding)
    return findings


def entry_findings(entries: Iterable[Entry], checks: list[Check], ctx: Context) -> list[Finding]:
    """The per-entry checks' findings, entry by entry, each entry's in the checks' order."""
    per_entry = [c for c in checks if c.entry_fn is not None]
    findings: list[Finding] = []
    for entry in entries:
        for check in per_entry:
            findings.extend(check.entry_fn(entry, ctx))
    return findings


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """By file and line, the worse first; a stable sort, so ties keep the order they were found in."""
    findings.sort(key=lambda f: (f.file, f.line or 0, -SEVERITY_RANK.get(f.severity, 0), f.check))
    return findings


def exit_code(findings: Iterable[Finding], strict: bool = False) -> int:
    """0 clean; 1 warnings only, with ``strict``; 2 any error."""
    return exit_status((f.severity for f in findings), strict)


def exit_status(severities: Iterable[str], strict: bool = False) -> int:
    """:func:`exit_code` from the findings' severities alone (a streamed check keeps only those)."""
    worst = max((SEVERITY_RANK.get(s, 0) for s in severities), default=0)
    if worst >= SEVERITY_RANK["error"]:
        return 2
    if strict and worst >= SEVERITY_RANK["warning"]:
        return 1
    return 0


__all__ = ["CHECKS", "Check", "Finding", "Fix", "apply_fixes", "exit_code", "exit_status", "fix_text", "load_for_check", "run_checks"]
