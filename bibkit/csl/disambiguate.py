"""Disambiguation of cites: add-names, add-givenname, disambiguate condition, year-suffix."""
from __future__ import annotations

from collections import ChainMap

from .base import DisState
from .names import name_key
from .richtext import plain
from .sort import NAME_VARS

ALPHA = "abcdefghijklmnopqrstuvwxyz"


def year_suffix_letters(i: int) -> str:
    s = ""
    i += 1
    while i > 0:
        i, r = divmod(i - 1, 26)
        s = ALPHA[r] + s
    return s


def _key(proc, item, dis, positions=("first",)) -> tuple:
    """Plain renderings of an item's cite in each position it is cited in."""
    # the accessed date never distinguishes cites (citeproc-js behaviour)
    if "accessed" in item:
        item = {k: v for k, v in item.items() if k != "accessed"}
    return tuple(plain(proc.render_item(item, "citation", cite={"position": p}, dis=dis)) for p in positions)


def _groups(keys: dict) -> list:
    """Sets of items whose renderings collide in some position (connected components)."""
    parent = {k: k for k in keys}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    width = max((len(v) for v in keys.values()), default=1)
    for i in range(width):
        by = {}
        for k, v in keys.items():
            if i < len(v):
                first = by.setdefault(v[i], k)
                if first != k:
                    parent[find(k)] = find(first)
    comps = {}
    for k in keys:
        comps.setdefault(find(k), []).append(k)
    return [g for g in comps.values() if len(g) > 1]


def _max_names(item) -> int:
    m = 0
    for v in NAME_VARS:
        x = item.get(v)
        if isinstance(x, list):
            m = max(m, len(x))
    return m


def disambiguates(style) -> bool:
    """Whether the style's citations disambiguate at all (else every item keeps a plain DisState)."""
    if style.citation is None or style.citation.layout is None:
        return False
    return bool(style.add_names or style.add_givenname or style.add_year_suffix or _uses_disamb_cond(style))


def global_givenname_rule(style) -> bool:
    """Whether given names are added by a rule over every item (all-names, primary-name...),
    which makes one set of name levels for the whole list."""
    return style.add_givenname and style.gn_rule != "by-cite"


def key_positions(style, positions: dict = None) -> tuple:
    """The positions in which every item's cite is compared."""
    # et-al-subsequent-* make a shorter form that must be told apart too, cited again or not
    # (citeproc-js; test-suite disambiguate_BasedOnEtAlSubsequent)
    opts = style.name_opts.get("citation", {})
    always_subsequent = (
        opts.get("et-al-subsequent-min", opts.get("et-al-min")) != opts.get("et-al-min")
        or opts.get("et-al-subsequent-use-first", opts.get("et-al-use-first")) != opts.get("et-al-use-first"))
    # once anything is cited again, every item's subsequent form is compared: a back
    # reference must not be mistaken for an item only ever cited in full
    # (test-suite disambiguate_BasedOnSubsequentFormWithBackref2)
    any_subsequent = bool(positions) and any("subsequent" in p for p in positions.values())
    return ("first", "subsequent") if always_subsequent or any_subsequent else ("first",)


def cite_key(proc, item: dict, levels: dict, positions: tuple) -> tuple:
    """An item's cite before disambiguation, as :func:`disambiguate` compares it (``levels``:
    the list's global name levels, :func:`name_levels`)."""
    dis = DisState()
    dis.name_levels = levels
    return _key(proc, item, dis, positions)


