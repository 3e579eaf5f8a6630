"""bibkit's CSL engine prints the same reference lists as citeproc-js, the reference processor.

Both engines get identical input: the CSL-JSON items bibkit's exporter makes
(``entry_to_csl``), the same independent style XML (``resolve_style``), the same locale files
(``bibkit/csl/locales``) and the same locale. Output is plain text (and HTML for the corpus
sample, citeproc-js's ``csl-entry`` wrapper removed), compared entry by entry.

Needs Node and ``tests/js/node_modules`` (``npm ci --prefix tests/js``); skipped where missing,
a failure under ``CI=true``.

Full parity is the goal but the engine is young, so the gate is a ratchet, like the CSL
test-suite floor: ``tests/js/parity_floor.json`` records how many entries of each
(style, input) are already identical, and the test fails when fewer are -- printing the
differing entries side by side. ``BIBKIT_PARITY_STRICT=1`` demands every entry be identical;
``BIBKIT_PARITY_UPDATE=1`` raises the floor to today's counts as the engine improves (it never
lowers one: that is a deliberate, reviewed edit of the JSON file). Inputs without a recorded floor (a new example
file) must match entry for entry.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import IN_CI, ROOT, require_shared, require_tool

JS_DIR = ROOT / "tests" / "js"
HELPER = JS_DIR / "citeproc_render.js"
LOCALES = ROOT / "bibkit" / "csl" / "locales"
FLOOR_FILE = JS_DIR / "parity_floor.json"
STRICT = os.environ.get("BIBKIT_PARITY_STRICT", "") not in ("", "0")
UPDATE = os.environ.get("BIBKIT_PARITY_UPDATE", "") not in ("", "0")

#: the common styles users ask for, and the project's own shipped style: every comparison
STYLES = ["apa", "ieee", "chicago-author-date", "modern-language-association", "nature",
          "bibkit-numeric"]

#: more popular styles, compared on the corpus slice's bibliography (text) to keep CI short:
#: ACM, ACS, AMA, Harvard, Springer, Elsevier, Vancouver, Turabian, Chicago notes and the
#: journals researchers submit to most
MORE_STYLES = ["association-for-computing-machinery", "american-chemical-society",
               "american-medical-association", "harvard-cite-them-right",
               "springer-basic-author-date", "springer-lecture-notes-in-computer-science",
               "elsevier-harvard", "elsevier-with-titles", "vancouver-nlm",
               "turabian-notes-bibliography", "chicago-notes-bibliography",
               "american-sociological-association", "american-political-science-association",
               "cell", "science", "the-lancet", "bmj", "royal-society-of-chemistry"]

#: A slice of a real reading bibliography (entries of mixed types, messy names and fields).
CORPUS_SAMPLE = ("corpus", "large", "jgrey-main.bib")
CORPUS_SAMPLE_START = 6_000_000  # byte offset: well into the 2000s-2010s years
CORPUS_SAMPLE_ENTRIES = 120


def _example_files() -> list[Path]:
    folder = ROOT / "examples"
    return sorted([*folder.glob("*.bib"), *folder.glob("*.json")])


def _node() -> str:
    node = require_tool("node")
    if not (JS_DIR / "node_modules" / "citeproc").is_dir():
        message = "citeproc-js is not installed: run `npm ci --prefix tests/js`"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return node


def citeproc_js(style_xml: str, items: list[dict], lang: str, citations=None, fmt: str = "text") -> dict:
    """Run the Node helper on one job; returns its JSON answer."""
    job = {
        "style": style_xml,
        "locales_dir": str(LOCALES),
        "items": items,
        "lang": lang,
        "format": fmt,
        "citations": citations or [],
    }
    done = subprocess.run(
        [_node(), str(HELPER)],
        check=False,
        input=json.dumps(job),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )
    assert done.returncode == 0, f"citeproc-js helper failed:\n{done.stderr}"
    return json.loads(done.stdout)


def _items_from_library(library) -> list[dict]:
    from bibkit.model_csl import entry_to_csl

    items = [entry_to_csl(entry) for entry in library.entries]
    seen: set[str] = set()
    unique = []
    for item in items:  # both engines need unique ids; a duplicate key is not a formatting test
        if str(item.get("id")) not in seen:
            seen.add(str(item.get("id")))
            unique.append(item)
    return unique


def _load_example(path: Path) -> list[dict]:
    import bibkit

    return _items_from_library(bibkit.load(path))


def _load_corpus_sample() -> list[dict]:
    import bibkit

    path = require_shared(*CORPUS_SAMPLE)
    text = path.read_text(encoding="utf-8", errors="replace")
    start = text.index("\n@", CORPUS_SAMPLE_START) + 1
    end = start
    for _ in range(CORPUS_SAMPLE_ENTRIES):
        nxt = text.find("\n@", end + 1)
        if nxt < 0:
            break
        end = nxt
    return _items_from_library(bibkit.loads(text[start:end], "bibtex"))


def _floors() -> dict[str, dict]:
    try:
        return json.loads(FLOOR_FILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def _record_floor(key: str, identical: int, same_order: bool) -> None:
    """Raise the floor to today's result; it never goes down (lowering is a reviewed hand edit)."""
    floors = _floors()
    old = floors.get(key, {"identical": 0, "same_order": False})
    floors[key] = {"identical": max(identical, old["identical"]),
                   "same_order": same_order or old["same_order"]}
    FLOOR_FILE.write_text(json.dumps(dict(sorted(floors.items())), indent=2) + "\n", encoding="utf-8")


