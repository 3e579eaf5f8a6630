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


def markdown_citations(text: str, name: str = "<string>") -> CitedKeys:
    """The pandoc citations of Markdown ``text``, in order; the YAML header's ``nocite`` keys
    come last, where pandoc puts them (after everything the text cites)."""
    cited = CitedKeys()
    lines = text.split("\n")
    head = _header_end(lines)
    body_start = sum(len(line) + 1 for line in lines[:head])
    body = clean(text[body_start:])
    starts = [0] + [m.end() for m in re.finditer("\n", body)]
    for m in _CITE.finditer(body):
        if m.group("plain") and _CROSSREF.match(m.group("plain")):
            continue
        line = head + bisect.bisect_right(starts, m.start())
        cited.add(m.group("braced") or m.group("plain"), name, line)
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