def disambiguate(proc, reg, ids: list, cite_order: list, positions: dict = None,
                 keys: dict = None, levels: dict = None) -> dict:
    """Return {id: DisState}; ids are in bibliography order (year-suffix order).

    ``reg`` maps an id to its item; a streamed list passes the items' ``keys`` (:func:`cite_key`)
    and global name ``levels`` (:func:`name_levels`) computed beforehand, and a ``reg`` that
    reads an item only when a collision needs it.
    """
    style = proc.style
    dis = {k: DisState() for k in ids}
    if not disambiguates(style):
        return dis
    items = reg
    global_levels: dict = {}
    if global_givenname_rule(style):
        global_levels = levels if levels is not None else name_levels(
            style, (people_of(style, reg[k]) for k in ids))
        for d in dis.values():
            d.name_levels = global_levels
    positions_all = key_positions(style, positions)
    pos_of = {k: positions_all for k in ids} if keys is None else _Same(positions_all)
    if keys is None:
        keys = {k: _key(proc, items[k], dis[k], pos_of[k]) for k in ids}
    groups = _groups(keys)
    if not groups:
        return dis

    counts: dict = {}
    for v in keys.values():
        for i, r in enumerate(v):
            counts[(i, r)] = counts.get((i, r), 0) + 1

    def recompute(group):
        for k in group:
            old = keys[k]
            new = _key(proc, items[k], dis[k], pos_of[k])
            if new != old:
                for i, r in enumerate(old):
                    counts[(i, r)] -= 1
                for i, r in enumerate(new):
                    counts[(i, r)] = counts.get((i, r), 0) + 1
                keys[k] = new

    def collisions(k):
        return max(counts[(i, r)] for i, r in enumerate(keys[k])) - 1

    first_groups = groups
    if style.add_names:
        for group in groups:
            maxn = max(_max_names(items[k]) for k in group)
            expand = style.add_givenname
            if expand:
                for k in group:
                    dis[k].expand_all = True
                recompute(group)
            best = {k: (collisions(k), 0) for k in group}
            for step in range(1, maxn + 1):
                for k in group:
                    dis[k].add_names = step
                recompute(group)
                for k in group:
                    c = collisions(k)
                    if c < best[k][0]:
                        best[k] = (c, step)
            for k in group:
                dis[k].add_names = best[k][1]
                dis[k].expand_all = False
            recompute(group)
        groups = _groups(keys)

    if style.add_givenname and style.add_names and style.gn_rule == "by-cite":
        opts = style.name_opts.get("citation", {})
        for group in first_groups:
            if _expand_shared_initials(items, dis, group, opts):
                recompute(group)
        groups = _groups(keys)

    if style.add_givenname and groups:
        for group in groups:
            _givenname_group(proc, items, dis, group, keys, recompute, collisions)
        groups = _groups(keys)

    if groups and _uses_disamb_cond(style):
        for group in groups:
            live = list(group)
            for level in range(1, style._n_dc + 1):
                for k in live:
                    dis[k].condition = level
                recompute(live)
                live = [k for k in live if collisions(k) > 0]
                if not live:
                    break
            if live:
                for k in live:
                    dis[k].condition = 999
                recompute(live)
        groups = _groups(keys)

    if groups and style.add_year_suffix:
        pos = {k: i for i, k in enumerate(ids)}
        for group in groups:
            for i, k in enumerate(sorted(group, key=lambda x: pos[x])):
                dis[k].year_suffix = year_suffix_letters(i)
    return dis


def _shown_names(proc, item, d):
    """The name lists an item's citation shows: [(variable, names)] (first names variable)."""
    for v in ("author", "editor", "translator", "composer", "director", "container-author",
              "interviewer", "recipient", "illustrator", "collection-editor", "editorial-director",
              "original-author", "reviewed-author", "chair", "compiler", "contributor", "curator",
              "executive-producer", "guest", "host", "narrator", "organizer", "performer", "producer",
              "script-writer", "series-creator"):
        names = item.get(v)
        if names:
            return names
    return []


def _expand_shared_initials(items, dis, group, opts) -> bool:
    """by-cite with add-names, as citeproc-js does it: once names are added, a shown name
    whose initials another item of the first ambiguous set shows for a different person at
    the same place is printed in full in both -- even in an item the added names alone
    already told apart (test-suite disambiguate_ByCiteGivennameExpandCrossNestedNames)."""
    from .names import initialize

    et_al_min = int(opts.get("et-al-min") or 0)
    use_first = int(opts.get("et-al-use-first") or 0)
    shown = {}
    for k in group:
        names = _shown_names(None, items[k], dis[k])
        n = len(names)
        if et_al_min and use_first and n >= et_al_min:
            n = min(n, use_first + dis[k].add_names)
        shown[k] = names[:n]
    changed = False
    for i in range(max((len(v) for v in shown.values()), default=0)):
        by_initials: dict = {}
        for k, names in shown.items():
            if i < len(names) and not names[i].get("literal"):
                nm = names[i]
                ini = (nm.get("family"), initialize(nm.get("given") or "", ".", True, True))
                by_initials.setdefault(ini, {}).setdefault(name_key(nm), []).append(k)
        for people in by_initials.values():
            if len(people) < 2:
                continue
            for person, ks in people.items():
                for k in ks:
                    if dis[k].name_levels.get(person, 0) < 2:
                        dis[k].name_levels = _with_level(dis[k].name_levels, person, 2)
                        changed = True
    return changed


