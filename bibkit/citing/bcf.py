"""Citations from a biber control file (``.bcf``), the XML biblatex writes for biber.

Each section lists ``<bcf:citekey order="n">key</bcf:citekey>`` in order of citation (``*``
for ``\\nocite{*}``) and its ``<bcf:datasource>`` files. The XML is read with expat so that every
citekey keeps its line; a file cut short (LaTeX stopped midway) still gives what came before
the damage, with the damage reported at its line.
"""
from __future__ import annotations

import xml.parsers.expat

from bibkit.citing.cited import CitedKeys
from bibkit.diagnostics import Problem
from bibkit.io import read_input


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def read_bcf(path: str, encoding: str | None = None) -> CitedKeys:
    """The citekeys of every section of ``path``, in document order."""
    text, problems = read_input(path, encoding)
    cited = CitedKeys(problems=list(problems))
    parser = xml.parsers.expat.ParserCreate()
    state: dict = {"in": None, "text": [], "line": None}

    def start(name: str, attrs: dict) -> None:
        local = _local(name)
        if local in ("citekey", "datasource"):
            state.update({"in": local, "text": [], "line": parser.CurrentLineNumber})

    def chars(data: str) -> None:
        if state["in"]:
            state["text"].append(data)

    def end(name: str) -> None:
        local = _local(name)
        if local != state["in"]:
            return
        value = "".join(state["text"]).strip()
        if local == "citekey":
            cited.add(value, path, state["line"])
        elif value and value not in cited.bib_files:
            cited.bib_files.append(value)
        state["in"] = None

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(text, True)
    except xml.parsers.expat.ExpatError as exc:
        cited.problems.append(Problem(f"not a readable .bcf: {xml.parsers.expat.errors.messages[exc.code]}",
                                      path, exc.lineno, "error", "citing-bad-bcf"))
    return cited
