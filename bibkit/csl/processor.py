"""The public entry point: `Processor(style).bibliography(items)` and `.citations(...)`."""
from __future__ import annotations

import gc
import os
import re
from contextlib import contextmanager
from typing import Iterable, Optional

from .backends import get_backend
from .base import Context, DisState
from .dates import normalize_date
from .disambiguate import disambiguate
from .locale import LocaleChain
from .names import normalize_name
from .richtext import Quotes, Rich, plain
from .sort import DATE_VARS, NAME_VARS, sort_items
from .style import Style

_STYLE_CACHE: dict = {}


def _resolve_style_text(spec: str) -> str:
    s = spec.lstrip()
    if s.startswith("<"):
        return spec
    try:
        from .styles import resolve_style  # written by the styles engineer
    except ImportError:
        resolve_style = None
    if resolve_style is not None:
        return resolve_style(spec)
    if os.path.exists(spec):
        with open(spec, encoding="utf-8") as f:
            return f.read()
    raise ValueError(f"cannot resolve CSL style {spec!r}: not XML text and not a file")


_NOTE_FIELD = re.compile(r"^\s*([A-Za-z][A-Za-z-]*)\s*:\s*(.+?)\s*$")
_NOTE_KEYS = frozenset(
    "abstract annote archive archive_location archive-place authority call-number chapter-number "
    "citation-label collection-editor collection-number collection-title collection-title-short "
    "container-author container-title container-title-short dimensions director DOI edition editor "
    "event event-place event-date genre illustrator interviewer ISBN ISSN issue issued jurisdiction "
    "keyword language locator medium number number-of-pages number-of-volumes original-author "
    "original-date original-publisher original-publisher-place original-title page page-first PMCID "
    "PMID publisher publisher-place recipient references reviewed-author reviewed-title scale section "
    "source status submitted title title-short translator type URL version volume year-suffix "
    "accessed author composer".split()
)


def _note_fields(note: str) -> dict:
    """Zotero-style "key: value" lines in the note field supply missing variables."""
    found: dict = {}
    for line in str(note).splitlines():
        m = _NOTE_FIELD.match(line)
        if not m or m.group(1) not in _NOTE_KEYS:
            continue
        k, v = m.group(1), m.group(2)
        if k in NAME_VARS:
            fam, _, giv = v.partition("||")
            found.setdefault(k, []).append({"family": fam.strip(), "given": giv.strip()} if giv else {"literal": fam.strip()})
        elif k in DATE_VARS:
            found[k] = {"raw": v}
        else:
            found[k] = v
    return found


def normalize_item(item: dict) -> dict:
    if item.get("note") and ":" in str(item["note"]):
        extra = {k: v for k, v in _note_fields(item["note"]).items() if k not in item}
        if extra:
            item = {**item, **extra}
    out = {}
    for k, v in item.items():
        if v is None:
            continue
        if k in DATE_VARS:
            d = normalize_date(v)
            if d is not None:
                out[k] = d
        elif k in NAME_VARS:
            if isinstance(v, (str, dict)):
                v = [v]  # one name where a list belongs: the list it meant, never its characters
            if isinstance(v, list):
                names = [normalize_name(n) for n in v if n and isinstance(n, (str, dict))]
                names = [n for n in names if _has_name_part(n)]
                if names:
                    out[k] = names
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            out[k] = str(v)
        else:
            out[k] = v
    if "citation-label" not in out:
        lab = _trigraph(out)
        if lab:
            out["citation-label"] = lab
    if "page" in out and "page-first" not in out:
        m = re.match(r"\s*([^\s,\-\u2013&]+)", str(out["page"]))
        if m:
            out["page-first"] = m.group(1)
    if "shortTitle" in out and "title-short" not in out:
        out["title-short"] = out["shortTitle"]
    if "journalAbbreviation" in out and "container-title-short" not in out:
        out["container-title-short"] = out["journalAbbreviation"]
    out["id"] = str(item.get("id", id(item)))
    return out


