"""Shared pieces of the compiled style tree: the node base class, decoration, the context."""
from __future__ import annotations

from typing import Optional

from .richtext import Rich, map_leaves
from .textcase import apply_text_case

FORMAT_ATTRS = ("font-style", "font-variant", "font-weight", "text-decoration", "vertical-align")


def _shallow_empty(children) -> bool:
    """Evaluation never returns empty rich text, so a Rich child means content."""
    for c in children:
        if c.__class__ is str:
            if c:
                return False
        elif c is not None and (c.__class__ is not list or not _shallow_empty(c)):
            if c.__class__ is Rich and not c.children:
                continue
            return False
    return True


class Node:
    """A compiled style element. `eval(ctx)` returns rich text or None."""

    __slots__ = ("fmt", "prefix", "suffix", "display", "text_case", "quotes", "strip_periods", "attrs",
                 "_bare")

    def __init__(self, el):
        a = el.attrib
        self.attrs = dict(a)
        fmt = {k: a[k] for k in FORMAT_ATTRS if k in a}
        self.fmt = fmt or None
        self.prefix = a.get("prefix", "")
        self.suffix = a.get("suffix", "")
        self.display = a.get("display")
        self.text_case = a.get("text-case")
        self.quotes = a.get("quotes") == "true"
        self.strip_periods = a.get("strip-periods") == "true"
        self._bare = not (self.fmt or self.prefix or self.suffix or self.display or self.text_case
                          or self.quotes or self.strip_periods)

    def eval(self, ctx) -> Optional[Rich]:
        """Evaluate this node against the context's item; None when it renders nothing.

        Every rendering element overrides this; the few that do not (``cs:name``, ``cs:et-al``)
        only configure their parent ``cs:names`` and are never evaluated on their own.
        """
        raise TypeError(f"<{type(self).__name__}> is rendered by its parent element, not on its own")

    def decorate(self, content, ctx, affixes=True) -> Optional[Rich]:
        """Apply text-case, strip-periods, formatting, quotes, affixes and display."""
        if content is None:
            return None
        cls = content.__class__
        if cls is str:
            if not content:
                return None
        elif _shallow_empty(content.children if cls is Rich else content):
            return None
        if self._bare:
            if cls is Rich:
                return content
            return Rich([content] if cls is str else content)
        if isinstance(content, Rich) and content.fmt is None and not content.quotes and not content.nocase \
                and content.display is None and content.tag is None:
            inner = content
        else:
            inner = Rich([content] if not isinstance(content, list) else content)
        if self.text_case:
            apply_text_case(inner, self.text_case, ctx.english, ctx.lang)
        if self.strip_periods:
            map_leaves(inner, lambda s: s.replace(".", ""))
        if self.fmt or self.quotes:
            inner = Rich([inner], fmt=self.fmt, quotes=self.quotes)
        if affixes and (self.prefix or self.suffix):
            kids = []
            if self.prefix:
                kids.append(self.prefix)
            kids.append(inner)
            if self.suffix:
                kids.append(self.suffix)
            inner = Rich(kids)
        if self.display:
            inner = Rich([inner], display=self.display)
        return inner


class Context:
    """Everything evaluation needs for one item in one cite."""

    __slots__ = ("style", "locale", "item", "mode", "sorting", "cite", "position", "near_note",
                 "suppressed", "called", "found", "name_opts", "dis", "english", "year_suffix_done",
                 "sort_names", "render_year_suffix", "first_note", "collapse_marks", "in_substitute",
                 "substituted", "dis_seen", "lang", "touched")

    def __init__(self, style, locale, item, mode, cite=None, dis=None, sorting=False):
        self.style = style
        self.locale = locale
        self.item = item
        self.mode = mode
        self.sorting = sorting
        self.cite = cite or {}
        self.position = self.cite.get("position", "first")
        self.near_note = self.cite.get("near-note", False)
        self.suppressed: set = set()
        self.called = 0
        self.found = 0
        self.name_opts = style.name_opts[mode]
        self.dis = dis
        lang = item.get("language") or locale.lang
        self.lang = str(lang).lower()
        self.english = self.lang.startswith("en")
        self.year_suffix_done = False
        self.sort_names = None
        self.render_year_suffix = not style.has_year_suffix_var
        self.first_note = None
        self.collapse_marks = None
        self.in_substitute = None
        self.substituted = None
        self.dis_seen = 0
        #: while a cs:substitute candidate is evaluated: the variables its text, number, date
        #: and names elements reached (in the branches actually taken), so that only those are
        #: suppressed afterwards -- not every variable the candidate's macros mention
        self.touched: Optional[set] = None

    def var(self, name):
        if name in self.suppressed:
            return None
        return self.item.get(name)


class DisState:
    """Per-item disambiguation parameters."""

    __slots__ = ("add_names", "given_level", "name_levels", "year_suffix", "condition", "expand_all",
                 "names_shown")

    def __init__(self):
        self.expand_all = False
        self.add_names = 0
        #: bibliography only: how many names the disambiguated citation shows (0: not set)
        self.names_shown = 0
        self.given_level = 0
        self.name_levels: dict = {}
        self.year_suffix: Optional[str] = None
        self.condition = False

    def copy(self):
        d = DisState()
        d.add_names = self.add_names
        d.names_shown = self.names_shown
        d.given_level = self.given_level
        d.name_levels = dict(self.name_levels)
        d.year_suffix = self.year_suffix
        d.condition = self.condition
        return d
