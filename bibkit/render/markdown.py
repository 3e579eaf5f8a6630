"""Writing a cited document back out: the citations in place of the citation syntax, footnotes
for a note style, the bibliography where ``::: {#refs}`` is (else at the end), as Markdown that
pandoc, Python-Markdown (MkDocs) and GitHub all read; HTML through Python-Markdown.

Only what citing is about changes: every other character of the document stays as written.
"""
from __future__ import annotations

import re

from bibkit.render.cite import CitedDocument

#: metadata that only citeproc reads: dropped from the output, which is already cited
CITEPROC_KEYS = frozenset({
    "bibliography", "csl", "references", "nocite", "link-citations", "link-bibliography",
    "reference-section-title", "suppress-bibliography", "citation-abbreviations",
    "notes-after-punctuation",
})
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")
_NOTE_PUNCTUATION = ".,;:!?"
_BLOCK_START = re.compile(r"^(\d+[.)]|[-+])(?=\s)")
_SUPERSCRIPT = re.compile(r"(?<!\\)\^((?:[^^\\\n]|\\.)+?)\^")
_FIRST_LETTER = re.compile(r"^((?:[*_~^\\\[\"'\u201c\u2018(]|<[^>]*>)*)([a-z\u00e0-\u00ff])")


def _header(text: str, body_start: int) -> str:
    """The YAML header without the keys citeproc has now used (nothing if none is left)."""
    if not body_start:
        return ""
    lines = text[:body_start].split("\n")
    inner = lines[1:-2]
    kept, skipping = [], False
    for line in inner:
        top = _TOP_KEY.match(line)
        if top:
            skipping = top.group(1) in CITEPROC_KEYS
        elif line and not line[0].isspace() and not line.startswith("-"):
            skipping = False
        if not skipping:
            kept.append(line)
    if not any(line.strip() for line in kept):
        return ""
    return "\n".join([lines[0], *kept, lines[-2]]) + "\n"


def capitalize_first(text: str) -> str:
    """A footnote begins with a capital, as pandoc begins the notes it makes for citations."""
    return _FIRST_LETTER.sub(lambda m: m.group(1) + m.group(2).upper(), text, count=1)


def _without_final_period(text: str) -> str:
    m = re.search(r"\.([\u201d\u2019\"']?)$", text)
    return text[:m.start()] + m.group(1) if m else text


def _space_before(text: str, start: int, floor: int) -> int:
    """Where the spaces (and at most one line break) before ``start`` begin: a note moved
    onto the word before it takes them out, as pandoc does."""
    newline = False
    while start > floor and text[start - 1] in " \t\n":
        if text[start - 1] == "\n":
            if newline:
                return start + 1 if text[start] == "\n" else start
            newline = True
        start -= 1
    return start


def _not_a_block(entry: str) -> str:
    """An entry that begins like a list item or heading ("1. Knuth", "- ", "+ ") escaped so
    that it stays a paragraph."""
    return _BLOCK_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], entry, count=1)


def _superscripts(text: str, portable: bool) -> str:
    """``^1, 2^`` as pandoc reads it (spaces escaped), or as ``<sup>`` for Markdown without
    superscripts (Python-Markdown, GitHub)."""
    if portable:
        return _SUPERSCRIPT.sub(lambda m: f"<sup>{m.group(1)}</sup>", text)
    return _SUPERSCRIPT.sub(lambda m: "^" + m.group(1).replace(" ", "\\ ") + "^", text)


def _anchor(key: str) -> str:
    return "ref-" + re.sub(r"[^\w:.\-]", "_", key)


def bibliography_markdown(cited: CitedDocument, portable: bool = False) -> str:
    """The reference list as Markdown paragraphs (anchored ``ref-KEY`` with link-citations)."""
    if not cited.bibliography:
        return ""
    link = cited.settings.link_citations
    paragraphs = [(f'<span id="{_anchor(key)}"></span>' if link else "") + _not_a_block(_superscripts(entry.strip(), portable))
                  for key, entry in cited.bibliography]
    return "\n\n".join(paragraphs) + "\n"