def _has_name_part(name: dict) -> bool:
    """Whether a normalised name has something to print (a name object without any part
    would print as nothing, or as "None")."""
    return any(isinstance(name.get(k), str) and name[k].strip() for k in ("family", "given", "literal"))


def _trigraph(item) -> str:
    """Default citation-label: "Aaaa00" / "AaAa00" / "AaAaAa00" style keys."""
    names = None
    for v in ("author", "editor", "translator", "container-author", "director", "composer"):
        if item.get(v):
            names = item[v]
            break
    fams = []
    for n in names or []:
        f = n.get("family") or n.get("literal") or ""
        f = re.sub(r"\W", "", f)
        if f:
            fams.append(f)
    if len(fams) == 1:
        key = fams[0][:4]
    elif len(fams) == 2:
        key = fams[0][:2] + fams[1][:2]
    else:
        key = "".join(f[:1] for f in fams[:4])
    year = ""
    d = item.get("issued")
    if d and d.get("parts"):
        year = "%02d" % (abs(d["parts"][0][0]) % 100)
    return key + year if key or year else ""


def _to_csl(item) -> dict:
    if isinstance(item, dict):
        return item
    from bibkit.formats.csljson import entry_to_csl  # lazy: owned by another module
    return entry_to_csl(item)


@contextmanager
def _no_gc():
    """Rendering allocates many short-lived, acyclic objects: reference counting frees them, and
    pausing the cyclic collector meanwhile avoids repeated full-heap scans (2-3x on 10k entries)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


ALPHA = "abcdefghijklmnopqrstuvwxyz"


def year_suffix_letters(i: int) -> str:
    s = ""
    i += 1
    while i > 0:
        i, r = divmod(i - 1, 26)
        s = ALPHA[r] + s
    return s


class Processor:
    """A CSL processor bound to one style and locale; parse once, format many times."""

    def __init__(self, style: str, locale: Optional[str] = None):
        text = _resolve_style_text(style)
        st = _STYLE_CACHE.get(text)
        if st is None:
            st = Style(text)
            if len(_STYLE_CACHE) < 64:
                _STYLE_CACHE[text] = st
        self.style = st
        lang = locale or st.default_locale or "en-US"
        self.locale = LocaleChain(st.locales, lang)
        loc = self.locale
        self.quotes = Quotes(loc.term("open-quote") or "\u201c", loc.term("close-quote") or "\u201d",
                             loc.term("open-inner-quote") or "\u2018",
                             loc.term("close-inner-quote") or "\u2019", loc.punctuation_in_quote)

    # ------------------------------------------------------------------ registry

    def _register(self, items: Iterable) -> tuple[dict, list]:
        reg = {}
        order = []
        for it in items:
            n = normalize_item(_to_csl(it))
            key = n["id"]
            if key not in reg:
                order.append(key)
            reg[key] = n  # a later item with the same id replaces the earlier one
        return reg, order

    def _number_and_sort(self, reg, order, cite_order):
        """Assign citation numbers and return the bibliography order of ids."""
        seen = []
        s = set()
        for k in cite_order:
            if k in reg and k not in s:
                seen.append(k)
                s.add(k)
        for i, k in enumerate(seen):
            reg[k]["citation-number"] = i + 1
        bib = self.style.bibliography
        ids = seen
        if bib is not None and bib.sort:
            items = sort_items(bib.sort, self.style, self.locale, [reg[k] for k in ids], "bibliography")
            ids = [it["id"] for it in items]
            uses_cn = any(k.variable == "citation-number" for k in bib.sort)
            if not uses_cn:
                for i, k in enumerate(ids):
                    reg[k]["citation-number"] = i + 1
        return ids

    # ------------------------------------------------------------------ rendering

    def render_item(self, item, mode, cite=None, dis=None, extra=None) -> Optional[Rich]:
        sec = self.style.citation if mode == "citation" else self.style.bibliography
        if sec is None or sec.layout is None:
            return None
        ctx = Context(self.style, self.locale, item, mode, cite=cite, dis=dis)
        if extra:
            ctx.collapse_marks = extra
        return sec.layout.eval_item(ctx)

    def _out(self, rich, fmt, strip=False) -> str:
        return get_backend(fmt).render(rich, self.quotes, strip)

    def bibliography_rich(self, reg, ids, dis_map) -> list:
        bib = self.style.bibliography
        if bib is None or bib.layout is None:
            return []
        entries = []
        layout = bib.layout
        sas = bib.attrs.get("subsequent-author-substitute")
        sas_rule = bib.attrs.get("subsequent-author-substitute-rule", "complete-all")
        prev_names = None
        sfa = bib.attrs.get("second-field-align")
        for k in ids:
            item = reg[k]
            ctx = Context(self.style, self.locale, item, "bibliography", dis=_bib_dis(dis_map.get(k), self.style))
            parts = []
            for c in layout.children:
                r = c.eval(ctx)
                if r is not None:
                    if r.tag == "splice":
                        parts.extend(r.children)
                    else:
                        parts.append(r)
            if sas is not None and parts:
                names = _find_tag(parts, "names")
                if names is not None:
                    lists = list(_iter_tag(names, "namelist"))
                    key_rich = lists[0] if lists else names
                    txt = plain(key_rich)
                    cur_names = _name_texts(key_rich) if lists else [txt]
                    if prev_names is not None:
                        _substitute_names(key_rich, sas, sas_rule, prev_names, txt, cur_names)
                    prev_names = (txt, cur_names)
                else:
                    prev_names = None
            if sfa and len(parts) > 0:
                first = parts[0]
                rest = parts[1:]
                body = [Rich([first], display="left-margin")]
                if rest:
                    body.append(Rich(_layout_wrap(layout, rest), display="right-inline"))
                entry = Rich(body)
            else:
                entry = Rich(_layout_wrap(layout, parts)) if parts else None
            entries.append(entry)
        return entries

    def bibliography(self, items, format: str = "text", cite_order: Optional[list] = None) -> list[str]:
        """Formatted entries, one string each, in the style's bibliography order."""
        with _no_gc():
            return self._bibliography(items, format, cite_order)

    def _bibliography(self, items, format, cite_order) -> list[str]:
        get_backend(format)  # unknown formats fail before any work
        reg, order = self._register(items)
        ids = self._number_and_sort(reg, order, cite_order or order)
        if cite_order:
            have = set(ids)
            ids = ids + [k for k in order if k not in have]
        dis_map = disambiguate(self, reg, ids, [])
        ents = self.bibliography_rich(reg, ids, dis_map)
        out = []
        for e in ents:
            if e is None:
                continue
            s = self._out(e, format, strip=True)
            out.append(s)
        if format == "latex":
            return out
        return out

    def latex_bibliography(self, items) -> str:
        """A complete thebibliography environment."""
        with _no_gc():
            return self._latex_bibliography(items)

    def _latex_bibliography(self, items) -> str:
        reg, order = self._register(items)
        ids = self._number_and_sort(reg, order, order)
        dis_map = disambiguate(self, reg, ids, [])
        ents = self.bibliography_rich(reg, ids, dis_map)
        lines = ["\\begin{thebibliography}{%d}" % len(ids)]
        for k, e in zip(ids, ents):
            if e is None:
                continue
            key = re.sub(r"[^A-Za-z0-9:._-]", "", str(k)) or "item"
            lines.append("\\bibitem{%s} %s" % (key, self._out(e, "latex")))
        lines.append("\\end{thebibliography}")
        return "\n".join(lines)

    # ------------------------------------------------------------------ citations

    def citations(self, cite_groups, items, format: str = "text") -> list[str]:
        """One formatted string per cite group (a list of {"id", "locator", "label", "prefix",
        "suffix"} dicts, or a CSL citation object with "citationItems")."""
        with _no_gc():
            return self._citations(cite_groups, items, format)

    def _citations(self, cite_groups, items, format) -> list[str]:
        get_backend(format)
        reg, order = self._register(items)
        citations = []
        for i, g in enumerate(cite_groups):
            if isinstance(g, dict) and "citationItems" in g:
                citations.append({"items": g["citationItems"],
                                  "note": (g.get("properties") or {}).get("noteIndex", 0)})
            else:
                citations.append({"items": list(g), "note": i + 1})
        rich = self.render_citations(reg, order, citations)
        return [self._out(r, format) for r in rich]

    def render_citations(self, reg, order, citations) -> list:
        from .citations import render_citations
        return render_citations(self, reg, order, citations)


