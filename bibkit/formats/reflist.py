"""A pasted reference list in (APA, IEEE, Nature, Chicago, any style): canonical entries out.

The list is cut into references (:mod:`bibkit.reflist.split`), each reference's words are
labelled by a CRF trained on CSL renderings and annotated strings (:mod:`bibkit.reflist.model`),
labelled spans lose their affixes (:mod:`bibkit.reflist.fields`) and become an entry
(:mod:`bibkit.reflist.build`). A field whose label the model was unsure of is reported as
``file:line: warning`` so the user knows what to check; a reference with no title or no
author is reported too. Nothing is dropped: the reference as printed is kept in
``extra["reference"]`` and an unparsable one stays as a comment.
"""
from __future__ import annotations

import re

from bibkit.diagnostics import Reporter
from bibkit.formats.signatures import looks_structured
from bibkit.model import Comment, Library, Source
from bibkit.parallel import job_count, map_forked, slices
from bibkit.reflist.split import Reference, split_references
from bibkit.reflist.tokens import normalize, tokenize

#: references from which labelling is spread over the cores: below it a fork costs more than
#: it saves
PARALLEL_FROM = 1000

_YEAR = re.compile(r"(?<!\d)(?:1[6-9]|20)\d\d(?!\d)")
_NAMEISH = re.compile(r"(?:\b[A-Z][\w'\u2019\-]+,\s*(?:[A-Z]\.|[A-Z][a-z]+)|\b[A-Z]\.\s*(?:[A-Z]\.\s*)?[A-Z][\w'\-]+|"
                      r"\b[A-Z][\w'\-]+\s+[A-Z]{1,3}[,.])")
_FIELDISH = re.compile(r"\b(?:pp?\.\s*\d|vol\.|no\.\s*\d|\d+\s*\(\d+\)|\d+\s*[-\u2013]\s*\d+|In:?\s+[A-Z]|"
                       r"doi|https?://|Press|Journal|Proceedings|University)", re.IGNORECASE)
_NOT_OURS = re.compile(r"^\s*(?:@\w+\s*[{(]|[{<]|TY  - |%[A-Z] |---)")


class RefListImporter:
    """Reference lists pasted from a paper, a web page or a document (see the module docstring)."""

    name = "reflist"
    extensions: tuple[str, ...] = ()  # .txt is too generic to claim: detected from the content
    description = "Pasted reference lists in any citation style (labelled by a CRF)"

    def detect(self, text: str) -> float:
        """High when most of the first references have a year, names and a field cue."""
        if _NOT_OURS.match(text[:200]) or looks_structured(text):
            return 0.0
        refs = split_references("\n".join(text.splitlines()[:300]))[:40]
        if not refs:
            return 0.0
        good = 0
        for r in refs:
            t = r.text
            score = bool(_YEAR.search(t)) + bool(_NAMEISH.search(t)) + bool(_FIELDISH.search(t))
            if score >= 2 and len(t.split()) >= 6:
                good += 1
        share = good / len(refs)
        if share >= 0.8:
            return 0.7
        if share >= 0.5:
            return 0.3
        return 0.0

    def parse(self, text: str, name: str = "<input>", **_options) -> Library:
        library = Library()
        report = Reporter(name, library.problems)
        refs = list(split_references(text))
        jobs = job_count() if len(refs) >= PARALLEL_FROM else 1
        if jobs > 1:
            results = [r for part in map_forked(_read_references, slices(refs, jobs)) for r in part]
        else:
            results = _read_references(refs)
        for ref, built in zip(refs, results):
            if isinstance(built, str):  # never lose a reference to a bug: keep it and say so
                report.error(ref.line, f"could not read this reference ({built}); kept as a comment",
                             "reflist-unreadable")
                library.blocks.append(Comment(ref.text, explicit=True, line=ref.line))
                continue
            entry = built.entry
            entry.source = Source(name, ref.line, "reflist")
            entry.extra["reference"] = ref.text
            if ref.number:
                entry.meta["reflist_number"] = ref.number
            for fieldname, value, conf in built.uncertain:
                report.warn(ref.line, f"{fieldname} {value!r} is uncertain (confidence {conf:.2f}); "
                            "please check it", "reflist-low-confidence")
            if built.missing:
                report.warn(ref.line, "found no " + " and no ".join(built.missing) + " in this reference",
                            "reflist-missing")
            library.blocks.append(entry)
        if not library.blocks and text.strip():
            report.error(1, "no references found", "reflist-empty")
        return library


def _read_references(refs: list[Reference]) -> list:
    """Each reference labelled and built (a ``Built``), or the name of the exception that
    stopped it. Pure, so that a forked child can run it over a slice of a long list."""
    from bibkit.reflist.build import build_entry
    from bibkit.reflist.model import label_words

    out: list = []
    for ref in refs:
        try:
            norm = normalize(ref.text)
            words = [norm[a:b] for a, b in tokenize(norm)]
            labels, probs = label_words(words)
            out.append(build_entry(words, labels, probs, norm))
        except Exception as exc:
            out.append(type(exc).__name__)
    return out


__all__ = ["RefListImporter"]
