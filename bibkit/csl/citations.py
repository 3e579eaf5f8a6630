"""Citation clusters: positions, in-cluster sorting, collapsing and joining."""
from __future__ import annotations

from .disambiguate import disambiguate
from .richtext import Rich, find_tag, is_empty, parse_markup, plain
from .sort import sort_items

NO_PRINTED_FORM = "[CSL STYLE ERROR: reference with no printed form.]"
POSITIONS = {0: "first", 1: "subsequent", 2: "ibid", 3: "ibid-with-locator"}


def compute_positions(citations, near_note_distance):
    last_note = {}
    first_note = {}
    # ibid looks back within the same stream: in-text citations (note 0) or footnotes
    prev = {True: None, False: None}   # stream -> (id, locator, label)
    prev_single = {True: True, False: True}
    prev_single_cit = {True: True, False: True}
    note_cites: dict = {}
    prev_note = {True: None, False: None}
    for ci, cit in enumerate(citations):
        note = cit.get("note") or 0
        stream = note == 0
        prev_cite = prev[stream]
        for j, c in enumerate(cit["items"]):
            k = c["id"]
            if "position" in c and isinstance(c["position"], int):
                c["_position"] = POSITIONS.get(c["position"], "first")
            elif k not in first_note:
                c["_position"] = "first"
            else:
                single = prev_single[stream] or (not stream and prev_note[stream] == note and prev[stream] is not None
                                                 and prev_single_cit[stream])
                same_prev = prev_cite is not None and prev_cite[0] == k and (j > 0 or single)
                if same_prev:
                    loc, ploc = c.get("locator"), prev_cite[1]
                    if ploc in (None, "") and loc in (None, ""):
                        c["_position"] = "ibid"
                    elif ploc in (None, ""):
                        c["_position"] = "ibid-with-locator"
                    elif loc in (None, ""):
                        c["_position"] = "subsequent"
                    elif str(loc) == str(ploc) and c.get("label", "page") == prev_cite[2]:
                        c["_position"] = "ibid"
                    else:
                        c["_position"] = "ibid-with-locator"
                else:
                    c["_position"] = "subsequent"
            if k in last_note:
                c["_near"] = note - last_note[k] <= near_note_distance
            else:
                c["_near"] = False
            if k in first_note:
                c["_first_note"] = first_note[k]
            else:
                first_note[k] = note
            last_note[k] = note
            prev_cite = (k, c.get("locator"), c.get("label", "page"))
        prev[stream] = prev_cite
        prev_note[stream] = note
        prev_single_cit[stream] = len(cit["items"]) == 1
        note_cites.setdefault(note, []).append(len(cit["items"]))
        if stream:
            prev_single[stream] = len(cit["items"]) == 1
        else:
            prev_single[stream] = len(cit["items"]) == 1 and len(note_cites.get(note, [])) <= 1


def render_citations(proc, reg, order, citations, number_all: bool = False) -> list:
    """Rich text per citation. ``number_all``: citation numbers follow the registered items
    (the bibliography's numbers) instead of the order the items are first cited in."""
    return render_document(proc, reg, order, citations, number_all)[0]


