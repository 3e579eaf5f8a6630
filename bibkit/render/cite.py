"""From a parsed document to its rendered citations: the bibliography the document names, the
style, and one :meth:`bibkit.csl.Processor.cite_document` call over every citation, so that
positions (ibid, subsequent), citation numbers and disambiguation span the whole document.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from bibkit.citing.cited import ALL, Citation, CitedKeys
from bibkit.citing.locators import parse_locator
from bibkit.citing.resolve import resolve
from bibkit.diagnostics import BibkitError, Problem
from bibkit.model import Entry
from bibkit.model_csl import entry_to_csl
from bibkit.render.document import MarkdownDocument

#: pandoc's style when the document names none
DEFAULT_STYLE = "chicago-author-date"

_EMPHASIS = [(re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), r"<b>\1</b>"),
             (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"<i>\1</i>"),
             (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"<i>\1</i>")]


@dataclass
class Settings:
    """What the metadata and the command line say about citing (the command line wins)."""

    bibliography: list[str] = field(default_factory=list)
    csl: str | None = None
    lang: str | None = None
    link_citations: bool = False
    reference_section_title: str | None = None
    suppress_bibliography: bool = False
    notes_after_punctuation: bool = True

    @classmethod
    def of(cls, meta: dict, bibliography=(), csl: str | None = None, lang: str | None = None) -> "Settings":
        bib = list(bibliography) or meta.get("bibliography") or []
        if not isinstance(bib, list):
            bib = [bib]  # one file, written as a scalar
        title = meta.get("reference-section-title")
        return cls([str(b) for b in bib if b is not None and not isinstance(b, (dict, list))],
                   csl or (str(meta["csl"]) if meta.get("csl") else None),
                   lang or (str(meta["lang"]) if meta.get("lang") else None),
                   _true(meta.get("link-citations")), str(title) if title else None,
                   _true(meta.get("suppress-bibliography")),
                   _true(meta.get("notes-after-punctuation", True)))


def _true(value) -> bool:
    return value is True or str(value).lower() in ("true", "yes", "on")


@dataclass
class RenderedCluster:
    """One citation of the document as it is to be written: ``text`` (the whole citation, or
    for an in-text one the part after the author), ``author`` (in-text only), ``note`` the
    footnote number a note style gives it (0: stays in the text), ``in_note`` whether it is
    written inside one of the author's own footnotes."""

    text: str
    author: str | None
    note: int
    in_note: bool
    keys: list[str]


@dataclass
class CitedDocument:
    document: MarkdownDocument
    settings: Settings
    note_style: bool
    clusters: list[RenderedCluster]
    bibliography: list[tuple[str, str]]
    undefined: list[Citation]
    problems: list[Problem]


def load_references(document: MarkdownDocument, settings: Settings) -> tuple[list[Entry], list[Problem]]:
    """The entries of the bibliography files (relative to the document's folder, as pandoc's
    resource path has it, else to the working directory) and of the ``references`` metadata."""
    from bibkit.api import load, loads

    entries: list[Entry] = []
    problems: list[Problem] = []
    folder = os.path.dirname(document.name) if document.name not in ("<string>", "-") else ""
    for path in settings.bibliography:
        path = os.path.expanduser(path)
        near = os.path.join(folder, path)
        chosen = near if folder and not os.path.isabs(path) and os.path.exists(near) else path
        try:
            library = load(chosen)
        except BibkitError as exc:
            problems.append(Problem(str(exc), document.name, None, "error", "bibliography"))
            continue
        entries.extend(library.entries)
        problems.extend(library.problems)
    if document.meta.get("references"):
        library = loads(document.text, "cslyaml", name=document.name)
        entries.extend(library.entries)
        problems.extend(library.problems)
    return entries, problems


def processor_for(settings: Settings):
    """The CSL processor for the document's style and language."""
    from bibkit.csl.reference_lists import processor_for as style_processor

    return style_processor(settings.csl or DEFAULT_STYLE, settings.lang)


def _markup(text: str) -> str:
    """Markdown emphasis of a prefix or suffix as the engine's markup (``<i>``, ``<b>``)."""
    for pattern, repl in _EMPHASIS:
        text = pattern.sub(repl, text)
    return text


def cite_document(document: MarkdownDocument, entries: list[Entry], settings: Settings,
                  processor=None, format: str = "markdown") -> CitedDocument:
    """Render every citation of ``document`` and its bibliography from ``entries``."""
    processor = processor or processor_for(settings)
    note_style = processor.style.cls == "note"
    lang = settings.lang or processor.locale.lang
    cited = CitedKeys()
    for c in document.clusters:
        for cite in c.cites:
            cited.add(cite.key, document.name, c.line)
    cited.extend(document.nocite)
    found = resolve(cited, entries)
    by_key = {e.key: e for e in found.entries if e.key}
    for citation, entry in found.aliased:
        by_key[citation.key] = entry
    if cited.cites_all:
        for e in entries:
            by_key.setdefault(e.key, e)
    items, seen = [], set()
    for entry in (found.entries if not cited.cites_all else entries):
        if entry.key and entry.key not in seen:
            seen.add(entry.key)
            items.append(entry_to_csl(entry))
    numbers, _ = document.note_numbers(note_style)
    order = document.reading_order()
    citations = []
    for i in order:
        c = document.clusters[i]
        composite = c.in_text and not (note_style and c.note is not None)
        cites = []
        for cite in c.cites:
            entry = by_key.get(cite.key)
            suffix = cite.suffix
            if c.in_text and suffix and suffix.lstrip()[:1] not in (",", ";", ".", ":"):
                suffix = ", " + suffix.lstrip()  # @key [p. 3] reads as [@key, p. 3]
            loc = parse_locator(suffix, lang) if suffix else None
            item: dict = {"id": entry.key if entry is not None else cite.key}
            if cite.prefix:
                item["prefix"] = _markup(cite.prefix) + " "
            if loc is not None:
                if loc.locator:
                    item["locator"], item["label"] = loc.locator, loc.label
                if loc.suffix.strip():
                    suffix = loc.suffix.rstrip()
                    item["suffix"] = _markup(suffix if suffix[:1] in ",.;:!?) " else " " + suffix)
            if cite.suppress_author:
                item["suppress-author"] = True
            cites.append(item)
        props = {"noteIndex": numbers[i]}
        if composite:
            props["mode"] = "composite"
        citations.append({"citationItems": cites, "properties": props})
    nocite_keys = [c.key for c in document.nocite.citations if c.key != ALL and c.key in by_key]
    if cited.cites_all:
        nocite_keys = [e.key for e in entries if e.key]
    if nocite_keys:  # pandoc cites them after the text, unseen
        citations.append({"citationItems": [{"id": by_key[k].key} for k in nocite_keys],
                          "properties": {"noteIndex": 0}})
    failures: list = []
    result = processor.cite_document(citations, items, format=format, failures=failures)
    problems = [Problem(f"entry {f.id!r} could not be formatted ({f.message})", document.name, None,
                        "error", "format-failed") for f in failures]
    rendered: list[RenderedCluster | None] = [None] * len(document.clusters)
    for j, (i, out) in enumerate(zip(order, result.citations)):
        c = document.clusters[i]
        rendered[i] = RenderedCluster(out.text, out.author, numbers[i] if note_style and c.note is None else 0,
                                      c.note is not None, [ci["id"] for ci in citations[j]["citationItems"]])
    bibliography = [] if settings.suppress_bibliography else result.bibliography
    return CitedDocument(document, settings, note_style, rendered, bibliography, found.undefined, problems)
