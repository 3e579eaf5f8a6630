"""The public entry point: `Processor(style).bibliography(items)` and `.citations(...)`."""
from __future__ import annotations

import copy
import gc
import os
import re
import traceback
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterable, Optional

from .backends import get_backend
from .base import Context, DisState
from .citations import NO_PRINTED_FORM, render_citations, render_document
from .dates import normalize_date
from .disambiguate import disambiguate
from .locale import LocaleChain
from .nodes import eval_children, prints_variable
from .names import normalize_name
from .richtext import Quotes, Rich, find_tag, iter_tag, plain
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
    from bibkit.model_csl import entry_to_csl  # lazy: the CSL engine runs on plain CSL items too
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

    def _register(self, items: Iterable, failures: Optional[list] = None) -> tuple[dict, list]:
        reg = {}
        order = []
        for it in items:
            try:
                n = normalize_item(_to_csl(it))
            except Exception as exc:  # noqa: BLE001 - an item the engine cannot read is reported
                ident = it.get("id") if isinstance(it, dict) else getattr(it, "key", None)
                _record(failures, str(ident), exc)
                continue
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
            if self.numbered_by_sort():
                for i, k in enumerate(ids):
                    reg[k]["citation-number"] = i + 1
        return ids

    def numbered_by_sort(self) -> bool:
        """Whether the bibliography's sort numbers the entries (their citation numbers are
        their places in the sorted list), rather than the order they are cited in."""
        bib = self.style.bibliography
        return bool(bib is not None and bib.sort) and not any(k.variable == "citation-number" for k in bib.sort)

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

    def bibliography_rich(self, reg, ids, dis_map, split_label: bool = False) -> list:
        """Rich text per entry; with ``split_label``, (label or None, body) pairs instead, the
        label being the entry's leading citation number (or second-field-align's first field)
        that a LaTeX list prints in its own margin."""
        bib = self.style.bibliography
        if bib is None or bib.layout is None:
            return []
        entries = []
        prev_names = None
        shown = 0
        for k in ids:
            entry, prev_names = self.bibliography_entry(reg[k], bibliography_dis(dis_map.get(k), self.style),
                                                        prev_names, shown, split_label)
            shown += entry is not None
            entries.append(entry)
        return entries

    def bibliography_entry(self, item: dict, dis, prev_names=None, shown: int = 0, split_label: bool = False):
        """One entry of the bibliography (see :meth:`bibliography_rich`) and the names that
        subsequent-author-substitute compares the next entry's with: (entry, names).

        What an entry takes from the others comes in: its disambiguation ``dis`` (the cite's,
        from :func:`~.disambiguate.disambiguate`, through :func:`bibliography_dis`), the
        previous entry's ``prev_names`` and the number of entries ``shown`` before it; so a
        list may be rendered in parts.
        """
        bib = self.style.bibliography
        layout = bib.layout
        sas = bib.attrs.get("subsequent-author-substitute")
        ctx = Context(self.style, self.locale, item, "bibliography", dis=dis)
        parts = eval_children(layout.children, ctx)
        if sas is not None and parts:
            names = find_tag(parts, "names")
            if names is not None:
                lists = list(iter_tag(names, "namelist"))
                key_rich = lists[0] if lists else names
                txt = plain(key_rich)
                cur_names = _name_texts(key_rich) if lists else [txt]
                if prev_names is not None:
                    sas_rule = bib.attrs.get("subsequent-author-substitute-rule", "complete-all")
                    _substitute_names(key_rich, sas, sas_rule, prev_names, txt, cur_names)
                prev_names = (txt, cur_names)
            else:
                prev_names = None
        if split_label:
            label = None
            if parts and (bib.attrs.get("second-field-align") or _leading_number(parts[0])):
                label, parts = parts[0], parts[1:]
            return (label, Rich(_layout_wrap(layout, parts)) if parts else None), prev_names
        if bib.attrs.get("second-field-align") and len(parts) > 0:
            first = parts[0]
            rest = parts[1:]
            body = [Rich([first], display="left-margin")]
            if rest:
                body.append(Rich(_layout_wrap(layout, rest), display="right-inline"))
            entry = Rich(body)
        else:
            entry = Rich(_layout_wrap(layout, parts)) if parts else None
        if entry is None and self._numeric_citations():
            # a numeric style keeps its numbers in step: the entry is shown, as an error
            # (citeproc-js; test-suite sort_OmittedBibRefMixedNumericStyle)
            entry = Rich([f"{shown + 1}. {NO_PRINTED_FORM}"])
        return entry, prev_names

    def bibliography(self, items, format: str = "text", cite_order: Optional[list] = None,
                     failures: Optional[list] = None) -> list[str]:
        """Formatted entries, one string each, in the style's bibliography order.

        An item the engine cannot render is left out and described in ``failures`` (a list of
        :class:`RenderFailure` the caller passes), so one bad entry never loses the list.
        """
        return [text for _, text in self.bibliography_entries(items, format, cite_order, failures)]

    def bibliography_entries(self, items, format: str = "text", cite_order: Optional[list] = None,
                             failures: Optional[list] = None) -> list[tuple[str, str]]:
        """(item id, formatted entry) pairs in bibliography order: what a caller needs to label
        entries (``\\bibitem{id}``) or to say which entry is which."""
        get_backend(format)  # unknown formats fail before any work
        with _no_gc():
            reg, order = self._register(items, failures)

            def run(reg, order):
                return self._bibliography(reg, order, format, cite_order)
            return _isolated(run, reg, order, failures)

    def _bibliography(self, reg, order, format, cite_order) -> list[tuple[str, str]]:
        cite_order = [k for k in cite_order if k in reg] if cite_order else None
        ids = self._number_and_sort(reg, order, cite_order or order)
        if cite_order:
            have = set(ids)
            ids = ids + [k for k in order if k not in have]
        dis_map = disambiguate(self, reg, ids, [])
        ents = self.bibliography_rich(reg, ids, dis_map)
        return [(k, self._out(e, format, strip=True)) for k, e in zip(ids, ents) if e is not None]

    def _numeric_citations(self) -> bool:
        sec = self.style.citation
        return sec is not None and prints_variable(sec.layout, "citation-number", self.style.macros)

    def latex_bibliography(self, items, failures: Optional[list] = None) -> str:
        """A complete ``thebibliography`` environment: one ``\\bibitem`` per entry, labelled
        as the style labels it.

        Numeric styles: ``\\bibitem[N]{key}`` with the style's own number, printed in the
        style's label shape (``[1]``, ``1.``) and no longer repeated in the entry text.
        Other styles print no label; ``\\cite{key}`` gives the style's in-text citation.
        Needs ``\\usepackage{url}`` (or hyperref) in the document: URLs and DOIs are ``\\url``.
        """
        with _no_gc():
            reg, order = self._register(items, failures)
            rows = _isolated(self._latex_rows, reg, order, failures)
        return latex_environment(rows)

    def _latex_rows(self, reg, order) -> list[tuple]:
        """(key, number or None, label LaTeX, body LaTeX, in-text citation) per entry."""
        ids = self._number_and_sort(reg, order, order)
        dis_map = disambiguate(self, reg, ids, [])
        ents = self.bibliography_rich(reg, ids, dis_map, split_label=True)
        numbered = any(label is not None and find_tag(label, "citation-number") is not None
                       for label, _ in ents)
        cites: dict = {}
        kept = [k for k, (_, body) in zip(ids, ents) if body is not None]
        if not numbered and self.style.citation is not None and kept:
            texts = self._citations([[{"id": k}] for k in kept], reg, order, "text")
            cites = dict(zip(kept, texts))
        rows = []
        for k, (label, body) in zip(ids, ents):
            if body is None:
                continue
            number = reg[k].get("citation-number") if numbered else None
            label_tex = self._out(label, "latex", strip=True) if (numbered and label is not None) else ""
            if label is not None and not numbered:
                body = Rich([label, body])  # a leading field that is no number stays text
            rows.append((k, number, label_tex, self._out(body, "latex", strip=True).strip(),
                         _bare_citation(cites.get(k, ""))))
        return rows

    # ------------------------------------------------------------------ citations

    def citations(self, cite_groups, items, format: str = "text",
                  failures: Optional[list] = None, number_all: bool = False) -> list[str]:
        """One formatted string per cite group (a list of {"id", "locator", "label", "prefix",
        "suffix"} dicts, or a CSL citation object with "citationItems").

        An item the engine cannot render is left out of every group and described in
        ``failures``, as in :meth:`bibliography`. ``number_all``: numeric styles number every
        item as the bibliography of all ``items`` does (one cite from a file, ``bibkit cite``),
        not in the order the groups first cite them (a document).
        """
        get_backend(format)
        with _no_gc():
            reg, order = self._register(items, failures)

            def run(reg, order):
                return self._citations(cite_groups, reg, order, format, number_all)
            return _isolated(run, reg, order, failures, per_item=False)

    def _citations(self, cite_groups, reg, order, format, number_all=False) -> list[str]:
        cite_groups = copy.deepcopy(cite_groups)  # positions are written into the cites
        citations = []
        for i, g in enumerate(cite_groups):
            if isinstance(g, dict) and "citationItems" in g:
                citations.append({"items": g["citationItems"],
                                  "note": (g.get("properties") or {}).get("noteIndex", 0)})
            else:
                citations.append({"items": list(g), "note": i + 1})
        rich = self.render_citations(reg, order, citations, number_all)
        return [self._out(r, format) for r in rich]

    def render_citations(self, reg, order, citations, number_all: bool = False) -> list:
        return render_citations(self, reg, order, citations, number_all)

    # ------------------------------------------------------------------ documents

    def cite_document(self, citations: list[dict], items, format: str = "text",
                      failures: Optional[list] = None) -> "DocumentCitations":
        """Every citation of one document and its bibliography, rendered together.

        ``citations`` are CSL citation objects in document order: ``{"citationItems": [{"id",
        "locator", "label", "prefix", "suffix", "suppress-author"}, ...], "properties":
        {"noteIndex": n, "mode": "composite"}}``; ``noteIndex`` is the footnote a citation is
        in (0 in the main text), which decides ibid and subsequent forms; ``mode`` composite
        is an in-text citation (pandoc's ``@key``), rendered as author and rest. Positions,
        citation numbers and disambiguation (year suffixes, added names) run over the whole
        document, and the bibliography -- the items cited, in the style's order -- shares them.
        ``items`` should hold what the document cites (and nocites): every registered item
        takes part in disambiguation. An id no item has prints as ``id?`` in bold, as pandoc
        prints an undefined citation.
        """
        get_backend(format)
        with _no_gc():
            reg, order = self._register(items, failures)

            def run(reg, order):
                return self._cite_document(citations, reg, order, format)
            return _isolated(run, reg, order, failures, per_item=False)

    def _cite_document(self, citations, reg, order, format) -> "DocumentCitations":
        objects = []
        for c in copy.deepcopy(citations):
            props = c.get("properties") or {}
            objects.append({"items": c["citationItems"], "note": props.get("noteIndex", 0),
                            "mode": props.get("mode"), "undefined": True})
        rich, ids, dis_map = render_document(self, reg, order, objects)
        out = []
        for r in rich:
            if isinstance(r, tuple):
                author, rest = r
                out.append(RenderedCitation(self._out(rest, format),
                                            self._out(author, format) if author is not None else None))
            else:
                out.append(RenderedCitation(self._out(r, format)))
        ents = self.bibliography_rich(reg, ids, dis_map)
        bib = [(k, self._out(e, format, strip=True)) for k, e in zip(ids, ents) if e is not None]
        return DocumentCitations(out, bib)


