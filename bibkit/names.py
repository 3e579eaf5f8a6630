"""Names: BibTeX name lists <-> :class:`~bibkit.model.Name`.

Splitting follows the BibTeX rules as implemented by pybtex (``Person``): "First von Last",
"von Last, First", "von Last, Jr, First"; a fully braced name is a corporate (literal) name;
"others" becomes the ``others`` flag. The two overwhelmingly common shapes ("Last, First" and
"First Last" with plain capitalised words) take a fast path that gives the same result as
pybtex (a test checks the equivalence), because name splitting dominates conversion time on
large files.
"""
from __future__ import annotations

import re
from functools import lru_cache

from pybtex.bibtex.utils import split_name_list
from pybtex.database import Person

from bibkit.latex import decode, encode, encode_plain, needs_decoding
from bibkit.latex import collapse_whitespace
from bibkit.model import Name, NameList, Text

_AND_SPLIT = re.compile(r"\s+and\s+", re.IGNORECASE)
_SIMPLE_WORD = re.compile(r"^[A-Z][\w.'\-]*$")
_PLAIN = re.compile(r"^[^{}\\,]*$")


def parse_names(value: str) -> NameList:
    """Parse a BibTeX name list (raw LaTeX, outer delimiters removed)."""
    value = " ".join(value.split())
    if not value:
        return NameList()
    if "{" not in value:  # no groups to respect: BibTeX's split is a plain " and " split
        parts = _AND_SPLIT.split(value) if " and " in value.lower() else [value]
    else:
        parts = split_name_list(value)
    names: list[Name] = []
    others = False
    for i, part in enumerate(parts):
        part = part.strip()
        if not part:
            continue
        if part.lower() == "others" and i == len(parts) - 1:
            others = True
            continue
        names.append(parse_name(part))
    return NameList(names, others)


_VERBATIM_KINDS = ("raw", "math")
_OPEN_CONTROL_WORD = re.compile(r"\\[A-Za-z]+$")


def decode_part(value: str) -> str:
    """A name part as Unicode; LaTeX it cannot decode stays marked, to be written back as it was.

    ``Franc{\\ocirc{u}}`` (a macro of the file's own ``@preamble``), ``Ragnhei{\\d}ur`` and
    ``Kr{\\"a}u$\\beta$lich`` keep their LaTeX as :class:`~bibkit.model.Text` marks ("raw",
    "math"); without them the writer would escape the backslashes and braces into literal text.
    """
    if not needs_decoding(value):
        return collapse_whitespace(value)
    text = decode(value, protect=False)
    kept = [m for m in text.marks if m.kind in _VERBATIM_KINDS]
    if any(m.end < len(text) and _OPEN_CONTROL_WORD.search(text, m.start, m.end) for m in kept):
        # "\cyrchar\CYRA": a bare control word followed by decoded text cannot be written back
        # apart from it (the next character's LaTeX would become its argument): plain text
        return str(text)
    return Text(str(text), kept) if kept else str(text)


def _encode(text: str, unicode: bool) -> str:
    return encode(text, unicode) if getattr(text, "marks", None) else encode_plain(text, unicode)


@lru_cache(maxsize=65536)  # the same people recur across a bibliography; Name is immutable
def parse_name(raw: str) -> Name:
    raw = raw.strip().rstrip(",").strip()
    if _is_fully_braced(raw):
        inner = raw[1:-1].strip()
        return Name(literal=decode_part(inner))
    fast = _fast_split(raw)
    if fast is not None:
        return fast
    try:
        person = Person(raw)
    except Exception as exc:  # pybtex rejects a few malformed names: keep the text as a literal name
        # pybtex's report_error frame holds the exception that holds its traceback: a cycle
        # that would keep every caller's frame (and the whole file's text) alive until collected
        exc.__traceback__ = None
        return Name(literal=decode_part(raw))
    given = " ".join(person.first_names + person.middle_names)
    particle = " ".join(person.prelast_names)
    family = " ".join(person.last_names)
    suffix = " ".join(person.lineage_names)
    if not family and given:  # pybtex puts a lone word in "first" only when given a comma form
        family, given = given, ""
    return Name(
        family=decode_part(family),
        given=decode_part(given),
        particle=decode_part(particle),
        suffix=decode_part(suffix),
    )


