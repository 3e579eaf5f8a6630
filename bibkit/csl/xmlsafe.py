"""Safe XML parsing for styles and locales.

Styles may come from users, so DOCTYPE/ENTITY declarations are refused outright: this rules out
entity expansion bombs and external entity fetches without any third-party dependency.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

_FORBIDDEN = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class UnsafeXMLError(ValueError):
    """Raised when an XML document contains a DTD or entity declaration."""


class MalformedXMLError(ET.ParseError, ValueError):
    """Not well-formed XML; both an ``ET.ParseError`` (position attributes) and a ``ValueError``."""


def parse_xml(text: str | bytes) -> ET.Element:
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig")
    if _FORBIDDEN.search(text):
        raise UnsafeXMLError("XML with DOCTYPE or ENTITY declarations is refused")
    parser = ET.XMLParser()
    # expat must not resolve anything external either
    try:
        parser.parser.SetParamEntityParsing(0)  # type: ignore[attr-defined]
    except AttributeError:  # pragma: no cover
        pass
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        parser.feed(text)
        return parser.close()
    except ET.ParseError as exc:
        err = MalformedXMLError(str(exc))
        err.code, err.position = getattr(exc, "code", None), getattr(exc, "position", None)
        raise err from None


def local(tag: str) -> str:
    """Tag name without namespace."""
    return tag.rsplit("}", 1)[-1]


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
