"""Citations read straight from LaTeX sources, before (or without) compiling them.

Covers the ``\\cite`` family of LaTeX, natbib, biblatex and apacite: starred forms, up to two
optional arguments (``\\citep[see][p.~3]{key}``), biblatex's multicites
(``\\cites(pre)(post)[pre][post]{a}[post]{b}``) and volcites (``\\volcite[pre]{vol}[pp]{key}``),
``\\nocite{key}`` and ``\\nocite{*}``. ``%`` comments, ``\\verb``, verbatim-like environments and
``\\iffalse...\\fi`` are blanked out first (keeping every offset, so lines stay right).
``\\include``, ``\\input``, ``\\subfile`` and ``\\import``/``\\subimport`` are followed where they
stand, relative to the including file (then to the main file, which is where LaTeX looks).
"""
from __future__ import annotations

import bisect
import os
import re

from bibkit.citing.cited import CitedKeys
from bibkit.diagnostics import BibkitError, Problem
from bibkit.io import read_input

_CAPITALISED = {"cite", "citet", "citep", "citealt", "citealp", "citeauthor", "parencite", "footcite",
                "textcite", "smartcite", "autocite", "notecite", "pnotecite", "fnotecite", "citetitle"}
#: commands of the form \cmd*[opt][opt]{keys}
SINGLE = frozenset(
    {"cite", "nocite", "citet", "citep", "citealt", "citealp", "citeauthor", "citeyear", "citeyearpar",
     "citenum", "citefullauthor", "parencite", "footcite", "footcitetext", "textcite", "smartcite",
     "supercite", "autocite", "citetitle", "citedate", "citeurl", "fullcite", "footfullcite",
     "notecite", "pnotecite", "fnotecite", "citeA", "citeN", "citeNP", "citeyearNP", "shortcite",
     "shortciteA", "shortciteN", "shortciteNP", "fullciteA", "fullciteN", "fullciteNP", "citeasnoun",
     "possessivecite", "citeaffixed", "nocitemeta"}
    | {c[0].upper() + c[1:] for c in _CAPITALISED}
)
#: biblatex multicites: \cmd(pre)(post) then groups of [pre][post]{keys}
MULTI = frozenset(
    {"cites", "parencites", "footcites", "footcitetexts", "smartcites", "textcites", "supercites",
     "autocites", "Cites", "Parencites", "Smartcites", "Textcites", "Autocites"}
)
#: biblatex volcites: \cmd[pre]{volume}[pages]{key}
VOLUME = frozenset({"volcite", "Volcite", "pvolcite", "Pvolcite", "fvolcite", "Fvolcite", "ftvolcite",
                    "svolcite", "Svolcite", "tvolcite", "Tvolcite", "avolcite", "Avolcite"})
INCLUDE = frozenset({"include", "input", "subfile", "subfileinclude", "includefrom", "subincludefrom",
                     "import", "subimport", "inputfrom", "subinputfrom"})
BIBLIOGRAPHY = frozenset({"bibliography", "addbibresource", "addglobalbib", "addsectionbib", "nobibliography"})
#: environments whose body is not LaTeX to read (code, comments, files written out)
VERBATIM = ("verbatim", "verbatim*", "Verbatim", "BVerbatim", "LVerbatim", "lstlisting", "minted",
            "comment", "filecontents", "filecontents*", "alltt")

_TOKEN = re.compile(r"\\(?:([A-Za-z]+)|.)", re.DOTALL)
_BEGIN_VERBATIM = re.compile(r"\\begin\s*\{(" + "|".join(re.escape(v) for v in VERBATIM) + r")\}")
_BARE_INPUT = re.compile(r"[ \t]+([^\s{}%\\]+)")


def _blank(chars: list[str], start: int, end: int) -> None:
    chars[start:end] = [c if c == "\n" else " " for c in chars[start:end]]


_SPECIAL = re.compile(r"[%\\]")
_FI = re.compile(r"\\fi(?![A-Za-z])")