def render_document(proc, reg, order, citations, number_all: bool = False) -> tuple[list, list, dict]:
    """The citations of one document rendered together: (rich text per citation, the ids of the
    bibliography in its order, the disambiguation every cite and entry shares).

    A citation is ``{"items": [cite, ...], "note": n}``, with an optional ``"mode"``:
    ``"composite"`` (pandoc's ``@key``) renders its first cite's names alone as well, as a
    ``(author, rest)`` pair whose rest leaves those names out. A cite whose id is not
    registered prints as ``id?`` in bold where ``"undefined"`` is set on the citation (pandoc's
    mark for an undefined key) and is left out otherwise.
    """
    style = proc.style
    for cit in citations:
        for c in cit["items"]:
            c["id"] = str(c["id"])
    sec = style.citation
    if sec is not None and sec.sort:
        for cit in citations:
            cites = [c for c in cit["items"] if c["id"] in reg]
            if len(cites) > 1:
                its = sort_items(sec.sort, style, proc.locale, [reg[c["id"]] for c in cites], "citation")
                pos = {it["id"]: i for i, it in enumerate(its)}
                slots = iter(sorted(cites, key=lambda c: pos[c["id"]]))
                cit["items"] = [next(slots) if c["id"] in reg else c for c in cit["items"]]
    cite_order = [c["id"] for cit in citations for c in cit["items"] if c["id"] in reg]
    ids = proc._number_and_sort(reg, order, order if number_all else cite_order)
    compute_positions(citations, style.near_note_distance)
    positions: dict = {}
    for cit in citations:
        for c in cit["items"]:
            p = c.get("_position", "first")
            positions.setdefault(c["id"], set()).add("first" if p == "first" else "subsequent")
    dis_map = disambiguate(proc, reg, ids, cite_order, positions)
    proc._last_dis = dis_map
    out = []
    for cit in citations:
        if cit.get("mode") == "composite" and cit["items"] and cit["items"][0]["id"] in reg:
            first = cit["items"][0]
            # pandoc's composite form: the names as the citation prints them; a style whose
            # citations print none (numeric) gives just the rest, as pandoc does
            author = render_cluster(proc, reg, {**cit, "items": [{**first, "author-only": "citation"}]}, dis_map)
            rest = render_cluster(proc, reg, {**cit, "items": [{**first, "suppress-author": True}]
                                              + cit["items"][1:]}, dis_map)
            out.append((author if plain(author).strip() else None, rest))
        else:
            out.append(render_cluster(proc, reg, cit, dis_map))
    return out, ids, dis_map


def _cite_dict(c):
    d = {"position": c.get("_position", "first"), "near-note": c.get("_near", False)}
    if c.get("locator") not in (None, ""):
        d["locator"] = c["locator"]
        d["label"] = c.get("label") or "page"
    if c.get("_first_note"):
        d["first-reference-note-number"] = c["_first_note"]
    for flag in ("suppress-author", "author-only"):  # CSL-JSON cite flags: see LayoutNode
        if c.get(flag):
            d[flag] = c[flag] if c[flag] == "citation" else True
    return d


def render_cluster(proc, reg, cit, dis_map):
    style = proc.style
    sec = style.citation
    layout = sec.layout
    undefined = cit.get("undefined")
    cites = [c for c in cit["items"] if c["id"] in reg or undefined]
    known = [c for c in cites if c["id"] in reg]
    if sec.sort and len(known) > 1:
        items = sort_items(sec.sort, style, proc.locale, [reg[c["id"]] for c in known], "citation", dis_map)
        pos = {id(it): i for i, it in enumerate(items)}
        slots = iter(sorted(known, key=lambda c: pos[id(reg[c["id"]])]))
        cites = [next(slots) if c["id"] in reg else c for c in cites]
    rendered = []
    author_only = len(cites) == 1 and cites[0].get("author-only")
    for n, c in enumerate(cites):
        cd = _cite_dict(c)
        if c["id"] not in reg:
            rendered.append((c, {}, cd, Rich([c["id"] + "?"], fmt={"font-weight": "bold"})))
            continue
        item = reg[c["id"]]
        r = proc.render_item(item, "citation", cite=cd, dis=dis_map.get(c["id"]),
                             extra="no-names" if c.get("suppress-author") else None)
        if author_only:
            return Rich([find_tag(r, "names")]) if r is not None and find_tag(r, "names") is not None else Rich([])
        if r is None and not c.get("prefix") and not c.get("suffix"):
            r = Rich([NO_PRINTED_FORM])
        pre = (c.get("prefix") or "").rstrip().rstrip("\u201d\u2019\"'")
        after_sentence = pre.endswith((".", "!", "?")) and " " in pre.strip()
        if r is not None and ((n == 0 and not pre) or after_sentence) and (not layout.prefix or style.cls == "note"):
            _capitalize_leading_term(r, style.cls == "note")
        rendered.append((c, item, cd, r))
    collapse = style.collapse
    layout_delim = layout.delimiter
    pieces = []  # list of (rich, delimiter_after)
    if len(known) < len(cites):  # an undefined cite has nothing to collapse with
        pieces = [(_affixed(c, r), layout_delim) for c, item, cd, r in rendered]
    elif collapse == "citation-number":
        pieces = _collapse_numbers(rendered, layout_delim, sec)
    elif collapse in ("year", "year-suffix", "year-suffix-ranged") or "cite-group-delimiter" in sec.attrs:
        pieces = _collapse_years(proc, rendered, layout_delim, sec, collapse, dis_map)
    else:
        pieces = [(_affixed(c, r), layout_delim) for c, item, cd, r in rendered]
    out = []
    prev_delim = None
    for i, (r, d) in enumerate(pieces):
        if r is None or is_empty(r):
            continue
        if out and prev_delim is not None:
            if plain(out[-1]).endswith(","):
                out.append(" ")  # a cite suffix ending in a comma replaces the delimiter
            elif not plain(r).lstrip()[:1] in (",", ".", ";", ":"):
                out.append(prev_delim)
        out.append(r)
        prev_delim = d
    if cites and all(c.get("author-only") for c in cites):
        return Rich(out)  # the names alone, as running text: no layout brackets
    kids = []
    if layout.prefix:
        kids.append(layout.prefix)
    kids.append(Rich(out))
    if layout.suffix:
        kids.append(layout.suffix)
    return Rich(kids, fmt=layout.fmt)


