"""Rendering elements: text, number, label, group, choose, layout."""
from __future__ import annotations

import re
from typing import Optional

from .base import Context, Node
from .numbers import format_page_range, is_numeric, plural_of, roman, without_page_label
from .richtext import Rich, find_tag, parse_markup

NUMBER_VARIABLES = frozenset(
    "chapter-number citation-number collection-number edition first-reference-note-number issue "
    "locator number number-of-pages number-of-volumes page page-first part-number printing-number "
    "section supplement-number version volume".split()
)

SHORT_FORMS = {"title": "title-short", "container-title": "container-title-short"}
_NO_MARKUP = frozenset(("URL", "DOI", "ISBN", "ISSN", "PMID", "PMCID"))
_DOI_RESOLVER = re.compile(r"^https?://(?:dx\.)?doi\.org/$")

LOCATOR_TERMS = {"sub verbo": "sub-verbo", "sub-verbo": "sub-verbo"}


def text_variable(ctx, var: str, form: Optional[str]):
    """Value of a standard variable as rich children, honouring form="short"."""
    if form == "short":
        sv = SHORT_FORMS.get(var, var + "-short")
        v = ctx.var(sv)
        if v is None and var == "container-title":
            v = ctx.var("journalAbbreviation")
        if v:
            return v
    return ctx.var(var)


class TextNode(Node):
    __slots__ = ("variable", "macro", "term", "value", "form", "plural", "_macro_node")

    def __init__(self, el):
        super().__init__(el)
        self.variable = el.get("variable")
        self.macro = el.get("macro")
        self.term = el.get("term")
        self.value = el.get("value")
        self.form = el.get("form", "long")
        self.plural = el.get("plural") == "true"
        self._macro_node = None

    def eval(self, ctx):
        if self.variable is not None:
            var = self.variable
            if var == "year-suffix":
                # an empty year-suffix never suppresses a group (citeproc-js behaviour)
                if ctx.dis is not None and ctx.dis.year_suffix:
                    ctx.called += 1
                    ctx.found += 1
                    return self.decorate(Rich([ctx.dis.year_suffix], tag="year-suffix"), ctx)
                return None
            ctx.called += 1
            if var == "citation-number":
                v = ctx.item.get("citation-number")
                if v is None:
                    return None
                ctx.found += 1
                return self.decorate(Rich([str(v)], tag="citation-number"), ctx)
            if var == "locator":
                v = ctx.cite.get("locator")
                if v is None or v == "":
                    return None
                ctx.found += 1
                v = str(v).strip()
                if ctx.cite.get("label", "page") == "page" and ctx.style.page_range_format:
                    v = format_page_range(v, ctx.style.page_range_format, ctx.locale.term('page-range-delimiter') or '\u2013')
                elif "-" in v:
                    v = format_page_range(v, None, ctx.locale.term('page-range-delimiter') or '\u2013')
                if "&" in v:
                    v = _localized_ampersand(v, ctx.locale)
                return self.decorate(Rich(parse_markup(v)), ctx)
            if var == "citation-label":
                v = ctx.var("citation-label")
                if not v:
                    return None
                ctx.found += 1
                kids = [str(v)]
                if ctx.dis is not None and ctx.dis.year_suffix and ctx.render_year_suffix and not ctx.year_suffix_done:
                    kids.append(Rich([ctx.dis.year_suffix], tag="year-suffix"))
                    ctx.year_suffix_done = True
                return self.decorate(Rich(kids), ctx)
            if var == "first-reference-note-number":
                v = ctx.cite.get("first-reference-note-number")
                if not v:
                    return None
                ctx.found += 1
                return self.decorate(str(v), ctx)
            if ctx.touched is not None:
                ctx.touched.add(var)
                if self.form == "short":
                    ctx.touched.add(SHORT_FORMS.get(var, var + "-short"))
            v = text_variable(ctx, var, self.form)
            if v is None or v == "":
                return None
            ctx.found += 1
            if var == "page" or var == "page-first":
                s = str(v)
                if var == "page-first":
                    import re
                    m = re.match(r"\s*(\w+)", s)
                    s = m.group(1) if m else s
                else:
                    # an en dash typed in the data is a range dash too; one that joins no
                    # plain range ("17:1–17:15") comes out as a hyphen, as in citeproc-js
                    s = format_page_range(without_page_label(s).replace("\u2013", "-"), ctx.style.page_range_format,
                                          ctx.locale.term('page-range-delimiter') or '\u2013')
                return self.decorate(Rich(parse_markup(s)), ctx)
            if isinstance(v, (int, float)):
                v = str(v)
            if var in NUMBER_VARIABLES and isinstance(v, str) and "-" in v:
                import re
                if re.match(r"^\s*[\w]+\s*-\s*[\w]+\s*$", v) and is_numeric(v):  # "4-5", "x-xii", "5b-7"
                    v = re.sub(r"\s*-\s*", ctx.locale.term("page-range-delimiter") or "\u2013", v)
            if not isinstance(v, str):
                return None
            if var in _NO_MARKUP:
                if var in ("URL", "DOI") and not ctx.sorting:
                    if var == "DOI" and _DOI_RESOLVER.match(self.prefix) and not (
                            self.fmt or self.quotes or self.text_case or self.strip_periods
                            or self.display):
                        # the resolver prefix is part of the link: \url{https://doi.org/10...}
                        r = Rich([Rich([self.prefix, v], tag="url")])
                        return Rich([r, self.suffix]) if self.suffix else r
                    return self.decorate(Rich([v], tag="url"), ctx)  # LaTeX: \url{...}
                return self.decorate(v, ctx)
            if ctx.sorting:
                return self.decorate(Rich(parse_markup(v)), ctx)
            return self.decorate(Rich(parse_markup(v)), ctx)
        if self.macro is not None:
            node = self._macro_node
            if node is None:
                node = self._macro_node = ctx.style.macros.get(self.macro)
                if node is None:
                    return None
            c0, f0 = ctx.called, ctx.found
            r = node.eval(ctx)
            if r is None:
                return None
            if ctx.called > c0 and ctx.found == f0:
                return None  # a macro behaves like an implicit group
            ctx.found += 1  # non-empty macro output counts as content for enclosing groups
            return self.decorate(r, ctx)
        if self.term is not None:
            t = ctx.locale.term(self.term, self.form, self.plural)
            if not t:
                return None
            return self.decorate(Rich(parse_markup(t), tag="term"), ctx)
        if self.value is not None:
            return self.decorate(Rich(parse_markup(self.value)), ctx)
        return None


