"""A tagging backend: render entries as plain text and record which CSL variable produced
which characters.

Why: a reference-string parser (:mod:`bibkit.reflist`) needs labelled examples, and a CSL engine
that knows where every variable landed can label as many as there are styles and entries.

How: :class:`TaggingStyle` compiles a style exactly as :class:`~bibkit.csl.style.Style` does,
but every element that renders a variable (``cs:text``/``cs:number``/``cs:label``/``cs:date``
with ``variable``, ``cs:names``) evaluates to its usual rich text wrapped in a ``Rich`` whose
tag is ``("var", name)``. Flattening turns such a tag into ``push``/``pop`` tokens, which
punctuation fixing steps over and the ordinary backends print as nothing, so the text is the
text backend's text. :class:`TaggingBackend` reads those tokens and returns the text with
character spans. A span covers the element's own affixes and label (``pp. 12–19``), as
reference-string annotators do; the innermost variable wins where elements nest (a title
substituted for a missing author is labelled ``title``).
"""
from __future__ import annotations

from typing import Iterable, Optional

from .backends import Backend
from .dates import DateNode
from .names import NamesNode
from .nodes import LabelNode, NumberNode, TextNode
from .processor import Processor, _resolve_style_text
from .richtext import Quotes, Rich, flatten
from .style import Style

#: (start, end, variable) character spans of a rendered entry
Span = tuple[int, int, str]


def _variable_of(node) -> Optional[str]:
    if isinstance(node, NamesNode):
        vs = node.variables
        return vs[0] if vs else None
    v = getattr(node, "variable", None)
    if not v or v in ("year-suffix", "locator", "citation-label",
                      "first-reference-note-number"):
        return None
    return v.split()[0]


def _tagged_class(cls):
    class Tagged(cls):
        __slots__ = ()

        def eval(self, ctx, **kw):
            r = cls.eval(self, ctx, **kw)
            if r is None or ctx.sorting:
                return r
            name = _variable_of(self)
            if name is None:
                return r
            return Rich([r], tag=("var", name))

    Tagged.__name__ = "Tagged" + cls.__name__
    return Tagged


_TAGGED = {cls: _tagged_class(cls) for cls in (TextNode, NumberNode, LabelNode, DateNode, NamesNode)}


class TaggingStyle(Style):
    """A style whose variable-rendering elements tag their output (never cached or shared)."""

    def _compile(self, el):
        node = super()._compile(el)
        tagged = _TAGGED.get(type(node))
        if tagged is not None and _variable_of(node) is not None:
            node.__class__ = tagged
        return node


class TaggingBackend(Backend):
    """Plain text plus the spans of the variables that produced it."""

    name = "tagged"

    def render_spans(self, rich, quotes: Quotes) -> tuple[str, list[Span]]:
        tokens = flatten(rich, quotes)
        out: list[str] = []
        pos = 0
        stack: list[tuple[str, int]] = []  # open variables: (name, start)
        spans: list[Span] = []
        divs: list[str] = []
        # characters are labelled by the innermost open variable: a span is cut where an
        # inner one starts and resumes after it ends
        for t in tokens:
            if isinstance(t, str):
                out.append(t)
                pos += len(t)
                continue
            kind = t[0]
            if kind == "push" and t[1] == "var":
                if stack and stack[-1][1] < pos:
                    spans.append((stack[-1][1], pos, stack[-1][0]))
                stack.append((t[2], pos))
            elif kind == "pop" and t[1] == "var":
                name, start = stack.pop()
                if start < pos:
                    spans.append((start, pos, name))
                if stack:
                    stack[-1] = (stack[-1][0], pos)
            elif kind in ("q", "cq"):
                out.append(t[1])
                pos += len(t[1])
            elif kind == "div":
                divs.append(t[1])
            elif kind == "/div" and divs.pop() == "left-margin":
                out.append(" ")  # as the text backend separates a left-margin block
                pos += 1
        text = "".join(out)
        end = len(text.rstrip())
        text = text[:end]
        spans = sorted((s, min(e, end), n) for s, e, n in spans if s < end)
        return text, spans

    def render(self, rich, quotes: Quotes, strip: bool = False) -> str:
        return self.render_spans(rich, quotes)[0]


_PROCESSORS: dict = {}


class TaggingProcessor(Processor):
    """A :class:`~bibkit.csl.processor.Processor` on a :class:`TaggingStyle`."""

    def __init__(self, style: str, locale: Optional[str] = None):
        super().__init__(style, locale)
        self.style = TaggingStyle(_resolve_style_text(style))
        self.backend = TaggingBackend()

    def tagged_bibliography(self, items: Iterable) -> list[tuple[str, list[Span]]]:
        """(text, spans) per entry, in the style's bibliography order."""
        from .disambiguate import disambiguate
        from .processor import _no_gc
        with _no_gc():
            reg, order = self._register(items)
            ids = self._number_and_sort(reg, order, order)
            dis_map = disambiguate(self, reg, ids, [])
            ents = self.bibliography_rich(reg, ids, dis_map)
            return [self.backend.render_spans(e, self.quotes) for e in ents if e is not None]


def tagged_bibliography(style: str, items: Iterable, locale: Optional[str] = None) -> list[tuple[str, list[Span]]]:
    """Render ``items`` (Entries or CSL-JSON dicts) in ``style`` with the variables' spans."""
    key = (style, locale)
    proc = _PROCESSORS.get(key)
    if proc is None:
        if len(_PROCESSORS) >= 32:  # training walks hundreds of styles once each
            _PROCESSORS.clear()
        proc = _PROCESSORS[key] = TaggingProcessor(style, locale)
    return proc.tagged_bibliography(items)
