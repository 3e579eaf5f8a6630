"""CSL-JSON in and out (the format of Zotero, pandoc and every CSL processor).

Marks become the rich-text markup CSL processors understand (``<i>``, ``<b>``,
``<span class="nocase">``...). What CSL-JSON has no variable for (unknown BibTeX fields, the
source's entry type, the arXiv id) goes in the schema's ``custom`` object under ``bibkit`` so a
round trip through CSL-JSON loses nothing. The mapping itself is :mod:`bibkit.model_csl`'s.
"""
from __future__ import annotations

import json
import re

from bibkit.diagnostics import Reporter
from bibkit.export_parts import Parts
from bibkit.model import Entry, Library, Source
from bibkit.model_csl import csl_to_entry, entry_to_csl
from bibkit.types import CSL_TYPES


# --------------------------------------------------------------------------- plugins


class CSLJSONImporter:
    name = "csljson"
    extensions = (".json", ".csl.json", ".csljson")
    description = "CSL-JSON (Zotero, pandoc, citeproc)"

    def detect(self, text: str) -> float:
        head = text.lstrip()[:1]
        if head not in ("[", "{"):
            return 0.0
        return 0.8 if re.search(r'"(type|id|title|author)"\s*:', text[:5000]) else 0.3

    def parse(self, text: str, name: str = "<input>", **_options) -> Library:
        library = Library()
        report = Reporter(name, library.problems)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            report.error(exc.lineno, f"not valid JSON: {exc.msg} (column {exc.colno})", "syntax")
            return library
        if isinstance(data, dict):
            data = data.get("items", [data]) if "items" in data else [data]
        if not isinstance(data, list):
            report.error(1, "CSL-JSON must be a list of items", "syntax")
            return library
        add_items(library, data, _item_lines(text, len(data)), name, "csljson")
        return library


def add_items(library: Library, data: list, lines: list[int], name: str, fmt: str) -> None:
    """Append CSL items (from JSON or YAML) to ``library``, reporting what is not an item."""
    report = Reporter(name, library.problems)
    for index, item in enumerate(data):
        line = lines[index] if index < len(lines) else None
        if not isinstance(item, dict):
            report.error(line, f"item {index + 1} is not an object; skipped", "syntax")
            continue
        label = item.get("id", item.get("citation-key", f"#{index + 1}"))

        def note(severity: str, var: str, message: str, line=line, label=label) -> None:
            text = f"item {str(label)!r}: {var} {message}"
            (report.error if severity == "error" else report.warn)(line, text, "bad-value")

        entry = csl_to_entry(item, Source(name, line, fmt), note)
        if not item.get("type"):
            report.warn(line, f"item {entry.key!r} has no type; 'document' assumed", "missing-type")
        elif item.get("type") not in CSL_TYPES:
            report.warn(line, f"item {entry.key!r} has unknown type {item.get('type')!r}; 'document' used, original kept", "bad-type")
        library.blocks.append(entry)


def _item_lines(text: str, count: int) -> list[int]:
    """Best-effort line numbers of the top-level items (for messages)."""
    lines = []
    depth = 0
    line = 1
    in_str = False
    esc = False
    for ch in text:
        if ch == "\n":
            line += 1
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
            continue
        if ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            if depth == 2 and ch == "{":
                lines.append(line)
                if len(lines) >= count:
                    break
        elif ch in "]}":
            depth -= 1
    return lines


class CSLJSONExporter:
    name = "csljson"
    extension = ".json"
    primary = True
    description = "CSL-JSON, valid against the official csl-data.json schema"

    def dump(self, library: Library, **_options) -> str:
        # One item per line: diff-friendly, and json's C encoder (indent= falls back to Python).
        items = _items(library.entries)
        return "[\n" + ",\n".join(items) + "\n]\n" if items else "[]\n"

    def parts(self, **_options) -> Parts:
        return Parts(lambda library: ",\n".join(_items(library.entries)), ",\n", head="[\n", tail="\n]\n",
                     empty="[]\n")


def _items(entries: list[Entry]) -> list[str]:
    return [json.dumps(entry_to_csl(e), ensure_ascii=False) for e in entries]


__all__ = ["CSLJSONImporter", "CSLJSONExporter", "add_items"]
