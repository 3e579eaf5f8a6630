"""Users' XML exports (EndNote XML, MODS) parsed safely, with problems reported, never raised.

One place for what both XML readers need: :func:`bibkit.csl.xmlsafe.parse_xml` refuses DTDs and
entity declarations before parsing (no entity expansion, no external fetch), and the refusal or
a syntax error becomes a ``file:line`` problem instead of an exception.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from bibkit.csl.xmlsafe import MalformedXMLError, UnsafeXMLError, parse_xml
from bibkit.diagnostics import Reporter


def read_root(text: str, report: Reporter, label: str, if_malformed: str = "nothing read") -> ET.Element | None:
    """The document's root element, or None after reporting why it cannot be read.

    ``if_malformed`` ends the message for a document that is not well-formed (a reader that can
    still recover part of it says what it does instead); the problem's code is ``bad-xml``, and
    ``unsafe-xml`` for a refused DTD or entity.
    """
    try:
        return parse_xml(text)
    except UnsafeXMLError as exc:
        report.error(1, f"{exc}: {label} never needs them; nothing read", "unsafe-xml")
    except MalformedXMLError as exc:
        position = getattr(exc, "position", None)
        report.error(position[0] if position else None, f"not well-formed XML ({exc}); {if_malformed}", "bad-xml")
    return None

