"""The bibliography against the document that cites from it (``bibkit check --cited-in DOC``).

What checkcites reports for a LaTeX paper (keys cited but defined nowhere, entries cited
nowhere), for any document :mod:`bibkit.citing` reads, plus citations of an entry's old key:
biber resolves an ``ids`` alias, bibtex does not, so such a citation works in one toolchain only.
These checks find nothing without a document.
"""
from __future__ import annotations

from typing import Iterable

from bibkit.check.registry import Context, Finding, get, library_check
from bibkit.citing.resolve import Resolution, resolve


def _resolution(ctx: Context) -> Resolution | None:
    if ctx.cited is None:
        return None
    if "citing" not in ctx.cache:
        ctx.cache["citing"] = resolve(ctx.cited, ctx.library.entries)
    return ctx.cache["citing"]


@library_check("undefined-citation", "error",
               "the document cites a key no entry has (LaTeX prints [?] or the key)", "citations")
def undefined_citations(ctx: Context) -> Iterable[Finding]:
    found = _resolution(ctx)
    check = get("undefined-citation")
    for citation in found.undefined if found else ():
        yield check.finding(citation.file, citation.line, f"undefined citation '{citation.key}'")


@library_check("unused-entry", "warning",
               "no citation of the document reaches this entry, nor does a cited entry refer to it "
               "(crossref, xdata, xref, related, entryset)", "citations")
def unused_entries(ctx: Context) -> Iterable[Finding]:
    found = _resolution(ctx)
    check = get("unused-entry")
    for entry in found.unused if found else ():
        yield check.at(entry, f"entry '{entry.key}' is not cited")


@library_check("alias-citation", "warning",
               "the document cites an entry by an old key (its ids alias): biber resolves it, bibtex does not; "
               "cite the current key", "citations")
def alias_citations(ctx: Context) -> Iterable[Finding]:
    found = _resolution(ctx)
    check = get("alias-citation")
    for citation, entry in found.aliased if found else ():
        yield check.finding(citation.file, citation.line,
                            f"'{citation.key}' is an old key of '{entry.key}' (ids at {entry.where()}); "
                            f"cite '{entry.key}'")
