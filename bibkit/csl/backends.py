"""Output backends: serialise a flattened rich-text token stream.

Every backend escapes text, so a title containing `<script>` or `&` stays text.
"""
from __future__ import annotations

from bibkit.latex import encode_plain

from .richtext import Quotes, flatten


def _esc_html(s: str) -> str:
    if "&" in s or "<" in s or ">" in s:
        return s.replace("&", "&#38;").replace("<", "&#60;").replace(">", "&#62;")
    return s


_HTML_OPEN = {
    ("font-style", "italic"): "<i>",
    ("font-weight", "bold"): "<b>",
    ("vertical-align", "sup"): "<sup>",
    ("vertical-align", "sub"): "<sub>",
}
_HTML_CLOSE = {"<i>": "</i>", "<b>": "</b>", "<sup>": "</sup>", "<sub>": "</sub>"}


def _html_open(k, v):
    t = _HTML_OPEN.get((k, v))
    if t:
        return t, _HTML_CLOSE[t]
    if k == "vertical-align" and v == "baseline":
        return '<span style="baseline">', "</span>"
    return f'<span style="{k}:{v};">', "</span>"


class Backend:
    name = "text"

    def escape(self, s: str) -> str:
        return s

    def open(self, k, v):
        return "", ""

    def div(self, cls):
        return "", ""

    def link(self):
        """Markup around a URL or DOI (none but in LaTeX)."""
        return "", ""

    def escape_url(self, s: str, in_argument: bool) -> str:
        """Text inside a URL or DOI; ``in_argument``: inside another markup's braces."""
        return self.escape(s)

    def render(self, rich, quotes: Quotes, strip: bool = False) -> str:
        tokens = flatten(rich, quotes)
        if strip:
            for i in range(len(tokens) - 1, -1, -1):
                if isinstance(tokens[i], str):
                    tokens[i] = tokens[i].rstrip()
                    if tokens[i]:
                        break
        out = []
        closers = []
        div_closers = []
        link = 0  # depth inside a URL or DOI
        for t in tokens:
            if isinstance(t, str):
                out.append(self.escape_url(t, len(closers) > 1) if link else self.escape(t))
                continue
            kind = t[0]
            if kind == "push" and t[1] == "url":
                o, c = self.link()
                link = 1
                out.append(o)
                closers.append(c)
            elif kind == "pop" and t[1] == "url":
                link = 0
                out.append(closers.pop())
            elif kind == "push":
                o, c = self.open(t[1], t[2])
                out.append(o)
                closers.append(c)
            elif kind == "pop":
                out.append(closers.pop())
            elif kind in ("q", "cq"):
                out.append(self.escape(t[1]))
            elif kind == "div":
                o, c = self.div(t[1])
                out.append(o)
                div_closers.append(c)
            elif kind == "/div":
                out.append(div_closers.pop())
        return "".join(out)


class TextBackend(Backend):
    name = "text"

    def div(self, cls):
        return ("", " ") if cls == "left-margin" else ("", "")


class HtmlBackend(Backend):
    name = "html"

    def escape(self, s):
        return _esc_html(s)

    def open(self, k, v):
        return _html_open(k, v)

    def div(self, cls):
        return f'<div class="csl-{cls}">', "</div>"


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#"})


class MarkdownBackend(Backend):
    name = "markdown"

    def div(self, cls):
        return ("", " ") if cls == "left-margin" else ("", "")

    def escape(self, s):
        return s.translate(_MD_SPECIAL).replace("&", "&amp;")

    def open(self, k, v):
        if (k, v) == ("font-style", "italic"):
            return "*", "*"
        if (k, v) == ("font-weight", "bold"):
            return "**", "**"
        if (k, v) == ("vertical-align", "sup"):
            return "^", "^"
        if (k, v) == ("vertical-align", "sub"):
            return "~", "~"
        return "", ""




class LatexBackend(Backend):
    name = "latex"

    def div(self, cls):
        return ("", " ") if cls == "left-margin" else ("", "")

    def escape(self, s):
        # the project's one Unicode -> LaTeX encoder (specials escaped, accents and symbols as
        # macros pdflatex knows); the narrow no-break space French punctuation takes is \,;
        # zero-width spaces and joiners, which pdflatex has no glyph for, are left out
        s = encode_plain(s).replace("\u202f", "{\\,}")
        return s.replace("\u200b", "").replace("\u200d", "") if "\u200b" in s or "\u200d" in s else s

    def link(self):
        return "\\url{", "}"  # url.sty / hyperref: breaks long URLs, prints them verbatim

    def escape_url(self, s, in_argument):
        # \url reads its text verbatim; only inside another command's argument are % and #
        # already tokens, and must be escaped (hyperref prints \% as %)
        s = s.replace("\\", "/").replace("{", "%7B").replace("}", "%7D")
        return s.replace("%", "\\%").replace("#", "\\#") if in_argument else s

    def open(self, k, v):
        if (k, v) == ("font-style", "italic"):
            return r"\emph{", "}"
        if (k, v) == ("font-style", "normal"):
            return r"\textup{", "}"
        if (k, v) == ("font-weight", "bold"):
            return r"\textbf{", "}"
        if (k, v) == ("font-weight", "normal"):
            return r"\textmd{", "}"
        if (k, v) == ("font-variant", "small-caps"):
            return r"\textsc{", "}"
        if (k, v) == ("font-variant", "normal"):
            return r"\textnormal{", "}"
        if (k, v) == ("vertical-align", "sup"):
            return r"\textsuperscript{", "}"
        if (k, v) == ("vertical-align", "sub"):
            return r"\textsubscript{", "}"
        if (k, v) == ("text-decoration", "underline"):
            return r"\underline{", "}"
        return "", ""


BACKENDS = {"text": TextBackend(), "html": HtmlBackend(), "markdown": MarkdownBackend(),
            "latex": LatexBackend(), "plain": TextBackend(), "md": MarkdownBackend()}


def get_backend(fmt: str) -> Backend:
    try:
        return BACKENDS[fmt]
    except KeyError:
        raise ValueError(f"unknown output format {fmt!r}; use text, html, markdown or latex") from None