@dataclass(frozen=True)
class RenderedCitation:
    """One citation of a document: ``text`` as the style prints it; for an in-text (composite)
    citation, ``author`` is the names it begins with and ``text`` the rest without them
    (``author`` None when the style prints no names, as numeric styles)."""

    text: str
    author: Optional[str] = None


@dataclass(frozen=True)
class DocumentCitations:
    """What :meth:`Processor.cite_document` renders: one :class:`RenderedCitation` per
    citation, in order, and the bibliography as (id, entry) pairs in the style's order."""

    citations: list
    bibliography: list


@dataclass(frozen=True)
class RenderFailure:
    """An item the engine could not render: its id and what went wrong (for the user's report;
    the processor left it out and formatted the others)."""

    id: str
    message: str
    #: where in the engine it failed ("dates.py:376"), for a bug report
    origin: str = ""


def _record(failures: Optional[list], ident: str, exc: BaseException) -> None:
    message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    frames = traceback.extract_tb(exc.__traceback__)
    origin = f"{os.path.basename(frames[-1].filename)}:{frames[-1].lineno}" if frames else ""
    failure = RenderFailure(ident, message, origin)
    if failures is None:
        warnings.warn(f"CSL item {ident!r} could not be rendered and was left out ({message})",
                      RuntimeWarning, stacklevel=4)
    else:
        failures.append(failure)


