"""Key assignment: existing keys kept, uniqueness with suffixes, policies, re-keying with aliases."""
from __future__ import annotations

import random

import pytest
from hypothesis import given, settings, strategies as st

from bibkit.api import dumps, loads
from bibkit.keys import add_aliases, aliases_of, assign_keys, suffix


def lib(bib: str):
    return loads(bib, "bibtex")


SAME_BASE = r"""
@article{, author={Smith, John}, title={Widgets for Everyone}, year=2020}
@article{, author={Smith, Jane}, title={Widgets in Space}, year=2020}
@article{, author={Smith, Ann}, title={Widgets Again}, year=2020, journal={J}}
"""


def test_suffixes_continue_past_z():
    assert [suffix(n) for n in (1, 2, 26, 27, 28, 52, 53, 702, 703)] == [
        "a", "b", "z", "aa", "ab", "az", "ba", "zz", "aaa"]


def test_missing_keys_are_filled_and_existing_keys_kept():
    entries = lib(r"""
@article{myOwnKey, author={Doe, J}, title={Kept}, year=2000}
@article{, author={Doe, J}, title={Filled}, year=2001}
""").entries
    changes = assign_keys(entries)
    assert changes == {}
    assert [e.key for e in entries] == ["myOwnKey", "doe2001filled"]


def test_collisions_second_gets_a_by_default():
    entries = lib(SAME_BASE).entries
    assign_keys(entries)
    assert sorted(e.key for e in entries) == ["smith2020widgets", "smith2020widgetsa", "smith2020widgetsb"]


@pytest.mark.parametrize("policy, keys", [
    ("second-a", ["smith2020widgets", "smith2020widgetsa", "smith2020widgetsb"]),
    ("second-b", ["smith2020widgets", "smith2020widgetsb", "smith2020widgetsc"]),
    ("always", ["smith2020widgetsa", "smith2020widgetsb", "smith2020widgetsc"]),
])
def test_suffix_policies(policy, keys):
    entries = lib(SAME_BASE).entries
    assign_keys(entries, policy=policy)
    assert sorted(e.key for e in entries) == keys


def test_always_policy_leaves_a_key_without_collision_bare():
    entries = lib(r"@article{, author={Solo, H}, title={Alone}, year=1999}").entries
    assign_keys(entries, policy="always")
    assert entries[0].key == "solo1999alone"


def test_uniqueness_is_case_insensitive_and_respects_existing_keys():
    entries = lib(r"""
@article{Smith2020Widgets, author={Smith, Old}, title={Old}, year=2019}
@article{, author={Smith, John}, title={Widgets for Everyone}, year=2020}
""").entries
    assign_keys(entries)
    assert entries[0].key == "Smith2020Widgets"
    assert entries[1].key == "smith2020widgetsa"


def test_more_than_26_collisions_get_double_letters():
    bib = "\n".join(f"@article{{, author={{Smith, A}}, title={{Widgets {i}}}, year=2020}}" for i in range(30))
    entries = lib(bib).entries
    assign_keys(entries)
    keys = {e.key for e in entries}
    assert len(keys) == 30
    assert {"smith2020widgets", "smith2020widgetsz", "smith2020widgetsaa", "smith2020widgetsac"} <= keys


def test_keys_do_not_depend_on_input_order():
    bib = SAME_BASE + r"""
@article{, author={Smith, John}, title={Widgets for Everyone}, year=2020, note={a near twin}}
@misc{, title={DeepSeek-R1: Incentivizing Reasoning}, year=2025}
@misc{, title={DeepSeek-R1: Another Title}, year=2025}
"""
    reference = None
    for seed in range(8):
        entries = lib(bib).entries
        random.Random(seed).shuffle(entries)
        assign_keys(entries)
        result = sorted((e.key, e.title, e.get("note")) for e in entries)
        reference = reference or result
        assert result == reference


def test_rekey_returns_the_map_and_adds_ids_aliases():
    entries = lib(r"""
@article{old1, author={Doe, J}, title={First Paper}, year=2000, ids={older}}
@article{doe2001second, author={Doe, J}, title={Second Paper}, year=2001}
""").entries
    changes = assign_keys(entries, rekey=True)
    assert changes == {"old1": "doe2000first"}
    assert aliases_of(entries[0]) == ["older", "old1"]
    assert aliases_of(entries[1]) == []
    assert "ids = {older, old1}" in dumps(entries, "biblatex")


def test_rekey_with_a_custom_pattern():
    entries = lib(r"@article{k, author={Doe, J}, title={First Paper}, year=2000}").entries
    assert assign_keys(entries, "[auth][year]", rekey=True) == {"k": "Doe2000"}


def test_add_aliases_never_adds_the_own_key_or_duplicates():
    e = lib(r"@article{k, title={T}, IDS={a, b}}").entries[0]
    add_aliases(e, ["B", "k", "c"])
    assert aliases_of(e) == ["a", "b", "c"]
    assert "ids" not in e.extra and e.extra["IDS"] == "a, b, c"


def test_unknown_policy_is_an_error():
    with pytest.raises(ValueError):
        assign_keys([], policy="nope")


_names = st.sampled_from(["Smith, John", "Smith, Jane", "Müller, Jörg", "{World Health Organization}", ""])
_titles = st.sampled_from(["Widgets", "Widgets Again", "The Widgets", "Über Widgets", "DeepSeek-R1: X", ""])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_names, _titles, st.sampled_from([2019, 2020, None]), st.booleans()), min_size=1, max_size=12),
       st.randoms(use_true_random=False))
def test_property_shuffling_never_changes_keys(rows, rnd):
    def build():
        parts = []
        for i, (author, title, year, keyed) in enumerate(rows):
            fields = [f"title={{{title}}}"]
            if author:
                fields.append(f"author={{{author}}}")
            if year:
                fields.append(f"year={year}")
            key = f"given{i % 3}" if keyed else ""
            parts.append(f"@article{{{key}, {', '.join(fields)}}}")
        return loads("\n".join(parts), "bibtex").entries

    def keyed(entries):
        assign_keys(entries)
        return sorted((e.key, e.title, e.year or 0, str(e.authors.names)) for e in entries)

    first = build()
    second = build()
    rnd.shuffle(second)
    assert keyed(first) == keyed(second)


@pytest.mark.parametrize("policy, key", [("second-a", "doe2000papera"), ("second-b", "doe2000paperb"),
                                         ("always", "doe2000paperb")])
def test_a_new_entry_colliding_with_an_existing_key_gets_the_next_suffix(policy, key):
    entries = lib(r"""
@article{doe2000paper, author={Doe, J}, title={Old Paper}, year=2000}
@article{, author={Doe, J}, title={Paper}, year=2000}
""").entries
    assign_keys(entries, policy=policy)
    assert [e.key for e in entries] == ["doe2000paper", key]
