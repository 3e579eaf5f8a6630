"""What the page of ``bibkit serve`` works on: the user's documents, read and changed as the CLI would.

The server keeps no state between requests. Every request carries the documents (pasted text
and dropped files, each with a name) and the user's choices; this module reads them with the
same importers, checks, duplicate finder and key generator as the commands (and
:mod:`bibkit.web.output` writes them with the same exporters and CSL engine), so the page and
the CLI cannot disagree (the page's .bib of a listing is ``bibkit convert``'s, byte for byte).
Names are labels only: no file is ever opened by a name a client sent. Everything wrong with a
request is a :class:`RequestError` with the HTTP status that says so; everything wrong with the
user's references is a ``Problem``, shown on the page.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import pickle
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bibkit import api, registry
from bibkit.diagnostics import BibkitError, Problem
from bibkit.io import decode_bytes
from bibkit.keypattern import PatternError
from bibkit.keys import DEFAULT_PATTERN, POLICIES, add_aliases, assign_keys
from bibkit.model import Entry, Library

if TYPE_CHECKING:
    from bibkit.check import Finding

#: at most this many documents in one request (a page with more is not a person's session)
MAX_DOCUMENTS = 200
#: file-name characters a document name may not hold: it is a label, never a path
_NOT_A_NAME = re.compile(r"[/\\\x00-\x1f\x7f]")


class RequestError(Exception):
    """A request the server refuses: ``status`` is the HTTP status, the message says why."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass
class Document:
    """One input as the page holds it: a name (a label, with the extension that tells the
    format), its text, and the format when the user named one."""

    name: str
    text: str
    format: str | None = None
    problems: list[Problem] = field(default_factory=list)  # from decoding a dropped file's bytes


@dataclass
class Choices:
    """What the user chose for the whole page, as the CLI's options."""

    pattern: str = DEFAULT_PATTERN
    rekey: bool = False
    policy: str = "second-a"
    merge: tuple[str, ...] = ()  # ids of the duplicate groups to merge
    threshold: float | None = None


# --------------------------------------------------------------------------- reading requests


def text_value(value: Any, what: str, *, limit: int | None = None, empty: bool = True) -> str:
    if not isinstance(value, str):
        raise RequestError(f"{what} must be a string")
    if not empty and not value.strip():
        raise RequestError(f"{what} must not be empty")
    if limit is not None and len(value) > limit:
        raise RequestError(f"{what} is longer than {limit} characters")
    return value


def check_name(name: Any) -> str:
    """A document name as a label: a file name, never a path (``../x``, ``C:\\x``, ``a/b``)."""
    name = text_value(name, "a document name", limit=255, empty=False)
    if _NOT_A_NAME.search(name) or name in (".", "..") or ":" in name[1:3]:
        raise RequestError(f"document name {name!r} must be a file name, not a path")
    return name


def documents(payload: dict) -> list[Document]:
    """The ``documents`` of a request: ``[{"name", "text"}]``, or ``"data"`` (base64 bytes of a
    dropped file, decoded as the CLI decodes a file) instead of ``text``; ``"format"`` optional."""
    docs = payload.get("documents", [])
    if not isinstance(docs, list):
        raise RequestError("documents must be a list")
    if len(docs) > MAX_DOCUMENTS:
        raise RequestError(f"at most {MAX_DOCUMENTS} documents at once")
    out: list[Document] = []
    seen: set[str] = set()
    importers = set(registry.importer_names())
    for item in docs:
        if not isinstance(item, dict):
            raise RequestError("each document must be an object with a name and a text")
        name = check_name(item.get("name"))
        if name in seen:
            raise RequestError(f"two documents are named {name!r}")
        seen.add(name)
        fmt = item.get("format") or None
        if fmt is not None and fmt not in importers:
            raise RequestError(f"no importer named {fmt!r} (installed: {', '.join(sorted(importers))})")
        problems: list[Problem] = []
        if "data" in item:
            try:
                raw = base64.b64decode(text_value(item["data"], f"the data of {name}"), validate=True)
            except (binascii.Error, ValueError):
                raise RequestError(f"the data of {name!r} is not base64") from None
            text, problems = decode_bytes(raw, name)
        else:
            text = text_value(item.get("text", ""), f"the text of {name}")
        out.append(Document(name, text, fmt, problems))
    return out


def choices(payload: dict) -> Choices:
    """The key and merge choices of a request (``keys: {pattern, rekey, policy}``, ``merge: [ids]``)."""
    keys = payload.get("keys") or {}
    if not isinstance(keys, dict):
        raise RequestError("keys must be an object")
    pattern = text_value(keys.get("pattern") or DEFAULT_PATTERN, "the key pattern", limit=500)
    policy = keys.get("policy") or "second-a"
    if policy not in POLICIES:
        raise RequestError(f"unknown key policy {policy!r} (choose from {', '.join(POLICIES)})")
    merge = payload.get("merge") or []
    if not isinstance(merge, list) or not all(isinstance(m, str) for m in merge):
        raise RequestError("merge must be a list of duplicate-group ids")
    threshold = payload.get("threshold")
    if threshold is not None and (not isinstance(threshold, (int, float)) or not 50 <= threshold <= 100):
        raise RequestError("threshold must be a number from 50 to 100")
    return Choices(pattern, bool(keys.get("rekey")), policy, tuple(merge), threshold)