def _localized_ampersand(value: str, locale) -> str:
    """"213 & 235" joins with the locale's symbol for "and" (test-suite
    label_PluralWithLocalizedAmpersand), as citeproc-js does in locators."""
    import re
    symbol = locale.term("and", "symbol")
    if not symbol or symbol == locale.term("and"):
        symbol = "&"

    def join(m):
        before, after = value[:m.start()], value[m.end():]
        if before[-1:].isalpha() and after[:1].isalpha():
            return symbol  # "A&B" stays tight
        return " " + symbol + " "
    return re.sub(r"\s*&\s*", join, value)


class MacroNode:
    __slots__ = ("children",)

    def __init__(self, children):
        self.children = children

    def eval(self, ctx):
        out = []
        for c in self.children:
            r = c.eval(ctx)
            if r is not None:
                out.append(r)
        if not out:
            return None
        return Rich(out)


def _ordinal(ctx, n: int, gender) -> str:
    return str(n) + ctx.locale.ordinal_suffix(n, gender)


class NumberNode(Node):
    __slots__ = ("variable", "form")

    def __init__(self, el):
        super().__init__(el)
        self.variable = el.get("variable")
        self.form = el.get("form", "numeric")

    def eval(self, ctx):
        ctx.called += 1
        var = self.variable
        if var == "locator":
            v = ctx.cite.get("locator")
        elif var == "citation-number":
            v = ctx.item.get("citation-number")
        else:
            if ctx.touched is not None:
                ctx.touched.add(var)
            v = ctx.var(var)
        if v is None or v == "":
            return None
        ctx.found += 1
        s = str(v)
        if not is_numeric(s):
            labelled = _labelled_numbers(s, self.form, ctx, var)
            if labelled is not None:
                return self.decorate(labelled, ctx)
            # a non-numeric value prints as text with its markup, except that superscript
            # and subscript tags stay literal, as in citeproc-js (flipflop_NumericField)
            import re
            kids = [p if i % 2 else Rich(parse_markup(p))
                    for i, p in enumerate(re.split(r"(</?su[pb]>)", s)) if p]
            return self.decorate(Rich(kids), ctx)
        return self.decorate(render_number(s, self.form, ctx, var), ctx)


