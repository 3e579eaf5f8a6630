"""cs:names, cs:name, cs:et-al and name-part rendering, plus name normalisation."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from .base import Node
from .richtext import Rich, is_empty, parse_markup, plain
from .textcase import apply_text_case
from .xmlsafe import local

# ----------------------------------------------------------------------------- normalisation

_PARTICLE_WORD = re.compile(r"^[a-z\u00e0-\u024f'\u2019]+$")


def _split_particles(family: str):
    """Leading lowercase words of a family name are a non-dropping particle ("van der Berg")."""
    words = family.split(" ")
    i = 0
    while i < len(words) - 1 and words[i] and (words[i][0].islower() or
                                               (words[i][0] in "'\u2019" and words[i][1:2].islower())):
        i += 1
    if i:
        return " ".join(words[:i]), " ".join(words[i:])
    m = re.match(r"^([a-z]+['\u2019-])(\S.*)$", family)
    if m and len(m.group(1)) <= 4:
        return m.group(1), m.group(2)
    return None, family


def normalize_name(n) -> dict:
    if isinstance(n, str):
        return {"literal": n}
    n = dict(n)
    if "literal" in n and n["literal"]:
        return n
    fam = n.get("family")
    giv = n.get("given")
    if fam is None and giv is None:
        if n.get("name"):
            s = n["name"]
            if "," in s:
                f, g = s.split(",", 1)
                n["family"], n["given"] = f.strip(), g.strip()
            else:
                n["literal"] = s
        return n
    if n.get("parse-names") in (False, "false"):
        return n
    if fam is not None and not isinstance(fam, str):
        fam = n["family"] = str(fam)
    if giv is not None and not isinstance(giv, str):
        giv = n["given"] = str(giv)
    if fam and giv is not None and "non-dropping-particle" not in n and "dropping-particle" not in n:
        if fam.startswith('"') and fam.endswith('"'):
            n["family"] = fam[1:-1]
        else:
            p, f = _split_particles(fam)
            if p:
                if p.endswith(("'", "\u2019", "-")) and not fam.startswith(p + " "):
                    n["non-dropping-particle"] = p
                    n["family"] = f
                    n["_join"] = True
                else:
                    n["non-dropping-particle"] = p
                    n["family"] = f
    if giv and "dropping-particle" not in n:
        if "," in giv and "suffix" not in n:
            g, s = giv.split(",", 1)
            s = s.strip()
            if s.startswith("!"):
                s = s.lstrip("! ")
                n["comma-suffix"] = True
            n["given"], n["suffix"] = g.strip(), s
            giv = n["given"]
        words = giv.split(" ")
        j = len(words)
        while j > 1 and words[j - 1] and words[j - 1][0].islower() and \
                words[j - 1].replace("'", "").replace("\u2019", "").isalpha():
            j -= 1
        if j < len(words):
            n["dropping-particle"] = " ".join(words[j:])
            n["given"] = " ".join(words[:j])
    return n


def name_key(n: dict) -> tuple:
    """Who a name is: "J. J. Doe" and "J.J. Doe" are one person (the spacing of initials
    is typography, test-suite disambiguate_DifferentSpacingInInitials)."""
    given = n.get("given")
    if isinstance(given, str) and "." in given:
        given = re.sub(r"\.\s+", ".", given.strip())
    return (n.get("literal"), n.get("family"), given, n.get("non-dropping-particle"),
            n.get("dropping-particle"), n.get("suffix"))


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
#: scripts without letter case whose given names citeproc-js still initialises (its
#: NAME_INITIAL_REGEXP): Thai, Hebrew (but the conjunction letter vav) and Arabic
_CASELESS_INITIAL = re.compile(r"[\u0e01-\u0e5b\u0590-\u05d4\u05d6-\u05ff\u0600-\u06ff]")


def _romanesque(n: dict) -> bool:
    s = (n.get("family") or "") + (n.get("given") or "")
    return not _CJK.search(s)


# ----------------------------------------------------------------------------- initials

@lru_cache(maxsize=8192)
def initialize(given: str, with_: str, do_init: bool, hyphen: bool) -> str:
    """Initials as CSL wants them: "John Paul" -> "J. P.", "Jean-Paul" -> "J.-P.".

    Words ending in a period are abbreviations whose period is replaced by `with_`; lowercase
    words (particles) are kept whole; with initialize="false" only existing initials change.
    """
    if not given:
        return given
    tokens = re.findall(r"-|[^\s.\-]+\.?", given)
    out = []  # list of (text, kind) kind: "ini" | "word" | "-"
    skip_next = False
    for idx, t in enumerate(tokens):
        if t == "-":
            nxt = tokens[idx + 1] if idx + 1 < len(tokens) else ""
            if do_init and nxt[:1].islower() and out and out[-1][1] == "ini":
                skip_next = True
                continue
            out.append(("-", "-"))
            continue
        if skip_next:
            skip_next = False
            continue
        if t.endswith("."):
            core = t[:-1]
            out.append((core + with_, "ini"))
        elif len(t) == 1 and t.isalpha():
            out.append((t + with_, "ini"))
        elif do_init and (t[0].isupper() or _CASELESS_INITIAL.match(t)):
            if len(t) > 2 and t[1].isupper() and t[2].islower():
                out.append((t[0] + t[1].lower() + with_, "ini"))
            else:
                out.append((t[0] + with_, "ini"))
        elif do_init and not t[0].isalpha():
            out.append((t[0] + with_, "ini") if len(t) > 1 and t[1].isupper() else (t, "word"))
        else:
            out.append((t, "word"))
    res = ""
    prev_kind = None
    for text, kind in out:
        if kind == "-":
            if hyphen:
                res = res.rstrip() + "-"
            else:
                res = res.rstrip()
            prev_kind = "-"
            continue
        if res and prev_kind != "-" and not res.endswith(" "):
            if kind == "word" or prev_kind == "word":
                res += " "
        if prev_kind == "-" and kind == "ini" and not with_.strip() and False:
            pass
        res += text
        prev_kind = kind
    return res.rstrip()


def _initialize_pieces(pieces: list, with_: str, do_init: bool, hyphen: bool) -> list:
    """initialize() over the text of a marked-up given name, piece by piece, keeping the
    markup and the space or hyphen between pieces (test-suite name_InTextMarkupInitialize)."""
    out = []
    for p in pieces:
        if isinstance(p, str):
            core = p.strip()
            text = initialize(core, with_, do_init, hyphen) if core else ""
            lead = " " if p[:1].isspace() and out else ""
            trail = " " if p[-1:].isspace() and core else ""
            out.append(lead + text + trail if text else (" " if p and out else ""))
        else:
            p.children = _initialize_pieces(p.children, with_, do_init, hyphen)
            out.append(p)
    return out


# ----------------------------------------------------------------------------- nodes

NAME_ATTRS = ("and", "delimiter-precedes-et-al", "delimiter-precedes-last", "et-al-min",
              "et-al-use-first", "et-al-use-last", "et-al-subsequent-min",
              "et-al-subsequent-use-first", "initialize", "initialize-with", "name-as-sort-order",
              "sort-separator", "form", "delimiter")


class NamePart:
    __slots__ = ("node",)


class NameNode(Node):
    __slots__ = ("own", "parts", "_merged")

    def __init__(self, el):
        super().__init__(el)
        self.own = {k: v for k, v in el.attrib.items()}
        self.parts = {}
        for c in el:
            if local(c.tag) == "name-part":
                self.parts[c.get("name")] = Node(c)
        self._merged = {}

    def opts(self, ctx) -> dict:
        """The style's inherited name options (for this mode) under this node's own.

        Cached per mode together with the options it was made from: the default node of a
        ``cs:names`` without ``cs:name`` is shared by every style, and one style's et-al
        settings must never leak into another's."""
        key = ctx.mode
        cached = self._merged.get(key)
        if cached is not None and cached[0] is ctx.name_opts:
            return cached[1]
        m = dict(ctx.name_opts)
        if "name-delimiter" in m:
            m["delimiter"] = m.pop("name-delimiter")
        if "name-form" in m:
            m["form"] = m.pop("name-form")
        m.pop("names-delimiter", None)
        m.update(self.own)
        self._merged[key] = (ctx.name_opts, m)
        return m


