"""Small conversions the sources share: display names, ISO dates, publisher markup.

Sources are turned into CSL-JSON-shaped dicts and then into entries by
:func:`bibkit.model_csl.csl_to_entry`, so there is one way from outside data to an entry.
"""
from __future__ import annotations

import html
import re

from bibkit.model import Name

_JATS = {"italic": "i", "bold": "b", "sup": "sup", "sub": "sub", "i": "i", "b": "b"}
_TAG = re.compile(r"<(/?)(?:jats:|mml:)?([a-zA-Z][\w-]*)[^>]*>")


def clean_markup(value: str) -> str:
    """Publisher markup (JATS ``<jats:italic>``, MathML, entities) -> CSL rich-text markup."""
    if not value:
        return ""

    def tag(m: re.Match) -> str:
        kind = _JATS.get(m.group(2).lower())
        return f"<{m.group(1)}{kind}>" if kind else ""

    text = _TAG.sub(tag, value)
    text = html.unescape(text)
    return " ".join(text.split())


def name_from_display(value: str) -> dict:
    """"Jean-Baptiste Alayrac" -> CSL name dict, split with the BibTeX rules (particles kept)."""
    from bibkit.names import parse_name

    value = " ".join(str(value).split())
    if not value:
        return {}
    try:
        name: Name = parse_name(value.replace("{", "").replace("}", "").replace("\\", ""))
    except Exception:  # pybtex rejects a few odd strings: keep the name whole
        return {"literal": value}
    from bibkit.model_csl import name_to_csl

    return name_to_csl(name) or {"literal": value}


def iso_date(value: str) -> dict | None:
    """``2024-09-10`` / ``2024-09-10T12:00:00Z`` / ``2024`` -> CSL date dict."""
    m = re.match(r"\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", str(value or ""))
    if not m:
        return None
    parts = [int(p) for p in m.groups() if p]
    return {"date-parts": [parts]}


def first(value):
    """Crossref gives most strings as one-element lists."""
    if isinstance(value, list):
        return value[0] if value else None
    return value
