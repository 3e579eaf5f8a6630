"""Canonical libraries written as BibTeX or BibLaTeX text, and the exporter plugins."""
from __future__ import annotations

import re

from bibkit import latex
from bibkit.dates import MONTHS, format_edtf
from bibkit.export_parts import Parts
from bibkit.formats.bibtex.citekeys import safe_key
from bibkit.formats.bibtex.fields import (
    CONTAINER_FIELD, INFERRED_FIELD, OUT_DATES, OUT_NAMES, OUT_TEXT, PUBLISHER_FIELD, SUBTYPE_FIELD,
)
from bibkit.formats.bibtex.layout import DEFAULT as DEFAULT_LAYOUT, Layout
from bibkit.identifiers import normalize_doi, written_doi
from bibkit.latex import braces_balanced
from bibkit.model import Comment, Entry, Library, Preamble, StringDef
from bibkit.names import format_names
from bibkit.parallel import job_count, map_forked, slices
from bibkit.types import CSL_TYPES, bibtex_type_for, csl_type_from_bibtex


def _wrap(value: str) -> str:
    """Brace-delimit a value; escape its braces only if they would not balance."""
    if ("{" not in value and "}" not in value) or braces_balanced(value):
        return "{" + value + "}"
    # unbalanced text (rare, from other formats): escape the braces
    return "{" + value.replace("{", r"\{").replace("}", r"\}") + "}"


def _free_name(name: str, taken: dict[str, str]) -> str:
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{name}{n}"
    return candidate


