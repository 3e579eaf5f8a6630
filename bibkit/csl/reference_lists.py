"""Formatted reference lists of canonical entries: what ``bibkit format`` and ``bibkit cite``,
the page of ``bibkit serve`` and ``bibkit render`` share around the engine.

The engine (:class:`bibkit.csl.Processor`) works on CSL-JSON items; these functions are the one
place where entries become items with unique ids, where a style name becomes a processor, and
where the engine's per-entry failures become ``file:line`` problems, so that every front end
formats, and reports, exactly alike.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from bibkit.diagnostics import BibkitError, Problem
from bibkit.model import Entry
from bibkit.model_csl import entry_to_csl

from .locale import available_locales
from .processor import Processor
from .styles import find_style


def locale_available(lang: str) -> bool:
    """Whether a CSL locale file serves ``lang`` (exactly, or through its language)."""
    base = lang.split("-")[0]
    langs = available_locales()
    return lang in langs or any(n == base or n.startswith(base + "-") for n in langs)


def style_locale(style: str, locale: str | None) -> str:
    """The locale a list in ``style`` is written in: the one asked for, else the style's own."""
    return locale or find_style(style).default_locale or "en-US"


def processor_for(style: str, locale: str | None = None) -> Processor:
    """A CSL processor for ``style`` (a name, path or URL) in ``locale`` (else the style's own
    default-locale, else en-US). A style the engine cannot compile is the user's file: a
    :class:`BibkitError`, not a traceback."""
    info = find_style(style)
    try:
        return Processor(info.xml, locale=locale or info.default_locale or "en-US")
    except BibkitError:
        raise
    except ValueError as exc:
        raise BibkitError(f"cannot use style {style!r}: {exc}") from None


def csl_items(entries: Iterable[Entry], problems: list[Problem] | None = None) -> list[dict]:
    """CSL-JSON items with unique ids: a repeated key would otherwise drop an entry silently.

    The second ``smith2020`` becomes ``smith2020#2`` and is reported, so both are formatted.
    """
    items: list[dict] = []
    seen: dict[str, int] = {}
    for entry in entries:
        item = entry_to_csl(entry)
        ident = str(item["id"])
        if ident in seen:
            seen[ident] += 1
            item["id"] = f"{ident}#{seen[ident]}"
            if problems is not None:
                where = entry.source
                problems.append(Problem(
                    f"duplicate key {ident!r}: formatted again as {item['id']!r}",
                    where.file if where else "<input>", where.line if where else None,
                    "warning", "duplicate-key",
                ))
        else:
            seen[ident] = 1
        items.append(item)
    return items


def failure_problems(failures: list, entries: list[Entry], items: list[dict]) -> list[Problem]:
    """An entry the engine could not render, as an error at the entry's file:line."""
    where = {str(item["id"]): entry.source for entry, item in zip(entries, items)}
    out = []
    for failure in failures:
        source = where.get(failure.id)
        out.append(failure_problem(failure, source.file if source else None, source.line if source else None))
    return out


def failure_problem(failure, file: str | None, line: int | None) -> Problem:
    """One :class:`~.processor.RenderFailure` of the entry at ``file:line`` as an error."""
    return Problem(
        f"entry {failure.id!r} could not be formatted and is left out of the list "
        f"({failure.message})",
        file or "<input>", line, "error", "format-failed",
    )


def join_entries(entries: list[str], fmt: str) -> str:
    """One document from per-entry strings, in the idiom of the output markup."""
    return "".join(entry_pieces(entries, fmt))


def entry_pieces(entries: Iterable[str], fmt: str) -> Iterator[str]:
    """:func:`join_entries`'s document piece by piece, so a long list is written as it is made."""
    sep = "\n\n" if fmt in ("markdown", "latex") else "\n"
    first = True
    for e in entries:
        if first:
            if fmt == "html":
                yield '<div class="csl-bib-body">\n'
        else:
            yield sep
        first = False
        if fmt == "html":
            yield f"  {e}" if e.lstrip().startswith('<div class="csl-entry"') else f'  <div class="csl-entry">{e}</div>'
        else:
            yield e
    if not first:
        yield "\n</div>\n" if fmt == "html" else "\n"
