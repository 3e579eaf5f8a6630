"""What the labeller sees of a reference beyond a word's two neighbours (feature set 4+)."""
from __future__ import annotations

from bibkit.reflist.features import FEATURE_VERSION, sequence_features


def features_of(text: str) -> dict[str, list[str]]:
    words = text.split()
    return dict(zip(words, sequence_features(words, FEATURE_VERSION)))


def test_words_after_a_segment_opening_in_know_it():
    f = features_of("Aly, M. 2017. How memory shapes attention. In The Hippocampus, pp. 369-403. Springer.")
    assert "AFTER_IN" not in f["attention."] and "AFTER_IN" in f["Hippocampus,"]
    assert "sf=in" in f["Hippocampus,"] and "sf=how" in f["attention."]


def test_a_lowercase_in_inside_a_title_is_not_a_container_marker():
    f = features_of("Doe, J. Memory in rats. Brain, 3, 1-9.")
    assert not any("AFTER_IN" in v for v in f.values())


def test_editors_printed_where_authors_stand_see_the_term_ahead():
    f = features_of("Dhillon, I.S., Koren, Y. eds. (2013) The 19th ACM SIGKDD Conference. ACM.")
    assert "ED_AHEAD" in f["Dhillon,"] and "ED_AHEAD" in f["Y."]
    assert "ED_AHEAD" not in f["Conference."]


def test_locale_terms_are_known_in_any_language():
    f = features_of("Woods, W. A.: An experimental system. R. Rustin (ur.), Algorithmics 1972, str. 113-154.")
    assert "T=ed" in f["(ur.),"] and "T=pp" in f["str."]
    f = features_of("Smith, J. 2001. Titel. Berlin: Springer. 5. Aufl. Mai 2001.")
    assert "MONTH" in f["Mai"]


def test_words_after_a_closed_quotation_know_it():
    f = features_of('Martin, W. "Translation of English," Project MAC, MIT, 1973.')
    assert "AFTER_Q" in f["Project"] and "AFTER_Q" not in f['"Translation']
