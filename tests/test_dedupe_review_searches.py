"""Dedupe on the labelled systematic-review searches of bib-dedupe's benchmark (issue 21).

The sets in ``../shared/dedupe-sr/`` are real multi-database exports with the reviewers'
duplicate groups. Each set is written as a .bib (record ID as key) and deduplicated as
``bibkit dedupe`` does; the score is bib-dedupe's own metric. The floor: no record removed that
is not a duplicate, and a sensitivity no lower than bib-dedupe's published figures
(``benchmarks/bench_dedupe_sr.py`` measures both tools in one run and times them).
"""
from __future__ import annotations

import importlib.util
import sys

import pytest

from bibkit.api import load
from bibkit.transforms.merge import dedupe_library
from tests.conftest import ROOT, require_shared

#: bib-dedupe 0.11's sensitivity on each set (its published figures; FP 0 on each)
PEER = {"cytology_screening": 0.9922, "haematology": 0.8889, "respiratory": 0.9358, "special_cases": 0.3333}


def _bench():
    spec = importlib.util.spec_from_file_location("bench_dedupe_sr", ROOT / "benchmarks" / "bench_dedupe_sr.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", sorted(PEER))
def test_no_false_removal_and_at_least_bib_dedupes_sensitivity(name, tmp_path):
    folder = require_shared("dedupe-sr", name)
    bench = _bench()
    bib = tmp_path / "records.bib"
    bench.csv_to_bib(folder / "records_pre_merged.csv", bib)
    result = dedupe_library(load(str(bib)))
    kept = {e.key for e in result.library.entries}
    figures = bench.score(bench.all_ids(folder), bench.true_groups(folder), kept)
    assert figures["FP"] == 0, figures
    assert figures["sensitivity"] >= PEER[name], figures
    for group in result.groups:  # every match says why
        assert all(m.detail for m in group.matches)