def _fast_split(raw: str) -> Name | None:
    if not _PLAIN.match(raw.replace(",", "", 1)) or "\\" in raw:
        return None
    if "," in raw:
        last, _, first = raw.partition(",")
        words = last.split()
        if not words or not all(_SIMPLE_WORD.match(w) for w in words):
            return None
        return Name(family=" ".join(words), given=" ".join(first.split()))
    words = raw.split()
    if not words or not all(_SIMPLE_WORD.match(w) for w in words):
        return None
    if len(words) == 1:
        return Name(family=words[0])
    return Name(family=words[-1], given=" ".join(words[:-1]))


def _is_fully_braced(raw: str) -> bool:
    if not (raw.startswith("{") and raw.endswith("}")):
        return False
    depth = 0
    for i, ch in enumerate(raw):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0 and i != len(raw) - 1:
                return False
    return depth == 0


_AND_WORD = re.compile(r"\band\b", re.IGNORECASE)


def _protect_part(text: str, unicode: bool) -> str:
    enc = _encode(text, unicode)
    # A comma or the word "and" inside a part would be read as structure by BibTeX.
    if "," in text or ("and" in text.lower() and _AND_WORD.search(text)):
        return "{" + enc + "}"
    return enc


def _particle_word(word: str, unicode: bool) -> str:
    """A particle word BibTeX still reads as "von": ``{D}e`` keeps a capital from making it "Last"."""
    enc = encode_plain(word, unicode)
    if word[:1].isupper():
        first = encode_plain(word[0], unicode)
        return "{" + first + "}" + encode_plain(word[1:], unicode)
    return enc


def format_name(name: Name, unicode: bool = False) -> str:
    """One name in the unambiguous "von Last, Jr, First" form BibTeX and biber read back."""
    if any(getattr(part, "marks", None) for part in (name.literal, name.family, name.given, name.suffix)):
        return _format_name(name, unicode)  # not cached: equal strings may differ in their marks
    return _format_name_cached(name, unicode)


@lru_cache(maxsize=65536)
def _format_name_cached(name: Name, unicode: bool) -> str:
    return _format_name(name, unicode)


def _format_name(name: Name, unicode: bool) -> str:
    if name.literal:
        return "{" + _encode(name.literal, unicode) + "}"
    family_text, particle_text = name.family, name.particle
    if particle_text.endswith(("'", "’", "-")) and " " not in particle_text.strip() and family_text \
            and not getattr(family_text, "marks", None):
        # "d'" glued to "Avila Garcez" is one word to BibTeX: written (and read back) as the
        # family name "d'Avila Garcez", so that writing the output again gives the same bytes
        family_text, particle_text = particle_text + family_text, ""
    family = _protect_part(family_text, unicode)
    multiword = " " in family_text.strip() or "\u00a0" in family_text
    lower_start = family_text[:1].islower() and not particle_text
    if (multiword or lower_start) and not family.startswith("{"):
        # "Van Gelder", "Tena Cucala", "hooks": one family name, not a particle plus a name
        family = "{" + family + "}"
    particle = " ".join(_particle_word(w, unicode) for w in particle_text.split())
    dropping = encode_plain(name.dropping_particle, unicode) if name.dropping_particle else ""
    joiner = "" if particle.endswith(("'", "’", "-")) else " "
    last = joiner.join(p for p in (particle, family) if p)
    given = " ".join(p for p in (_protect_part(name.given, unicode) if name.given else "", dropping) if p)
    if name.suffix:
        return f"{last}, {_protect_part(name.suffix, unicode)}, {given}"
    if given:
        return f"{last}, {given}"
    return last


def format_names(names: NameList, unicode: bool = False) -> str:
    parts = [format_name(n, unicode) for n in names.names]
    if names.others:
        parts.append("others")
    return " and ".join(parts)


def family_key(name: Name) -> str:
    """The name's family (or literal) for keys and matching, in plain Unicode."""
    return name.literal or name.family
