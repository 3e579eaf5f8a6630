"""Where fetched values came from, written the way the user chose.

In memory, provenance is ``entry.meta["provenance"][field] = {"source", "time"}``. On disk:

- ``note``: in the entry itself. CSL-JSON keeps it in ``custom.bibkit.meta`` (the exporter's
  slot for bibkit bookkeeping); BibTeX/BibLaTeX get one ``bibkit-provenance`` field, which
  bibtex and biber ignore and which is read back on the next run.
- ``sidecar``: a JSON file beside the output, ``{key: {field: {source, time}}}``.
- ``none``: not written.
"""
from __future__ import annotations

import json
import re

from bibkit.model import Library

FIELD = "bibkit-provenance"
MODES = ("note", "sidecar", "none")
_GROUP = re.compile(r"\s*([\w.-]+)\s+(\S+):\s*([^;]+)")


def note_text(provenance: dict) -> str:
    """{field: {source, time}} -> "crossref 2026-01-02T03:04:05Z: author, doi; arxiv ...: issued"."""
    groups: dict[tuple[str, str], list[str]] = {}
    for name, info in provenance.items():
        if isinstance(info, dict):
            groups.setdefault((str(info.get("source", "?")), str(info.get("time", "?"))), []).append(name)
    return "; ".join(f"{src} {time}: {', '.join(names)}" for (src, time), names in groups.items())


def parse_note(text: str) -> dict:
    out: dict = {}
    for part in (text or "").split(";"):
        m = _GROUP.match(part)
        if not m:
            continue
        for name in m.group(3).split(","):
            if name.strip():
                out[name.strip()] = {"source": m.group(1), "time": m.group(2)}
    return out


def read_notes(library: Library) -> None:
    """Turn ``bibkit-provenance`` fields read from a .bib back into ``meta["provenance"]``."""
    for entry in library.entries:
        key = next((k for k in entry.extra if k.lower() == FIELD), None)
        if key is None:
            continue
        parsed = parse_note(entry.extra.pop(key))
        merged = {**parsed, **entry.meta.get("provenance", {})}
        if merged:
            entry.meta["provenance"] = merged


def apply_mode(library: Library, mode: str, format: str) -> dict:
    """Prepare entries for writing in ``format``; return the sidecar content (``sidecar`` mode)."""
    sidecar: dict = {}
    for index, entry in enumerate(library.entries):
        provenance = entry.meta.get("provenance")
        if not provenance:
            continue
        if mode == "note":
            if format != "csljson":
                entry.extra[FIELD] = note_text(provenance)
                entry.meta.pop("provenance")
            continue
        entry.meta.pop("provenance")
        if mode == "sidecar":
            sidecar[entry.key or f"#{index + 1}"] = provenance
    return sidecar


def sidecar_path(output: str) -> str:
    return output + ".provenance.json"


def sidecar_text(sidecar: dict) -> str:
    return json.dumps(sidecar, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
