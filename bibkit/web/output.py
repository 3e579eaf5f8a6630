"""What the Format and Out sections make: the reference list in a style, and the whole library in
an export format, each as the commands make it (``bibkit format``, ``convert``, ``tidy``)."""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from bibkit import api, registry
from bibkit.diagnostics import BibkitError, Problem
from bibkit.model import Library
from bibkit.web.workspace import Choices, Document, RequestError, build, problem_dict, text_value

if TYPE_CHECKING:
    from bibkit.transforms.tidy import TidyOptions

#: markup names of the format preview (``bibkit format --to``) and what they are called here
MARKUPS = ("text", "html", "markdown")
#: formats the Out section writes besides the exporters: the formatted reference list
FORMATTED = "formatted"


class _Engines:
    """CSL processors by (style, locale), kept for the next preview (parsing APA takes longer
    than formatting 500 entries with it); bounded, and one request at a time per processor."""

    def __init__(self, size: int = 8):
        self.size = size
        self.lock = threading.Lock()
        self.cache: OrderedDict[tuple[str, str | None], tuple[Any, threading.Lock]] = OrderedDict()

    def get(self, style: str, locale: str | None) -> tuple[Any, threading.Lock]:
        key = (style, locale)
        with self.lock:
            if key in self.cache:
                self.cache.move_to_end(key)
                return self.cache[key]
        engine = _engine(style, locale)
        with self.lock:
            self.cache[key] = (engine, threading.Lock())
            while len(self.cache) > self.size:
                self.cache.popitem(last=False)
            return self.cache[key]


def _engine(style: str, locale: str | None):
    """``bibkit format``'s processor for an installed style named by the client, never a path or URL."""
    from bibkit.csl.reference_lists import processor_for as engine

    if style.startswith(("http:", "https:", "bibtex:")) or "/" in style or "\\" in style or style.endswith(".csl"):
        raise RequestError(f"style {style!r}: give the name of an installed CSL style, not a path or URL", 422)
    try:
        return engine(style, locale)
    except BibkitError as exc:
        raise RequestError(str(exc), 422) from None


ENGINES = _Engines()


def format_list(library: Library, style: str, locale: str | None, markup: str) -> tuple[str, str, list[Problem]]:
    """The reference list and a sample citation of the first entries, as ``bibkit format`` and
    ``bibkit cite`` write them."""
    from bibkit.csl.reference_lists import csl_items, failure_problems, join_entries

    if markup not in MARKUPS:
        raise RequestError(f"unknown markup {markup!r} (choose from {', '.join(MARKUPS)})")
    if locale is not None and not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", locale):
        raise RequestError(f"{locale!r} is not a locale name such as en-US")
    engine, lock = ENGINES.get(style, locale)
    problems: list[Problem] = []
    items = csl_items(library.entries, problems)
    failures: list = []
    with lock:
        entries = engine.bibliography(items, format=markup, failures=failures)
        sample = ""
        if items:  # the first two entries cited together, as ``bibkit cite`` would cite them
            group = [{"id": item["id"]} for item in items[:2]]
            sample = engine.citations([group], items[:2], format=markup, failures=[], number_all=True)[0]
    problems.extend(failure_problems(failures, library.entries, items))
    return join_entries(entries, markup), sample, problems


def tidy_options(payload: Any) -> "TidyOptions":
    """``bibkit tidy``'s options from the page (the same names, with dashes as underscores)."""
    from dataclasses import replace

    from bibkit.transforms.tidy import DEFAULT_LAYOUT, TidyOptions  # tidy's own layout, whichever module holds it

    if not isinstance(payload, dict):
        raise RequestError("tidy must be an object of bibkit tidy's options")

    def words(name: str) -> tuple[str, ...]:
        value = payload.get(name) or ""
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        return tuple(v.strip() for v in text_value(value, name, limit=1000).split(",") if v.strip())

    def number(name: str, low: int, high: int, default: int) -> int:
        value = payload.get(name, default)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise RequestError(f"{name} must be a whole number from {low} to {high}")
        return value

    delimiters = payload.get("delimiters") or "keep"
    if delimiters not in ("keep", "curly", "quotes"):
        raise RequestError("delimiters must be keep, curly or quotes")
    layout = replace(DEFAULT_LAYOUT, indent="\t" if payload.get("tab") else " " * number("indent", 0, 16, 2),
                     align=number("align", 0, 80, 0), wrap=number("wrap", 0, 1000, 0),
                     trailing_commas=bool(payload.get("trailing_commas")),
                     blank_lines=bool(payload.get("blank_lines", True)))
    return TidyOptions(
        sort=words("sort"), sort_fields=words("sort_fields"), omit=words("omit"),
        remove_empty_fields=bool(payload.get("remove_empty_fields")),
        remove_url_if_doi=bool(payload.get("remove_url_if_doi")), delimiters=delimiters,
        numeric=bool(payload.get("numeric")), months=bool(payload.get("months")),
        lowercase=bool(payload.get("lowercase")), enclosing_braces=words("enclosing_braces"),
        max_authors=number("max_authors", 0, 1000, 0), strip_comments=bool(payload.get("strip_comments")),
        abbreviate_journals=bool(payload.get("abbreviate_journals")), layout=layout)


def export(docs: list[Document], chosen: Choices, to: str, *, unicode: bool = False, tidy: Any = None,
           style: str = "apa", locale: str | None = None, markup: str = "text") -> dict:
    """The whole library in ``to``: an exporter's name, or ``formatted`` (the reference list).

    BibTeX and BibLaTeX are written as ``bibkit convert`` writes them, then, when the user set
    any of ``tidy``'s options, laid out by ``bibkit tidy``'s code.
    """
    from bibkit.loss import loss_problems

    if to != FORMATTED and to not in registry.exporter_names():
        raise RequestError(f"no exporter named {to!r} (installed: {', '.join(registry.exporter_names())})")
    # as ``convert`` reads for its output format (``format`` reads without the option)
    options = {} if to == FORMATTED else {"resolve_crossref": to not in ("bibtex", "biblatex")}
    ws = build(docs, chosen, **options)
    problems = list(ws.library.problems)
    if to == FORMATTED:
        text, _sample, more = format_list(ws.library, style, locale, markup)
        problems += more
        extension = {"text": ".txt", "html": ".html", "markdown": ".md"}[markup]
    else:
        text = api.dumps(ws.library, to, unicode=unicode)
        problems += loss_problems(ws.library, to, False)
        extension = registry.exporter(to).extension or ".txt"
        if tidy and to in ("bibtex", "biblatex"):
            from bibkit.transforms.tidy import tidy_text

            result = tidy_text(text, tidy_options(tidy), f"references{extension}")
            text = result.text
            problems += result.problems
    return {"text": text, "filename": f"references{extension}", "entries": len(ws.library.entries),
            "problems": [problem_dict(p) for p in problems if p.severity != "info"]}


def preview(docs: list[Document], chosen: Choices, style: str, locale: str | None, markup: str) -> dict:
    """The Format section's live preview: the list and a sample citation."""
    ws = build(docs, chosen)
    text, sample, problems = format_list(ws.library, style, locale, markup)
    return {"bibliography": text, "citation": sample, "entries": len(ws.library.entries),
            "problems": [problem_dict(p) for p in ws.library.problems + problems if p.severity != "info"]}