def _with_level(levels, person, level):
    """``levels`` with ``person`` at ``level``, the global levels shared rather than copied
    (a copy per colliding item and step is the whole list's levels many times over)."""
    return ChainMap({person: level}, levels)


def _givenname_group(proc, items, dis, group, keys, recompute, collisions):
    rule = proc.style.gn_rule
    maxlevel = 1 if rule.endswith("with-initials") else 2
    npos = max(len(_shown_names(proc, items[k], dis[k])) for k in group)
    if rule.startswith("primary"):
        npos = min(npos, 1)
    for i in range(npos):
        live = [k for k in group if collisions(k) > 0]
        if not live:
            break
        before = sum(collisions(k) for k in group)
        saved = {k: dis[k].name_levels for k in live}
        for level in range(1, maxlevel + 1):
            for k in live:
                names = _shown_names(proc, items[k], dis[k])
                if i >= len(names):
                    continue
                nk = name_key(names[i])
                nl = dis[k].name_levels
                dis[k].name_levels = _with_level(nl, nk, max(nl.get(nk, 0), level))
            recompute(live)
            after = sum(collisions(k) for k in group)
            if after < before:
                break
            for k in live:
                dis[k].name_levels = saved[k]
            recompute(live)


def _uses_disamb_cond(style) -> bool:
    v = getattr(style, "_uses_dc", None)
    if v is None:
        from .nodes import ChooseNode

        def walk(n):
            if isinstance(n, ChooseNode):
                for cond, ch in n.branches:
                    if cond is not None and any(a == "disambiguate" for a, _ in cond.tests):
                        return True
                    if any(walk(c) for c in ch):
                        return True
            for c in getattr(n, "children", None) or []:
                if walk(c):
                    return True
            return False
        v = any(walk(m) for m in style.macros.values() if m is not None)
        if style.citation and style.citation.layout:
            v = v or walk(style.citation.layout)
        style._uses_dc = v
        style._n_dc = _count_dc(style)
    return v


def _count_dc(style) -> int:
    from .nodes import ChooseNode
    seen = set()

    def walk(n):
        c = 0
        if id(n) in seen:
            return 0
        seen.add(id(n))
        if isinstance(n, ChooseNode):
            for cond, ch in n.branches:
                if cond is not None:
                    c += sum(1 for a, _ in cond.tests if a == "disambiguate")
                c += sum(walk(x) for x in ch)
        for x in getattr(n, "children", None) or []:
            c += walk(x)
        return c
    total = sum(walk(m) for m in style.macros.values() if m is not None)
    if style.citation and style.citation.layout:
        total += walk(style.citation.layout)
    return max(total, 1)


class _Same:
    """The same positions for every id."""

    def __init__(self, value):
        self.value = value

    def __getitem__(self, key):
        return self.value


def people_of(style, item: dict) -> list[tuple]:
    """(family, person) of each name the global given-name rule looks at in ``item``: the
    first names variable it has (only its first name under the primary-name rules)."""
    primary = style.gn_rule.startswith("primary")
    out = []
    for v in ("author", "editor", "translator", "composer", "director", "container-author",
              "interviewer", "recipient", "illustrator", "collection-editor"):
        names = item.get(v)
        if not names:
            continue
        for i, n in enumerate(names):
            if primary and i > 0:
                break
            if n.get("literal"):
                continue
            out.append((((n.get("non-dropping-particle") or ""), n.get("family") or ""), name_key(n)))
        break
    return out


def name_levels(style, people) -> dict:
    """all-names / primary-name rules: the level each person's names are shown at, from every
    item's :func:`people_of`: names that collide across different people are expanded."""
    fam_map: dict = {}
    for pairs in people:
        for fk, person in pairs:
            fam_map.setdefault(fk, set()).add(person)
    return levels_of_families(style, fam_map.values())


def levels_of_families(style, families) -> dict:
    """:func:`name_levels` from the set of people of each family."""
    from .names import initialize

    with_initials = style.gn_rule.endswith("with-initials")
    levels: dict = {}
    for people in families:
        if len(people) < 2:
            continue
        inits = {}
        for p in people:
            given = p[2] or ""
            ini = initialize(given, ".", True, True)
            inits.setdefault(ini, []).append(p)
        for ini, ps in inits.items():
            for p in ps:
                if len(ps) > 1:
                    if not with_initials:
                        levels[p] = 2
                else:
                    levels[p] = 1
    return levels
