"""cs:date and cs:date-part: localized and non-localized dates, ranges, seasons, eras."""
from __future__ import annotations

import re
from typing import Optional

from .base import Node
from .richtext import Rich, is_empty
from .xmlsafe import local

_MONTHS = {m: i + 1 for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split())}
_SEASONS = {"spring": 13, "summer": 14, "autumn": 15, "fall": 15, "winter": 16}


def _toint(v):
    try:
        return int(str(v).strip())
    except (TypeError, ValueError):
        return None


def parse_raw(s: str) -> Optional[dict]:
    s = s.strip()
    if not s:
        return None
    parts = re.split(r"\s*(?:/|\u2013|--)\s*|(?<=\d)\s*-\s*(?=[A-Za-z])|(?<=\d)\s+-\s+", s)
    if re.match(r"^\d{4}-\d{1,2}(-\d{1,2})?$", s):
        parts = [s]
    dates = []
    for p in parts:
        d = _parse_one(p)
        if d is None:
            return {"literal": s}
        dates.append(d)
    if len(dates) == 2 and len(dates[1]) < len(dates[0]):
        # "May 3-5 2000" style partial end
        pass
    return {"date-parts": dates}


def _parse_one(p: str):
    p = p.strip()
    m = re.match(r"^(-?\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$", p)
    if m:
        return [int(x) for x in m.groups() if x is not None]
    words = re.findall(r"[A-Za-z]+|\d+", p)
    y = mo = d = None
    for w in words:
        if w.isdigit():
            if len(w) >= 3 or (y is None and d is not None):
                y = int(w)
            elif d is None:
                d = int(w)
            else:
                y = int(w)
        else:
            k = w[:3].lower()
            if k in _MONTHS:
                mo = _MONTHS[k]
            elif w.lower() in _SEASONS:
                mo = _SEASONS[w.lower()]
            else:
                return None
    if y is None:
        if d is not None and mo is None:
            return [d]
        return None
    out = [y]
    if mo:
        out.append(mo)
        if d:
            out.append(d)
    return out


def normalize_date(v) -> Optional[dict]:
    """CSL-JSON date -> {"parts": [[y, m, d], ...], "season", "circa", "literal"}."""
    if v is None:
        return None
    if isinstance(v, str):
        v = {"raw": v}
    if not isinstance(v, dict):
        return None
    dp = v.get("date-parts")
    out = {"circa": bool(v.get("circa")) and v.get("circa") not in ("0", 0, "false"),
           "season": v.get("season"), "literal": v.get("literal"), "parts": []}
    if not dp and v.get("raw"):
        r = parse_raw(str(v["raw"]))
        if r is None:
            return None
        if "literal" in r:
            out["literal"] = r["literal"]
        else:
            dp = r["date-parts"]
    if dp:
        for d in dp[:2]:
            if not d:
                continue
            nums = []
            for x in d[:3]:
                i = _toint(x)
                if i is None:
                    break
                nums.append(i)
            if nums and (nums[0] != 0 or len(nums) > 1):
                while nums and nums[-1] == 0 and len(nums) > 1:
                    nums.pop()
                nums += [0] * (3 - len(nums))
                out["parts"].append(nums)
        if len(out["parts"]) == 2 and out["parts"][1] == out["parts"][0]:
            out["parts"].pop()
        if len(dp) > 1 and len(out["parts"]) == 1 and all(_toint(x) in (0, None) for x in (dp[1] or [0])):
            out["open"] = True  # [[1987], [0]]: an open-ended range
        if len(out["parts"]) == 2 and out["parts"][1][0] == 0:
            out["parts"].pop()
            out["open"] = True
    if not out["parts"] and not out["literal"]:
        return None
    # seasons: months 13-20 and 21-24; anything else out of range is dropped
    for p in out["parts"]:
        m = p[1]
        if 21 <= m <= 24:
            p[1] = m - 8
        elif 17 <= m <= 20:
            p[1] = m - 4
        elif m < 0 or m > 24:
            p[1] = 0
            p[2] = 0
    return out


class DatePartNode(Node):
    __slots__ = ("name", "form", "range_delimiter")

    def __init__(self, el):
        super().__init__(el)
        self.name = el.get("name")
        self.form = el.get("form")
        self.range_delimiter = el.get("range-delimiter")