def clean(text: str) -> str:
    """``text`` with comments, ``\\verb`` and verbatim bodies replaced by spaces (same offsets)."""
    chars: list[str] | None = None  # copied on the first blanking: most text has nothing to blank
    n = len(text)
    i = 0
    env: str | None = None  # inside this verbatim-like environment

    def blank(start: int, end: int) -> None:
        nonlocal chars
        if chars is None:
            chars = list(text)
        _blank(chars, start, end)

    while i < n:
        if env is not None:
            end = text.find("\\end{" + env + "}", i)
            blank(i, n if end < 0 else end)
            i = n if end < 0 else end + len(env) + 6
            env = None
            continue
        m = _SPECIAL.search(text, i)
        if m is None:
            break
        i = m.start()
        if text[i] == "%":
            eol = text.find("\n", i)
            eol = n if eol < 0 else eol
            blank(i, eol)
            i = eol
            continue
        if text.startswith("verb", i + 1) and not (i + 5 < n and text[i + 5].isalpha()):
            j = i + 5 + (1 if text.startswith("*", i + 5) else 0)
            if j < n and text[j] != "\n":
                close = text.find(text[j], j + 1)
                eol = text.find("\n", j + 1)
                eol = n if eol < 0 else eol
                stop = close + 1 if 0 <= close < eol else eol
                blank(i, stop)
                i = stop
                continue
        if text.startswith("iffalse", i + 1) and not (i + 8 < n and text[i + 8].isalpha()):
            end = _FI.search(text, i + 8)  # \iffalse ... \fi: a block the author switched off
            stop = n if end is None else end.end()
            blank(i, stop)
            i = stop
            continue
        b = _BEGIN_VERBATIM.match(text, i)
        if b:
            env = b.group(1)
            i = b.end()
            continue
        i += 2
    return text if chars is None else "".join(chars)


def _skip_space(text: str, i: int) -> int:
    """Past spaces and at most one line break (a blank line ends a command's arguments)."""
    n = len(text)
    newline = False
    while i < n and text[i] in " \t\r\n":
        if text[i] == "\n":
            if newline:
                break
            newline = True
        i += 1
    return i


_STOPS = {close: re.compile(r"[\\\\{}" + re.escape(close) + "]") for close in "])}"}


def _group(text: str, i: int, open_: str, close: str) -> tuple[str, int] | None:
    """The argument delimited by ``open_``/``close`` at ``i`` (braces nest) and the index after it."""
    if i >= len(text) or text[i] != open_:
        return None
    depth = 0
    stops = _STOPS[close]
    j = i + 1
    while True:
        m = stops.search(text, j)
        if m is None:
            return None
        j = m.start()
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            if depth == 0:
                if close == "}":
                    return text[i + 1:j], j + 1
                return None  # a "]" or ")" group cannot end at an unbalanced brace
            depth -= 1
        elif depth == 0:  # the closing delimiter
            return text[i + 1:j], j + 1
        j += 1


def _optional(text: str, i: int, open_: str = "[", close: str = "]", most: int = 2) -> int:
    """Past up to ``most`` optional arguments."""
    for _ in range(most):
        k = _skip_space(text, i)
        g = _group(text, k, open_, close)
        if g is None:
            break
        i = g[1]
    return i


def _mandatory(text: str, i: int) -> tuple[str, int] | None:
    return _group(text, _skip_space(text, i), "{", "}")


