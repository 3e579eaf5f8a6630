"""Floors under the shipped labeller's quality, measured as benchmarks/eval_reflist.py does.

The figures quoted in the README come from the benchmark (every held-out style); these tests
use a sample so that CI notices a change that makes the model or its features worse.
"""
from __future__ import annotations

from bibkit.reflist.evaluation import gold, held_out_styles


def test_gold_references_meet_the_issue_goals(shared):
    g = gold(shared)
    assert g["references"] == 1669
    assert g["token_accuracy"] >= 0.92
    assert min(g["f1"]["author"], g["f1"]["title"], g["f1"]["date"]) >= 0.95, g["f1"]


def test_held_out_styles_keep_their_span_f1(shared):
    h = held_out_styles(shared, 40, 20, seed=3)
    assert len(h["styles"]) >= 35 and h["references"] >= 600
    assert h["span_f1"] >= 0.93, h["by_label"]
