"""CSL-JSON's cite flags ``suppress-author`` and ``author-only`` (what narrative citations,
``:cite:t:`` and pandoc's ``@key``, are made of) print as citeproc-js prints them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bibkit.csl import Processor
from bibkit.csl.styles import find_style

ITEMS = json.loads((Path(__file__).parent / "data" / "citeproc_js_differences.json").read_text(encoding="utf-8"))
GROUPS = [
    [{"id": "smith-a", "suppress-author": True}],
    [{"id": "smith-b", "author-only": True}],
    [{"id": "bede", "author-only": True}],
    [{"id": "bede", "suppress-author": True, "locator": "3", "label": "page"}],
    [{"id": "xray"}, {"id": "llama", "suppress-author": True}],
]


def _cites(style: str) -> list[str]:
    info = find_style(style)
    return Processor(info.xml, locale=info.default_locale or "en-US").citations(GROUPS, ITEMS)


def test_suppress_author_drops_the_names_and_author_only_keeps_only_them():
    assert _cites("apa") == ["(2020a)", "Smith et al.", "Bede", "(731, p. 3)", "(Bragg, 1913; 2023)"]


def test_author_only_in_a_numeric_style_takes_the_bibliographys_names():
    # citeproc-js prints nothing here ([NO_PRINTED_FORM]); a narrative cite needs a name
    assert _cites("ieee")[1:3] == ["A. Smith, B. Jones, and C. Doe", "V. Bede"]


@pytest.mark.parametrize("style", ["apa", "chicago-author-date"])
def test_cite_flags_match_citeproc_js(style):
    from tests.test_citeproc_js_parity import _node, citeproc_js

    _node()
    info = find_style(style)
    lang = info.default_locale or "en-US"
    theirs = citeproc_js(info.xml, ITEMS, lang, citations=GROUPS)["citations"]
    assert _cites(style) == theirs