def _bib_dis(d, style):
    """What a bibliography entry takes from citation disambiguation: the year-suffix, the
    disambiguate condition and -- as citeproc-js does when the style adds both names and given
    names -- the number of names the disambiguated citation shows, which widens the
    bibliography's et-al list only when it is longer than the bibliography's own
    et-al-use-first (MLA's 1 grows to 2; chicago's 3 stays).
    """
    if d is None or (not d.add_names and not d.name_levels and not d.condition):
        return d
    b = DisState()
    b.year_suffix = d.year_suffix
    b.condition = d.condition
    if d.add_names and style.add_givenname:
        try:
            cite_first = int(style.name_opts["citation"].get("et-al-use-first", 0))
        except ValueError:
            cite_first = 0
        b.names_shown = cite_first + d.add_names
    return b


def _layout_wrap(layout, parts):
    out = []
    for i, p in enumerate(parts):
        out.append(p)
    content = Rich(out)
    if layout.fmt:
        content = Rich([content], fmt=layout.fmt)
    kids = []
    if layout.prefix:
        kids.append(layout.prefix)
    kids.append(content)
    if layout.suffix:
        last = _last_display(parts)
        if last is not None:
            last.children.append(layout.suffix)  # citeproc-js ends the last block with it
        else:
            kids.append(layout.suffix)
    return kids


