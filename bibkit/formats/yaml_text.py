"""YAML as bibliographies need it: dates stay the text that was written.

PyYAML turns ``2020-05-01`` into a ``datetime.date`` and raises on ``2020-13-45``. CSL-YAML,
CITATION.cff and a document's metadata all want the date as written (CSL reads it as a date
string, CFF's schema wants a string), and an impossible date is a value to report, not a
traceback. Every YAML reader of bibkit goes through :func:`load` so they all agree.
"""
from __future__ import annotations

import yaml


class TextDateLoader(yaml.SafeLoader):
    """The safe loader without the timestamp resolver: dates are read as strings."""


TextDateLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def load(text: str) -> object:
    """The document's data (raises ``yaml.YAMLError`` on bad syntax)."""
    return yaml.load(text, Loader=TextDateLoader)  # noqa: S506 - a SafeLoader subclass


def load_with_node(text: str) -> tuple[object, yaml.Node | None]:
    """The document's data and its node tree (for the line each value starts on)."""
    loader = TextDateLoader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()