def _labelled_numbers(s: str, form: str, ctx, var) -> Optional[str]:
    """"7, p. 3-8": numbers some of which carry a label of their own (citeproc-js's
    embedded labels) -> "7th, pp. 3–8": the bare numbers in the element's form, each label
    as the locale's short term, plural for a range, and its numbers plain."""
    pieces = re.split(r"(,\s+)", s.strip())
    out = []
    labelled = False
    for i, piece in enumerate(pieces):
        if i % 2:
            out.append(", ")
            continue
        m = re.match(r"^([a-z]+\.)\s*(\S.*)$", piece)
        if m and is_numeric(m.group(2)) and m.group(1) in _EMBEDDED_LABELS:
            name = _EMBEDDED_LABELS[m.group(1)]
            term = ctx.locale.term(name, "short", plural_of(m.group(2)))
            if not term:
                return None
            out.append(term + " " + render_number(m.group(2), "numeric", ctx, name))
            labelled = True
        elif is_numeric(piece):
            out.append(render_number(piece, form, ctx, var))
        else:
            return None
    return "".join(out) if labelled else None


def render_number(s: str, form: str, ctx, var) -> str:
    import re
    gender = ctx.locale.gender(var) if form in ("ordinal", "long-ordinal") else None

    def one(m):
        pre, digits, suf = m.group(1), m.group(2), m.group(3)
        num = int(digits)
        if form == "numeric":
            return pre + digits + suf  # "04" stays "04", as citeproc-js prints it
        if form in ("ordinal", "long-ordinal") and suf and not pre:
            return digits + suf  # typed as an ordinal already ("2nd", "3e"): as citeproc-js
        if form == "ordinal":
            r = _ordinal(ctx, num, gender)
        elif form == "long-ordinal":
            r = ctx.locale.long_ordinal(num, gender) or _ordinal(ctx, num, gender)
        elif form == "roman":
            r = roman(num)
        else:
            r = str(num)
        return pre + r + suf

    out = re.sub(r"([A-Za-z]*)(\d+)([A-Za-z]*)", one, s)
    out = re.sub(r"\s*[-\u2013]\s*", ctx.locale.term("page-range-delimiter") or "\u2013", out)
    out = re.sub(r"\s*,\s*", ", ", out)
    out = re.sub(r"\s*&\s*", " & ", out)
    return out


#: the label abbreviations citeproc-js recognises at the start of a locator (its
#: STATUTE_SUBDIV_STRINGS), with the term each one stands for
_EMBEDDED_LABELS = {
    "vrs.": "verse", "sv.": "sub-verbo", "subpara.": "subparagraph", "op.": "opus",
    "subch.": "subchapter", "add.": "addendum", "amend.": "amendment", "annot.": "annotation",
    "app.": "appendix", "art.": "article", "bibliog.": "bibliography", "bk.": "book",
    "ch.": "chapter", "cl.": "clause", "col.": "column", "cmt.": "comment", "dec.": "decision",
    "dept.": "department", "ex.": "example", "fig.": "figure", "fld.": "field", "fol.": "folio",
    "n.": "note", "hypo.": "hypothetical", "illus.": "illustration", "intro.": "introduction",
    "l.": "line", "no.": "issue", "p.": "page", "pp.": "page", "para.": "paragraph", "pt.": "part",
    "pmbl.": "preamble", "princ.": "principle", "pub.": "publication", "r.": "rule",
    "rn.": "randnummer", "sched.": "schedule", "sec.": "section", "ser.": "series",
    "subdiv.": "subdivision", "subsec.": "subsection", "supp.": "supplement", "tbl.": "table",
    "tit.": "title", "vol.": "volume",
}


def _starts_with_locator_label(value: str, locale) -> bool:
    """Whether a locator opens with its own label ("vol. 1, fol. 186", "p. 5"), which
    citeproc-js prints in place of the cs:label (test-suite locator_TrickyEntryForPlurals)."""
    import re
    m = re.match(r"\s*([a-z]+\.)\s*\d", value)
    if not m:
        return False
    name = _EMBEDDED_LABELS.get(m.group(1))
    return name is not None and (locale.term(name, "short") is not None or locale.term(name) is not None)


