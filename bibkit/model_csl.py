"""The canonical model as CSL items and back: the one mapping every CSL user shares.

The CSL-JSON and CSL-YAML formats, the CSL engine (:mod:`bibkit.csl`), the reference-list
labeller's training and the enrichment sources all go through here, so it sits below all of
them (the CSL engine does not import an exporter).

Marks become the rich-text markup CSL processors understand (``<i>``, ``<b>``,
``<span class="nocase">``...). What CSL has no variable for (unknown BibTeX fields, the
source's entry type, the arXiv id) goes in the schema's ``custom`` object under ``bibkit`` so a
round trip through CSL-JSON loses nothing.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable

from bibkit.dates import date_from_csl, date_to_csl
from bibkit.identifiers import DOI_AS_WRITTEN, bare_doi, normalize_doi, parse_arxiv, written_doi
from bibkit.model import Entry, Mark, Name, NameList, Source, Text
from bibkit.types import CSL_TYPES

NAME_VARIABLES = (
    "author", "chair", "collection-editor", "compiler", "composer", "container-author",
    "contributor", "curator", "director", "editor", "editorial-director", "executive-producer",
    "guest", "host", "interviewer", "illustrator", "narrator", "organizer", "original-author",
    "performer", "producer", "recipient", "reviewed-author", "script-writer", "series-creator",
    "translator",
)
DATE_VARIABLES = ("accessed", "available-date", "event-date", "issued", "original-date", "submitted")
ID_VARIABLES = {"DOI": "doi", "ISBN": "isbn", "ISSN": "issn", "PMID": "pmid", "PMCID": "pmcid", "URL": "url"}
SKIP_VARIABLES = {"id", "type", "citation-key", "custom"}
# CSL-JSON's camelCase aliases
ALIASES = {"shortTitle": "title-short", "journalAbbreviation": "container-title-short",
           "event": "event-title"}  # CSL 1.0.1's name of the event variable

_OPEN_TAGS = {"nocase": '<span class="nocase">', "italic": "<i>", "bold": "<b>",
              "smallcaps": '<span style="font-variant:small-caps;">', "sup": "<sup>", "sub": "<sub>"}
_CLOSE_TAGS = {"nocase": "</span>", "italic": "</i>", "bold": "</b>", "smallcaps": "</span>",
               "sup": "</sup>", "sub": "</sub>"}
_TAG = re.compile(r'<(/?)(i|b|sup|sub|span)(\s+(?:class="nocase"|style="font-variant:\s*small-caps;?"))?\s*>')


# --------------------------------------------------------------------------- markup


def text_to_markup(text: str) -> str:
    """Marked text -> CSL rich-text markup (math and raw LaTeX stay as plain text)."""
    marks = [m for m in getattr(text, "marks", ()) if m.kind in _OPEN_TAGS]
    if not marks:
        return str(text)
    s = str(text)
    events: list[tuple[int, int, int, int, str]] = []
    for idx, m in enumerate(marks):
        # at one position: closings before openings; outer openings first, inner closings first
        events.append((m.start, 1, -m.end, idx, _OPEN_TAGS[m.kind]))
        events.append((m.end, 0, -m.start, -idx, _CLOSE_TAGS[m.kind]))
    events.sort()
    out, pos = [], 0
    for at, _, _, _, tag in events:
        out.append(s[pos:at])
        out.append(tag)
        pos = at
    out.append(s[pos:])
    return "".join(out)


def markup_to_text(value: str) -> Text:
    """CSL rich-text markup -> marked text; unknown tags stay as text."""
    if "<" not in value:
        return Text(value)
    out: list[str] = []
    length = 0
    stack: list[tuple[str, int]] = []
    marks: list[Mark] = []
    pos = 0
    for m in _TAG.finditer(value):
        chunk = value[pos : m.start()]
        out.append(chunk)
        length += len(chunk)
        pos = m.end()
        closing, tag, attr = m.group(1), m.group(2), m.group(3) or ""
        if tag == "span":
            kind = "nocase" if "nocase" in attr else ("smallcaps" if "small-caps" in attr else None)
            if closing:
                kind = stack[-1][0] if stack and stack[-1][0] in ("nocase", "smallcaps") else None
        else:
            kind = {"i": "italic", "b": "bold", "sup": "sup", "sub": "sub"}[tag]
        if kind is None:
            out.append(m.group(0))
            length += len(m.group(0))
            continue
        if closing:
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == kind:
                    _, start = stack.pop(k)
                    if length > start:
                        marks.append(Mark(start, length, kind))
                    break
        else:
            stack.append((kind, length))
    out.append(value[pos:])
    return Text("".join(out), marks)


# --------------------------------------------------------------------------- entry <-> dict


def name_to_csl(name: Name) -> dict:
    if name.literal:
        return {"literal": name.literal}
    out = {}
    if name.family:
        out["family"] = name.family
    if name.given:
        out["given"] = name.given
    if name.particle:
        out["non-dropping-particle"] = name.particle
    if name.dropping_particle:
        out["dropping-particle"] = name.dropping_particle
    if name.suffix:
        out["suffix"] = name.suffix
    return out


#: How ``csl_to_entry`` tells its caller about a value of the wrong JSON type:
#: ``note(severity, variable, message)``; the caller adds the file, line and item id.
Note = Callable[[str, str, str], None]

#: The standard text and number variables of the CSL-JSON schema: a list or object given for
#: one of these is a malformed item (other keys are the source's own and kept aside silently).
STANDARD_VARIABLES = frozenset(
    "abstract annote archive archive_collection archive_location archive-place authority "
    "call-number chapter-number citation-label collection-number collection-title "
    "container-title container-title-short dimensions division edition event event-title "
    "event-place genre issue jurisdiction keyword language license locator medium note number "
    "number-of-pages number-of-volumes original-publisher original-publisher-place "
    "original-title page page-first part-number part-title printing-number publisher "
    "publisher-place references reviewed-genre reviewed-title scale section source status "
    "supplement-number title title-short version volume volume-title volume-title-short "
    "year-suffix DOI ISBN ISSN PMCID PMID URL".split()
)
_NAME_PARTS = {"family": "family", "given": "given", "non-dropping-particle": "particle",
               "dropping-particle": "dropping_particle", "suffix": "suffix", "literal": "literal"}


def _ignore(_severity: str, _variable: str, _message: str) -> None:
    return None


def _short(value, limit: int = 40) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _name_from_csl(data, note: Note = _ignore, var: str = "author", index: int = 1) -> Name | None:
    """One CSL name object as a Name; None (reported) when nothing usable is in it."""
    if isinstance(data, str):
        if not data.strip():
            return None
        from bibkit.names import parse_name

        note("error", var, f"name {index} is a string {_short(data)}, not a name object; "
                           "read as a BibTeX name")
        return parse_name(data)
    if not isinstance(data, dict):
        note("error", var, f"name {index} is {_short(data)}, not a name object; skipped")
        return None
    parts = {}
    for key, attr in _NAME_PARTS.items():
        value = data.get(key)
        if value is None or isinstance(value, bool):
            continue
        if isinstance(value, (int, float)):
            value = str(value)
        if not isinstance(value, str):
            note("error", var, f"name {index}: {key} is {_short(value)}, not text; ignored")
            continue
        if value.strip():
            parts[attr] = value
    if parts.get("literal"):
        return Name(literal=parts["literal"])
    if not parts.get("family") and not parts.get("given"):
        note("error", var, f"name {index} {_short(data)} has no family, given or literal part; skipped")
        return None
    parts.pop("literal", None)
    return Name(**parts)


def _names_from_csl(var: str, value, note: Note = _ignore) -> list[Name]:
    """A CSL name list; a lone string or object (common hand-written mistakes) is read as the
    list it was meant to be, and reported."""
    if isinstance(value, str):
        from bibkit.names import parse_names

        if not value.strip():
            return []
        note("error", var, f"is a string {_short(value)}, not a list of name objects; "
                           "read as BibTeX names")
        return list(parse_names(value).names)
    if isinstance(value, dict):
        note("error", var, "is one name object, not a list of them; read as a list of one")
        value = [value]
    if value is None:
        return []
    if not isinstance(value, list):
        note("error", var, f"is {_short(value)}, not a list of name objects; skipped")
        return []
    return [n for n in (_name_from_csl(v, note, var, i) for i, v in enumerate(value, 1)) if n is not None]


def _date_value(var: str, value, note: Note = _ignore):
    """The usable part of a CSL date value; what is not usable is reported."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        note("error", var, f"is the number {value}, not a date object; read as {{\"raw\": \"{value}\"}}")
        return {"raw": str(value)}
    if isinstance(value, str) or value is None:
        return value
    if not isinstance(value, dict):
        note("error", var, f"is {_short(value)}, not a date object; skipped")
        return None
    parts = value.get("date-parts")
    if parts is None:
        return value
    if isinstance(parts, list) and parts and all(isinstance(x, (int, str)) for x in parts):
        note("error", var, f"date-parts {_short(parts)} is not a list of lists; read as [{_short(parts)}]")
        parts = [parts]
    if not isinstance(parts, list) or not all(isinstance(p, list) for p in parts):
        note("error", var, f"date-parts {_short(parts)} is not a list of [year, month, day] lists; ignored")
        return {k: v for k, v in value.items() if k != "date-parts"} or None
    clean = []
    for date in parts[:2]:
        nums = []
        for x in date[:3]:
            if isinstance(x, bool) or not (isinstance(x, int) or (isinstance(x, str) and x.strip().lstrip("-").isdigit())):
                break
            nums.append(int(x))
        if len(nums) < len(date[:3]):
            kept = f"kept {nums}" if nums else "not used"
            note("error", var, f"date-parts {_short(date)} are not all numbers; {kept}")
        if nums:
            clean.append(nums)
        elif clean:
            break
    out = {k: v for k, v in value.items() if k != "date-parts"}
    if clean:
        out["date-parts"] = clean
    return out or None


def _text_value(var: str, value, note: Note = _ignore):
    """A text or number variable as a scalar: a list of scalars (Crossref's ``"ISSN": [...]``,
    ``"container-title": [...]``) is joined; an object is not text (None)."""
    if isinstance(value, list) and all(isinstance(x, (str, int, float)) and not isinstance(x, bool) for x in value):
        joined = ", ".join(str(x) for x in value if str(x).strip())
        if joined:
            note("warning", var, f"is a list {_short(value)}, not text; read as {_short(joined)}")
        return joined or None
    if value is None:
        return None
    if isinstance(value, bool):
        note("error", var, f"is {_short(value)}, not text; skipped")
        return None
    if not isinstance(value, (str, int, float)):
        note("warning", var, f"is {_short(value)}, not text; kept aside, not formatted")
        return None
    return value


def entry_to_csl(entry: Entry) -> dict:
    """A canonical entry as a CSL-JSON item (valid against the official schema)."""
    item: dict = {"id": entry.key or f"item-{id(entry)}", "type": entry.type if entry.type in CSL_TYPES else "document"}
    if entry.key:
        item["citation-key"] = entry.key
    for role, names in entry.names.items():
        if role in NAME_VARIABLES and names.names:
            item[role] = [name_to_csl(n) for n in names.names]
    for role, date in entry.dates.items():
        if role in DATE_VARIABLES and date:
            item[role] = date_to_csl(date)
    for var, value in entry.fields.items():
        item[var] = text_to_markup(value)
    subtitle = entry.extra.get("subtitle")
    if subtitle and "title" in item:
        from bibkit.latex import decode
        item["title"] = f"{item['title']}: {text_to_markup(decode(subtitle))}"
    ids = entry.ids
    for var, attr in ID_VARIABLES.items():
        value = getattr(ids, attr)
        if value:
            item[var] = written_doi(entry) if attr == "doi" else value
    custom: dict = {}
    if ids.arxiv:
        custom["arxiv"] = ids.arxiv + ids.arxiv_version
        if ids.arxiv_class:
            custom["arxiv-class"] = ids.arxiv_class
        if "container-title" not in item and "publisher" not in item:
            item["publisher"] = "arXiv"
            item.setdefault("number", f"arXiv:{ids.arxiv}{ids.arxiv_version}")
            custom["arxiv-publisher"] = True
        if "URL" not in item:
            item["URL"] = f"https://arxiv.org/abs/{ids.arxiv}{ids.arxiv_version}"
            custom["arxiv-url"] = True
    if entry.extra:
        custom["extra"] = dict(entry.extra)
    if entry.source_type:
        custom["source-type"] = entry.source_type
    others = [role for role, names in entry.names.items() if names.others]
    if others:
        custom["and-others"] = others
    inferred = [role for role, d in entry.dates.items() if d.inferred]
    if inferred:
        custom["inferred-dates"] = inferred
    meta = {k: v for k, v in entry.meta.items() if not k.startswith("_") and k not in _WRITER_META and _jsonable(v)}
    if meta:
        custom["meta"] = meta
    if custom:
        item["custom"] = {"bibkit": custom}
    return item


#: meta that only serves another writer, or that the item itself already says (the DOI's spelling)
_WRITER_META = frozenset({"bibtex_raw", "bibtex_verbatim", DOI_AS_WRITTEN})


def _jsonable(value) -> bool:
    try:
        json.dumps(value)
        return True
    except (TypeError, ValueError):
        return False


def csl_to_entry(item: dict, source: Source | None = None, note: Note | None = None) -> Entry:
    """A CSL-JSON item (dict) as a canonical entry.

    A value of the wrong JSON type (a name list given as a string, a name without any part, an
    edition given as a list, date-parts that are not numbers) is read for what is usable in it
    and told to ``note`` -- never turned into character-split or ``None`` text.
    """
    note = note or _ignore
    custom = item.get("custom") if isinstance(item.get("custom"), dict) else {}
    bk = custom.get("bibkit", {}) if isinstance(custom.get("bibkit"), dict) else {}
    key = item.get("citation-key") or item.get("id")
    etype = str(item.get("type", "document"))
    entry = Entry(key=str(key) if key not in (None, "") else None,
                  type=etype if etype in CSL_TYPES else "document", source=source,
                  source_type=str(bk.get("source-type", "")))
    if etype not in CSL_TYPES:
        entry.extra["csl-type"] = etype
    others = set(bk.get("and-others", []))
    inferred = set(bk.get("inferred-dates", []))
    for var, value in item.items():
        var = ALIASES.get(var, var)
        if var in SKIP_VARIABLES:
            continue
        if var in NAME_VARIABLES:
            entry.names[var] = NameList(_names_from_csl(var, value, note), var in others)
        elif var in DATE_VARIABLES:
            date = date_from_csl(_date_value(var, value, note))
            if date is not None:
                if var in inferred:
                    from dataclasses import replace
                    date = replace(date, inferred=True)
                entry.dates[var] = date
        elif var in STANDARD_VARIABLES and _text_value(var, value, note) is None:
            if value not in (None, "", []) and not isinstance(value, bool):
                entry.extra[var] = json.dumps(value, ensure_ascii=False)
        elif var == "subtitle" and isinstance(value, list):
            # Crossref's list of subtitles: bibkit's subtitle is text (appended to the title)
            text = _text_value(var, value)
            if text:
                entry.extra[var] = str(text)
        elif var in ID_VARIABLES:
            attr = ID_VARIABLES[var]
            text = str(_text_value(var, value))
            if attr == "doi":
                doi = normalize_doi(text)
                entry.ids.doi = doi or text
                if doi and bare_doi(text) != doi:  # compared lower-case, written as the source wrote it
                    entry.meta[DOI_AS_WRITTEN] = bare_doi(text)
            else:
                setattr(entry.ids, attr, text)
        elif var in STANDARD_VARIABLES:
            if var not in entry.fields:
                entry.fields[var] = markup_to_text(str(_text_value(var, value)))
        elif isinstance(value, (str, int, float)):
            if var not in entry.fields:
                entry.fields[var] = markup_to_text(str(value))
        else:
            entry.extra[var] = json.dumps(value, ensure_ascii=False)
    if bk.get("arxiv"):
        entry.ids.arxiv, entry.ids.arxiv_version = parse_arxiv(str(bk["arxiv"]))
        entry.ids.arxiv_class = str(bk.get("arxiv-class", ""))
        if bk.get("arxiv-publisher"):
            entry.fields.pop("publisher", None)
            if entry.fields.get("number", "").startswith("arXiv:"):
                entry.fields.pop("number")
        if bk.get("arxiv-url"):
            entry.ids.url = ""
    elif entry.fields.get("number", "").lower().startswith("arxiv:"):
        entry.ids.arxiv, entry.ids.arxiv_version = parse_arxiv(entry.fields["number"])
    for name, value in (bk.get("extra") or {}).items():
        entry.extra[str(name)] = str(value)
    _split_subtitle(entry)
    if isinstance(bk.get("meta"), dict):
        entry.meta.update(bk["meta"])
    return entry


def _split_subtitle(entry: Entry) -> None:
    """Undo what :func:`entry_to_csl` did to a kept subtitle: CSL has no subtitle variable, so
    the title it wrote is ``title: subtitle`` while the subtitle itself rides in ``custom``.
    Reading that item back gives the entry its own title again, so a second conversion does
    not append the subtitle twice."""
    subtitle = entry.extra.get("subtitle")
    title = entry.fields.get("title")
    if not subtitle or title is None:
        return
    from bibkit.latex import decode

    tail = ": " + decode(subtitle)
    if str(title).endswith(tail):
        end = len(title) - len(tail)
        marks = [m for m in getattr(title, "marks", ()) if m.end <= end]
        entry.fields["title"] = Text(title[:end], marks)