class EtAlNode(Node):
    __slots__ = ("term",)

    def __init__(self, el):
        super().__init__(el)
        self.term = el.get("term", "et-al")


def _int(v, default=None):
    try:
        return int(v)
    except (TypeError, ValueError):
        return default


class NamesNode(Node):
    __slots__ = ("variables", "name", "etal", "label", "label_after", "substitute", "delimiter", "_has_delim")

    def __init__(self, el, compile_children):
        super().__init__(el)
        self.variables = el.get("variable", "").split()
        self._has_delim = "delimiter" in el.attrib
        self.delimiter = el.get("delimiter")
        self.name = None
        self.etal = None
        self.label = None
        self.label_after = False
        self.substitute = []
        for c in el:
            t = local(c.tag)
            if t == "name":
                self.name = NameNode(c)
            elif t == "et-al":
                self.etal = EtAlNode(c)
            elif t == "label":
                from .nodes import LabelNode
                self.label = LabelNode(c)
                self.label_after = self.name is not None
            elif t == "substitute":
                self.substitute = compile_children(c)
        if self.name is None and self.label is not None:
            self.label_after = True  # the implicit cs:name comes first

    def names_delimiter(self, ctx):
        if self._has_delim:
            return self.delimiter
        return ctx.name_opts.get("names-delimiter", "")

    def eval(self, ctx, inherit=None):
        name = self.name
        etal = self.etal
        label = self.label
        label_after = self.label_after
        if inherit is None and ctx.in_substitute is not None and ctx.in_substitute is not self:
            inherit = ctx.in_substitute  # a bare cs:names nested in cs:choose inside cs:substitute
        if inherit is not None and name is None and etal is None and label is None:
            name, etal, label, label_after = inherit.name, inherit.etal, inherit.label, inherit.label_after
        if ctx.collapse_marks == "no-names" and not ctx.in_substitute:
            ctx.collapse_marks = "names-done"
            for v in self.variables:
                ctx.called += 1
                if ctx.var(v):
                    ctx.found += 1
            return None
        if ctx.touched is not None:
            ctx.touched.update(self.variables)
        found = []
        for v in self.variables:
            ctx.called += 1
            val = ctx.var(v)
            if val:
                found.append((v, val))
        if not found:
            return self._substitute(ctx)
        ctx.found += 1
        # editor + translator identical: one list with the combined term
        vs = [v for v, _ in found]
        if "editor" in vs and "translator" in vs:
            ed = dict(found)["editor"]
            tr = dict(found)["translator"]
            if [name_key(x) for x in ed] == [name_key(x) for x in tr] and ctx.locale.term("editortranslator"):
                found = [(v, val) for v, val in found if v != "translator"]
                found = [("editortranslator", val) if v == "editor" else (v, val) for v, val in found]
        if name is None:
            name = _DEFAULT_NAME
        opts = name.opts(ctx)
        if opts.get("form") == "count":
            total = 0
            for v, val in found:
                total += count_names(val, opts, ctx)
            if total == 0:
                return None
            return self.decorate(str(total), ctx)
        if ctx.in_substitute is not None:
            for v in self.variables:
                ctx.suppressed.add(v)
        parts = []
        for v, val in found:
            r = render_name_list(val, v, name, opts, etal, ctx)
            if r is None:
                continue
            r = Rich(r if isinstance(r, list) else [r], tag="namelist")
            if label is not None and not ctx.sorting:
                lab = label.eval_names_label(ctx, "editortranslator" if v == "editortranslator" else v, len(val))
                if lab is not None:
                    r = [r, lab] if label_after else [lab, r]
            parts.append(Rich(r if isinstance(r, list) else [r]))
        if not parts:
            return None
        delim = self.names_delimiter(ctx)
        out = []
        for i, p in enumerate(parts):
            if i and delim:
                out.append(delim)
            out.append(p)
        r = self.decorate(Rich(out), ctx)
        if r is not None and not ctx.in_substitute:
            r = Rich([r], tag="names")
        return r

    def _substitute(self, ctx):
        """The first candidate of cs:substitute that renders anything stands in for the names.

        The variables it rendered are then suppressed for the rest of the entry (CSL 1.0.2,
        "Substituted variables are suppressed in the rest of the output"). "Rendered" means
        reached by a text, number, date or names element in the branches actually taken, as
        citeproc-js does: a variable a macro only tests in a condition, or names in a branch
        not taken, stays available (chicago-author-date's title macro mentions `issued`).
        """
        if not self.substitute or ctx.in_substitute:
            return None
        ctx.in_substitute = self
        outer_touched = ctx.touched
        try:
            for node in _substitute_candidates(self.substitute, ctx):
                if isinstance(node, NamesNode):
                    r = node.eval(ctx, inherit=self)
                    touched = set(node.variables)
                else:
                    ctx.touched = touched = set()
                    try:
                        r = node.eval(ctx)
                    finally:
                        ctx.touched = outer_touched
                    term = getattr(node, "term", None)
                    if (r is None and term is not None and getattr(node, "variable", None) is None
                            and ctx.locale.term(term, node.form, node.plural) is not None):
                        return None  # a defined but empty term still counts as the substitute
                if r is not None and not is_empty(r):
                    ctx.found += 1  # a substitute's output is content for enclosing groups
                    ctx.suppressed.update(touched)
                    if outer_touched is not None:
                        outer_touched.update(touched)
                    r = self.decorate(r, ctx)
                    return Rich([r], tag="names") if r is not None else None
        finally:
            ctx.in_substitute = None
        return None