def _isolated(run, reg: dict, order: list, failures: Optional[list], per_item: bool = True):
    """``run(reg, order)``, with every item that makes it raise left out and reported.

    The whole list is tried first (no cost when nothing fails). On an exception each item is
    tried alone to find the culprits; if the rest still fails together, each item is rendered
    on its own (numbering and disambiguation then see one item at a time) rather than nothing.
    """
    try:
        return run(reg, order)
    except Exception:  # noqa: BLE001 - isolate the culprit below
        pass
    good = []
    for k in order:
        try:
            run({k: dict(reg[k])}, [k])
            good.append(k)
        except Exception as exc:  # noqa: BLE001
            _record(failures, k, exc)
    try:
        return run({k: reg[k] for k in good}, good)
    except Exception:  # noqa: BLE001 - the items fail only together
        if not per_item:
            raise
        out = []
        for k in good:
            out.extend(run({k: reg[k]}, [k]))
        return out


def _leading_number(first) -> bool:
    """Whether an entry's first field is its citation number alone ("1.", "[1]"), as numeric
    styles without second-field-align begin their entries."""
    return find_tag(first, "citation-number") is not None and len(plain(first).strip()) <= 12


def _bare_citation(text: str) -> str:
    """An in-text citation without its outer brackets: "(Turing, 1950)" -> "Turing, 1950"."""
    text = text.strip()
    pairs = {"(": ")", "[": "]"}
    if len(text) > 2 and text[0] in pairs and text.endswith(pairs[text[0]]) \
            and text.count(text[0]) == 1:
        text = text[1:-1].strip()
    return text


