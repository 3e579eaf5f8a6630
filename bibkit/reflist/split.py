"""Cut a pasted reference list into references.

Lists arrive in a few shapes, told apart from the whole text, not line by line:

* **numbered** (``[1]``, ``1.``, ``(1)``, ``1)``, or a bare ``146 `` when the numbers run on one
  by one): a line starting with the next number starts a reference, other lines continue it;
* **blank lines between references**: each block is one reference, its lines joined;
* **hanging indents**: an unindented line starts a reference, indented lines continue it;
* **wrapped with nothing marking the starts** (a PDF column pasted as is; recognised when a
  quarter of the lines end where no reference can end, unless nine lines in ten open the way a
  reference opens, which makes a list pasted one a line): a line starts a reference when the
  line before it ends like a reference (``.``, ``)``, a digit, a URL) and it begins like a list
  of authors (``Smith, J.``, ``Smith J``, ``J. Smith``, ``SMITH``), or when the line before it
  stops although this line's first word would have fitted on it (a reference's last line);
* otherwise **one reference a line**, except that a line ending in a hyphen, or one that cannot
  end a reference (a trailing ``,`` ``and`` ``&`` ``:``) followed by one that cannot start one
  (a lower-case word, a page range), are joined.

Joining undoes what copying from a PDF does: ``organi-`` + ``zation`` becomes ``organization``
(a hyphen before a capital, ``Smith-`` + ``Jones``, is kept), and a URL or DOI broken at a line
end is joined without a space. A heading line (``References``) is skipped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = re.compile(r"^\s*(?:\[(\d{1,4})\]|\((\d{1,4})\)|(\d{1,4})[.)])\s+(?=\S)")
#: ``146 la Berge SP, ...`` (The Lancet, BMJ, RSC): a bare number then a space, trusted only
#: when the numbers run on one by one
_BARE_NUMBER = re.compile(r"^\s*(\d{1,4})\s+(?=[^\W\d_])")
_HEADING = re.compile(r"^\s*(?:references?|bibliography|literature(?: cited)?|works cited|"
                      r"sources|literatur(?:verzeichnis)?|références|bibliographie|referencias)\s*:?\s*$",
                      re.IGNORECASE)
_URLISH = re.compile(r"(?:https?://|www\.|doi\.org/|10\.\d{4,9}/)\S*$", re.IGNORECASE)
_NO_END = re.compile(r"(?:[,:;&(\[]|\band|\bet|\bin|\bof|\bthe)$", re.IGNORECASE)
_NO_START = re.compile(r"^(?:[a-z]|\d+\s*[-\u2013]\s*\d+|[(\[]?\d+[)\]]?[,.:])")


@dataclass
class Reference:
    """One reference: its text (lines joined), first line number (1-based) and printed number."""

    text: str
    line: int
    number: str = ""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t\u00a0"))


def join_lines(lines: list[str]) -> str:
    """Join the lines of one reference, undoing line-end hyphenation and broken URLs."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not out:
            out = line
        elif _URLISH.search(out) and not out.endswith((".", ",")) and not line[0].isupper():
            out += line
        elif out.endswith("-") and len(out) > 1 and out[-2].isalpha() and line[0].isalpha():
            out = out[:-1] + line if line[0].islower() else out + line
        else:
            out += " " + line
    return out


def _strip_number(text: str, pattern: re.Pattern = _NUMBER) -> tuple[str, str]:
    m = pattern.match(text)
    if not m:
        return text, ""
    return text[m.end():], next(g for g in m.groups() if g)


def _numbered_starts(lines: list[str], pattern: re.Pattern = _NUMBER, gap: int = 2) -> list[int] | None:
    """Indexes of lines starting a numbered reference when the numbers run 1, 2, 3 ... (up to
    ``gap`` numbers may be missing); None when the list is not numbered."""
    starts = []
    expect = None
    for i, line in enumerate(lines):
        m = pattern.match(line)
        if not m:
            continue
        n = int(next(g for g in m.groups() if g))
        if expect is None or expect <= n <= expect + gap:
            starts.append(i)
            expect = n + 1
    nonblank = sum(1 for ln in lines if ln.strip())
    if len(starts) >= 2 and len(starts) >= 0.2 * nonblank:
        return starts
    if len(starts) == 1 and nonblank <= 3:
        return starts
    return None