def _merge_part(base: DatePartNode, over: DatePartNode) -> DatePartNode:
    """Style date-part attributes override the locale's (localized dates)."""
    class _E:
        pass
    e = _E()
    attrs = dict(base.attrs)
    for k, v in over.attrs.items():
        if k in ("prefix", "suffix"):
            continue
        attrs[k] = v
    e.attrib = attrs
    e.get = attrs.get
    return DatePartNode(e)


class DateNode(Node):
    __slots__ = ("variable", "form", "date_parts", "parts", "delimiter", "_loc_cache")

    def __init__(self, el):
        super().__init__(el)
        self.variable = el.get("variable")
        self.form = el.get("form")
        self.date_parts = el.get("date-parts", "year-month-day")
        self.delimiter = el.get("delimiter", "")
        self.parts = [DatePartNode(c) for c in el if local(c.tag) == "date-part"]
        self._loc_cache = {}

    def _layout(self, ctx):
        """(parts, delimiter, outer node for affixes/formatting)."""
        if not self.form:
            return self.parts, self.delimiter
        key = id(ctx.locale)
        c = self._loc_cache.get(key)
        if c is not None:
            return c
        el = ctx.locale.dates.get(self.form)
        if el is None:
            c = (self.parts, self.delimiter)
        else:
            loc_parts = [DatePartNode(x) for x in el if local(x.tag) == "date-part"]
            want = {"year-month-day": {"year", "month", "day"}, "year-month": {"year", "month"},
                    "year": {"year"}}.get(self.date_parts, {"year", "month", "day"})
            over = {p.name: p for p in self.parts}
            parts = []
            for p in loc_parts:
                if p.name not in want:
                    continue
                parts.append(_merge_part(p, over[p.name]) if p.name in over else p)
            c = (parts, el.get("delimiter", ""))
            self._loc_cache[key] = c
        return c

    def eval(self, ctx):
        ctx.called += 1
        if ctx.touched is not None:
            ctx.touched.add(self.variable)
        d = ctx.var(self.variable)
        if not d:
            return None
        if ctx.sorting:
            ctx.found += 1
            parts, _ = self._layout(ctx)
            names = {p.name for p in parts} or {"year", "month", "day"}
            return Rich([sort_key_of_date(d, names)])
        if d.get("literal") and not d["parts"]:
            from .richtext import parse_markup
            ctx.found += 1
            return self.decorate(Rich(parse_markup(d["literal"])), ctx)
        parts, delim = self._layout(ctx)
        start = d["parts"][0]
        end = d["parts"][1] if len(d["parts"]) > 1 else None
        season = d.get("season")
        out = render_date(parts, delim, start, end, season, ctx, self)
        if out is None or is_empty(out):
            return None
        ctx.found += 1
        return self.decorate(out, ctx)


def sort_key_of_date(d, names=("year", "month", "day")) -> str:
    if not d["parts"]:
        return ""

    def one(p):
        y = p[0] + 50000 if "year" in names else 0
        m = (p[1] if p[1] <= 12 else 0) if "month" in names else 0
        dd = p[2] if "day" in names else 0
        return "%05d%02d%02d" % (y, m, dd)
    s = one(d["parts"][0])
    if len(d["parts"]) > 1:
        s += "-" + one(d["parts"][1])
    return s


def _render_part(part: DatePartNode, value: int, date, ctx, season=None, tight_era=False):
    name = part.name
    loc = ctx.locale
    if name == "year":
        y = value
        if y == 0:
            return None
        if part.form == "short":
            s = "%02d" % (abs(y) % 100)
        else:
            s = str(abs(y))
        if y < 0:
            era = loc.term("bc") or "BC"
            s += era.strip() if tight_era else era
        elif y < 500:  # citeproc-js's bound: "499 AD", but "731"
            era = loc.term("ad") or "AD"
            s += era.strip() if tight_era else era
        return s
    if name == "month":
        m = value
        if not m:
            if season:
                si = _toint(season)
                if si and 1 <= si <= 4:
                    return loc.term("season-%02d" % si) or str(season)
                return str(season)
            return None
        if 13 <= m <= 16:
            return loc.term("season-%02d" % (m - 12)) or ""
        form = part.form or "long"
        if form == "numeric":
            return str(m)
        if form == "numeric-leading-zeros":
            return "%02d" % m
        t = loc.term("month-%02d" % m, "short" if form == "short" else "long")
        if t is None:
            return str(m)
        if part.strip_periods:
            t = t.replace(".", "")
        return t
    if name == "day":
        dd = value
        if not dd:
            return None
        form = part.form or "numeric"
        if form == "numeric-leading-zeros":
            return "%02d" % dd
        if form == "ordinal":
            if loc.limit_day_ordinals and dd != 1:
                return str(dd)
            g = loc.gender("month-%02d" % date[1]) if date[1] else None
            return str(dd) + loc.ordinal_suffix(dd, g)
        return str(dd)
    return None