def latex_key(key: str) -> str:
    """A citation key as ``\\bibitem`` and ``\\cite`` accept it (no braces, commas, spaces,
    comment or parameter characters)."""
    return re.sub(r"[\s\\{}%#,~]", "", str(key)) or "item"


def latex_environment(rows: list[tuple]) -> str:
    """``thebibliography`` from :meth:`Processor._latex_rows`: numbered entries get their
    number as the ``\\bibitem`` label shaped as the style shapes it; the others no label."""
    escape = get_backend("latex").escape
    numbered = any(number is not None for _, number, _, _, _ in rows)
    lines = []
    if numbered:
        widest = max(number for _, number, _, _, _ in rows if number is not None)
        lines.append("\\begin{thebibliography}{%s}" % ("9" * len(str(widest))))
        first = next((number, label) for _, number, label, _, _ in rows if number is not None)
        shape = first[1].replace(str(first[0]), "#1", 1) if str(first[0]) in first[1] else "#1"
        lines.append("\\expandafter\\def\\csname @biblabel\\endcsname#1{%s}" % shape)
        for key, number, _, body, _ in rows:
            label = number if number is not None else escape(str(key))
            lines.append("\\bibitem[%s]{%s} %s" % (label, latex_key(key), body))
    else:
        lines.append("\\begin{thebibliography}{}")
        lines.append("\\expandafter\\def\\csname @biblabel\\endcsname#1{}")
        for key, _, _, body, cite in rows:
            label = escape(cite or str(key))
            lines.append("\\bibitem[{%s}]{%s} %s" % (label, latex_key(key), body))
    lines.append("\\end{thebibliography}")
    return "\n".join(lines)


def bibliography_dis(d, style):
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


def _name_texts(names_rich):
    return [plain(c) for c in iter_tag(names_rich, "name")]


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
        for n in iter_tag(rich, "name"):
            n.children[:] = [sas]
        return
    names = list(iter_tag(rich, "name"))
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
