"""The CSL engine's HTML fragments as docutils nodes.

The engine's HTML backend is the output compared with citeproc-js; reading its small markup
(``<i> <b> <sup> <sub> <span style> <div class>``) back into docutils nodes gives every Sphinx
builder (HTML, LaTeX, text, man, epub) the same formatting without a backend per builder.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

from docutils import nodes

_TAGS = {"i": nodes.emphasis, "b": nodes.strong, "sup": nodes.superscript, "sub": nodes.subscript}
_URL = re.compile(r"https?://[^\s<>]+[^\s<>.,;:)\]]")


def _style_class(style: str) -> str:
    """``font-variant:small-caps;`` -> ``csl-small-caps``: a class a theme can style."""
    value = style.rstrip(";").split(":")[-1].strip()
    return "csl-" + re.sub(r"[^a-z0-9-]", "", value.lower())


class _Reader(HTMLParser):
    def __init__(self, root: nodes.Element) -> None:
        super().__init__(convert_charrefs=True)
        self.stack = [root]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in _TAGS:
            node = _TAGS[tag]()
        elif tag == "div":
            node = nodes.inline(classes=[f"csl-{(a.get('class') or '').removeprefix('csl-')}"])
        else:
            node = nodes.inline(classes=[_style_class(a.get("style") or "")])
        self.stack[-1] += node
        self.stack.append(node)

    def handle_endtag(self, tag):
        if len(self.stack) > 1:
            node = self.stack.pop()
            if tag == "div" and "csl-left-margin" in node["classes"]:
                self.stack[-1] += nodes.Text(" ")  # the label's own column in HTML; a space elsewhere

    def handle_data(self, data):
        pos = 0
        for m in _URL.finditer(data):
            if m.start() > pos:
                self.stack[-1] += nodes.Text(data[pos:m.start()])
            url = m.group()
            self.stack[-1] += nodes.reference(url, url, refuri=url)
            pos = m.end()
        if pos < len(data):
            self.stack[-1] += nodes.Text(data[pos:])


def html_to_nodes(html: str) -> list[nodes.Node]:
    """Inline nodes for one formatted citation or entry; bare URLs become links."""
    root = nodes.inline()
    reader = _Reader(root)
    reader.feed(html)
    reader.close()
    return list(root.children)
