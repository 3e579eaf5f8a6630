"""Citations from a LaTeX ``.aux`` file: what bibtex itself reads.

LaTeX writes ``\\citation{a,b}`` for every ``\\cite``/``\\nocite`` (``*`` for ``\\nocite{*}``),
``\\bibdata{refs}`` for ``\\bibliography{refs}``, and ``\\@input{chapter.aux}`` for each
``\\include``d file, whose citations come at that point. biblatex writes
``\\abx@aux@cite{section}{key}`` (older versions ``\\abx@aux@cite{key}``) instead.
"""
from __future__ import annotations

import os
import re

from bibkit.citing.cited import CitedKeys
from bibkit.diagnostics import BibkitError, Problem
from bibkit.io import read_input

_LINE = re.compile(
    r"\\(?P<cmd>citation|bibdata|@input|abx@aux@cite)\{(?P<a>[^{}]*)\}(?:\{(?P<b>[^{}]*)\})?"
)


def read_aux(path: str, encoding: str | None = None, _seen: set[str] | None = None) -> CitedKeys:
    """The citations of ``path`` and of the ``.aux`` files it ``\\@input``s, in order."""
    seen = _seen if _seen is not None else set()
    seen.add(os.path.realpath(path))
    text, problems = read_input(path, encoding)
    cited = CitedKeys(problems=list(problems))
    folder = os.path.dirname(path)
    for number, line in enumerate(text.splitlines(), 1):
        for m in _LINE.finditer(line):
            cmd, a, b = m.group("cmd"), m.group("a"), m.group("b")
            if cmd == "citation":
                for key in a.split(","):
                    cited.add(key, path, number)
            elif cmd == "abx@aux@cite":
                cited.add(b if b is not None else a, path, number)
            elif cmd == "bibdata":
                cited.bib_files.extend(f.strip() for f in a.split(",") if f.strip())
            else:
                _input(cited, a.strip(), folder, path, number, encoding, seen)
    return cited


def _input(cited: CitedKeys, name: str, folder: str, path: str, line: int,
           encoding: str | None, seen: set[str]) -> None:
    # LaTeX writes \@input paths relative to where it ran, which is the main .aux's folder
    target = name if os.path.isabs(name) else os.path.join(folder, name)
    if os.path.realpath(target) in seen:
        return
    if not os.path.exists(target):
        # LaTeX itself writes \@input{x.aux} before x.aux exists: a file not compiled yet
        cited.problems.append(Problem(f"included {name!r} does not exist (not compiled yet?)",
                                      path, line, "warning", "citing-missing-input"))
        return
    try:
        cited.extend(read_aux(target, encoding, seen))
    except BibkitError as exc:
        cited.problems.append(Problem(str(exc), path, line, "error", "citing-unreadable"))