def _substitute_candidates(nodes, ctx):
    """Children of cs:substitute; a cs:choose contributes the children of its chosen branch,
    each one a candidate of its own."""
    from .nodes import ChooseNode
    for node in nodes:
        if isinstance(node, ChooseNode):
            for cond, children in node.branches:
                if cond is None or cond.check(ctx):
                    yield from _substitute_candidates(children, ctx)
                    break
        else:
            yield node


class _E:
    attrib: dict = {}

    def __iter__(self):
        return iter(())

    def get(self, k, d=None):
        return d


_DEFAULT_NAME = NameNode(_E())


def _etal_params(opts, ctx, n):
    et_min = _int(opts.get("et-al-min"))
    use_first = _int(opts.get("et-al-use-first"))
    if ctx.position != "first" and not ctx.sorting:
        et_min = _int(opts.get("et-al-subsequent-min"), et_min)
        use_first = _int(opts.get("et-al-subsequent-use-first"), use_first)
    if ctx.sort_names is not None:
        sm, su, sl = ctx.sort_names
        if sm is not None:
            et_min = sm
        if su is not None:
            use_first = su
    if et_min is not None and use_first is not None and n >= et_min:
        return use_first
    return None


def _with_added_names(use_first: int, dis) -> int:
    """et-al-use-first widened by disambiguate-add-names (see processor.bibliography_dis)."""
    if dis.names_shown:
        return max(use_first, dis.names_shown)
    return use_first + dis.add_names


