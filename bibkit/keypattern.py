"""The citation-key pattern language: JabRef bracket markers, modifiers, Better BibTeX fallbacks.

A pattern is literal text with markers such as ``[auth:lower][year][veryshorttitle:lower]``.
Alternatives are separated by a top-level ``|`` (Better BibTeX): the first alternative that
*succeeds* gives the key. An alternative fails when it yields nothing, or when one of its
name markers (``auth``, ``authors``, ``editor`` ...) yields nothing — a key such as ``2017attention``
that silently lost its author is worse than moving on to the next alternative. Every pattern
ends with an implicit last alternative, :data:`AUTHORLESS_FALLBACK`, so that an entry without
authors is keyed by its title words (``deepseekr1_2025``) rather than by its year alone.

Normalisation of every value, in this fixed order (documented because keys must be
reproducible across versions):

1. LaTeX decoded — canonical fields are already Unicode; raw ``extra`` fields are decoded with
   :func:`bibkit.latex.decode_plain`;
2. braces stripped;
3. transliterated to ASCII with anyascii (``ö``→``o``, ``ß``→``ss``, ``Ł``→``L``);
4. characters BibTeX or biber reject removed — word-derived markers keep only letters and
   digits; pattern literals keep ``-_:.+/`` too; anything else (spaces, ``{}(),=#%'"~\\``) goes.

Markers (JabRef names; N and M are numbers):

* names: ``auth`` ``authors`` ``authorsN`` ``authEtAl`` ``auth.etal`` ``auth.auth.ea``
  ``authorsAlpha`` ``authN`` ``authN_M`` ``authIniN`` ``authForeIni`` ``authFirstFull``
  ``authorLast`` ``authorIni``; ``edtr`` ``editors`` ``editorsN`` ``edtrN`` use the editors.
  A corporate name is condensed as a whole (``WorldHealthOrganization``); BibTeX's
  "and others" is never a name (it only turns ``authEtAl`` into ``...EtAl`` and adds ``+`` to
  ``authorsAlpha``).
* dates: ``year`` ``shortyear`` ``month``.
* title words (function words such as *a, the, of, for* skipped where JabRef skips them):
  ``title`` (significant words capitalised), ``shorttitle`` (first 3 significant words),
  ``veryshorttitle`` (first significant word), ``camel`` (every word capitalised),
  ``shorttitleN`` (first N significant words).
* pages: ``firstpage`` ``lastpage``.
* ``[FIELD]``: any other field by its BibTeX or CSL name (``journal``, ``volume``, ``doi``...).

Modifiers, applied left to right: ``lower`` ``upper`` ``capitalize`` ``titlecase`` ``abbr``
(first letter of each word) ``truncateN`` ``condense`` (drop separators) and ``(text)``
(a default used when the marker is empty).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from anyascii import anyascii

from bibkit.model import Entry, Name, NameList

DEFAULT_PATTERN = "[auth:lower][year][veryshorttitle:lower]"
AUTHORLESS_FALLBACK = "[veryshorttitle:lower]_[year]"
LAST_RESORT = "[title:lower:truncate24]"

# JabRef's list of function words (articles, prepositions, conjunctions), skipped in titles.
FUNCTION_WORDS = frozenset(
    """a an the above about across against along among around at before behind below beneath
    beside between beyond by down during except for from in inside into like near of off on
    onto since to toward towards through under until up upon with within without and but nor
    or so yet""".split()
)

_NAME_MARKER = re.compile(r"^(auth|edtr|editor|author|pureauth)", re.IGNORECASE)
_LITERAL_OK = re.compile(r"[^A-Za-z0-9\-_:.+/]")
_WORD_OK = re.compile(r"[^A-Za-z0-9]")


class PatternError(ValueError):
    """A pattern that cannot be parsed (an unclosed ``[``, an unknown modifier)."""


# ---------------------------------------------------------------------------- normalisation


def ascii_text(text: str) -> str:
    """Steps 2-3 of the normalisation: braces stripped, transliterated to ASCII."""
    return anyascii(text.replace("{", "").replace("}", ""))


def clean_word(word: str) -> str:
    """A word reduced to the letters and digits every BibTeX and biber accepts in a key."""
    return _WORD_OK.sub("", ascii_text(word))


def clean_literal(text: str) -> str:
    return _LITERAL_OK.sub("", ascii_text(text))


def words(text: str) -> list[str]:
    """Title words as JabRef sees them: split at white space, then cleaned (``DeepSeek-R1:``→``DeepSeekR1``)."""
    out = []
    for raw in ascii_text(text).split():
        w = _WORD_OK.sub("", raw)
        if w:
            out.append(w)
    return out


def significant(ws: list[str]) -> list[str]:
    return [w for w in ws if w.lower() not in FUNCTION_WORDS]


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def name_part(name: Name, full: bool = True) -> str:
    """The family part used in keys; a corporate name condensed whole (``WorldHealthOrganization``)."""
    if name.literal:
        return "".join(_cap(w) for w in words(name.literal))
    family = name.family
    if full and name.particle:
        family = f"{name.particle} {family}"
    return "".join(words(family)) if " " in family else clean_word(family)


def given_initials(name: Name) -> str:
    return "".join(w[:1] for w in words(name.given)) if not name.literal else ""


# ---------------------------------------------------------------------------- markers


def _names(entry: Entry, role: str) -> NameList:
    return entry.names.get(role) or NameList()


def _etal(nl: NameList) -> bool:
    return len(nl.names) > 2 or (bool(nl.names) and nl.others)


def _authors_alpha(nl: NameList) -> str:
    """BibTeX alpha.bst labels: ``Knu`` (one), ``AHU`` (2-4), ``ABC+`` (5+ or "and others")."""
    names = nl.names
    if not names:
        return ""
    if len(names) == 1 and not nl.others:
        return name_part(names[0], full=False)[:3]
    if len(names) <= 4 and not nl.others:
        return "".join(name_part(n, full=False)[:1] for n in names)
    return "".join(name_part(n, full=False)[:1] for n in names[:3]) + "+"


def _name_marker(marker: str, nl: NameList) -> str | None:
    """Value of a name marker on one name list; None when ``marker`` is not a name marker."""
    names = nl.names
    parts = [name_part(n) for n in names]
    m = marker
    if m in ("auth", "edtr", "pureauth"):
        return parts[0] if parts else ""
    if m in ("authors", "editors"):
        return "".join(parts)
    if m in ("authEtAl", "edtrEtAl"):
        if not parts:
            return ""
        if _etal(nl):
            return parts[0] + "EtAl"
        return "And".join(parts) if len(parts) == 2 else parts[0]
    if m in ("auth.etal", "edtr.etal"):
        if not parts:
            return ""
        if _etal(nl):
            return parts[0] + ".etal"
        return ".".join(parts)
    if m in ("auth.auth.ea", "edtr.edtr.ea"):
        if not parts:
            return ""
        head = ".".join(parts[:2])
        return head + (".ea" if _etal(nl) else "")
    if m in ("authorsAlpha", "editorsAlpha"):
        return _authors_alpha(nl)
    if m in ("authForeIni", "edtrForeIni"):
        return given_initials(names[0])[:1] if names else ""
    if m in ("authFirstFull",):
        return name_part(names[0], full=True) if names else ""
    if m in ("authorLast", "editorLast"):
        return parts[-1] if parts else ""
    if m in ("authorIni", "editorIni"):
        if not parts:
            return ""
        return parts[0][:5] + "".join(p[:1] for p in parts[1:])
    match = re.fullmatch(r"(?:authors|editors)(\d+)", m)
    if match:
        n = int(match.group(1))
        if not parts:
            return ""
        more = len(parts) > n or nl.others
        return "".join(parts[:n]) + ("EtAl" if more else "")
    match = re.fullmatch(r"(?:authIni|edtrIni)(\d+)", m)
    if match:
        n = int(match.group(1))
        if not parts:
            return ""
        # JabRef: the first N characters spread over the authors, the first author taking the rest
        if len(parts) >= n:
            return "".join(p[:1] for p in parts[:n])
        out = [p[:1] for p in parts]
        out[0] = parts[0][: n - len(parts) + 1]
        return "".join(out)
    match = re.fullmatch(r"(?:auth|edtr)(\d+)(?:_(\d+))?", m)
    if match:
        n = int(match.group(1))
        index = int(match.group(2) or 1) - 1
        return parts[index][:n] if 0 <= index < len(parts) else ""
    return None


def _title_marker(marker: str, title: str) -> str | None:
    ws = words(title)
    sig = significant(ws)
    if marker == "title":
        out = [_cap(w) if (i == 0 or w.lower() not in FUNCTION_WORDS) else w.lower() for i, w in enumerate(ws)]
        return "".join(out)
    if marker == "camel":
        return "".join(_cap(w) for w in ws)
    if marker == "veryshorttitle":
        return sig[0] if sig else ""
    if marker == "shorttitle":
        return "".join(_cap(w) for w in sig[:3])
    match = re.fullmatch(r"shorttitle(\d+)", marker)
    if match:
        return "".join(_cap(w) for w in sig[: int(match.group(1))])
    return None


def _field(entry: Entry, name: str) -> str:
    """``[FIELD]``: a field by its BibTeX or CSL name, from the fields, identifiers, names or extra."""
    from bibkit.formats.bibtex.fields import NAME_FIELDS, TEXT_FIELDS
    from bibkit.latex import decode_plain

    lname = name.lower()
    if lname in ("year", "date"):
        return str(entry.year) if entry.year is not None else ""
    var = TEXT_FIELDS.get(lname, lname)
    if var in entry.fields:
        return entry.fields[var]
    if lname == "number" and "issue" in entry.fields:
        return entry.fields["issue"]
    ids = entry.ids
    ident = {"doi": ids.doi, "isbn": ids.isbn, "issn": ids.issn, "pmid": ids.pmid,
             "eprint": ids.arxiv, "arxiv": ids.arxiv, "url": ids.url}.get(lname)
    if ident:
        return ident
    role = NAME_FIELDS.get(lname, lname)
    if role in entry.names:
        return "".join(name_part(n) for n in entry.names[role].names)
    for key, value in entry.extra.items():
        if key.lower() == lname:
            return decode_plain(value) if "\\" in value else value
    return ""


def _page(entry: Entry, last: bool) -> str:
    pages = [p for p in re.split(r"[-–—]+|,", entry.fields.get("page", "")) if p.strip()]
    if not pages:
        return ""
    return clean_word(pages[-1] if last else pages[0])


def marker_value(entry: Entry, marker: str) -> tuple[str, bool]:
    """(raw value, is a name marker) for one marker, before modifiers."""
    if _NAME_MARKER.match(marker):
        role = "editor" if marker.startswith(("edtr", "editor")) else "author"
        name_value = _name_marker(marker, _names(entry, role))
        if name_value is not None:
            return name_value, True
    if marker == "year":
        return (str(entry.year) if entry.year is not None else ""), False
    if marker == "shortyear":
        return (f"{entry.year % 100:02d}" if entry.year is not None else ""), False
    if marker == "month":
        issued = entry.dates.get("issued")
        month = issued.start.month if issued and issued.start else None
        return (str(month) if month else ""), False
    if marker in ("firstpage", "lastpage"):
        return _page(entry, marker == "lastpage"), False
    title_value = _title_marker(marker, entry.title)
    if title_value is not None:
        return title_value, False
    return _field(entry, marker), False


# ---------------------------------------------------------------------------- modifiers


def _truncate(n: int) -> Callable[[str], str]:
    return lambda s: s[:n]


def _abbr(value: str) -> str:
    ws = value.split() if " " in value else re.findall(r"[A-Z0-9]?[a-z0-9]*|[A-Z]+(?![a-z])", value)
    return "".join(w[:1] for w in ws if w)


_MODIFIERS: dict[str, Callable[[str], str]] = {
    "lower": str.lower,
    "upper": str.upper,
    "capitalize": _cap,
    "titlecase": lambda s: "".join(_cap(w) for w in re.findall(r"[A-Z]?[^A-Z]*", s) if w),
    "abbr": _abbr,
    "condense": lambda s: re.sub(r"[\s\-_.]", "", s),
}


def _modifier(name: str) -> Callable[[str], str]:
    if name in _MODIFIERS:
        return _MODIFIERS[name]
    match = re.fullmatch(r"truncate(\d+)", name)
    if match:
        return _truncate(int(match.group(1)))
    raise PatternError(f"unknown key pattern modifier {name!r}")


# ---------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class Marker:
    name: str
    modifiers: tuple[Callable[[str], str], ...]
    default: str = ""


@dataclass(frozen=True)
class Alternative:
    parts: tuple  # literal text (str) and Marker, in pattern order


def _split_top(text: str, sep: str) -> list[str]:
    out, depth, buf = [], 0, []
    for ch in text:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == sep and depth == 0:
            out.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    out.append("".join(buf))
    return out


def _parse_marker(body: str) -> Marker:
    # modifiers are separated by ':', except inside a "(default)" modifier
    pieces, buf, depth = [], [], 0
    for ch in body:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == ":" and depth == 0:
            pieces.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    pieces.append("".join(buf))
    name, mods = pieces[0].strip(), pieces[1:]
    if not name:
        raise PatternError("empty marker []")
    funcs, default = [], ""
    for mod in mods:
        mod = mod.strip()
        if mod.startswith("(") and mod.endswith(")"):
            default = mod[1:-1]
        elif mod:
            funcs.append(_modifier(mod))
    return Marker(name, tuple(funcs), default)


@lru_cache(maxsize=64)
def parse_pattern(pattern: str) -> tuple[Alternative, ...]:
    """Parse once, evaluate for every entry (patterns are reused over whole libraries)."""
    alternatives = []
    for alt in _split_top(pattern, "|"):
        alt = alt.strip()
        parts: list = []
        i = 0
        while i < len(alt):
            if alt[i] == "[":
                end = alt.find("]", i)
                if end < 0:
                    raise PatternError(f"unclosed '[' in key pattern {pattern!r}")
                parts.append(_parse_marker(alt[i + 1 : end]))
                i = end + 1
            elif alt[i] == "]":
                raise PatternError(f"unmatched ']' in key pattern {pattern!r}")
            else:
                end = alt.find("[", i)
                end = len(alt) if end < 0 else end
                parts.append(alt[i:end])
                i = end
        if parts:
            alternatives.append(Alternative(tuple(parts)))
    if not alternatives:
        raise PatternError("empty key pattern")
    return tuple(alternatives)


def _evaluate(alt: Alternative, entry: Entry) -> str:
    """One alternative's key, or "" when it fails (empty, or a name marker came out empty).

    A literal before the first marker is a prefix and always kept; a literal between two
    markers is a separator, kept only when values stand on both sides (``[title]_[year]``
    without a year gives ``title``, not ``title_``); a literal after the last marker is a
    suffix, kept when a value was produced.
    """
    prefix: list[str] = []
    values: list[str] = []
    separator = ""
    seen_marker = skip_literal = False
    for part in alt.parts:
        if isinstance(part, str):
            if skip_literal:  # the separator after an empty marker: one separator is enough
                skip_literal = False
            elif seen_marker:
                separator += clean_literal(part)
            else:
                prefix.append(clean_literal(part))
            continue
        seen_marker = True
        value, is_name = marker_value(entry, part.name)
        clean = clean_literal if is_name else clean_word  # name markers may hold "." and "+"
        value = ascii_text(value)
        for func in part.modifiers:
            value = func(value) if func is _abbr else func(clean(value))
        value = clean(value)
        if not value and part.default:
            value = clean_literal(part.default)
        if not value:
            if is_name:
                return ""
            skip_literal = bool(values or separator)
            continue
        skip_literal = False
        if values:
            values.append(separator)
        separator = ""
        values.append(value)
    if not values:
        return ""
    suffix = separator if isinstance(alt.parts[-1], str) else ""
    return "".join(prefix) + "".join(values) + suffix


def identifier_key(entry: Entry) -> str:
    """``arxiv2501_12948``, ``doi10_1038_nature14539``: the key of an entry that is only an id.

    A list of DOIs or arXiv ids gives entries with neither author nor title until
    ``bibkit enrich`` fills them; their year alone would make keys like ``2025`` (fragile: a
    key should not start with a digit), so the identifier names them instead.
    """
    ids = entry.ids
    for prefix, value in (("arxiv", ids.arxiv), ("doi", ids.doi), ("isbn", ids.isbn), ("pmid", ids.pmid)):
        if value:
            return prefix + _WORD_OK.sub("_", anyascii(value)).strip("_")[:40]
    return ""


def format_key(entry: Entry, pattern: str | None = None) -> str:
    """The base key of ``entry`` under ``pattern`` (no uniqueness suffix); never empty."""
    for alt in parse_pattern(pattern or DEFAULT_PATTERN):
        key = _evaluate(alt, entry)
        if key:
            return key
    if not entry.title and not entry.authors:
        key = identifier_key(entry)
        if key:
            return key
    for alt in parse_pattern(AUTHORLESS_FALLBACK) + parse_pattern(LAST_RESORT):
        key = _evaluate(alt, entry)
        if key:
            return key
    return "entry" + (str(entry.year) if entry.year else "")
