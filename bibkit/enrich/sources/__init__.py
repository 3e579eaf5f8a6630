"""Scholarly sources, found by name through the ``bibkit.sources`` entry-point group.

bibkit's own sources are registered in its pyproject.toml exactly as a third-party package
registers one, so there is one way to add a source (e.g. a library catalogue).
"""
from __future__ import annotations

from functools import lru_cache
from importlib.metadata import entry_points

from bibkit.diagnostics import BibkitError
from bibkit.enrich.sources.base import Record, Source

GROUP = "bibkit.sources"


@lru_cache(maxsize=None)
def _entry_points() -> dict[str, object]:
    found: dict[str, object] = {}
    for ep in entry_points(group=GROUP):
        found.setdefault(ep.name, ep)
    return found


def source_names() -> list[str]:
    return sorted(_entry_points())


def get_source(name: str) -> Source:
    eps = _entry_points()
    if name not in eps:
        raise BibkitError(f"no source named {name!r} (installed: {', '.join(sorted(eps)) or 'none'})")
    obj = eps[name].load()  # type: ignore[attr-defined]
    return obj() if isinstance(obj, type) else obj


def refresh() -> None:
    _entry_points.cache_clear()


__all__ = ["Record", "Source", "get_source", "source_names", "refresh", "GROUP"]
