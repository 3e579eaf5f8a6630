"""Compile a CSL style (XML text) into a tree of nodes, once."""
from __future__ import annotations

from typing import Optional

from .dates import DateNode
from .locale import LocaleData
from .names import NAME_ATTRS, NamesNode
from .nodes import (ChooseNode, Condition, GroupNode, LabelNode, LayoutNode, MacroNode, NumberNode,
                    TextNode)
from .xmlsafe import local, parse_xml

INHERITABLE_NAME = set(NAME_ATTRS) | {"name-form", "name-delimiter", "names-delimiter"}
INHERITABLE_NAME.discard("form")
INHERITABLE_NAME.discard("delimiter")


class SortKey:
    __slots__ = ("variable", "macro", "descending", "names_min", "names_use_first", "names_use_last")

    def __init__(self, el):
        self.variable = el.get("variable")
        self.macro = el.get("macro")
        self.descending = el.get("sort") == "descending"

        def i(k):
            v = el.get(k)
            return int(v) if v is not None else None
        self.names_min = i("names-min")
        self.names_use_first = i("names-use-first")
        ul = el.get("names-use-last")
        self.names_use_last = None if ul is None else ul == "true"


class Section:
    """cs:citation or cs:bibliography."""

    def __init__(self, el, compile_children):
        self.attrs = dict(el.attrib)
        self.layout: Optional[LayoutNode] = None
        self.sort: list[SortKey] = []
        for c in el:
            t = local(c.tag)
            if t == "layout":
                self.layout = LayoutNode(c, compile_children(c))
            elif t == "sort":
                self.sort = [SortKey(k) for k in c if local(k.tag) == "key"]


class Style:
    def __init__(self, xml: str):
        root = parse_xml(xml)
        if local(root.tag) != "style":
            raise ValueError("not a CSL style: root element is <%s>" % local(root.tag))
        self.root_attrs = dict(root.attrib)
        self.cls = root.get("class", "in-text")
        self.default_locale = root.get("default-locale")
        self.demote_ndp = root.get("demote-non-dropping-particle", "display-and-sort")
        self.init_hyphen = root.get("initialize-with-hyphen", "true") != "false"
        self.page_range_format = root.get("page-range-format")
        self.macros: dict = {}
        self.locales: list[LocaleData] = []
        self.citation: Optional[Section] = None
        self.bibliography: Optional[Section] = None
        self.has_year_suffix_var = 'variable="year-suffix"' in xml
        macro_els = []
        for c in root:
            t = local(c.tag)
            if t == "macro":
                macro_els.append(c)
            elif t == "locale":
                self.locales.append(LocaleData(c))
        for m in macro_els:
            self.macros[m.get("name")] = None
        for m in macro_els:
            self.macros[m.get("name")] = MacroNode(self._children(m))
        for c in root:
            t = local(c.tag)
            if t == "citation":
                self.citation = Section(c, self._children)
            elif t == "bibliography":
                self.bibliography = Section(c, self._children)
        style_names = {k: v for k, v in root.attrib.items() if k in INHERITABLE_NAME}
        self.name_opts = {}
        for mode, sec in (("citation", self.citation), ("bibliography", self.bibliography)):
            d = dict(style_names)
            if sec is not None:
                d.update({k: v for k, v in sec.attrs.items() if k in INHERITABLE_NAME})
            self.name_opts[mode] = d
        cit = self.citation.attrs if self.citation else {}
        self.gn_rule = cit.get("givenname-disambiguation-rule", "by-cite")
        self.add_names = cit.get("disambiguate-add-names") == "true"
        self.add_givenname = cit.get("disambiguate-add-givenname") == "true"
        self.add_year_suffix = cit.get("disambiguate-add-year-suffix") == "true"
        self.collapse = cit.get("collapse")
        self.near_note_distance = int(cit.get("near-note-distance", "5"))

    def _children(self, el) -> list:
        out = []
        for c in el:
            n = self._compile(c)
            if n is not None:
                out.append(n)
        return out

    def _compile(self, el):
        t = local(el.tag)
        if t == "text":
            return TextNode(el)
        if t == "number":
            return NumberNode(el)
        if t == "label":
            return LabelNode(el)
        if t == "group":
            return GroupNode(el, self._children(el))
        if t == "names":
            return NamesNode(el, self._children)
        if t == "date":
            return DateNode(el)
        if t == "choose":
            branches = []
            for b in el:
                bt = local(b.tag)
                if bt in ("if", "else-if"):
                    branches.append((Condition(b), self._children(b)))
                elif bt == "else":
                    branches.append((None, self._children(b)))
            return ChooseNode(branches)
        return None
