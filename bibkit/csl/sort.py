"""Sort keys for cs:sort (citations and bibliography)."""
from __future__ import annotations

import functools
import re
import unicodedata

from .base import Context
from .nodes import NUMBER_VARIABLES
from .richtext import plain, parse_markup

NAME_VARS = frozenset(
    "author chair collection-editor compiler composer container-author contributor curator director "
    "editor editorial-director editortranslator executive-producer guest host illustrator interviewer "
    "narrator organizer original-author performer producer recipient reviewed-author script-writer "
    "series-creator translator".split()
)
DATE_VARS = frozenset("accessed available-date event-date issued original-date submitted".split())


def _symbol_first(m) -> str:
    """Punctuation is ignored, but a symbol ("$", "+", "©") still counts and sorts before
    digits and letters -- the collation citeproc-js gets from ``localeCompare`` with
    ``ignorePunctuation`` ("$γ-$MoD" sorts before "A Closer Look")."""
    c = m.group(0)
    return "\x01" + c if unicodedata.category(c)[0] == "S" else ""


def _norm(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = re.sub(r"[^\w\s]", _symbol_first, s)
    return re.sub(r"\s+", " ", s).strip().casefold()


def _name_sort_string(n: dict, demote: str) -> str:
    if n.get("literal"):
        return str(n["literal"])
    fam = n.get("family") or ""
    ndp = n.get("non-dropping-particle") or ""
    dp = n.get("dropping-particle") or ""
    giv = n.get("given") or ""
    if demote in ("display-and-sort", "sort-only"):
        parts = [fam, giv, dp, ndp, n.get("suffix") or ""]
    else:
        parts = [(ndp + " " + fam).strip(), giv, dp, n.get("suffix") or ""]
    return " ".join(p for p in parts if p)


def key_value(key, style, locale, item, mode, dis=None):
    """One sort key value: None (empty, sorts last), int, or str."""
    if key.variable:
        v = key.variable
        if v == "citation-number":
            return item.get("citation-number")
        val = item.get(v)
        if val is None or val == "":
            return None
        if v in NAME_VARS:
            names = val
            nm = key.names_min
            uf = key.names_use_first
            if nm is not None and uf is not None and len(names) >= nm:
                names = names[:uf]
            return _norm(", ".join(_name_sort_string(n, style.demote_ndp) for n in names))
        if v in DATE_VARS:
            from .dates import sort_key_of_date
            s = sort_key_of_date(val)
            return s or None
        if v in NUMBER_VARIABLES:
            m = re.match(r"\s*(\d+)", str(val))
            if m:
                return int(m.group(1))
            return _norm(str(val))
        return _norm(plain(parse_markup(str(val))))
    if key.macro:
        macro = style.macros.get(key.macro)
        if macro is None:
            return None
        ctx = Context(style, locale, item, mode, dis=dis, sorting=True)
        ctx.sort_names = (key.names_min, key.names_use_first, key.names_use_last) \
            if (key.names_min is not None or key.names_use_first is not None or key.names_use_last is not None) else None
        r = macro.eval(ctx)
        s = plain(r)
        if not s:
            return None
        return _norm(s)
    return None


def _cmp(a, b) -> int:
    if a is None and b is None:
        return 0
    if a is None:
        return 1
    if b is None:
        return -1
    if isinstance(a, int) and isinstance(b, int):
        return (a > b) - (a < b)
    a, b = str(a), str(b)
    return (a > b) - (a < b)


def sort_items(keys, style, locale, items: list, mode, dis_map=None) -> list:
    """Stable sort of items by the cs:sort keys."""
    if not keys:
        return list(items)
    values = [sort_values(keys, style, locale, it, mode, dis_map.get(it["id"]) if dis_map else None)
              for it in items]
    return [items[i] for i in sorted_by_values(keys, values)]


def sort_values(keys, style, locale, item: dict, mode, dis=None) -> list:
    """One item's value for each cs:sort key: all that sorting needs of it (a streamed
    bibliography keeps these, not the items)."""
    return [key_value(k, style, locale, item, mode, dis) for k in keys]


def sorted_by_values(keys, values: list) -> list[int]:
    """The positions of ``values`` (one :func:`sort_values` list per item) in sorted order;
    stable, so items that tie keep their order."""
    def cmp(x, y):
        for k, a, b in zip(keys, values[x], values[y]):
            c = _cmp(a, b)
            if c:
                if a is None or b is None:
                    return c
                return -c if k.descending else c
        return 0
    return sorted(range(len(values)), key=functools.cmp_to_key(cmp))