def _last_display(parts):
    """The display block (cs:group display="...") an entry ends with, if any."""
    x = parts[-1] if parts else None
    while isinstance(x, Rich):
        if x.display:
            return x
        if not x.children or x.fmt or x.quotes:
            return None
        x = x.children[-1]
    return None


def _find_tag(x, tag):
    if isinstance(x, list):
        for c in x:
            r = _find_tag(c, tag)
            if r is not None:
                return r
        return None
    if isinstance(x, Rich):
        if x.tag == tag:
            return x
        for c in x.children:
            r = _find_tag(c, tag)
            if r is not None:
                return r
    return None


def _name_texts(names_rich):
    return [plain(c) for c in _iter_tag(names_rich, "name")]


def _iter_tag(x, tag):
    if isinstance(x, Rich):
        if x.tag == tag:
            yield x
            return
        for c in x.children:
            yield from _iter_tag(c, tag)


def _substitute_names(rich, sas, rule, prev, txt, cur_names):
    """subsequent-author-substitute: replace names repeated from the previous entry."""
    prev_txt, prev_list = prev
    if rule in ("complete-all", "complete-each"):
        # the names decide, not an "et al." after them (citeproc-js)
        if (cur_names != prev_list or not cur_names) and txt != prev_txt:
            return
        if rule == "complete-all" or not cur_names:
            rich.children[:] = [sas] if sas else []
            return
        for n in _iter_tag(rich, "name"):
            n.children[:] = [sas]
        return
    names = list(_iter_tag(rich, "name"))
    if not names:
        if txt == prev_txt:
            rich.children[:] = [sas] if sas else []
        return
    for i, n in enumerate(names):
        if i < len(prev_list) and plain(n) == prev_list[i]:
            n.children[:] = [sas]
            if rule == "partial-first":
                break
        else:
            break
