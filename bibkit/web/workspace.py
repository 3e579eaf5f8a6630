"""What the page of ``bibkit serve`` works on: the user's documents, read and changed as the CLI would.

The server keeps no state between requests. Every request carries the documents (pasted text
and dropped files, each with a name) and the user's choices; this module reads them with the
same importers, checks, duplicate finder, key generator, exporters and CSL engine as the
commands, so the page and the CLI cannot disagree (the page's .bib of a listing is
``bibkit convert``'s, byte for byte). Names are labels only: no file is ever opened by a name a
client sent. Everything wrong with a request is a :class:`RequestError` with the HTTP status
that says so; everything wrong with the user's references is a ``Problem``, shown on the page.
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
from typing import Any

from bibkit import api, registry
from bibkit.diagnostics import BibkitError, Problem
from bibkit.io import decode_bytes
from bibkit.keypattern import PatternError
from bibkit.keys import DEFAULT_PATTERN, POLICIES, add_aliases, assign_keys
from bibkit.model import Entry, Library

#: at most this many documents in one request (a page with more is not a person's session)
MAX_DOCUMENTS = 200
#: at most this many identifiers looked up in one request
MAX_LOOKUPS = 100
#: markup names of the format preview (``bibkit format --to``) and what they are called here
MARKUPS = ("text", "html", "markdown")
#: formats the Out section writes besides the exporters: the formatted reference list
FORMATTED = "formatted"
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


def _string(value: Any, what: str, *, limit: int | None = None, empty: bool = True) -> str:
    if not isinstance(value, str):
        raise RequestError(f"{what} must be a string")
    if not empty and not value.strip():
        raise RequestError(f"{what} must not be empty")
    if limit is not None and len(value) > limit:
        raise RequestError(f"{what} is longer than {limit} characters")
    return value


def check_name(name: Any) -> str:
    """A document name as a label: a file name, never a path (``../x``, ``C:\\x``, ``a/b``)."""
    name = _string(name, "a document name", limit=255, empty=False)
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
                raw = base64.b64decode(_string(item["data"], f"the data of {name}"), validate=True)
            except (binascii.Error, ValueError):
                raise RequestError(f"the data of {name!r} is not base64") from None
            text, problems = decode_bytes(raw, name)
        else:
            text = _string(item.get("text", ""), f"the text of {name}")
        out.append(Document(name, text, fmt, problems))
    return out


def choices(payload: dict) -> Choices:
    """The key and merge choices of a request (``keys: {pattern, rekey, policy}``, ``merge: [ids]``)."""
    keys = payload.get("keys") or {}
    if not isinstance(keys, dict):
        raise RequestError("keys must be an object")
    pattern = _string(keys.get("pattern") or DEFAULT_PATTERN, "the key pattern", limit=500)
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


def finding_dict(finding, n: int) -> dict:
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
        imp = api._choose_importer(doc.text, doc.name, doc.format) if doc.text.strip() else None
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


# --------------------------------------------------------------------------- formatting


class _Engines:
    """CSL processors by (style, locale), kept for the next preview (parsing APA takes longer
    than formatting 500 entries with it); bounded, and one request at a time per processor."""

    def __init__(self, size: int = 8):
        self.size = size
        self.lock = threading.Lock()
        self.cache: OrderedDict[tuple[str, str | None], tuple[Any, threading.Lock]] = OrderedDict()

    def get(self, style: str, locale: str | None) -> tuple[Any, threading.Lock]:
        key = (style, locale)
        with self.lock:
            if key in self.cache:
                self.cache.move_to_end(key)
                return self.cache[key]
        engine = _engine(style, locale)
        with self.lock:
            self.cache[key] = (engine, threading.Lock())
            while len(self.cache) > self.size:
                self.cache.popitem(last=False)
            return self.cache[key]


def _engine(style: str, locale: str | None):
    """``bibkit format``'s processor for an installed style named by the client, never a path or URL."""
    from bibkit.cli.format import _engine as engine

    if style.startswith(("http:", "https:", "bibtex:")) or "/" in style or "\\" in style or style.endswith(".csl"):
        raise RequestError(f"style {style!r}: give the name of an installed CSL style, not a path or URL", 422)
    try:
        return engine(style, locale)
    except BibkitError as exc:
        raise RequestError(str(exc), 422) from None


ENGINES = _Engines()


def format_list(library: Library, style: str, locale: str | None, markup: str) -> tuple[str, str, list[Problem]]:
    """The reference list and a sample citation of the first entries, as ``bibkit format`` and
    ``bibkit cite`` write them."""
    from bibkit.cli.format import _csl_items, _failure_problems, _join

    if markup not in MARKUPS:
        raise RequestError(f"unknown markup {markup!r} (choose from {', '.join(MARKUPS)})")
    if locale is not None and not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", locale):
        raise RequestError(f"{locale!r} is not a locale name such as en-US")
    engine, lock = ENGINES.get(style, locale)
    problems: list[Problem] = []
    items = _csl_items(library.entries, problems)
    failures: list = []
    with lock:
        entries = engine.bibliography(items, format=markup, failures=failures)
        sample = ""
        if items:  # the first two entries cited together, as ``bibkit cite`` would cite them
            group = [{"id": item["id"]} for item in items[:2]]
            sample = engine.citations([group], items[:2], format=markup, failures=[], number_all=True)[0]
    problems.extend(_failure_problems(failures, library.entries, items))
    return _join(entries, markup), sample, problems


# --------------------------------------------------------------------------- output


