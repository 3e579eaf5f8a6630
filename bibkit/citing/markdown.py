"""Citations in Markdown as pandoc reads them (``--citeproc``, Quarto, R Markdown).

``[@key]``, ``[see @a, p. 3; @b]``, ``[-@key]`` and in-text ``@key`` are citations; so are
braced keys ``@{10.1000/xyz}`` and the YAML header's ``nocite`` (``@*`` for everything). Like
pandoc, an ``@`` right after a letter or digit is not one (``someone@example.org``), a key's
trailing punctuation is not part of it (``@doe99.`` cites ``doe99``), and nothing inside code
(fenced or indented blocks, backtick spans) or HTML comments is read. Cross-references are not
citations either: Quarto's ``@fig-plot``, ``@sec-intro`` ... and pandoc-crossref's ``@fig:plot``.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from bibkit.citing.cited import ALL, CitedKeys
from bibkit.io import read_input

#: pandoc's citation key: starts with a letter, digit or "_"; inner punctuation only when
#: followed by a key character; or anything but braces inside @{...}
_KEY = r"(?:\{(?P<braced>[^{}\n]+)\}|(?P<plain>[A-Za-z0-9_](?:[A-Za-z0-9_]|[:.#$%&\-+?<>~/](?=[A-Za-z0-9_]))*))"
_CITE = re.compile(r"(?<![A-Za-z0-9_\\])@" + _KEY)
_NOCITE_ALL = re.compile(r"(?<![A-Za-z0-9_\\])@\*")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_YAML_END = re.compile(r"^(?:---|\.\.\.)\s*$")
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
#: labels of figures, tables, sections... (Quarto: "fig-", pandoc-crossref: "fig:")
_CROSSREF = re.compile(r"(?:fig|tbl|sec|eq|lst|thm|lem|cor|prp|cnj|def|exm|exr|sol|rem)[-:]")
_TICK_OR_ESCAPE = re.compile(r"[`\\]")
_BIBLIOGRAPHY_VALUE = re.compile(r"^bibliography\s*:\s*(.*)$")


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


def _header_end(lines: list[str]) -> int:
    """The number of lines of the YAML header at the top (0 without one)."""
    if not lines or lines[0].rstrip() != "---":
        return 0
    for i in range(1, len(lines)):
        if _YAML_END.match(lines[i]):
            return i + 1
    return 0


def _header(lines: list[str], cited: CitedKeys, name: str) -> None:
    """``nocite`` keys and ``bibliography`` files of the YAML header, each at its line."""
    field = None
    for number, line in enumerate(lines, 1):
        top = _TOP_KEY.match(line)
        if top:
            field = top.group(1)
            if field == "bibliography":
                value = _BIBLIOGRAPHY_VALUE.match(line).group(1).strip().strip("'\"")
                if value and value not in ("|", ">", "[]"):
                    cited.bib_files.extend(v.strip().strip("'\"") for v in value.strip("[]").split(",") if v.strip())
        elif field == "bibliography" and line.strip().startswith("- "):
            cited.bib_files.append(line.strip()[2:].strip().strip("'\""))
        if field == "nocite":
            for m in _NOCITE_ALL.finditer(line):
                cited.add(ALL, name, number)
            for m in _CITE.finditer(line):
                cited.add(m.group("braced") or m.group("plain"), name, number)


def clean(text: str) -> str:
    """``text`` with code blocks, code spans and HTML comments replaced by spaces (same offsets)."""
    chars = list(text)
    lines = text.split("\n")
    offset = 0
    fence: str | None = None
    previous_blank = True
    in_list = False
    in_indented = False
    for line in lines:
        end = offset + len(line)
        stripped = line.strip()
        if fence is not None:
            _blank(chars, offset, end)
            if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                fence = None
        elif (m := _FENCE.match(line)) is not None:
            fence = m.group(1)
            _blank(chars, offset, end)
        elif stripped and (line.startswith("    ") or line.startswith("\t")) and (
                in_indented or (previous_blank and not in_list)):
            in_indented = True
            _blank(chars, offset, end)
        elif stripped:
            in_indented = False
            if not (line.startswith(" ") or line.startswith("\t")):
                in_list = bool(_LIST_ITEM.match(line))
        previous_blank = not stripped
        offset = end + 1
    text2 = "".join(chars)
    for m in re.finditer(r"<!--.*?(?:-->|\Z)", text2, re.DOTALL):
        _blank(chars, m.start(), m.end())
    text2 = "".join(chars)
    i = 0
    n = len(text2)
    while i < n:
        m = _TICK_OR_ESCAPE.search(text2, i)
        if m is None:
            break
        i = m.start()
        if text2[i] == "\\":
            i += 2
            continue
        j = i
        while j < n and text2[j] == "`":
            j += 1
        run = text2[i:j]
        close = re.compile(r"(?<!`)" + run + r"(?!`)").search(text2, j)
        if close is None:
            i = j  # an unmatched run of backticks is literal text
            continue
        _blank(chars, i, close.end())
        i = close.end()
    return "".join(chars)


@dataclass
class Cite:
    """One item of a pandoc citation: ``[see @key, p. 3]`` is prefix "see", key "key",
    suffix ", p. 3" (the locator is read from the suffix later, in the document's language)."""

    key: str
    prefix: str = ""
    suffix: str = ""
    suppress_author: bool = False


@dataclass
class Cluster:
    """A citation as written: ``[@a; @b]`` (``in_text`` False) or ``@a [p. 3]`` (True), at
    ``start:end`` of the text and on ``line``. ``note`` is the label of the footnote it sits in
    (``[^label]: ...`` or an inline ``^[...]``), None in the main text."""

    cites: list[Cite]
    start: int
    end: int
    line: int
    in_text: bool = False
    note: str | None = None


@dataclass
class Footnote:
    """A footnote of the document: its reference ``[^label]`` or inline ``^[...]`` at
    ``ref_start:ref_end``, and where its text is (the definition block, or the inline span)."""

    label: str
    ref_start: int
    ref_end: int
    body_start: int
    body_end: int


_NOTE_DEF = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:[ \t]?", re.MULTILINE)
_NOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_IN_TEXT_SUFFIX = re.compile(r" ?\[([^\[\]@]*)\](?![(\[{:])")
_SUPPRESS = re.compile(r"-\s*$")


def _note_definitions(body: str) -> list[tuple[str, int, int]]:
    """(label, start, end) of each ``[^label]: text`` block: the text runs on over indented
    lines and lazy continuation lines, up to a blank line followed by an unindented one."""
    out = []
    for m in _NOTE_DEF.finditer(body):
        end = body.find("\n", m.end())
        while end != -1:
            nxt = body.find("\n", end + 1)
            line = body[end + 1:nxt if nxt != -1 else len(body)]
            if not line.strip():
                after = body[nxt + 1:body.find("\n", nxt + 1) if body.find("\n", nxt + 1) != -1 else len(body)] \
                    if nxt != -1 else ""
                if after.strip() and not after.startswith(("    ", "\t")):
                    break
            elif _NOTE_DEF.match(line) or (not line.startswith(("    ", "\t")) and not body[end - 1:end].strip()):
                break
            end = nxt
        out.append((m.group(1), m.start(), len(body) if end == -1 else end))
    return out


_BRACKET_OR_BREAK = re.compile(r"[\\\[\]]|\n[ \t]*(?=\n)")


def _bracket_pairs(text: str) -> dict[int, int]:
    """The index of each ``[`` -> that of the ``]`` closing it, in one pass (escapes skipped);
    a bracket never closes in another paragraph, and an unclosed one closes nothing."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    i = 0
    while True:
        m = _BRACKET_OR_BREAK.search(text, i)
        if m is None:
            return pairs
        i = m.start()
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            stack.append(i)
        elif ch == "]":
            if stack:
                pairs[stack.pop()] = i
        else:
            stack.clear()
        i = m.end() if ch == "\n" else i + 1


def _bracket_cites(content: str) -> list[Cite] | None:
    """The cites of a bracketed citation's content, or None if it is not one (every piece
    between semicolons must hold exactly one key; nested brackets make it a link text)."""
    if "[" in content or "]" in content:
        return None
    cites = []
    for piece in content.split(";"):
        found = [m for m in _CITE.finditer(piece)]
        if len(found) != 1:
            return None
        m = found[0]
        key = m.group("braced") or m.group("plain")
        if m.group("plain") and _CROSSREF.match(key):
            return None
        before = piece[:m.start()]
        suppress = bool(_SUPPRESS.search(before))
        if suppress:
            before = _SUPPRESS.sub("", before)
        cites.append(Cite(key, before.strip(), piece[m.end():].rstrip(), suppress))
    return cites


def parse_citations(body: str, first_line: int = 1) -> tuple[list[Cluster], list[Footnote]]:
    """The citations and footnotes of a Markdown body (its YAML header already cut off), in
    the order of the text; ``first_line`` is the body's first line in the file.

    Code and comments are skipped (:func:`clean`). A bracket is a citation when each of its
    ``;``-separated pieces holds one key and no link follows it (``[@a](url)`` is a link).
    """
    text = clean(body)
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_of(offset: int) -> int:
        return first_line - 1 + bisect.bisect_right(starts, offset)

    defs = _note_definitions(text)
    notes: list[Footnote] = []
    def_by_label = {label: (start, end) for label, start, end in defs}
    for m in _NOTE_REF.finditer(text):  # (a definition's own "[^label]:" is no reference)
        if m.start() and text[m.start() - 1] == "\\":
            continue
        span = def_by_label.get(m.group(1))
        if span is not None and all(n.label != m.group(1) for n in notes):
            notes.append(Footnote(m.group(1), m.start(), m.end(), *span))
    inline = 0
    pairs = _bracket_pairs(text)
    clusters: list[Cluster] = []
    taken: list[tuple[int, int]] = []
    i = 0
    while True:
        i = text.find("[", i)
        if i == -1:
            break
        if i and text[i - 1] == "\\":
            i += 1
            continue
        close = pairs.get(i, -1)
        if close == -1:
            i += 1
            continue
        if i and text[i - 1] == "^":
            inline += 1
            notes.append(Footnote(f"^{inline}", i - 1, close + 1, i + 1, close))
            i += 1  # citations inside the inline note are read as the scan goes on
            continue
        if i and text[i - 1] == "!" or text[close + 1:close + 2] in ("(", "[", "{") \
                or (text[close + 1:close + 2] == ":" and (i == 0 or text[i - 1] == "\n")):
            if text[close + 1:close + 2] == "(":
                taken.append((i, close + 1))  # a link's text holds no citation
            i += 1
            continue
        cites = _bracket_cites(text[i + 1:close]) if "@" in text[i:close] else None
        if cites:
            clusters.append(Cluster(cites, i, close + 1, line_of(i)))
            taken.append((i, close + 1))
            i = close + 1
        else:
            i += 1
    taken.sort()
    taken_starts = [s for s, _ in taken]
    for m in _CITE.finditer(text):
        k = bisect.bisect_right(taken_starts, m.start()) - 1
        if k >= 0 and m.start() < taken[k][1]:
            continue  # inside a bracketed citation or a link's text
        key = m.group("braced") or m.group("plain")
        if m.group("plain") and _CROSSREF.match(key):
            continue
        end = m.end()
        suffix = ""
        after = _IN_TEXT_SUFFIX.match(text, end)
        if after is not None:
            suffix, end = after.group(1), after.end()
        clusters.append(Cluster([Cite(key, "", suffix)], m.start(), end, line_of(m.start()), in_text=True))
    clusters.sort(key=lambda c: c.start)
    # notes nest or stand apart: one sweep with a stack of the notes open at each citation
    spans = sorted((n.body_start, n.body_end, n.label) for n in notes)
    open_notes: list[tuple[int, int, str]] = []
    j = 0
    for c in clusters:
        while j < len(spans) and spans[j][0] <= c.start:
            while open_notes and open_notes[-1][1] <= spans[j][0]:
                open_notes.pop()
            open_notes.append(spans[j])
            j += 1
        while open_notes and open_notes[-1][1] <= c.start:
            open_notes.pop()
        c.note = open_notes[-1][2] if open_notes else None
    notes.sort(key=lambda n: n.ref_start)
    return clusters, notes


def markdown_citations(text: str, name: str = "<string>") -> CitedKeys:
    """The pandoc citations of Markdown ``text``, in order; the YAML header's ``nocite`` keys
    come last, where pandoc puts them (after everything the text cites)."""
    cited = CitedKeys()
    lines = text.split("\n")
    head = _header_end(lines)
    body_start = sum(len(line) + 1 for line in lines[:head])
    clusters, _ = parse_citations(text[body_start:], head + 1)
    for cluster in clusters:
        for cite in cluster.cites:
            cited.add(cite.key, name, cluster.line)
    if head:
        header = CitedKeys()
        _header(lines[1:head - 1], header, name)
        # the header's lines count from 2 (after the opening ---)
        cited.citations += [type(c)(c.key, c.file, c.line + 1) for c in header.citations]
        cited.bib_files += header.bib_files
    return cited


def read_markdown(path: str, encoding: str | None = None) -> CitedKeys:
    """The pandoc citations of the Markdown file ``path``."""
    text, problems = read_input(path, encoding)
    cited = markdown_citations(text, path)
    cited.problems[:0] = problems
    return cited