def split_references(text: str) -> list[Reference]:
    """The references of a pasted list, in order, each with the line it starts on."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None:
        return []
    if _HEADING.match(lines[first]):
        lines[first] = ""
    groups: list[tuple[int, list[str]]] = []  # (first line index, lines)
    numbered = _numbered_starts(lines)
    number = _NUMBER
    if numbered is None:
        numbered = _numbered_starts(lines, _BARE_NUMBER, 0)
        number = _BARE_NUMBER if numbered is not None else _NUMBER
    nonblank = [i for i, ln in enumerate(lines) if ln.strip()]
    if numbered is not None:
        starts = set(numbered)
        for i in nonblank:
            if i in starts or not groups:
                groups.append((i, [lines[i]]))
            else:
                groups[-1][1].append(lines[i])
    elif _has_blocks(lines):
        for i, ln in enumerate(lines):
            if not ln.strip():
                if groups and groups[-1][1]:
                    groups.append((i + 1, []))
                continue
            if not groups:
                groups.append((i, []))
            if not groups[-1][1]:
                groups[-1] = (i, [])
            groups[-1][1].append(ln)
        groups = [g for g in groups if g[1]]
    elif _hanging(lines, nonblank):
        base = min(_indent(lines[i]) for i in nonblank)
        for i in nonblank:
            if _indent(lines[i]) <= base or not groups:
                groups.append((i, [lines[i]]))
            else:
                groups[-1][1].append(lines[i])
    elif not _each_line_starts(lines, nonblank) and _wrapped(lines, nonblank):
        full = _full_width(lines, nonblank)
        for i in nonblank:
            line = lines[i].strip()
            prev = groups[-1][1][-1].strip() if groups else ""
            # the line before stopped although this line's first word would have fitted on it
            short = len(prev) + 1 + len(line.split(None, 1)[0]) < full - 2 and not _NO_END.search(prev) \
                and not prev.endswith("-")
            if groups and not short and not (_ENDS_REF.search(prev)
                                             and (_STARTS_REF.match(line) or _STARTS_WRAPPED.match(line))):
                groups[-1][1].append(lines[i])
            else:
                groups.append((i, [lines[i]]))
    else:
        for i in nonblank:
            line = lines[i].strip()
            if groups:
                prev = groups[-1][1][-1].rstrip()
                if (prev.endswith("-") and line[:1].isalpha() and not _starts_like_reference(line)) or \
                        (_NO_END.search(prev) and _NO_START.match(line)) or \
                        (_URLISH.search(prev) and not prev.endswith(".") and _URL_REST.match(line)
                         and not _starts_like_reference(line)):
                    groups[-1][1].append(lines[i])
                    continue
            groups.append((i, [lines[i]]))
    out = []
    for i, group in groups:
        body, printed = _strip_number(join_lines(group), number)
        if body.strip():
            out.append(Reference(body.strip(), i + 1, printed))
    return out


_ENDS_REF = re.compile(r"(?:[.)\]?!\d]|https?://\S+|10\.\d{4,9}/\S+)$")
_STARTS_REF = re.compile(r"^(?:[A-Z\u00c0-\u017f][\w'\u2019\-]+(?:,|\s+[A-Z]{1,3}\b|\s+[A-Z]\.)|"
                         r"[A-Z]\.\s*(?:[A-Z]\.\s*)*[A-Z\u00c0-\u017f][\w'\u2019\-]+|[A-Z]{2,}\b|"
                         r"(?:van|von|de|da|del|der|di|du|la|le)\s+[A-Z])")


#: the rest of a link broken at a line end: one word with a link's characters, no comma after it
_URL_REST = re.compile(r"^[^\s,;]*[/.\-_=?&#%~][^\s,;]*(?:[.;]?\s|[.;]?$)|^[^\s,;]+$")
_YEARISH = re.compile(r"(?<!\d)(?:1[5-9]|20)\d\d(?!\d)")


#: other openings: the dash standing for the same authors again (``———.``), a lone name or
#: group before a period or the year (``Blevins (2001a)``, ``OpenAI.``), a lower-case particle
#: or prefix (``dos Santos``, ``deKleer``)
_STARTS_OTHER = re.compile(r"^(?:[-\u2010-\u2015_]{2,}|[A-Z\u00c0-\u017f][\w'\u2019\-]*\.?\s*\((?:\d{4}|n\.\s?d\.|no date)|"
                           r"[A-Z\u00c0-\u017f][\w'\u2019\-]*\.\s+(?:\(?\d{4}|[A-Z\u201c\"])|"
                           r"(?:dos|das|del|della|de|du|van|von|le|la|al|el|ten|ter)[A-Z\s])")


#: the openings trusted inside wrapped text (``Phys. Lett.`` may open a wrapped line, so a lone
#: word with a period before a capital is not one of them)
_STARTS_WRAPPED = re.compile(r"^(?:[-\u2010-\u2015_]{2,}|[A-Z\u00c0-\u017f][\w'\u2019\-]*\.?\s*\((?:\d{4}|n\.\s?d\.|no date)|"
                             r"[A-Z\u00c0-\u017f][\w'\u2019\-]*\.\s+\(?\d{4})")


def _starts_like_reference(line: str) -> bool:
    """A line that opens a reference: names first (``Smith, J.``, ``J. Smith``, ``SMITH``,
    ``van Doe``), or an opening capital word, a year somewhere and at least five words (a
    corporate author, a title first: ``Gemini Team (2023) ...``, ``A kasernes fællesvirke (2015) ...``)."""
    line = line.strip()
    if _STARTS_REF.match(line) or _STARTS_OTHER.match(line):
        return True
    return bool(line[:1].isupper() or line[:1] in "\"\u201c\u2018") and len(line.split()) >= 5 \
        and bool(_YEARISH.search(line))


def _each_line_starts(lines: list[str], nonblank: list[int]) -> bool:
    """(Nearly) every line opens a reference the way references open: a list pasted one a line,
    even when its lines do not end the way a reference ends (Springer's author-date style ends
    a journal article with its page numbers or a DOI and no period). Nine lines in ten is the
    bar: in references wrapped as a PDF column about half the lines look like openings, in
    lists pasted one a line all but an odd name (``cpaior_prefix1``) do."""
    starts = sum(1 for i in nonblank if _starts_like_reference(lines[i]))
    return len(nonblank) >= 2 and starts >= 0.9 * len(nonblank)


def _full_width(lines: list[str], nonblank: list[int]) -> int:
    """The width of the column (the longest line but a few): a line that stops although the
    next line's first word would have fitted on it is a reference's last line."""
    lengths = sorted(len(lines[i].strip()) for i in nonblank)
    return lengths[int(0.98 * (len(lengths) - 1))]


def _wrapped(lines: list[str], nonblank: list[int]) -> bool:
    """References wrapped over lines with nothing marking their starts (text copied from a
    PDF column): a quarter or more of the lines end where no reference ends."""
    if len(nonblank) < 3:
        return False
    ends = [lines[i].rstrip() for i in nonblank[:-1]]
    open_ends = sum(1 for e in ends if not _ENDS_REF.search(e))
    return open_ends >= 0.25 * len(ends)


def _has_blocks(lines: list[str]) -> bool:
    """Blank lines separate references when at least one block has several lines and there is
    more than one block."""
    blocks = []
    cur = 0
    for ln in lines:
        if ln.strip():
            cur += 1
        elif cur:
            blocks.append(cur)
            cur = 0
    if cur:
        blocks.append(cur)
    return len(blocks) >= 2 and max(blocks) >= 2


def _hanging(lines: list[str], nonblank: list[int]) -> bool:
    """Hanging indents: the first line unindented, and some later lines indented by more."""
    if len(nonblank) < 2:
        return False
    ind = [_indent(lines[i]) for i in nonblank]
    base = min(ind)
    return ind[0] == base and any(x > base for x in ind) and sum(x == base for x in ind) >= 1