def _compare(ours: list[str], theirs: list[str]) -> tuple[int, bool, list[tuple[str, str]]]:
    """Entries identical in text (wherever they sit), whether the order agrees, and the rest.

    Matching by text rather than by position keeps one sorting disagreement from making every
    later entry look different; the order is checked separately.
    """
    ours = [e.strip() for e in ours]
    theirs = [e.strip() for e in theirs]
    left = Counter(ours)
    right = Counter(theirs)
    common = left & right
    identical = sum(common.values())
    remaining = common.copy()
    only_ours, only_theirs = [], []
    for entry in ours:
        if remaining[entry] > 0:
            remaining[entry] -= 1
        else:
            only_ours.append(entry)
    remaining = common.copy()
    for entry in theirs:
        if remaining[entry] > 0:
            remaining[entry] -= 1
        else:
            only_theirs.append(entry)
    # order: the entries both engines made, in each engine's order
    ours_common = [e for e in ours if e in common]
    theirs_common = [e for e in theirs if e in common]
    return identical, ours_common == theirs_common, list(zip(only_ours, only_theirs))


def _assert_same(key: str, ours: list[str], theirs: list[str]) -> None:
    """Entry-by-entry comparison against the recorded floor (see the module docstring)."""
    assert len(ours) == len(theirs), (
        f"{key}: bibkit made {len(ours)} entries, citeproc-js {len(theirs)}"
    )
    identical, same_order, differing = _compare(ours, theirs)
    if UPDATE:
        _record_floor(key, identical, same_order)
    floor = _floors().get(key)
    strict = STRICT or floor is None
    need_identical = len(ours) if strict else floor["identical"]
    need_order = True if strict else floor["same_order"]
    report = "\n".join(
        f"  bibkit:      {a!r}\n  citeproc-js: {b!r}" for a, b in differing[:8]
    )
    assert identical >= need_identical, (
        f"{key}: {identical} of {len(ours)} entries identical to citeproc-js, "
        f"{need_identical} required; differing entries (paired in order):\n{report}"
    )
    if need_order:
        assert same_order, f"{key}: the identical entries are sorted differently from citeproc-js"


def _bibkit_bibliography(style: str, items: list[dict], fmt: str = "text") -> tuple[list[str], str, str]:
    from bibkit.csl import Processor
    from bibkit.csl.styles import find_style

    info = find_style(style)
    lang = info.default_locale or "en-US"
    ours = Processor(info.xml, locale=lang).bibliography(items, format=fmt)
    return ours, info.xml, lang


_CSL_ENTRY = re.compile(r'^\s*<div class="csl-entry">\s*(.*?)\s*</div>\s*$', re.DOTALL)


def _unwrap_html(entry: str) -> str:
    """citeproc-js's entry without its csl-entry wrapper and the layout newlines inside it.

    bibkit returns the entry's content; the CLI adds the wrapper, as citeproc-js does.
    """
    match = _CSL_ENTRY.match(entry)
    inner = match.group(1) if match else entry
    return re.sub(r"</div>\s+<div", "</div><div", inner)


def _cases() -> list:
    cases = [pytest.param(style, "corpus-sample", id=f"{style}-corpus-sample")
             for style in STYLES + MORE_STYLES]
    for path in _example_files():
        for style in STYLES:
            cases.append(pytest.param(style, path.name, id=f"{style}-{path.name}"))
    return cases


@pytest.mark.parametrize(("style", "source"), _cases())
def test_bibliography_text_matches_citeproc_js(style: str, source: str):
    _node()
    items = _load_corpus_sample() if source == "corpus-sample" else _load_example(ROOT / "examples" / source)
    assert items, f"{source} gave no entries"
    ours, xml, lang = _bibkit_bibliography(style, items)
    theirs = citeproc_js(xml, items, lang)["bibliography"]
    _assert_same(f"bibliography/{style}/{source}", ours, theirs)


@pytest.mark.parametrize("style", STYLES)
def test_bibliography_html_matches_citeproc_js(style: str):
    """Markup too: italics, escaping and the margin divs of numeric styles."""
    _node()
    items = _load_corpus_sample()
    ours, xml, lang = _bibkit_bibliography(style, items, fmt="html")
    theirs = [_unwrap_html(e) for e in citeproc_js(xml, items, lang, fmt="html")["bibliography"]]
    _assert_same(f"html/{style}/corpus-sample", ours, theirs)


def test_examples_folder_has_files_to_compare():
    """The parity run is only meaningful on the project's example files."""
    if not _example_files():
        message = "examples/ has no .bib or .json files yet"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.mark.parametrize("style", STYLES + ["chicago-notes-bibliography"])
def test_citations_match_citeproc_js(style: str):
    """The helper's ``makeCitationCluster`` renders every group as a first cite, while bibkit
    numbers the groups as consecutive notes: in a note style the last two groups (items cited
    again) are short forms in bibkit and full ones in citeproc-js; the floor records that."""
    _node()
    from bibkit.csl import Processor
    from bibkit.csl.styles import find_style

    items = _load_corpus_sample()[:30]
    ids = [str(item["id"]) for item in items]
    groups = [[{"id": i}] for i in ids[:10]]
    groups.append([{"id": ids[0], "locator": "12", "label": "page"}, {"id": ids[5]}])
    groups.append([{"id": ids[7], "prefix": "see ", "suffix": " for more"}])
    info = find_style(style)
    lang = info.default_locale or "en-US"
    ours = Processor(info.xml, locale=lang).citations(groups, items, format="text")
    theirs = citeproc_js(info.xml, items, lang, citations=groups)["citations"]
    _assert_same(f"citations/{style}/corpus-sample", ours, theirs)
