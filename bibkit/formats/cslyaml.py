"""CSL-YAML in and out: the references pandoc and Quarto read from YAML.

Three shapes are read: a standalone list of items, a mapping with ``references:`` (pandoc's
bibliography file and metadata block), and a Markdown file whose YAML front matter holds
``references:``. Items are CSL-JSON items written in YAML, so the item <-> entry mapping is
CSL-JSON's (:func:`~bibkit.model_csl.entry_to_csl`, :func:`csl_to_entry`): one mapping,
two syntaxes. The loader builds the node tree once so every item gets its line for messages.
Written output is pandoc's shape (``---`` / ``references:`` / ``...``), which pandoc accepts
both as ``--bibliography refs.yaml`` and pasted into a document's metadata.
"""
from __future__ import annotations

import re

import yaml

from bibkit.diagnostics import Reporter
from bibkit.formats.csljson import add_items
from bibkit.formats.yaml_text import load_with_node
from bibkit.model_csl import entry_to_csl
from bibkit.model import Library

_FRONT_MATTER = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*$", re.S | re.M)


def _items_node(node: yaml.Node | None) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "references":
                return value
        return None
    return node


class CSLYAMLImporter:
    name = "cslyaml"
    extensions = (".yaml", ".yml")
    description = "CSL-YAML (pandoc/Quarto references: list or metadata block, Markdown front matter)"

    def detect(self, text: str) -> float:
        head = text[:5000]
        if re.search(r"^references:\s*$", head, re.M):
            return 0.8
        if re.match(r"\A(?:---\s*\n)?- (id|type|title|author):", head.lstrip("\ufeff")):
            return 0.6
        return 0.0

    def parse(self, text: str, name: str = "<input>", **_options) -> Library:
        library = Library()
        report = Reporter(name, library.problems)
        body, offset = text, 0
        front = _FRONT_MATTER.match(text)
        if front:  # a YAML document between --- and ---/... (pandoc's file, or Markdown front matter)
            body, offset = front.group(1), text.count("\n", 0, front.start(1))
        try:
            data, node = load_with_node(body)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 + offset if mark is not None else None
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            report.error(line, f"not valid YAML: {problem}", "syntax")
            return library
        items_node = _items_node(node)
        if isinstance(data, dict):
            if "references" not in data:
                report.error(1 + offset, "YAML has no 'references:' list", "syntax")
                return library
            data = data["references"]
        if data is None:
            return library
        if not isinstance(data, list):
            report.error(1 + offset, "CSL-YAML references must be a list of items", "syntax")
            return library
        nodes = items_node.value if isinstance(items_node, yaml.SequenceNode) else []
        lines = [node.start_mark.line + 1 + offset for node in nodes]
        items = list(data)
        add_items(library, items, lines, name, "cslyaml")
        return library


class _Dumper(yaml.SafeDumper):
    """Block style, and multi-line strings (abstracts) as ``|`` literals people can read."""


def _str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style=style)


_Dumper.add_representer(str, _str)
# text that remembers its marks (bibkit.model.Text, e.g. a name part holding LaTeX bibkit could
# not decode) is written as the plain string it is
_Dumper.add_multi_representer(str, _str)


class CSLYAMLExporter:
    name = "cslyaml"
    extension = ".yaml"
    primary = True
    description = "CSL-YAML in pandoc's references: shape"

    def dump(self, library: Library, **_options) -> str:
        items = [entry_to_csl(e) for e in library.entries]
        body = yaml.dump({"references": items}, Dumper=_Dumper, allow_unicode=True,
                         sort_keys=False, default_flow_style=False, width=100)
        return f"---\n{body}...\n"