def _first_leaf(x, in_term=False):
    if isinstance(x, str):
        return None
    if isinstance(x, list):
        x = Rich(x)
    t = in_term or x.tag == "term"
    for i, ch in enumerate(x.children):
        if isinstance(ch, str):
            if ch:
                return (x.children, i, t)
            continue
        r = _first_leaf(ch, t)
        if r is not None:
            return r
    return None


def _capitalize_leading_term(r, note):
    found = _first_leaf(r)
    if found is None:
        return
    container, i, in_term = found
    s = container[i]
    if in_term and s[:1].islower() and (note or s.startswith("ibid")):
        container[i] = s[0].upper() + s[1:]


def _affix_quotes(children):
    """Quotes typed in cite affixes never take punctuation in (kind 3)."""
    for ch in children:
        if isinstance(ch, Rich):
            if isinstance(ch.quotes, str):
                ch.quotes = ch.quotes[0] + "3"  # curly: keeps its shape too
            elif ch.quotes:
                ch.quotes = 3
            _affix_quotes(ch.children)
    return children


def _affixed(c, r):
    if r is None:
        return None
    pre, suf = c.get("prefix"), c.get("suffix")
    if not pre and not suf:
        return r
    kids = []
    if pre:
        kids.append(Rich(_affix_quotes(parse_markup(pre))))
    kids.append(r)
    if suf:
        kids.append(Rich(_affix_quotes(parse_markup(suf))))
    return Rich(kids)


def _collapse_numbers(rendered, delim, sec):
    pieces = []
    run = []

    def flush():
        if len(run) >= 3:
            first, last = run[0], run[-1]
            pieces.append((Rich([first[3], "\u2013", last[3]]), delim))
        else:
            for x in run:
                pieces.append((x[3], delim))
        run.clear()

    for c, item, cd, r in rendered:
        n = item.get("citation-number")
        simple = not c.get("prefix") and not c.get("suffix") and "locator" not in cd
        if simple and run and run[-1][1].get("citation-number") is not None and n == run[-1][1]["citation-number"] + 1:
            run.append((c, item, cd, r))
            continue
        flush()
        if simple:
            run.append((c, item, cd, r))
        else:
            pieces.append((_affixed(c, r), delim))
    flush()
    return pieces


