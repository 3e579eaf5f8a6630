"""Telling a card's title from its abstract when nothing separates them."""
from __future__ import annotations

import json

from bibkit.api import load
from bibkit.formats.listing_split import abbreviation_spans, split_title_abstract
from tests.conftest import require_shared


def test_title_never_ends_on_a_function_word():
    # "for Language | Large pre-trained ..." not "for | Language Large ..."
    s = split_title_abstract("pNLP-Mixer: an Efficient all-MLP Architecture for Language Large pre-trained "
                             "language models based on transformer architecture have changed NLP.")
    assert s.title == "pNLP-Mixer: an Efficient all-MLP Architecture for Language"


def test_abbreviation_long_form_opens_the_abstract_as_one_unit():
    s = split_title_abstract("MADGF: Multi-Agent Data Generation Framework Automatic Speech Recognition (ASR) "
                             "systems predominantly cater to monolingual inputs.")
    assert s.title == "MADGF: Multi-Agent Data Generation Framework"
    assert s.abstract.startswith("Automatic Speech Recognition (ASR)")


def test_schwartz_hearst_finds_long_forms_with_hyphens_and_inner_letters():
    tokens = "Models Fine-tuning Low-rank adaptation (LoRA) and".split()
    assert abbreviation_spans(tokens) == [(2, 4)]
    tokens = "Ratio Large Language Models (LLM) often".split()
    assert abbreviation_spans(tokens) == [(1, 4)]
    assert abbreviation_spans("the model (see below) works".split()) == []


def test_typical_abstract_opening_beats_a_longer_title():
    s = split_title_abstract("AutoMix: Automatically Mixing Language Models Large language models (LLMs) are "
                             "now available in various sizes.")
    assert s.title == "AutoMix: Automatically Mixing Language Models"
    assert s.confidence > 0.5


def test_sentence_case_title_ends_where_the_first_capitalised_sentence_starts():
    s = split_title_abstract("Synthesizing mixed-integer linear programming models from natural language "
                             "descriptions Numerous real-world decision-making problems can be formulated.")
    assert s.title == "Synthesizing mixed-integer linear programming models from natural language descriptions"


def test_never_splits_inside_math():
    s = split_title_abstract("Bounds for $f(x) We propose$ Networks We propose a better network that works.")
    assert s.title == "Bounds for $f(x) We propose$ Networks"


def test_body_with_no_abstract_gets_low_confidence():
    s = split_title_abstract("Alpha Beta Gamma Delta Epsilon Zeta")
    assert s.confidence < 0.5
    assert split_title_abstract("Alone").title == "Alone"


def test_all_seed_gold_titles_and_abstracts_are_exact():
    gold_path = require_shared("examples", "seed_sample_gold.jsonl")
    listing = require_shared("examples", "papers-listing.txt")
    golds = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_line = {e.source.line: e for e in load(listing, "listing").entries}
    wrong = [(g["line"], g["title"], by_line[g["line"]].title) for g in golds if by_line[g["line"]].title != g["title"]]
    assert wrong == []
    assert len(golds) == 20
    for g in golds:
        e = by_line[g["line"]]
        assert e.extra["author-count"] == str(g["authors_count"])
        assert e.extra.get("urls", "").split() == g["urls"]
        assert e.dates["issued"].inferred == g["year_inferred"]