def write_markdown(cited: CitedDocument, portable: bool = False) -> str:
    """The whole document with its citations rendered. ``portable``: pandoc's inline notes
    ``^[...]`` become ``[^label]`` references with their definitions at the end, which
    Python-Markdown (MkDocs) and GitHub read too."""
    doc = cited.document
    text = doc.text
    settings = cited.settings
    pieces: list[tuple[int, int, str | None]] = []
    notes: list[str] = []
    for c, r in zip(doc.clusters, cited.clusters):
        start, end = c.start, c.end
        body = _superscripts(r.text, portable)
        if not r.author and not r.note and r.text.startswith("^"):
            start = _space_before(text, start, doc.body_start)  # a superscript joins its word
        in_own_note = r.in_note and cited.note_style
        if in_own_note:  # inside the author's own note the note's sentence goes on (pandoc)
            body = _without_final_period(body)
        if settings.link_citations and len(r.keys) == 1 and body.strip() and "**" not in body:
            body = f"[{body}](#{_anchor(r.keys[0])})"
        if r.note:
            label = f"[^bibkit-cite-{r.note}]"
            notes.append(f"{label}: {capitalize_first(body)}")
            if not r.author:
                start = _space_before(text, start, doc.body_start)
            new = (r.author or "") + label
            mark = text[end:end + 1]
            if settings.notes_after_punctuation and mark and mark in _NOTE_PUNCTUATION:
                before = r.author or text[:start]
                new = (r.author or "") + ("" if mark == "." and before.endswith(".") else mark) + label
                end += 1
        elif in_own_note:  # a bracketed citation in parentheses
            new = body if c.in_text else f"({body})"
        elif r.author:
            new = f"{_superscripts(r.author, portable)} {body}"
        else:
            new = body
        pieces.append((start, end, new))
    bib = bibliography_markdown(cited, portable)
    if doc.refs is not None:
        pieces.append((doc.refs[0], doc.refs[1], bib.rstrip("\n")))
    if portable:
        pieces += [(n.ref_start, n.ref_end, None) for n in doc.notes if n.label.startswith("^")]
    pieces.sort(key=lambda p: (p[0], -p[1]))
    inline = 0

    def emit(at: int, stop: int, index: int) -> tuple[str, int]:
        """The text of ``at:stop`` with the pieces from ``index`` on that fall in it."""
        nonlocal inline
        out = []
        while index < len(pieces) and pieces[index][0] < stop:
            start, end, new = pieces[index]
            out.append(text[at:start])
            index += 1
            if new is None:  # an inline note moved to a definition of its own
                inline += 1
                label = f"[^bibkit-note-{inline}]"
                inner, index = emit(start + 2, end - 1, index)
                notes.append(f"{label}: {inner}")
                new = label
            out.append(new)
            at = end
        out.append(text[at:stop])
        return "".join(out), index

    body_text, _ = emit(doc.body_start, len(text), 0)
    result = _header(text, doc.body_start) + body_text
    if doc.refs is None and bib:
        result = result.rstrip("\n") + "\n\n"
        if settings.reference_section_title:
            result += f"# {settings.reference_section_title}\n\n"
        result += bib
    if notes:
        result = result.rstrip("\n") + "\n\n" + "\n\n".join(notes) + "\n"
    return result


def markdown_to_html(markdown_text: str) -> str:
    """An HTML fragment from the cited Markdown (footnotes, tables, fenced code, attributes)."""
    import markdown

    body = markdown_text
    if body.startswith("---\n"):
        end = re.search(r"^(?:---|\.\.\.)[ \t]*$", body[4:], re.M)
        if end is not None:
            body = body[4 + end.end():].lstrip("\n")
    return markdown.markdown(body, extensions=["footnotes", "tables", "fenced_code", "attr_list"],
                             output_format="html") + "\n"