def tidy_options(payload: Any):
    """``bibkit tidy``'s options from the page (the same names, with dashes as underscores)."""
    from dataclasses import replace

    from bibkit.transforms.tidy import DEFAULT_LAYOUT, TidyOptions  # tidy's own layout, whichever module holds it

    if not isinstance(payload, dict):
        raise RequestError("tidy must be an object of bibkit tidy's options")

    def words(name: str) -> tuple[str, ...]:
        value = payload.get(name) or ""
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        return tuple(v.strip() for v in _string(value, name, limit=1000).split(",") if v.strip())

    def number(name: str, low: int, high: int, default: int) -> int:
        value = payload.get(name, default)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise RequestError(f"{name} must be a whole number from {low} to {high}")
        return value

    delimiters = payload.get("delimiters") or "keep"
    if delimiters not in ("keep", "curly", "quotes"):
        raise RequestError("delimiters must be keep, curly or quotes")
    layout = replace(DEFAULT_LAYOUT, indent="\t" if payload.get("tab") else " " * number("indent", 0, 16, 2),
                     align=number("align", 0, 80, 0), wrap=number("wrap", 0, 1000, 0),
                     trailing_commas=bool(payload.get("trailing_commas")),
                     blank_lines=bool(payload.get("blank_lines", True)))
    return TidyOptions(
        sort=words("sort"), sort_fields=words("sort_fields"), omit=words("omit"),
        remove_empty_fields=bool(payload.get("remove_empty_fields")),
        remove_url_if_doi=bool(payload.get("remove_url_if_doi")), delimiters=delimiters,
        numeric=bool(payload.get("numeric")), months=bool(payload.get("months")),
        lowercase=bool(payload.get("lowercase")), enclosing_braces=words("enclosing_braces"),
        max_authors=number("max_authors", 0, 1000, 0), strip_comments=bool(payload.get("strip_comments")),
        abbreviate_journals=bool(payload.get("abbreviate_journals")), layout=layout)


def export(docs: list[Document], chosen: Choices, to: str, *, unicode: bool = False, tidy: Any = None,
           style: str = "apa", locale: str | None = None, markup: str = "text") -> dict:
    """The whole library in ``to``: an exporter's name, or ``formatted`` (the reference list).

    BibTeX and BibLaTeX are written as ``bibkit convert`` writes them, then, when the user set
    any of ``tidy``'s options, laid out by ``bibkit tidy``'s code.
    """
    from bibkit.loss import loss_problems

    if to != FORMATTED and to not in registry.exporter_names():
        raise RequestError(f"no exporter named {to!r} (installed: {', '.join(registry.exporter_names())})")
    # as ``convert`` reads for its output format (``format`` reads without the option)
    options = {} if to == FORMATTED else {"resolve_crossref": to not in ("bibtex", "biblatex")}
    ws = build(docs, chosen, **options)
    problems = list(ws.library.problems)
    if to == FORMATTED:
        text, _sample, more = format_list(ws.library, style, locale, markup)
        problems += more
        extension = {"text": ".txt", "html": ".html", "markdown": ".md"}[markup]
    else:
        text = api.dumps(ws.library, to, unicode=unicode)
        problems += loss_problems(ws.library, to, False)
        extension = registry.exporter(to).extension or ".txt"
        if tidy and to in ("bibtex", "biblatex"):
            from bibkit.transforms.tidy import tidy_text

            result = tidy_text(text, tidy_options(tidy), f"references{extension}")
            text = result.text
            problems += result.problems
    return {"text": text, "filename": f"references{extension}", "entries": len(ws.library.entries),
            "problems": [problem_dict(p) for p in problems if p.severity != "info"]}


def preview(docs: list[Document], chosen: Choices, style: str, locale: str | None, markup: str) -> dict:
    """The Format section's live preview: the list and a sample citation."""
    ws = build(docs, chosen)
    text, sample, problems = format_list(ws.library, style, locale, markup)
    return {"bibliography": text, "citation": sample, "entries": len(ws.library.entries),
            "problems": [problem_dict(p) for p in ws.library.problems + problems if p.severity != "info"]}


# --------------------------------------------------------------------------- look-ups


def lookup(texts: Any, timeout: float) -> dict:
    """Entries for DOIs, arXiv ids, ISBNs, URLs or titles, found as ``bibkit add`` finds them
    (same sources, same on-disk cache); each look-up that fails or times out is one problem,
    and the others still come back. The result is BibTeX text the page adds as a document."""
    from bibkit.enrich import EnrichConfig, HttpClient, Resolver, add_identifiers

    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise RequestError("identifiers must be a list of strings")
    texts = [" ".join(t.split()) for t in texts if t.strip()]
    if not texts:
        raise RequestError("give at least one identifier or title")
    if len(texts) > MAX_LOOKUPS:
        raise RequestError(f"at most {MAX_LOOKUPS} look-ups at once")
    if any(len(t) > 1000 for t in texts):
        raise RequestError("an identifier or title is longer than 1000 characters")
    http = HttpClient(EnrichConfig.from_env(timeout=timeout))
    try:
        report = add_identifiers(texts, Resolver(http))
    finally:
        http.close()
    found = [o.entry for o in report.outcomes if o.status == "filled"]
    assign_keys(found)
    problems = [problem_dict(p) for p in report.problems]
    problems += [{"file": "", "line": None, "severity": "error", "code": "source-failed", "message": line,
                  "text": line} for line in report.source_errors]
    return {"text": api.dumps(Library.of(found), "bibtex", unicode=True) if found else "",
            "entries": len(found), "problems": problems}