def count_names(names, opts, ctx) -> int:
    n = len(names)
    uf = _etal_params(opts, ctx, n)
    if uf is not None:
        if ctx.dis is not None:
            uf = _with_added_names(uf, ctx.dis)
        return min(n, uf)
    return n


def render_name_list(names, variable, name_node, opts, etal_node, ctx):
    if name_node is None:
        return None
    n = len(names)
    uf = _etal_params(opts, ctx, n)
    use_last = opts.get("et-al-use-last") == "true"
    if ctx.sort_names is not None and ctx.sort_names[2] is not None:
        use_last = ctx.sort_names[2]
    truncated = False
    shown = names
    if uf is not None:
        if ctx.dis is not None and not ctx.sorting:
            uf = _with_added_names(uf, ctx.dis)
        if uf < n:
            truncated = True
            shown = names[:uf]
        if uf <= 0:
            return None
    rendered = []
    for i, nm in enumerate(shown):
        rendered.append(Rich([render_name(nm, i, name_node, opts, ctx)], fmt=name_node.fmt, tag="name"))
    delim = opts.get("delimiter", ", ")
    and_ = opts.get("and") if not ctx.sorting else None
    and_term = None
    if and_ == "text":
        and_term = ctx.locale.term("and", "long") or "and"
    elif and_ == "symbol":
        and_term = "&"
    inverted = _inverted_flags(len(shown), opts, ctx)
    inverted = [f and not shown[i].get("literal") for i, f in enumerate(inverted)]
    out: list = []
    if truncated:
        for i, r in enumerate(rendered):
            if i:
                out.append(delim)
            out.append(r)
        if use_last and uf is not None and n >= uf + 2:
            out.append(delim + "\u2026 ")
            out.append(Rich([render_name(names[-1], n - 1, name_node, opts, ctx)], fmt=name_node.fmt, tag="name"))
            return _name_affixes(name_node, out)
        term = etal_node.term if etal_node else "et-al"
        if etal_node is not None and etal_node.attrs.get("term") is None and False:
            pass
        # a sort key compares the names only: "Smith et al." sorts with "Smith"
        # (test-suite sort_AguStyleReverseGroups)
        t = ctx.locale.term(term, "long") if not ctx.sorting else None
        if t:
            dpe = opts.get("delimiter-precedes-et-al", "contextual")
            use_delim = (dpe == "always" or (dpe == "contextual" and len(shown) >= 2)
                         or (dpe == "after-inverted-name" and inverted[-1]))
            out.append(delim if use_delim else ("" if _CJK.match(t) else " "))
            out.append(etal_node.decorate(t, ctx) if etal_node else t)
        return _name_affixes(name_node, out)
    for i, r in enumerate(rendered):
        if i == 0:
            out.append(r)
            continue
        if i == len(rendered) - 1 and and_term:
            dpl = opts.get("delimiter-precedes-last", "contextual")
            use_delim = (dpl == "always" or (dpl == "contextual" and len(rendered) >= 3)
                         or (dpl == "after-inverted-name" and inverted[i - 1]))
            before, after = _and_spacing(and_term)
            out.append((delim if use_delim else before) + and_term + after)
        else:
            out.append(delim)
        out.append(r)
    return _name_affixes(name_node, out)


