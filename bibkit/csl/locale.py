"""CSL locales: terms, date formats and style options, with the CSL fallback chain.

A `LocaleChain` is built once per (style, language) and answers every term lookup from a
cache, so evaluation never walks XML.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Optional

from .xmlsafe import XML_LANG, local, parse_xml


def _term_text(text) -> str:
    """A term's text; one that is only the XML's line break and indentation is empty
    (test-suite label_EditorTranslator1), while a deliberate " " stays."""
    if not text:
        return ""
    if "\n" in text and not text.strip():
        return ""
    return text


class Term:
    __slots__ = ("single", "multiple", "gender", "gender_form", "match")

    def __init__(self, single, multiple, gender=None, gender_form=None, match=None):
        self.single = single
        self.multiple = multiple
        self.gender = gender
        self.gender_form = gender_form
        self.match = match


class LocaleData:
    """One <locale> element: terms keyed by (name, form), date formats and options."""

    def __init__(self, el=None):
        self.lang: Optional[str] = None
        self.terms: dict[tuple[str, str], list[Term]] = {}
        self.dates: dict[str, object] = {}  # form -> element (compiled by style)
        self.options: dict[str, str] = {}
        if el is not None:
            self.load(el)

    def load(self, el) -> None:
        self.lang = el.get(XML_LANG)
        for child in el:
            tag = local(child.tag)
            if tag == "style-options":
                self.options.update(child.attrib)
            elif tag == "date":
                self.dates[child.get("form")] = child
            elif tag == "terms":
                for t in child:
                    if local(t.tag) != "term":
                        continue
                    name = t.get("name")
                    form = t.get("form", "long")
                    single = multiple = None
                    subs = list(t)
                    if subs:
                        for s in subs:
                            if local(s.tag) == "single":
                                single = _term_text(s.text)
                            elif local(s.tag) == "multiple":
                                multiple = _term_text(s.text)
                        if single is None:
                            single = multiple or ""
                        if multiple is None:
                            multiple = single
                    else:
                        single = multiple = _term_text(t.text)
                    term = Term(single, multiple, t.get("gender"), t.get("gender-form"), t.get("match"))
                    lst = self.terms.setdefault((name, form), [])
                    # later definitions of the same gender-form replace earlier ones
                    lst[:] = [x for x in lst if x.gender_form != term.gender_form]
                    lst.append(term)


def _read_locale_file(lang: str) -> Optional[str]:
    try:
        return resources.files("bibkit.csl").joinpath("locales", f"locales-{lang}.xml").read_text("utf-8")
    except (FileNotFoundError, OSError):
        return None


@lru_cache(maxsize=None)
def _primary_dialects() -> dict:
    data = json.loads(resources.files("bibkit.csl").joinpath("locales", "locales.json").read_text("utf-8"))
    return data.get("primary-dialects", {})


@lru_cache(maxsize=1)
def available_locales() -> tuple[str, ...]:
    """The languages of the locale files bibkit ships (``af-ZA``, ``ar``, ``de-DE``, ...), sorted."""
    folder = resources.files("bibkit.csl").joinpath("locales")
    return tuple(sorted(p.name[len("locales-"):-len(".xml")] for p in folder.iterdir()
                        if p.name.startswith("locales-") and p.name.endswith(".xml")))


@lru_cache(maxsize=None)
def load_locale_file(lang: str) -> Optional[LocaleData]:
    text = _read_locale_file(lang)
    if text is None:
        return None
    return LocaleData(parse_xml(text))


def _is_ordinal(name: str) -> bool:
    return name == "ordinal" or (name.startswith("ordinal-") and len(name) == 10)


FORM_FALLBACK = {
    "long": ("long",),
    "short": ("short", "long"),
    "verb": ("verb", "long"),
    "verb-short": ("verb-short", "verb", "short", "long"),
    "symbol": ("symbol", "short", "long"),
}


class LocaleChain:
    """Term lookup across style locales and locale files, most specific first."""

    def __init__(self, style_locales: list[LocaleData], lang: str):
        self.lang = lang or "en-US"
        base = self.lang.split("-")[0]
        chain: list[LocaleData] = []
        # style locales: exact dialect, language, no language
        for want in (self.lang, base, None):
            for sl in style_locales:
                if sl.lang == want or (want == base and sl.lang and sl.lang == base):
                    if sl not in chain:
                        chain.append(sl)
        files = []
        for code in (self.lang, _primary_dialects().get(base), "en-US"):
            if code:
                f = load_locale_file(code)
                if f is not None and f not in files:
                    files.append(f)
        self.chain = chain + files
        # options: first definition wins
        self.options: dict[str, str] = {}
        for loc in reversed(self.chain):
            self.options.update(loc.options)
        self.dates: dict[str, object] = {}
        for loc in reversed(self.chain):
            self.dates.update(loc.dates)
        # ordinals: a locale defining any ordinal term masks ordinals of later locales
        self._merged: dict[tuple[str, str], list[Term]] = {}
        ordinal_done = False
        for loc in self.chain:
            has_ord = any(_is_ordinal(n) for (n, _f) in loc.terms)
            for key, terms in loc.terms.items():
                if _is_ordinal(key[0]):
                    if ordinal_done:
                        continue
                if key not in self._merged:
                    self._merged[key] = list(terms)
                else:
                    have = {t.gender_form for t in self._merged[key]}
                    self._merged[key].extend(t for t in terms if t.gender_form not in have)
            if has_ord:
                ordinal_done = True
        self._cache: dict = {}

    @property
    def punctuation_in_quote(self) -> bool:
        return self.options.get("punctuation-in-quote") == "true"

    @property
    def limit_day_ordinals(self) -> bool:
        return self.options.get("limit-day-ordinals-to-day-1") == "true"

    def get(self, name: str, form: str = "long", gender_form: Optional[str] = None) -> Optional[Term]:
        key = (name, form, gender_form)
        if key in self._cache:
            return self._cache[key]
        found = None
        for f in FORM_FALLBACK.get(form, (form, "long")):
            terms = self._merged.get((name, f))
            if terms:
                found = self._pick(terms, gender_form)
                if found is not None:
                    break
        self._cache[key] = found
        return found

    @staticmethod
    def _pick(terms: list[Term], gender_form):
        for t in terms:
            if t.gender_form == gender_form:
                return t
        for t in terms:
            if t.gender_form is None:
                return t
        return None

    def term(self, name: str, form: str = "long", plural: bool = False, gender_form=None) -> Optional[str]:
        t = self.get(name, form, gender_form)
        if t is None:
            return None
        return t.multiple if plural else t.single

    def gender(self, name: str) -> Optional[str]:
        t = self.get(name, "long")
        return t.gender if t else None

    def ordinal_suffix(self, n: int, gender: Optional[str]) -> str:
        key = ("#ord", n, gender)
        if key in self._cache:
            return self._cache[key]
        res = None
        # two-digit terms first (more specific), then one-digit ones
        candidates = []
        for (name, form), terms in self._merged.items():
            if form != "long" or not name.startswith("ordinal-") or len(name) != 10:
                continue
            num = int(name[8:])
            for t in terms:
                match = t.match or ("last-digit" if num < 10 else "last-two-digits")
                if match == "whole-number":
                    ok = n == num
                elif match == "last-two-digits":
                    ok = n % 100 == num
                else:
                    ok = n % 10 == num
                if ok:
                    spec = 2 if match == "whole-number" else (1 if match == "last-two-digits" else 0)
                    candidates.append((spec, t.gender_form == gender, t.gender_form is None, t))
        if candidates:
            best = None
            for spec in (2, 1, 0):
                for c in candidates:
                    if c[0] == spec and c[1]:
                        best = c[3]
                        break
                if best:
                    break
                for c in candidates:
                    if c[0] == spec and c[2]:
                        best = c[3]
                        break
                if best:
                    break
            if best is not None:
                res = best.single
        if res is None:
            res = self.term("ordinal", "long", False, gender) or ""
        self._cache[key] = res
        return res

    def long_ordinal(self, n: int, gender: Optional[str]) -> Optional[str]:
        if 1 <= n <= 10:
            return self.term("long-ordinal-%02d" % n, "long", False, gender)
        return None
