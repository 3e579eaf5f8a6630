"""Typography that LaTeX output gets wrong: hyphens in page ranges, acronyms that sentence-case
styles lower-case, and characters pdflatex cannot typeset without extra packages."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable

from bibkit.check.pdflatex_chars import DEFAULT, WITH_T1
from bibkit.check.raw import is_bibtex, raw_field, raw_fields, split_delimiters, top_level_spans
from bibkit.check.registry import Context, Finding, Fix, entry_check, get
from bibkit.model import Entry

# ---------------------------------------------------------------------------- pages

_HYPHEN = re.compile(r"(?<=[\w\]])\s*(?<!-)-(?!-)\s*(?=\w)")


@entry_check("page-hyphen", "warning",
             "a page range written with one hyphen (12-15); BibTeX wants an en dash, written '--'", "text", fixable=True)
def page_hyphen(entry: Entry, ctx: Context) -> Iterable[Finding]:
    raw = raw_field(entry, "pages") if is_bibtex(entry) else None
    if raw is None:
        return
    parts = split_delimiters(raw[0])
    if parts is None:
        return
    delim, body, close = parts
    ranges = [m for m in _HYPHEN.finditer(body)
              if re.search(r"\d", body[:m.start()].split(",")[-1]) and re.search(r"\d", body[m.end():].split(",")[0])]
    if not ranges:
        return
    fixed = _HYPHEN.sub("--", body) if len(ranges) == len(list(_HYPHEN.finditer(body))) else None
    fix = None
    if fixed is not None:
        new = (delim or "{") + fixed + (close or "}")
        fix = Fix(entry.source.file, raw[1], raw[0], new, f"pages: {body} -> {fixed}")
    yield get("page-hyphen").at(entry, f"pages {body!r} uses a hyphen for a range; write '--' (en dash)", raw[1], fix)


# ---------------------------------------------------------------------------- acronyms

_WORD = re.compile(r"[^\W_](?:[\w'’]*\w)?")  # hyphenated compounds are separate words


def _needs_protection(word: str) -> bool:
    """Words whose capitals after the first letter a sentence-case style would lower-case."""
    rest = word[1:]
    if rest == rest.lower():  # the common case, decided in C
        return False
    return sum(c.isalpha() for c in word) >= 2


def _protected(text, start: int, end: int) -> bool:
    return any(m.start <= start and end <= m.end and m.kind in ("nocase", "math", "raw")
               for m in getattr(text, "marks", ()))


@entry_check("unprotected-acronym", "warning",
             "title words with capitals after the first letter (BERT, DNA, LaTeX) are not in braces; "
             "sentence-case styles will lower-case them", "text", fixable=True)
def unprotected_acronyms(entry: Entry, ctx: Context) -> Iterable[Finding]:
    if not is_bibtex(entry):
        return
    title = entry.fields.get("title")
    if not title:
        return
    letters = [c for c in title if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return  # an all-capitals title is a data-entry problem, not an acronym one
    words = []
    for m in _WORD.finditer(title):
        word = m.group(0)
        if word and _needs_protection(word) and not _protected(title, m.start(), m.end()) and word not in words:
            words.append(word)
    if not words:
        return
    raw = raw_field(entry, "title")
    fix = _brace_words(entry, raw, words) if raw else None
    listed = ", ".join(words)
    example = "{" + words[0] + "}"
    yield get("unprotected-acronym").at(
        entry, f"title words {listed} will be lower-cased by sentence-case styles; protect them: {example}",
        raw[1] if raw else None, fix)


def _brace_words(entry: Entry, raw: tuple[str, int], words: list[str]) -> Fix | None:
    parts = split_delimiters(raw[0])
    if parts is None or not parts[0]:
        return None
    delim, body, close = parts
    pattern = re.compile(r"(?<![\w\\])(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")(?!\w)")
    inserts: list[tuple[int, int]] = []
    for start, end in top_level_spans(body):
        for m in pattern.finditer(body, start, end):
            inserts.append((m.start(), m.end()))
    if not inserts:
        return None
    out, pos = [], 0
    for s, e in inserts:
        out.append(body[pos:s] + "{" + body[s:e] + "}")
        pos = e
    out.append(body[pos:])
    new = delim + "".join(out) + close
    return Fix(entry.source.file, raw[1], raw[0], new, f"title: protected {', '.join(words)} with braces")


# ---------------------------------------------------------------------------- pdflatex

#: Fields that are links or paths, not typeset text (``\url`` handles them, or nothing prints them).
_NOT_TYPESET = {"url", "doi", "file", "pdf", "eprint", "local-url", "bdsk-url-1", "bdsk-url-2",
                "bdsk-file-1", "bdsk-file-2", "abstract", "keywords", "crossref", "ids", "mendeley-tags",
                "owner", "timestamp", "groups", "annote", "annotation", "review"}

def _in(code: int, table: tuple[tuple[int, int], ...]) -> bool:
    return any(a <= code <= b for a, b in table)


@lru_cache(maxsize=4096)
def pdflatex_support(ch: str) -> str:
    """``default`` (a plain pdflatex document typesets it), ``t1`` (only with T1 fontenc) or ``none``.

    The tables are measured by running pdflatex (:mod:`bibkit.check.pdflatex_table`). U+FFFD
    is a byte the reader could not decode: the encoding check reports it, so it counts as fine.
    """
    code = ord(ch)
    if code < 0x80 or ch == "\ufffd" or _in(code, DEFAULT):
        return "default"
    return "t1" if _in(code, WITH_T1) else "none"


def _hint(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if name.startswith("GREEK"):
        return "math mode ($\\alpha$) or the textgreek package"
    if name.startswith("CYRILLIC"):
        return "\\usepackage[T2A]{fontenc} and babel"
    if name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL")):
        return "the CJKutf8 package, or xelatex/lualatex"
    if name.startswith("COMBINING"):
        return "a precomposed character or a LaTeX accent command"
    return "a LaTeX command, or xelatex/lualatex"


@entry_check("pdflatex-character", "warning",
             "a character pdflatex cannot typeset without extra packages (\"Unicode character ... not set up for use with LaTeX\")",
             "text")
def pdflatex_characters(entry: Entry, ctx: Context) -> Iterable[Finding]:
    if not is_bibtex(entry):
        return
    check = get("pdflatex-character")
    for name, (raw, line) in raw_fields(entry).items():
        if name in _NOT_TYPESET or raw.isascii():
            continue
        bad: dict[str, str] = {}
        for ch in raw:
            if ch not in bad and ord(ch) >= 0x80:
                support = pdflatex_support(ch)
                if support != "default":
                    bad[ch] = support
        if not bad:
            continue
        shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in list(bad)[:5]) + (", ..." if len(bad) > 5 else "")
        if all(s == "t1" for s in bad.values()):
            need = "\\usepackage[T1]{fontenc}"
        else:
            need = _hint(next(c for c, s in bad.items() if s == "none")) + " (T1 fontenc is not enough)"
        yield check.at(entry, f"field {name!r} has {shown}; pdflatex needs {need}", line)


# ---------------------------------------------------------------------------- mojibake

#: UTF-8 read as Latin-1 or Windows-1252 and saved again: "Ã©" for "é", "Â°" for "°", "â€™" for "’"
_MOJIBAKE = re.compile(r"[ÂÃ][\u0080-\u00bf]|â€[\u0080-\u00bf\u2018-\u201e\u2122™œž]")


@entry_check("mojibake", "warning",
             "text that looks like UTF-8 decoded as Latin-1 earlier ('Ã©' for 'é', 'Â°' for '°'); the bytes are kept as they are",
             "text")
def mojibake(entry: Entry, ctx: Context) -> Iterable[Finding]:
    check = get("mojibake")
    if is_bibtex(entry):
        values = [(name, raw, line) for name, (raw, line) in raw_fields(entry).items()]
    else:
        values = [(name, str(value), None) for name, value in entry.fields.items()]
    for name, value, line in values:
        m = _MOJIBAKE.search(value)
        if m:
            yield check.at(entry, f"field {name!r} has {m.group(0)!r}, which looks like mis-decoded UTF-8", line)


# ---------------------------------------------------------------------------- LaTeX

#: TeX's limit on nested groups ("TeX capacity exceeded, sorry [grouping levels=255]")
MAX_BRACE_DEPTH = 255


def _max_depth(raw: str) -> int:
    depth = deepest = 0
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif c == "}":
            depth -= 1
        i += 1
    return deepest


@entry_check("brace-depth", "error",
             f"braces nested deeper than TeX's {MAX_BRACE_DEPTH} grouping levels; LaTeX stops with 'TeX capacity exceeded'",
             "text")
def brace_depth(entry: Entry, ctx: Context) -> Iterable[Finding]:
    if not is_bibtex(entry):
        return
    for name, (raw, line) in raw_fields(entry).items():
        if raw.count("{") > MAX_BRACE_DEPTH:
            depth = _max_depth(raw)
            if depth > MAX_BRACE_DEPTH:
                yield get("brace-depth").at(entry, f"field {name!r} nests braces {depth} levels deep", line)


#: Commands a document gets from a journal class or package, not from LaTeX itself
#: (the AAS journal macros of NASA ADS exports are the common case).
_WHERE_DEFINED = {"aas_macros.sty (AAS journals)": re.compile(
    r"^\\(?:aj|actaa|araa|apj|apjl|apjs|ao|apss|aap|aapr|aaps|azh|baas|caa|jrasc|memras|mnras|na|pra|prb|prc|prd|pre|prl|pasa|pasp|pasj|qjras|skytel|solphys|sovast|ssr|zap|nat|iaucirc|aplett|apspr|bain|fcp|gca|grl|jcp|jgr|jqsrt|memsai|nphysa|physrep|physscr|planss|procspie)\b")}


@entry_check("latex-command", "info",
             "a LaTeX command bibkit does not know; it is kept verbatim, but the document must define it", "text")
def latex_commands(entry: Entry, ctx: Context) -> Iterable[Finding]:
    if not is_bibtex(entry):
        return
    check = get("latex-command")
    raws = raw_fields(entry)
    for slot, value in entry.fields.items():
        for mark in getattr(value, "marks", ()):
            if mark.kind != "raw":
                continue
            command = re.match(r"\\[A-Za-z@]+", value[mark.start:mark.end].lstrip("{"))
            if not command:
                continue
            name = entry.field_names.get(slot, slot)
            line = raws.get(name, (None, None))[1]
            where = next((pkg for pkg, rx in _WHERE_DEFINED.items() if rx.match(command.group(0))), "")
            hint = f" (defined in {where})" if where else ""
            yield check.at(entry, f"field {name!r} uses {command.group(0)}, which LaTeX itself does not define{hint}", line)
