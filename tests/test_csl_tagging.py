"""The tagging backend: the text is the text backend's, and each variable's characters are known."""
from __future__ import annotations

import pytest

from bibkit.csl import Processor
from bibkit.csl.tagging import tagged_bibliography

ITEM = {
    "id": "x", "type": "article-journal", "title": "Memory for narratives",
    "author": [{"family": "Antony", "given": "James"}, {"family": "Chen", "given": "Janice"}],
    "container-title": "Journal of Cognitive Neuroscience", "volume": "36", "issue": "11",
    "page": "2368-2385", "issued": {"date-parts": [[2024]]}, "DOI": "10.1162/jocn_a_02113",
}


@pytest.mark.parametrize("style", ["apa", "ieee", "nature", "modern-language-association", "chicago-author-date"])
def test_tagged_text_equals_the_text_backend(style):
    (text, _), = tagged_bibliography(style, [ITEM])
    assert text == Processor(style).bibliography([ITEM])[0]


def test_each_variable_labels_its_own_characters():
    (text, spans), = tagged_bibliography("apa", [ITEM])
    got = {name: text[a:b] for a, b, name in spans}
    assert got["author"] == "Antony, J., & Chen, J."
    assert got["title"] == "Memory for narratives"
    assert got["container-title"] == "Journal of Cognitive Neuroscience"
    assert got["page"] == "2368–2385"
    assert got["issued"] == "2024"
    assert "10.1162/jocn_a_02113" in got["DOI"]


def test_affixes_and_labels_of_an_element_belong_to_its_span():
    (text, spans), = tagged_bibliography("modern-language-association", [ITEM])
    pages = [text[a:b] for a, b, n in spans if n == "page"]
    assert "".join(pages).startswith("pp.")


def test_spans_never_overlap():
    for style in ("apa", "ieee", "harvard-cite-them-right"):
        (text, spans), = tagged_bibliography(style, [ITEM])
        ends = 0
        for a, b, _ in spans:
            assert a >= ends and b <= len(text)
            ends = b