class LabelNode(Node):
    __slots__ = ("variable", "form", "plural")

    def __init__(self, el):
        super().__init__(el)
        self.variable = el.get("variable")
        self.form = el.get("form", "long")
        self.plural = el.get("plural", "contextual")

    def eval(self, ctx):
        var = self.variable
        if var == "locator":
            v = ctx.cite.get("locator")
            if v is None or v == "":
                return None
            if _starts_with_locator_label(str(v), ctx.locale):
                return None  # "vol. 1, fol. 186": the locator carries its own labels
            term = ctx.cite.get("label") or "page"
            term = LOCATOR_TERMS.get(term, term)
        else:
            v = ctx.var(var)
            if v is None or v == "":
                return None
            if var == "page":
                v = without_page_label(str(v))
            term = var
        if self.plural == "always":
            pl = True
        elif self.plural == "never":
            pl = False
        elif var in ("number-of-pages", "number-of-volumes"):
            try:
                pl = int(str(v).strip()) > 1
            except ValueError:
                pl = plural_of(v)
        else:
            pl = plural_of(v, ctx.locale.term("and"))
        t = ctx.locale.term(term, self.form, pl)
        if not t:
            return None
        return self.decorate(Rich(parse_markup(t)), ctx)

    def eval_names_label(self, ctx, var, count):
        if self.plural == "always":
            pl = True
        elif self.plural == "never":
            pl = False
        else:
            pl = count > 1
        t = ctx.locale.term(var, self.form, pl)
        if not t:
            return None
        return self.decorate(Rich(parse_markup(t)), ctx)


class GroupNode(Node):
    __slots__ = ("children", "delimiter")

    def __init__(self, el, children):
        super().__init__(el)
        self.children = children
        self.delimiter = el.get("delimiter", "")

    def eval(self, ctx):
        c0, f0 = ctx.called, ctx.found
        parts = eval_children(self.children, ctx)
        if not parts:
            return None
        if ctx.called > c0 and ctx.found == f0:
            return None
        if self.delimiter:
            out = []
            for i, p in enumerate(parts):
                if i:
                    out.append(self.delimiter)
                out.append(p)
        else:
            out = parts
        # a non-empty group counts as a found variable for enclosing groups
        ctx.found += 1
        return self.decorate(Rich(out), ctx)


class Condition:
    __slots__ = ("tests", "match", "_types", "_vars", "_rest", "_ntypes")

    def __init__(self, el):
        self.match = el.get("match", "all")
        self.tests = []
        for attr in ("type", "variable", "is-numeric", "is-uncertain-date", "locator", "position",
                     "disambiguate"):
            v = el.get(attr)
            if v is not None:
                for x in v.split():
                    self.tests.append((attr, x))

    _SPECIAL_VARS = frozenset(("locator", "year-suffix", "first-reference-note-number", "citation-number"))

    def _compile(self):
        """Split tests into type set, plain variables and the rest, once."""
        self._types = frozenset(v for a, v in self.tests if a == "type")
        self._vars = tuple(v for a, v in self.tests if a == "variable" and v not in self._SPECIAL_VARS)
        self._rest = tuple((a, v) for a, v in self.tests
                           if a != "type" and not (a == "variable" and v not in self._SPECIAL_VARS))
        self._ntypes = sum(1 for a, _ in self.tests if a == "type")

    def check(self, ctx) -> bool:
        try:
            types = self._types
        except AttributeError:
            self._compile()
            types = self._types
        item = ctx.item
        match = self.match
        if match == "all":
            if types:
                if len(types) > 1 or item.get("type") not in types:
                    return False
            for v in self._vars:
                val = item.get(v)
                if val is None or val == "" or val == []:
                    return False
            for a, v in self._rest:
                if not self._one(a, v, ctx):
                    return False
            return True
        hit = False
        if types and item.get("type") in types:
            hit = True
        else:
            for v in self._vars:
                val = item.get(v)
                if val is not None and val != "" and val != []:
                    hit = True
                    break
            else:
                for a, v in self._rest:
                    if self._one(a, v, ctx):
                        hit = True
                        break
        return hit if match == "any" else not hit

    @staticmethod
    def _one(attr, v, ctx) -> bool:
        item = ctx.item
        if attr == "type":
            return item.get("type") == v
        if attr == "variable":
            if v == "locator":
                return bool(ctx.cite.get("locator"))
            if v == "year-suffix":
                return bool(ctx.dis and ctx.dis.year_suffix)
            if v == "first-reference-note-number":
                return bool(ctx.cite.get("first-reference-note-number"))
            if v == "citation-number":
                return item.get("citation-number") is not None
            val = ctx.var(v)
            return val is not None and val != "" and val != []
        if attr == "is-numeric":
            if v == "locator":
                val = ctx.cite.get("locator")
            else:
                val = ctx.var(v)
            return is_numeric(val)
        if attr == "is-uncertain-date":
            d = ctx.var(v)
            return bool(d and d.get("circa"))
        if attr == "locator":
            lab = ctx.cite.get("label") or "page"
            if ctx.cite.get("locator") in (None, ""):
                return False
            return LOCATOR_TERMS.get(lab, lab) == LOCATOR_TERMS.get(v, v)
        if attr == "position":
            pos = ctx.position
            if ctx.mode == "bibliography" or ctx.sorting:
                return False
            if v == "first":
                return pos == "first"
            if v == "subsequent":
                return pos != "first"
            if v == "ibid":
                return pos in ("ibid", "ibid-with-locator")
            if v == "ibid-with-locator":
                return pos == "ibid-with-locator"
            if v == "near-note":
                return pos != "first" and bool(ctx.near_note)
            return False
        if attr == "disambiguate":
            # conditions switch on one at a time, in evaluation order ("incremental")
            ctx.dis_seen += 1
            on = bool(ctx.dis and ctx.dis.condition and ctx.dis_seen <= ctx.dis.condition)
            return on == (v == "true")
        return False