# --------------------------------------------------------------------------- the library


class _Parsed:
    """Documents already read, as pickles: the page sends the same documents with every request
    (three at once after each change), and unpickling 500 entries takes a fifth of reading them.
    Each request gets its own copy to change. Bounded in count and bytes."""

    def __init__(self, count: int = 64, size: int = 64 * 1024 * 1024):
        self.count, self.size = count, size
        self.lock = threading.Lock()
        self.items: OrderedDict[tuple, bytes] = OrderedDict()
        self.bytes = 0

    def read(self, doc: Document, options: dict) -> Library:
        digest = hashlib.sha256(doc.text.encode("utf-8", "surrogatepass")).hexdigest()
        key = (doc.name, doc.format, digest, tuple(sorted(options.items())))
        with self.lock:
            data = self.items.get(key)
            if data is not None:
                self.items.move_to_end(key)
        if data is not None:
            return pickle.loads(data)
        library = api.loads(doc.text, doc.format, name=doc.name, **options)
        try:
            data = pickle.dumps(library, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
            return library  # a plugin's entries that do not pickle are read again next time
        with self.lock:
            if key not in self.items and len(data) <= self.size // 4:
                self.items[key] = data
                self.bytes += len(data)
                while len(self.items) > self.count or self.bytes > self.size:
                    _, old = self.items.popitem(last=False)
                    self.bytes -= len(old)
        return library


PARSED = _Parsed()


def load(docs: list[Document], **options) -> Library:
    """Every document read as ``bibkit.loads`` reads it (format from the name, then the content)."""
    library = Library()
    for doc in docs:
        library.problems.extend(doc.problems)
        try:
            part = PARSED.read(doc, options)
        except BibkitError as exc:
            library.problems.append(Problem(str(exc), doc.name, None, "error", "io"))
            continue
        library.extend(part)
    return library


def where(entry: Entry, index: int) -> str:
    """An entry's id on the page: ``file:line`` where it was read (its index when it has no line)."""
    source = entry.source
    if source is not None and source.line is not None:
        return f"{source.file}:{source.line}"
    return f"{source.file if source else '<input>'}#{index}"


def group_id(members: list[str]) -> str:
    """A duplicate group's id: its members' places, stable while the documents do not change."""
    return " + ".join(members)


@dataclass
class Workspace:
    """The documents read, the chosen groups merged and keys given: what every output starts from."""

    library: Library
    groups: list[dict]  # duplicate groups found before merging (id, members, matches, merged)
    ids: dict[int, str]  # id(entry) -> its place (merged entries: the kept member's)


def build(docs: list[Document], chosen: Choices, *, groups: bool = False, **options) -> Workspace:
    """Read, merge the groups the user chose to merge, give keys: as ``convert`` when nothing is chosen.

    Duplicates are looked for when a group is to be merged or ``groups`` asks for the list."""
    from bibkit.transforms.dedupe import DEFAULT_THRESHOLD, find_duplicates
    from bibkit.transforms.merge import merge_group

    library = load(docs, **options)
    entries = library.entries
    ids = {id(e): where(e, i) for i, e in enumerate(entries)}
    found = find_duplicates(entries, chosen.threshold or DEFAULT_THRESHOLD) if groups or chosen.merge else []
    listed: list[dict] = []
    replaced: dict[int, Entry | None] = {}
    for group in found:
        members = [ids[id(e)] for e in group.entries]
        gid = group_id(members)
        merged = gid in chosen.merge
        listed.append({"id": gid, "members": members, "merged": merged,
                       "keys": [e.key or "(no key)" for e in group.entries],
                       "matches": [{"a": ids[id(entries[m.a])], "b": ids[id(entries[m.b])], "rule": m.rule,
                                    "score": round(m.score, 1), "why": m.detail} for m in group.matches]})
        if merged:
            entry, _conflicts, aliases = merge_group(group.entries)
            add_aliases(entry, aliases)
            ids[id(entry)] = members[0]
            replaced[id(group.entries[0])] = entry
            for other in group.entries[1:]:
                replaced[id(other)] = None
    if replaced:
        library.replace_entries([replaced.get(id(e), e) for e in entries
                                 if replaced.get(id(e), e) is not None])
    try:
        assign_keys(library.entries, chosen.pattern, rekey=chosen.rekey, policy=chosen.policy)
    except (PatternError, ValueError) as exc:
        raise RequestError(str(exc), 422) from None
    return Workspace(library, listed, ids)


# --------------------------------------------------------------------------- what the page shows


def problem_dict(problem: Problem) -> dict:
    """A problem as the page shows it: the CLI's ``file:line: message`` line and its parts."""
    return {"file": problem.file, "line": problem.line, "severity": problem.severity, "code": problem.code,
            "message": problem.message, "text": str(problem)}


def _authors(entry: Entry, limit: int = 3) -> str:
    names = list(entry.authors) or list(entry.names.get("editor", []))
    shown = [n.display() for n in names[:limit]]
    more = len(names) > limit or entry.authors.others
    return "; ".join(shown) + (" et al." if more and shown else "")


def _findings(docs: list[Document], model: str) -> tuple[list, Library]:
    """``bibkit check``'s findings over the documents, read with raw values as check reads files."""
    from bibkit.check import run_checks

    if model not in ("auto", "bibtex", "biblatex"):
        raise RequestError("model must be auto, bibtex or biblatex")
    library = load(docs, keep_raw=True)
    return run_checks(library, model=model, show_progress=False), library


def _owner(findings: list, starts: dict[str, list[tuple[int, str]]]) -> dict[int, str | None]:
    """Which entry each finding belongs to: the last entry of its file starting at or before its line."""
    import bisect

    out: dict[int, str | None] = {}
    for n, f in enumerate(findings):
        rows = starts.get(f.file)
        owner = None
        if rows and f.line is not None:
            i = bisect.bisect_right(rows, (f.line, "\uffff")) - 1
            owner = rows[i][1] if i >= 0 else None
        out[n] = owner
    return out


def finding_dict(finding: "Finding", n: int) -> dict:
    out = finding.as_dict()
    out["id"] = n
    out["text"] = str(finding)
    if finding.fix is not None:
        out["fix"] = {"line": finding.fix.line, "old": finding.fix.old, "new": finding.fix.new,
                      "description": finding.fix.description}
    return out


def overview(docs: list[Document], chosen: Choices, model: str = "auto") -> dict:
    """Everything the See-and-fix section shows: entries with their findings, other problems,
    duplicate groups, and each document's detected format and entry count."""
    ws = build(docs, chosen, groups=True)
    findings, checked = _findings(docs, model)
    starts: dict[str, list[tuple[int, str]]] = {}
    for i, entry in enumerate(checked.entries):  # the places findings speak of, before merging
        if entry.source is not None and entry.source.line is not None:
            starts.setdefault(entry.source.file, []).append((entry.source.line, where(entry, i)))
    for rows in starts.values():
        rows.sort()
    owners = _owner(findings, starts)
    per_entry: dict[str, list[dict]] = {}
    general: list[dict] = []
    for n, finding in enumerate(findings):
        row = finding_dict(finding, n)
        if owners[n] is not None:
            per_entry.setdefault(owners[n], []).append(row)
        else:
            general.append(row)
    rows = []
    counts: dict[str, int] = {}
    shown = {ws.ids.get(id(e), "") for e in ws.library.entries}
    for place, items in per_entry.items():  # an entry merged away: its findings stay in sight
        if place not in shown:
            general.extend(items)
    for entry in ws.library.entries:
        place = ws.ids.get(id(entry), "")
        file = entry.source.file if entry.source else ""
        counts[file] = counts.get(file, 0) + 1
        rows.append({"id": place, "key": entry.key or "", "authors": _authors(entry), "year": entry.year or "",
                     "title": str(entry.title), "type": entry.source_type or entry.type,  # as the input says
                     "source": place, "format": entry.source.format if entry.source else "",
                     "findings": per_entry.get(place, [])})
    formats = {}
    for doc in docs:
        # the CLI's choice: the named format, else the name's extension, else the content
        imp = api.choose_importer(doc.text, doc.name, doc.format) if doc.text.strip() else None
        formats[doc.name] = imp.name if imp is not None else None
    severities = [f.severity for f in findings]
    return {
        "entries": rows,
        "problems": general,
        "duplicates": ws.groups,
        "documents": [{"name": d.name, "format": formats[d.name], "entries": counts.get(d.name, 0)} for d in docs],
        "summary": {"entries": len(rows), "errors": severities.count("error"),
                    "warnings": severities.count("warning"), "duplicates": len(ws.groups)},
    }


def fix(docs: list[Document], wanted: list[int], model: str = "auto") -> dict:
    """The documents with the fixes of the findings numbered ``wanted`` (as :func:`overview`
    numbered them) applied, by the same edit routine as ``bibkit check --fix``."""
    from bibkit.check import fix_text

    findings, _library = _findings(docs, model)
    chosen = [findings[n] for n in wanted if isinstance(n, int) and 0 <= n < len(findings)
              and findings[n].fix is not None]
    fixed, messages = 0, []
    out = []
    for doc in docs:
        mine = [f for f in chosen if f.fix.file == doc.name]
        text = doc.text
        if mine:
            text, done, notes = fix_text(doc.text, mine, doc.name)
            fixed += len(done)
            messages.extend(notes)
        out.append({"name": doc.name, "text": text, **({"format": doc.format} if doc.format else {})})
    return {"documents": out, "fixed": fixed, "messages": messages}
