"""A Markdown document as pandoc's citeproc sees it: its YAML metadata, its citation clusters and
footnotes with their places in the text, the ``::: {#refs}`` block, and its ``nocite`` keys.

This is the document model only; nothing here knows a style (:mod:`bibkit.render.cite` turns
it into CSL citations, :mod:`bibkit.render.markdown` writes the result).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from bibkit.citing.cited import CitedKeys
from bibkit.citing.markdown import Cluster, Footnote, _header, _header_end, clean, parse_citations
from bibkit.diagnostics import Problem
from bibkit.formats import yaml_text

#: pandoc's ``::: {#refs}`` (any number of colons, other attributes allowed) up to its closing fence
_REFS_DIV = re.compile(r"^(:{3,})[ \t]*\{[^}\n]*#refs\b[^}\n]*\}[ \t]*\n(?:.*?\n)??\1:*[ \t]*$", re.M | re.S)


@dataclass
class MarkdownDocument:
    """A parsed document. Offsets (clusters, notes, ``refs``) are into :attr:`text`."""

    name: str
    text: str
    #: where the body begins (after the YAML header)
    body_start: int
    meta: dict
    clusters: list[Cluster]
    notes: list[Footnote]
    #: the span of the ``::: {#refs}`` block, None without one
    refs: tuple[int, int] | None
    #: ``nocite`` keys with their header lines ("*" for ``@*``)
    nocite: CitedKeys
    problems: list[Problem] = field(default_factory=list)

    def note_numbers(self, notes_for_citations: bool) -> tuple[list[int], dict[str, int]]:
        """The note number of each cluster (0 in the main text) and of each footnote label.

        Footnotes are numbered in the order of their references; with ``notes_for_citations``
        (a note style) every citation in the main text becomes a footnote of its own, numbered
        in the same sequence, as pandoc numbers them.
        """
        events = [(n.ref_start, 1, n.label) for n in self.notes]
        if notes_for_citations:
            events += [(c.start, 0, i) for i, c in enumerate(self.clusters) if c.note is None]
        events.sort(key=lambda e: e[0])
        by_label: dict[str, int] = {}
        numbers = [0] * len(self.clusters)
        for n, (_, kind, what) in enumerate(events, 1):
            if kind:
                by_label[what] = n
            else:
                numbers[what] = n
        for i, c in enumerate(self.clusters):
            if c.note is not None:
                numbers[i] = by_label.get(c.note, 0)
        return numbers, by_label

    def reading_order(self) -> list[int]:
        """The clusters' indexes in the order a reader meets them: a citation in a footnote's
        definition comes where the footnote is referenced."""
        ref = {n.label: n.ref_start for n in self.notes}

        def where(i: int) -> tuple[int, int]:
            c = self.clusters[i]
            if c.note is not None and not c.note.startswith("^"):
                return ref.get(c.note, c.start), c.start
            return c.start, c.start
        return sorted(range(len(self.clusters)), key=where)


def read_document(text: str, name: str = "<string>") -> MarkdownDocument:
    """Parse ``text``; a YAML header that is not YAML is a problem at its line, and the body
    is still read."""
    text = text.replace("\r\n", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    head = _header_end(lines)
    body_start = sum(len(line) + 1 for line in lines[:head])
    meta: dict = {}
    problems: list[Problem] = []
    nocite = CitedKeys()
    if head:
        try:
            loaded = yaml_text.load("\n".join(lines[1:head - 1]))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 2 if mark is not None else 1
            problems.append(Problem(f"YAML header: {getattr(exc, 'problem', None) or exc}", name, line,
                                    "error", "bad-metadata"))
            loaded = None
        if isinstance(loaded, dict):
            meta = {str(k): v for k, v in loaded.items()}
        _header(lines[1:head - 1], nocite, name)
        nocite.citations = [type(c)(c.key, c.file, c.line + 1) for c in nocite.citations]
    body = text[body_start:]
    clusters, notes = parse_citations(body, head + 1)
    for c in clusters:
        c.start += body_start
        c.end += body_start
    for n in notes:
        n.ref_start += body_start
        n.ref_end += body_start
        n.body_start += body_start
        n.body_end += body_start
    refs = None
    m = _REFS_DIV.search(clean(body))
    if m is not None:
        refs = (body_start + m.start(), body_start + m.end())
        clusters = [c for c in clusters if not refs[0] <= c.start < refs[1]]
    return MarkdownDocument(name, text, body_start, meta, clusters, notes, refs, nocite, problems)
