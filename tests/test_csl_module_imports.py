"""The CSL engine's modules import in one direction: the processor at the top, then
citations, then disambiguation, then the shared pieces -- no loop, not even a lazy one."""
from __future__ import annotations

import ast
from pathlib import Path

CSL = Path(__file__).resolve().parents[1] / "bibkit" / "csl"


def _imports(path: Path) -> set[str]:
    """Sibling modules ``path`` imports anywhere (top level or inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                found.add(node.module.split(".")[0])
            elif node.module and node.module.startswith("bibkit.csl."):
                found.add(node.module.split(".")[2])
    return found - {path.stem}


def _graph() -> dict[str, set[str]]:
    return {p.stem: _imports(p) for p in CSL.glob("*.py") if p.stem != "__init__"}


def test_csl_modules_have_no_import_cycle():
    graph = _graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(name, path):
        state[name] = 1
        for dep in sorted(graph.get(name, ())):
            if state.get(dep) == 1:
                cycles.append(" -> ".join(path[path.index(dep):] + [dep]) if dep in path else dep)
            elif dep not in state:
                visit(dep, path + [dep])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not cycles, cycles


def test_processor_is_above_citations_above_disambiguation():
    graph = _graph()
    assert {"citations", "disambiguate"} <= graph["processor"]
    assert "disambiguate" in graph["citations"]
    assert "processor" not in graph["citations"] | graph["disambiguate"]
    assert "citations" not in graph["disambiguate"]