#: citeproc-js's ROMANESQUE_REGEXP: letters it sets off with spaces
_ROMANESQUE = re.compile(r"[-0-9a-zA-Z\u0e01-\u0e5b\u00c0-\u017f\u0370-\u03ff\u0400-\u052f"
                         r"\u0590-\u05d4\u05d6-\u05ff\u1f00-\u1fff\u0600-\u06ff\u0218-\u021b]")


def _and_spacing(term: str) -> tuple[str, str]:
    """The spaces around the "and" term: none beside a letter of a script citeproc-js does not
    space (Hebrew's prefix "ו", CJK) or a space the term brings itself (test-suite
    name_HebrewAnd)."""
    def spaced(c: str) -> bool:
        return not (c.isspace() or (c.isalpha() and not _ROMANESQUE.match(c)))
    return (" " if spaced(term[:1]) else ""), (" " if spaced(term[-1:]) else "")


def _name_affixes(node, out):
    if not (node.prefix or node.suffix):
        return out
    return [node.prefix, Rich(out), node.suffix]


def _inverted_flags(k, opts, ctx):
    nso = opts.get("name-as-sort-order")
    if ctx.sorting:
        return [True] * k
    if nso == "all":
        return [True] * k
    if nso == "first":
        return [True] + [False] * (k - 1)
    return [False] * k


def _part(node: Optional[Node], content, ctx, affixes=True):
    """Formatting of a name part (text-case, formatting); affixes handled by caller."""
    if content is None or content == "" or content == []:
        return None
    if node is None:
        return content
    inner = Rich(list(content) if isinstance(content, list) else [content])
    if node.text_case:
        apply_text_case(inner, node.text_case, ctx.english)
    if node.fmt:
        inner = Rich([inner], fmt=node.fmt)
    return inner


def _affix(node: Optional[Node], content):
    if node is None or content is None or not (node.prefix or node.suffix):
        return content
    kids = []
    if node.prefix:
        kids.append(node.prefix)
    kids.append(content)
    if node.suffix:
        kids.append(node.suffix)
    return Rich(kids)


def _sp(parts, sep=" "):
    out = []
    for p in parts:
        if p is None or p == "" or (isinstance(p, Rich) and is_empty(p)):
            continue
        last = _last_char(out[-1]) if out else ""
        if out and not (last in ("'", "\u2019", "-") and getattr(out[-1], "tag", None) == "join") \
                and not last.isspace():
            out.append(sep)
        out.append(p)
    return out