def _collapse_years(proc, rendered, delim, sec, mode, dis_map):
    attrs = sec.attrs
    # without cite-group-delimiter, citeproc-js joins a collapsed group with ", " in in-text
    # styles but with the layout's delimiter in note styles
    cg_delim = attrs.get("cite-group-delimiter", delim if proc.style.cls == "note" else ", ")
    ys_delim = attrs.get("year-suffix-delimiter", attrs.get("cite-group-delimiter", delim))
    ac_delim = attrs.get("after-collapse-delimiter", delim)
    # group by rendered names, keeping first-occurrence order
    groups: list = []
    index = {}
    for entry in rendered:
        c, item, cd, r = entry
        nm = find_tag(r, "names") if r is not None else None
        key = plain(nm) if nm is not None else ""
        if key in index and (sec.sort or index[key] == len(groups) - 1):
            # sorted citations gather same-author cites; unsorted ones only join neighbours
            groups[index[key]].append(entry)
        else:
            index[key] = len(groups)
            groups.append([entry])
    pieces = []
    for g in groups:
        if len(g) == 1:
            pieces.append((_affixed(g[0][0], g[0][3]), ac_delim if mode == "year" else delim))
            continue
        sub = []
        prev = None
        for j, (c, item, cd, r) in enumerate(g):
            if j == 0:
                sub.append([(c, item, cd, _affixed(c, r))])
                prev = (c, item, cd, r)
                continue
            nr = proc.render_item(item, "citation", cite=cd, dis=dis_map.get(c["id"]),
                                  extra="no-names" if mode else None)
            collapsible_suffix = False
            if mode in ("year-suffix", "year-suffix-ranged") and "locator" not in cd and "locator" not in prev[2] \
                    and not c.get("prefix") and not c.get("suffix"):
                d1, d2 = dis_map.get(c["id"]), dis_map.get(prev[0]["id"])
                if d1 and d2 and d1.year_suffix and d2.year_suffix:
                    ys = find_tag(nr, "year-suffix")
                    pr_full = proc.render_item(prev[1], "citation", cite=prev[2], dis=dis_map.get(prev[0]["id"]), extra="no-names")
                    if ys is not None and _strip_suffix(plain(nr), d1.year_suffix) == _strip_suffix(plain(pr_full), d2.year_suffix):
                        collapsible_suffix = True
                        sub[-1].append((c, item, cd, Rich([d1.year_suffix]), d1.year_suffix))
            if not collapsible_suffix and nr is not None:
                sub.append([(c, item, cd, _affixed(c, nr))])
            prev = (c, item, cd, r)
        # build group output
        parts = []
        for si, s in enumerate(sub):
            if si:
                prev_sub = sub[si - 1]
                parts.append(ac_delim if ("locator" in prev_sub[-1][2] or len(prev_sub) > 1) else cg_delim)
            first = s[0][3]
            if len(s) == 1:
                parts.append(first)
                continue
            sufs = [x[4] for x in s[1:]]
            letters = [dis_map[s[0][0]["id"]].year_suffix] + sufs
            if mode == "year-suffix-ranged":
                parts.append(first)
                seq = s[1:]
                # ranges over consecutive letters
                allx = [(letters[0], None)] + [(x[4], x) for x in seq]
                runs = []
                for L, x in allx:
                    if runs and ord(L[-1]) == ord(runs[-1][-1][0][-1]) + 1 and len(L) == 1:
                        runs[-1].append((L, x))
                    else:
                        runs.append([(L, x)])
                first_run = True
                for rr in runs:
                    if first_run:
                        if len(rr) >= 3:
                            parts.append("\u2013")
                            parts.append(rr[-1][0])
                        else:
                            for L, x in rr[1:]:
                                parts.append(ys_delim)
                                parts.append(L)
                        first_run = False
                    else:
                        parts.append(ys_delim)
                        if len(rr) >= 3:
                            parts.append(rr[0][0] + "\u2013" + rr[-1][0])
                        else:
                            parts.append(rr[0][0])
                            for L, x in rr[1:]:
                                parts.append(ys_delim)
                                parts.append(L)
            else:
                parts.append(first)
                for x in s[1:]:
                    parts.append(ys_delim)
                    parts.append(x[3])
        pieces.append((Rich([x for x in parts if x is not None]), ac_delim))
    return pieces


def _strip_suffix(s, suf):
    i = s.rfind(suf)
    if i >= 0:
        return s[:i] + s[i + len(suf):]
    return s