class BibTeXWriter:
    """Canonical entries -> BibTeX or BibLaTeX text.

    ``unicode``: write UTF-8 instead of LaTeX escapes. Non-entry blocks (``@string``,
    ``@preamble``, comments) are written back in their place. ``layout``
    (:class:`bibkit.formats.bibtex.layout.Layout`) places what is written; ``indent`` is kept
    for callers that only change that.
    """

    #: from this many blocks on, slices are written by forked children (bibkit.parallel)
    PARALLEL_MIN_BLOCKS = 20_000

    def __init__(self, flavour: str = "bibtex", unicode: bool = False, indent: str = "  ",
                 jobs: int | None = None, layout: Layout | None = None):
        self.flavour = flavour
        self.biblatex = flavour == "biblatex"
        self.unicode = unicode
        self.layout = layout or (DEFAULT_LAYOUT if indent == "  " else Layout(indent=indent))
        self.indent = self.layout.indent
        self.jobs = jobs

    def dump(self, library: Library) -> str:
        blocks = library.blocks
        jobs = job_count(self.jobs)
        if len(blocks) >= self.PARALLEL_MIN_BLOCKS and jobs > 1:
            written = map_forked(self._dump_blocks, slices(blocks, jobs))
        else:
            written = [self._dump_blocks(blocks)]
        if not any(wrote for wrote, _ in written):
            return ""
        return self.layout.separator.join(text for _, text in written if text) + "\n"

    def _dump_blocks(self, blocks: list) -> tuple[bool, str]:
        """(whether any block was written, the non-empty ones joined): slices join alike."""
        parts: list[str] = []
        for block in blocks:
            if isinstance(block, Entry):
                parts.append(self.entry(block))
            elif isinstance(block, StringDef):
                raw = block.raw.strip() or _wrap(block.value)
                parts.append(f"@string{{{block.name} = {raw}}}")
            elif isinstance(block, Preamble):
                parts.append(f"@preamble{{{block.value.strip()}}}")
            elif isinstance(block, Comment):
                parts.append(self.comment(block))
        return bool(parts), self.layout.separator.join(p for p in parts if p)

    def parts(self) -> Parts:
        """This writer's output written batch by batch (a streamed convert); joined, the batches'
        texts are :meth:`dump`'s."""
        return Parts(lambda library: self._dump_blocks(library.blocks)[1], self.layout.separator, tail="\n")

    def block(self, block) -> str:
        """One block (entry, ``@string``, ``@preamble`` or comment) as written in a file."""
        return self._dump_blocks([block])[1]

    def comment(self, block: Comment) -> str:
        text = block.text
        if block.explicit:
            inner = text.strip()
            if braces_balanced(inner):
                return f"@comment{{{inner}}}"
            return "\n".join("% " + line.replace("@", "(at)") for line in inner.splitlines())
        if "@" not in text:
            return text.strip()
        bare = re.fullmatch(r"\s*@comment\b(.*)", text, re.IGNORECASE | re.DOTALL)
        if bare and braces_balanced(bare.group(1).strip()):
            # "@comment text" without braces: biber rejects it, so give it braces
            return "@comment{" + bare.group(1).strip() + "}"
        # free text that holds an '@' (e.g. an unreadable block): neutralise it so it stays a comment
        return "\n".join("% " + line.replace("@", "(at)") for line in text.strip().splitlines())

    def entry(self, entry: Entry) -> str:
        fields = self.fields(entry)
        etype = bibtex_type_for(entry.type, entry.source_type, self.biblatex)
        if self.biblatex and csl_type_from_bibtex(etype) != entry.type and entry.type in CSL_TYPES \
                and not any(name.lower() == SUBTYPE_FIELD for name, _ in fields):
            # a CSL type BibLaTeX has no entry type for (a preprint "article", an "event"): say
            # it in entrysubtype, which biber passes to styles and the reader reads back
            fields.append((SUBTYPE_FIELD, "{" + entry.type + "}"))
        key = safe_key(entry.key or "")
        return self.layout.entry(etype, key, fields)

    def _text(self, value: str) -> str:
        return _wrap(latex.encode(value, self.unicode))

    def fields(self, entry: Entry) -> list[tuple[str, str]]:
        """(field name, delimited value) pairs in a conventional order."""
        out: dict[str, str] = {}
        raw_map = entry.meta.get("bibtex_raw", {})
        for role, names in entry.names.items():
            fname = OUT_NAMES.get(role, role)
            out[entry.field_names.get(role, fname) if self._same_flavour(entry) else fname] = _wrap(format_names(names, self.unicode))
        for var, value in entry.fields.items():
            fname = self._text_field_name(entry, var)
            if fname is None or fname in out:
                continue
            source_name = entry.field_names.get(var, fname)
            raw = raw_map.get(source_name)
            if raw and raw[1] is not None and latex.decode(raw[1]) == value:
                out[fname] = raw[0]
            else:
                out[fname] = self._text(value)
        self._dates(entry, out, raw_map)
        self._identifiers(entry, out)
        written = {k.lower(): k for k in out}
        for name, value in entry.extra.items():
            raw = raw_map.get(name.lower())
            rendered = raw[0] if raw and raw[1] == value else _wrap(value)
            clash = written.get(name.lower())
            if clash is not None:
                if out[clash] == rendered:
                    continue
                # a canonical field took this name: keep the source's own value beside it
                name = _free_name(name + "-orig", written)
            out[name] = rendered
            written[name.lower()] = name
        return list(out.items())

    def _same_flavour(self, entry: Entry) -> bool:
        return bool(entry.source and entry.source.format == "bibtex")

    def _text_field_name(self, entry: Entry, var: str) -> str | None:
        flavour = self.flavour
        if var == "container-title":
            default = CONTAINER_FIELD[flavour].get(entry.type, "booktitle")
        elif var == "publisher":
            default = PUBLISHER_FIELD[flavour].get(entry.type, "publisher")
        else:
            default = OUT_TEXT[flavour].get(var)
        if default is None:
            return None
        src = entry.field_names.get(var)
        if src and self._same_flavour(entry) and self._valid_for_flavour(src, var):
            return src
        return default

    def _valid_for_flavour(self, src: str, var: str) -> bool:
        """Keep the source's field name unless it is the other flavour's spelling."""
        legacy = ("journal", "address", "school") if self.biblatex else ("journaltitle", "location")
        return src not in legacy

    def _dates(self, entry: Entry, out: dict[str, str], raw_map: dict) -> None:
        issued = entry.dates.get("issued")
        if issued:
            if self.biblatex and issued.start is not None:
                out["date"] = "{" + format_edtf(issued) + "}"
            elif issued.start is not None:
                start = issued.start
                out["year"] = "{" + str(start.year) + "}"
                if start.month:
                    out["month"] = next(k for k, v in MONTHS.items() if v == start.month)
                if issued.end is not None or issued.approximate or issued.season or start.day:
                    # year/month cannot say it: add BibLaTeX's date (bibtex styles ignore it)
                    out["date"] = "{" + format_edtf(issued) + "}"
            else:
                raw = raw_map.get("year")
                out["year"] = raw[0] if raw else self._text(issued.literal)
        for role, date in entry.dates.items():
            if role == "issued" or not date:
                continue
            fname = OUT_DATES.get(role, role)
            out[fname] = "{" + format_edtf(date) + "}"
        inferred = [role for role, date in entry.dates.items() if date.inferred]
        if inferred:  # dates bibkit completed (a listing card's year): say so, and read it back
            out[INFERRED_FIELD] = "{" + ", ".join(inferred) + "}"

    def _identifiers(self, entry: Entry, out: dict[str, str]) -> None:
        ids = entry.ids
        verbatim = entry.meta.get("bibtex_verbatim", {}).get("doi")
        if ids.doi:
            same = verbatim is not None and normalize_doi(verbatim) == ids.doi
            out["doi"] = _wrap(verbatim if same else written_doi(entry))
        if ids.arxiv:
            out["eprint"] = "{" + ids.arxiv + ids.arxiv_version + "}"
            if self.biblatex:
                out["eprinttype"] = "{arxiv}"
                if ids.arxiv_class:
                    out["eprintclass"] = "{" + ids.arxiv_class + "}"
            else:
                out["archiveprefix"] = "{" + entry.meta.get("eprinttype_spelling", "arXiv") + "}"
                if ids.arxiv_class:
                    out["primaryclass"] = "{" + ids.arxiv_class + "}"
        if ids.isbn:
            out["isbn"] = _wrap(ids.isbn)
        if ids.issn:
            out["issn"] = _wrap(ids.issn)
        if ids.pmid:
            out["pmid"] = _wrap(ids.pmid)
        if ids.pmcid:
            out["pmcid"] = _wrap(ids.pmcid)
        if ids.url:
            out["url"] = _wrap(ids.url)


class BibTeXExporter:
    name = "bibtex"
    extension = ".bib"
    primary = True
    description = "BibTeX (.bib) for bibtex and natbib; LaTeX escapes unless unicode=True"

    def dump(self, library: Library, unicode: bool = False, jobs: int | None = None,
             layout: Layout | None = None, **_options) -> str:
        return BibTeXWriter("bibtex", unicode, jobs=jobs, layout=layout).dump(library)

    def parts(self, unicode: bool = False, layout: Layout | None = None, **_options) -> Parts:
        return BibTeXWriter("bibtex", unicode, jobs=1, layout=layout).parts()


class BibLaTeXExporter:
    name = "biblatex"
    extension = ".bib"
    primary = False
    description = "BibLaTeX (.bib) for biber: journaltitle, date, eprinttype"

    def dump(self, library: Library, unicode: bool = False, jobs: int | None = None,
             layout: Layout | None = None, **_options) -> str:
        return BibTeXWriter("biblatex", unicode, jobs=jobs, layout=layout).dump(library)

    def parts(self, unicode: bool = False, layout: Layout | None = None, **_options) -> Parts:
        return BibTeXWriter("biblatex", unicode, jobs=1, layout=layout).parts()