class _Reader:
    def __init__(self, root: str, encoding: str | None):
        self.root_folder = os.path.dirname(root)
        self.encoding = encoding
        self.cited = CitedKeys()
        self.stack: list[str] = []

    def read(self, path: str, text: str | None = None) -> None:
        if text is None:
            text, problems = read_input(path, self.encoding)
            self.cited.problems.extend(problems)
        self.stack.append(os.path.realpath(path))
        try:
            self.scan(path, clean(text))
        finally:
            self.stack.pop()

    def scan(self, path: str, text: str) -> None:
        starts = [0] + [m.end() for m in re.finditer("\n", text)]

        def line(at: int) -> int:
            return bisect.bisect_right(starts, at)

        pos = 0
        while True:
            m = _TOKEN.search(text, pos)
            if m is None:
                return
            name = m.group(1)
            pos = m.end()
            if not name:
                continue
            i = pos + 1 if text.startswith("*", pos) else pos
            at = line(m.start())
            if name in SINGLE:
                i = _optional(text, i)
                arg = _mandatory(text, i)
                if arg is not None:
                    self._keys(arg[0], path, at)
                    pos = arg[1]
            elif name in MULTI:
                i = _optional(text, i, "(", ")")
                while True:
                    j = _skip_space(text, _optional(text, i))
                    arg = _mandatory(text, j)
                    if arg is None:
                        break
                    self._keys(arg[0], path, line(j))
                    i = arg[1]
                pos = i
            elif name in VOLUME:
                i = _optional(text, i, most=1)
                volume = _mandatory(text, i)
                if volume is not None:
                    arg = _mandatory(text, _optional(text, volume[1], most=1))
                    if arg is not None:
                        self._keys(arg[0], path, at)
                        pos = arg[1]
            elif name in BIBLIOGRAPHY:
                arg = _mandatory(text, _optional(text, i, most=1))
                if arg is not None:
                    for bib in arg[0].split(","):
                        if bib.strip() and bib.strip() not in self.cited.bib_files:
                            self.cited.bib_files.append(bib.strip())
                    pos = arg[1]
            elif name in INCLUDE:
                pos = self._include(name, text, i, path, at, pos)

    def _keys(self, arg: str, path: str, line: int) -> None:
        for key in arg.split(","):
            # \cite{#1} in a macro definition, \cite{\mykey}: no key a bibliography could have
            if "#" not in key and "\\" not in key:
                self.cited.add(key, path, line)

    def _include(self, name: str, text: str, i: int, path: str, line: int, pos: int) -> int:
        folder = ""
        if name in ("import", "subimport", "includefrom", "subincludefrom", "inputfrom", "subinputfrom"):
            first = _mandatory(text, i)
            if first is None:
                return pos
            folder, i = first[0].strip(), first[1]
        arg = _mandatory(text, i)
        if arg is not None:
            target, end = arg[0].strip(), arg[1]
        elif name == "input" and (bare := _BARE_INPUT.match(text, i)):  # plain TeX: \input file
            target, end = bare.group(1), bare.end()
        else:
            return pos
        if target:
            self._follow(os.path.join(folder, target), path, line)
        return end

    def _follow(self, target: str, path: str, line: int) -> None:
        here = os.path.dirname(path)
        names = [target] if target.endswith(".tex") else [target + ".tex", target]
        for base in dict.fromkeys([here, self.root_folder]):
            for candidate in names:
                full = candidate if os.path.isabs(candidate) else os.path.join(base, candidate)
                if os.path.isfile(full):
                    if os.path.realpath(full) in self.stack:
                        self.cited.problems.append(Problem(f"{target!r} includes itself; not followed again",
                                                           path, line, "warning", "citing-include-cycle"))
                        return
                    try:
                        self.read(full)
                    except BibkitError as exc:
                        self.cited.problems.append(Problem(str(exc), path, line, "error", "citing-unreadable"))
                    return
        self.cited.problems.append(Problem(f"cannot find included file {target!r}", path, line,
                                           "warning", "citing-missing-input"))


def read_tex(path: str, encoding: str | None = None) -> CitedKeys:
    """The citations of the LaTeX file ``path`` and of every file it includes, in order."""
    reader = _Reader(path, encoding)
    reader.read(path)
    return reader.cited


def tex_citations(text: str, name: str = "<string>") -> CitedKeys:
    """The citations of LaTeX ``text`` (includes are looked for beside ``name``)."""
    reader = _Reader(name, None)
    reader.read(name, text)
    return reader.cited
