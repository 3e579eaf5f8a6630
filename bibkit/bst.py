"""Classic BibTeX styles (plain, unsrt, alpha, unsrtalpha) through pybtex's Python styles.

Why not the CSL engine: people who ask for ``bibtex:plain`` want what ``bibtex`` with
``plain.bst`` prints, and pybtex re-implements those styles faithfully. The entries reach pybtex
through bibkit's own BibTeX exporter and pybtex's parser, so names, braces and LaTeX escapes are
treated exactly as they would be in a real ``.bib`` file written by bibkit.

pybtex is strict where bibtex only warns (a ``@article`` without ``journal`` raises); here a
missing required field becomes a warning and the entry is formatted as ``@misc`` instead, so one
incomplete entry never costs the whole list.
"""
from __future__ import annotations

from collections.abc import Iterable

from bibkit.diagnostics import BibkitError, Problem
from bibkit.model import Entry, Library

#: bibkit's output format names mapped to pybtex backend plugin names.
BACKENDS = {"text": "text", "html": "html", "markdown": "markdown", "md": "markdown", "latex": "latex"}


class BstStyleNotFound(BibkitError, LookupError):
    """The named BibTeX style is not one pybtex provides."""


def bst_styles() -> list[str]:
    """Names of the BibTeX styles available (pybtex formatting-style plugins)."""
    from pybtex.plugin import enumerate_plugin_names

    return sorted(enumerate_plugin_names("pybtex.style.formatting"))


def _style(name: str):
    from pybtex.plugin import PluginNotFound, find_plugin

    try:
        return find_plugin("pybtex.style.formatting", name)()
    except PluginNotFound:
        raise BstStyleNotFound(
            f"unknown BibTeX style {name!r}; available: {', '.join(bst_styles())}"
        ) from None


def _backend(fmt: str):
    from pybtex.plugin import find_plugin

    try:
        return find_plugin("pybtex.backends", BACKENDS[fmt])()
    except KeyError:
        raise BibkitError(
            f"unknown output format {fmt!r} for BibTeX styles; use one of: text, html, markdown, latex"
        ) from None


def _to_pybtex(library: Library, problems: list[Problem]):
    """bibkit entries -> pybtex BibliographyData, via bibkit's BibTeX text."""
    import pybtex.errors
    from pybtex.database import parse_string

    from bibkit import dumps

    text = dumps(library, "bibtex")
    with pybtex.errors.capture() as captured:
        data = parse_string(text, "bibtex")
    for error in captured:
        problems.append(Problem(f"pybtex: {error}", "<bibtex export>", None, "warning", "bst-parse"))
    _cut_crossref_cycles(data)
    return data


def _cut_crossref_cycles(data) -> None:
    """pybtex follows ``crossref`` without end on a cycle (a RecursionError); bibkit's reader
    has already reported the cycle, so here each entry on one simply stops inheriting."""
    entries = data.entries
    for key, entry in entries.items():
        seen, current = {key.lower()}, entry
        while "crossref" in current.fields:
            parent = current.fields["crossref"].strip().lower()
            if parent in seen:
                del entry.fields["crossref"]
                break
            seen.add(parent)
            current = entries.get(parent)
            if current is None:
                break


def _has_template(formatter, entry_type: str) -> bool:
    return hasattr(formatter, f"get_{entry_type}_template") or hasattr(formatter, f"format_{entry_type}")


def _ordered(library: Library, style: str, problems: list[Problem]):
    """pybtex data plus the style's entry order and labels for ``library``."""
    formatter = _style(style)
    data = _to_pybtex(library, problems)
    sorted_entries = formatter.sort(list(data.entries.values()))
    labels = list(formatter.format_labels(sorted_entries))
    return formatter, data, sorted_entries, labels


def bst_labels(entries: Library | Iterable[Entry], style: str = "plain") -> dict[str, str]:
    """Citation labels (``1``, ``Knu84``) the style gives each entry key, as ``\\cite`` prints them."""
    library = entries if isinstance(entries, Library) else Library.of(entries)
    _formatter, _data, ordered, labels = _ordered(library, style, [])
    return {entry.key: label for entry, label in zip(ordered, labels)}


def format_with_bst(
    entries: Library | Iterable[Entry],
    style: str = "plain",
    format: str = "text",
    *,
    labels: bool = True,
    problems: list[Problem] | None = None,
) -> list[str]:
    """Format ``entries`` as the BibTeX style ``style`` would, one string per entry.

    Entries come out in the style's order (sorted for plain/alpha, input order for
    unsrt/unsrtalpha), each prefixed with its label (``[1]``, ``[Knu84]``) unless
    ``labels=False``. Entries that could not be formatted as written are reported in
    ``problems`` (when given) rather than raised.
    """
    from pybtex.richtext import Text as RichText
    from pybtex.style.template import FieldIsMissing

    sink: list[Problem] = problems if problems is not None else []
    library = entries if isinstance(entries, Library) else Library.of(entries)
    backend = _backend(format)
    formatter, data, sorted_entries, entry_labels = _ordered(library, style, sink)
    by_key = {e.key: e for e in library.entries if e.key}
    out: list[str] = []
    for label, entry in zip(entry_labels, sorted_entries):
        source = by_key.get(entry.key)
        where = source.source.file if source is not None and source.source else "<input>"
        line = source.source.line if source is not None and source.source else None
        reason = None
        if not _has_template(formatter, entry.type):
            # bibtex: "entry type for X isn't style-file defined", formatted as misc
            reason = f"@{entry.type} is not defined by bibtex:{style}"
        else:
            try:
                formatted = formatter.format_entry(label, entry, bib_data=data)
            except FieldIsMissing as exc:
                reason = f"bibtex:{style} needs field {exc.field_name!r} for @{entry.type}"
        if reason is not None:
            sink.append(Problem(f"{entry.key}: {reason}; formatted as @misc",
                                where, line, "warning", "bst-fallback"))
            original = entry.type
            entry.type = "misc"
            try:
                formatted = formatter.format_entry(label, entry, bib_data=data)
            except FieldIsMissing as again:
                sink.append(Problem(f"{entry.key}: cannot format with bibtex:{style}: {again}; left out",
                                    where, line, "error", "bst-failed"))
                continue
            finally:
                entry.type = original
        body = formatted.text.render(backend)
        if format != "latex":
            body = " ".join(body.split("\n"))
        if labels:
            body = RichText(f"[{formatted.label}] ").render(backend) + body
        out.append(body)
    return out


__all__ = ["BACKENDS", "BstStyleNotFound", "bst_labels", "bst_styles", "format_with_bst"]
