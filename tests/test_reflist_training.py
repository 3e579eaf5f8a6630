"""Training data: CSL renderings labelled through the tagging backend, AnyStyle's XML, noise."""
from __future__ import annotations

import random

from bibkit.reflist import LABELS
from bibkit.reflist.tokens import attach_punctuation, fill_gaps, label_tokens
from bibkit.reflist.training import (VAR_LABELS, _split_volume, add_noise, anystyle_sequences,
                                     is_held_out, locale_terms, rendered_sequences, synthetic_sequences)
from tests.conftest import require_shared

ITEMS = [
    ({"id": "a", "type": "article-journal", "title": "Memory for narratives",
      "author": [{"family": "Antony", "given": "James"}, {"family": "Chen", "given": "Janice"}],
      "container-title": "Journal of Cognitive Neuroscience", "volume": "36", "issue": "11",
      "page": "2368-2385", "issued": {"date-parts": [[2024]]}}, ""),
    ({"id": "b", "type": "book", "title": "The TeXbook", "author": [{"family": "Knuth", "given": "Donald E."}],
      "publisher": "Addison-Wesley", "publisher-place": "Reading, MA", "issued": {"date-parts": [[1984]]}}, ""),
]


def test_tokens_take_the_label_of_the_variable_covering_their_letters():
    text = "Antony, J. (2024). Memory. J Cog, 36(11), 1-9."
    def at(part, var):
        i = text.index(part)
        return (i, i + len(part), var)
    spans = [at("Antony, J.", "author"), at("2024", "issued"), at("Memory", "title"),
             at("J Cog", "container-title"), at("36", "volume"), at("11", "issue"), at("1-9", "page")]
    labels = label_tokens(text, spans, VAR_LABELS)
    assert labels == ["author", "author", "date", "title", "container", "container", "volume", "pages"]


def test_a_token_holding_two_fields_is_labelled_by_where_it_starts():
    text = "Nature 2015; 518(7540):529. Phys. 6(10), 1978;36(1):1-12."
    def at(part, var, start=0):
        i = text.index(part, start)
        return (i, i + len(part), var)
    spans = [at("Nature", "container-title"), at("2015", "issued"), at("518", "volume"), at("7540", "issue"),
             at("529", "page"), at("Phys.", "container-title"), at("6", "volume", text.index("6(10)")),
             at("10", "issue"), at("1978", "issued"), at("36", "volume", text.index("36(1)")),
             at("1", "issue", text.index("(1)")), at("1-12", "page")]
    labels = label_tokens(text, spans, VAR_LABELS)
    assert labels == ["container", "date", "volume", "container", "volume", "date"]


def test_anystyle_volume_spans_are_split_into_volume_and_issue():
    def split(text):
        words = text.split()
        return _split_volume(words, ["volume"] * len(words))
    assert split("vol. 16, no. 2,") == ["volume", "volume", "issue", "issue"]
    assert split("12 (3),") == ["volume", "issue"]
    assert split("16, 1,") == ["volume", "issue"]
    assert split("36(11):") == ["volume"]
    assert split("Heft 14") == ["issue", "issue"]
    assert split("3 vols.") == ["volume", "volume"]


def test_locale_terms_file_is_what_the_locales_say():
    import json
    from importlib import resources
    shipped = json.loads(resources.files("bibkit.reflist").joinpath("terms.json").read_text("utf-8"))
    terms = locale_terms()
    assert shipped == terms, "regenerate with: python scripts/train_reflist.py --write-terms"
    assert terms["str"] == "pp" and terms["ur"] == "ed" and terms["hrsg"] == "ed" and terms["dans"] == "in"
    assert "von" not in terms and "program" not in terms


def test_punctuation_tokens_join_the_previous_field_and_opening_marks_the_next():
    words = "S. Alupoaei et S. Katkoori : « Ant Colony » , tvlsis , 12 ( 2004 ) .".split()
    model = ["author"] * 5 + ["title", "author", "title", "title", "container", "container", "container",
                              "title", "volume", "date", "date", "pages", "pages"]
    assert attach_punctuation(words, model) == (
        ["author"] * 6 + ["title", "title", "title", "title", "title", "container", "container",
                          "volume", "date", "date", "date", "date"])
    assert attach_punctuation(["(", "Smith", "2001)"], ["date", "author", "date"]) == ["author", "author", "date"]


def test_unlabelled_words_join_the_next_field_and_punctuation_the_previous():
    words = ["Doe,", "J.", "In", "Book", "–", "Retrieved", "from", "http://x.org"]
    labels = ["author", "author", None, "container", None, None, None, "url"]
    assert fill_gaps(words, labels) == ["author", "author", "container", "container", "container",
                                        "note", "note", "url"]


def test_rendered_sequences_label_every_word_with_a_known_label():
    seqs = rendered_sequences("apa", [it for it, _ in ITEMS])
    assert len(seqs) == 2
    for words, labels in seqs:
        assert len(words) == len(labels) and set(labels) <= set(LABELS)
    book = next(s for s in seqs if "TeXbook." in s[0])
    assert dict(zip(*book))["Addison-Wesley."] == "publisher"


def test_synthetic_data_is_deterministic_for_a_seed():
    def make(seed):
        return synthetic_sequences(ITEMS, ["apa", "ieee", "nature"], 2, random.Random(seed))
    assert make(3) == make(3)
    assert len(make(3)) == 6


def test_noise_keeps_words_and_labels_aligned():
    rnd = random.Random(0)
    words = "Antony, J., Lozano, A., Dhoat, P., Chen, J., & Bennion, K. (2024). Causal organization.".split()
    labels = ["author"] * 11 + ["date", "title", "title"]
    for _ in range(200):
        w, lab = add_noise((words, labels), rnd)
        assert len(w) == len(lab) and all(w)


def test_held_out_styles_are_a_fixed_share():
    assert is_held_out("apa") == is_held_out("apa")
    assert 0.03 < sum(is_held_out(f"style-{i}") for i in range(2000)) / 2000 < 0.1


def test_anystyle_labels_are_mapped_onto_ours():
    seqs = anystyle_sequences(str(require_shared("refstrings", "anystyle", "core.xml")))
    assert len(seqs) == 1514
    assert all(set(labels) <= set(LABELS) for _, labels in seqs)