class ChooseNode:
    __slots__ = ("branches",)

    def __init__(self, branches):
        self.branches = branches  # list of (Condition|None, children)

    def eval(self, ctx):
        for cond, children in self.branches:
            if cond is None or cond.check(ctx):
                out = eval_children(children, ctx)
                # the enclosing group's delimiter applies between these outputs
                return Rich(out, tag="splice") if out else None
        return None


class LayoutNode(Node):
    __slots__ = ("children", "delimiter")

    def __init__(self, el, children):
        super().__init__(el)
        self.children = children
        self.delimiter = el.get("delimiter", "")

    def eval_item(self, ctx):
        """One cite or entry. The cite flags of CSL-JSON work here: ``suppress-author`` leaves
        out the first cs:names (with its substitute), as a repeated author in a collapsed cite
        is left out; ``author-only`` keeps nothing but it -- taken from the bibliography's
        layout when the citation prints no names (numeric styles), so a narrative citation
        (``Nelson [1]``) still has an author to print; ``"author-only": "citation"`` takes
        only the citation's own names (pandoc's in-text form prints none in numeric styles)."""
        author_only = ctx.cite.get("author-only")
        if ctx.cite.get("suppress-author") and not author_only and ctx.collapse_marks is None:
            ctx.collapse_marks = "no-names"
        out = []
        for c in self.children:
            r = c.eval(ctx)
            if r is not None:
                out.append(r)
        if author_only:
            names = find_tag(out, "names")
            bib = ctx.style.bibliography
            if names is None and author_only is True and ctx.mode == "citation" and bib is not None \
                    and bib.layout is not None:
                bctx = Context(ctx.style, ctx.locale, ctx.item, "bibliography", cite=ctx.cite, dis=ctx.dis)
                names = find_tag([c.eval(bctx) for c in bib.layout.children], "names")
            return Rich([names]) if names is not None else None
        return Rich(out) if out else None


def eval_children(children, ctx) -> list:
    """The outputs of ``children`` in order, a spliced output's parts in its place."""
    parts = []
    for c in children:
        r = c.eval(ctx)
        if r is not None:
            if r.tag == "splice":
                parts.extend(r.children)
            else:
                parts.append(r)
    return parts


def prints_variable(node, variable: str, macros: dict, _seen=None) -> bool:
    """Whether a layout (through its macros and every branch) can print ``variable``: a
    citation that prints citation-number makes a numeric style."""
    seen = _seen if _seen is not None else set()
    if node is None or id(node) in seen:
        return False
    seen.add(id(node))
    if getattr(node, "variable", None) == variable:
        return True
    macro = getattr(node, "macro", None)
    if isinstance(macro, str) and prints_variable(macros.get(macro), variable, macros, seen):
        return True
    kids = list(getattr(node, "children", None) or [])
    for _, branch in getattr(node, "branches", None) or []:
        kids.extend(branch)
    return any(prints_variable(k, variable, macros, seen) for k in kids)
