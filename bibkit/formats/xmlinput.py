"""Users' XML exports (EndNote XML, MODS) parsed safely, with problems reported, never raised.

One place for what both XML readers need: :func:`bibkit.csl.xmlsafe.parse_xml` refuses DTDs and
entity declarations before parsing (no entity expansion, no external fetch), and the refusal or
a syntax error becomes a ``file:line`` problem instead of an exception.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Iterator

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



def recover_records(text: str, tag: str, report: Reporter) -> Iterator[tuple[int, int, ET.Element]]:
    """(record number, line, element) of each well-formed ``<tag>...</tag>`` in a broken document.

    What a reader does after :func:`read_root` reported a document that is not well-formed: the
    records are cut out by their tags and parsed one by one, each one that still fails is an
    error naming its number and line, and the others are read. A namespace prefix on the record's
    elements (``<mods:mods>``) is dropped, since its declaration stays with the cut-off root.
    """
    pattern = re.compile(rf"<(?:[\w.-]+:)?{tag}[\s>].*?</(?:[\w.-]+:)?{tag}\s*>", re.DOTALL)
    line, last = 1, 0
    for number, match in enumerate(pattern.finditer(text), 1):
        line += text.count("\n", last, match.start())
        last = match.start()
        fragment = re.sub(r"(</?)[\w.-]+:", r"\1", match.group(0))
        try:
            yield number, line, parse_xml(fragment)
        except (MalformedXMLError, UnsafeXMLError) as exc:
            report.error(line, f"record {number}: not well-formed XML ({exc}); skipped", "bad-record")