def render_name(nm: dict, index: int, name_node: NameNode, opts: dict, ctx) -> Rich:
    fam_node = name_node.parts.get("family")
    giv_node = name_node.parts.get("given")
    if nm.get("literal"):
        lit = _part(fam_node, parse_markup(str(nm["literal"])), ctx)
        return Rich([_affix(fam_node, lit)])
    level = 0
    if ctx.dis is not None and not ctx.sorting:
        if ctx.dis.expand_all:
            level = 1 if ctx.style.gn_rule.endswith("with-initials") else 2
        elif ctx.dis.name_levels and not (index > 0 and ctx.style.gn_rule.startswith("primary")):
            level = ctx.dis.name_levels.get(name_key(nm), 0)
    form = opts.get("form", "long")
    init_with = opts.get("initialize-with")
    do_init = opts.get("initialize", "true") != "false"
    if level >= 1:
        if form == "short":
            form = "long"
            if level >= 2:
                init_with = None
        else:
            init_with = None
    family = _apos(nm.get("family") or "")
    given = _apos(nm.get("given") or "")
    ndp = _apos(nm.get("non-dropping-particle") or "")
    dp = _apos(nm.get("dropping-particle") or "")
    suffix = _apos(nm.get("suffix") or "")
    if "<" in given:  # markup in the given name ("<b>John</b> Q."): initialize inside it
        given = parse_markup(given)
        if init_with is not None and (family or ndp):
            given = _initialize_pieces(given, init_with, do_init, ctx.style.init_hyphen)
    elif init_with is not None and given and (family or ndp):
        given = initialize(given, init_with, do_init, ctx.style.init_hyphen)
    fam_rt = parse_markup(family) if family else None
    demote = ctx.style.demote_ndp

    def F(x):
        return _part(fam_node, x, ctx) if x else None

    def G(x):
        return _part(giv_node, x, ctx) if x else None

    def NDP():
        # "d'Aubignac": a parsed particle ending in an apostrophe binds without a space
        r = F(ndp)
        return Rich([r], tag="join") if (r is not None and nm.get("_join")) else r

    if form == "short":
        return Rich([_affix(fam_node, Rich(_sp([NDP(), F(fam_rt)])))])
    romanesque = _romanesque(nm)
    inverted = ctx.sorting or opts.get("name-as-sort-order") == "all" or \
        (opts.get("name-as-sort-order") == "first" and index == 0)
    if nm.get("static-ordering") and not ctx.sorting:
        inverted = False
        romanesque = False
    if not romanesque:
        fam_part = F(fam_rt)
        giv_part = G(given)
        if not nm.get("static-ordering") and _CJK.search(family + (nm.get("given") or "")):
            return Rich([_affix(fam_node, fam_part)] + ([_affix(giv_node, giv_part)] if giv_part else []))
        return Rich(_sp([_affix(fam_node, fam_part), _affix(giv_node, giv_part)]))
    if not inverted:
        g = G(given) if given else None
        dp_r = G(dp)
        if dp_r is not None and dp.endswith(("'", "\u2019")):
            dp_r = Rich([dp_r], tag="join")
        fam_pieces = [dp_r, NDP(), F(fam_rt)]
        f = Rich(_sp(fam_pieces))
        if suffix:
            sep = ", " if nm.get("comma-suffix") else " "
            f = Rich([f, sep, suffix])
        res = _sp([_affix(giv_node, g) if g is not None else None, _affix(fam_node, f)])
        return Rich(res)
    sort_sep = opts.get("sort-separator", ", ")
    if demote == "display-and-sort" or (demote == "sort-only" and ctx.sorting):
        f = Rich(_sp([F(fam_rt)]))
        g = Rich(_sp([G(given), G(dp), NDP()])) if (given or dp or ndp) else None
    else:
        f = Rich(_sp([NDP(), F(fam_rt)]))
        g = Rich(_sp([G(given), G(dp)])) if (given or dp) else None
    pieces = [_affix(fam_node, f)] if (family or ndp) else []
    if g is not None:
        pieces.append(_affix(giv_node, g))
    if suffix:
        pieces.append(suffix)
    out = []
    for i, p in enumerate(pieces):
        if i:
            out.append(sort_sep)
        out.append(p)
    return Rich(out)


def _last_char(x) -> str:
    while True:
        if x.__class__ is str:
            return x[-1:] if x else ""
        ch = x.children if x.__class__ is Rich else x
        if not ch:
            return ""
        for c in reversed(ch):
            if c.__class__ is not str or c:
                x = c
                break
        else:
            return ""


def _apos(s: str) -> str:
    return s.replace("'", "\u2019") if "'" in s else s


def _fix_apostrophe_particles(parts: list) -> list:
    """A particle ending in an apostrophe ("d'") binds to the next word without a space."""
    out = []
    for p in parts:
        if p == " " and out and plain(out[-1]).endswith(("'", "\u2019")):
            continue
        out.append(p)
    return out