def _decorate_part(part, s, ctx, affixes=True):
    if s is None:
        return None
    strip = part.strip_periods
    part.strip_periods = False
    try:
        return part.decorate(s, ctx, affixes=affixes)
    finally:
        part.strip_periods = strip


def _idx(name):
    return {"year": 0, "month": 1, "day": 2}[name]


def date_open(ctx, node) -> bool:
    d = ctx.item.get(node.variable)
    return bool(d and d.get("open"))


def render_date(parts, delim, start, end, season, ctx, node):
    # drop parts whose value is missing
    def present(p, date):
        i = _idx(p.name)
        if p.name == "month":
            return bool(date[1]) or (bool(season) and date[0])
        return bool(date[i])

    use = [p for p in parts if present(p, start)]
    if not use:
        return None

    def render_seq(seq, date, strip_first_prefix=False, strip_last_suffix=False):
        out = []
        for k, p in enumerate(seq):
            s = _render_part(p, date[_idx(p.name)], date, ctx, season, tight_era=len(seq) > 1)
            if s is None:
                continue
            # year-suffix follows the first rendered year
            r = _decorate_part(p, s, ctx)
            if p.prefix or p.suffix:
                inner = _decorate_part(p, s, ctx, affixes=False)
                kids = []
                if p.prefix and not (strip_first_prefix and k == 0):
                    kids.append(p.prefix)
                kids.append(inner)
                if p.name == "year" and ctx.render_year_suffix and not ctx.year_suffix_done and ctx.dis and ctx.dis.year_suffix:
                    kids.append(Rich([ctx.dis.year_suffix], tag="year-suffix"))
                    ctx.year_suffix_done = True
                if p.suffix and not (strip_last_suffix and k == len(seq) - 1):
                    kids.append(p.suffix)
                r = Rich(kids)
            elif p.name == "year" and ctx.render_year_suffix and not ctx.year_suffix_done and ctx.dis and ctx.dis.year_suffix:
                r = Rich([r, Rich([ctx.dis.year_suffix], tag="year-suffix")])
                ctx.year_suffix_done = True
            out.append(r)
        res = []
        for i, r in enumerate(out):
            if i and delim:
                res.append(delim)
            res.append(r)
        return res

    if end is None or end == start:
        if date_open(ctx, node):
            rd = next((p.range_delimiter for p in use if p.name == "year" and p.range_delimiter), None)
            return Rich(render_seq(use, start) + [rd if rd is not None else "\u2013"])
        return Rich(render_seq(use, start))
    if end[0] != start[0]:
        level = 0
    elif end[1] != start[1]:
        level = 1
    else:
        level = 2
    use_end = [p for p in parts if present(p, end) or _idx(p.name) < level]
    if level == 0:
        rd = next((p.range_delimiter for p in use if p.name == "year" and p.range_delimiter), None)
        rd = rd if rd is not None else "\u2013"
        a = render_seq(use, start, strip_last_suffix=True)
        b = render_seq(use_end, end, strip_first_prefix=True)
        return Rich([Rich(a), rd, Rich(b)])
    # find the contiguous run of differing parts
    idxs = [i for i, p in enumerate(use) if _idx(p.name) >= level]
    if not idxs:
        # the dates differ only in parts this form does not print (a range of months in a
        # year-only date): one date, as citeproc-js prints it
        return Rich(render_seq(use, start))
    lo, hi = idxs[0], idxs[-1]
    lvl_name = {1: "month", 2: "day"}[level]
    rd = next((p.range_delimiter for p in use if p.name == lvl_name and p.range_delimiter), None)
    rd = rd if rd is not None else "\u2013"
    before = render_seq(use[:lo], start)
    mid_a = render_seq(use[lo:hi + 1], start, strip_last_suffix=True)
    end_seq = [p for p in use[lo:hi + 1] if present(p, end)]
    mid_b = render_seq(end_seq, end, strip_first_prefix=True)
    after = render_seq(use[hi + 1:], start)
    out = []
    if before:
        out.append(Rich(before))
        if delim:
            out.append(delim)
    out.append(Rich(mid_a))
    out.append(rd)
    out.append(Rich(mid_b))
    if after:
        if delim:
            out.append(delim)
        out.append(Rich(after))
    return Rich(out)
