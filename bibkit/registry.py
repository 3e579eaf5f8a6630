"""Importers and exporters, found by name through entry points.

bibkit's own formats are registered in its pyproject.toml exactly as a third-party package
would register one (groups ``bibkit.importers`` and ``bibkit.exporters``), so there is one way
to add a format. An importer is a class with ``name``, ``extensions``, ``detect(text)`` and
``parse(text, name, **options) -> Library``; an exporter has ``name``, ``extension`` and
``dump(library, **options) -> str``.
"""
from __future__ import annotations

from functools import lru_cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Protocol, runtime_checkable

from bibkit.diagnostics import BibkitError
from bibkit.model import Library

IMPORTERS = "bibkit.importers"
EXPORTERS = "bibkit.exporters"


@runtime_checkable
class Importer(Protocol):
    name: str
    extensions: tuple[str, ...]
    description: str

    def detect(self, text: str) -> float:
        """Confidence 0..1 that ``text`` is in this format (used when the extension is unknown)."""

    def parse(self, text: str, name: str = "<input>", **options) -> Library: ...


@runtime_checkable
class Exporter(Protocol):
    name: str
    extension: str
    description: str

    def dump(self, library: Library, **options) -> str: ...


@lru_cache(maxsize=None)
def _group(group: str) -> dict[str, object]:
    found: dict[str, object] = {}
    for ep in entry_points(group=group):
        found.setdefault(ep.name, ep)
    return found


def _load(group: str, name: str):
    eps = _group(group)
    if name not in eps:
        kind = "importer" if group == IMPORTERS else "exporter"
        known = ", ".join(sorted(eps)) or "none"
        raise BibkitError(f"no {kind} named {name!r} (installed: {known})")
    obj = eps[name].load()  # type: ignore[attr-defined]
    return obj() if isinstance(obj, type) else obj


def importer(name: str) -> Importer:
    return _load(IMPORTERS, name)


def exporter(name: str) -> Exporter:
    return _load(EXPORTERS, name)


def importer_names() -> list[str]:
    return sorted(_group(IMPORTERS))


def exporter_names() -> list[str]:
    return sorted(_group(EXPORTERS))


def all_importers() -> list[Importer]:
    return [importer(n) for n in importer_names()]


def all_exporters() -> list[Exporter]:
    return [exporter(n) for n in exporter_names()]


def refresh() -> None:
    """Forget cached entry points (tests that install a plugin at run time call this)."""
    _group.cache_clear()


def importer_for_path(path: str) -> Importer | None:
    """The importer whose extensions match ``path`` (longest extension wins), if any."""
    lower = Path(path).name.lower()
    best: tuple[int, Importer] | None = None
    for imp in all_importers():
        for ext in imp.extensions:
            if lower.endswith(ext) and (best is None or len(ext) > best[0]):
                best = (len(ext), imp)
    return best[1] if best else None


def detect_importer(text: str) -> Importer | None:
    """The importer most confident that ``text`` is its format (content sniffing)."""
    scored = [(imp.detect(text), imp.name, imp) for imp in all_importers()]
    scored = [s for s in scored if s[0] > 0]
    if not scored:
        return None
    scored.sort(key=lambda s: (-s[0], s[1]))
    return scored[0][2]


def exporter_for_path(path: str) -> Exporter | None:
    lower = Path(path).name.lower()
    matches = [exp for exp in all_exporters() if exp.extension and lower.endswith(exp.extension)]
    # several exporters may share an extension (.bib): the one marked primary wins
    matches.sort(key=lambda exp: (not getattr(exp, "primary", False), -len(exp.extension), exp.name))
    return matches[0] if matches else None
