"""Key patterns: JabRef markers and modifiers, fallbacks, normalisation order."""
from __future__ import annotations

import pytest

from bibkit.api import loads
from bibkit.keypattern import PatternError, format_key, parse_pattern


def entry(bib: str):
    lib = loads(bib, "bibtex")
    assert not lib.has_errors, lib.problems
    return lib.entries[0]


VASWANI = entry(r"""@article{x, author={Vaswani, Ashish and Shazeer, Noam and Parmar, Niki},
  title={Attention Is All You Need}, year=2017, journal={Advances in Neural Information Processing Systems},
  pages={5998--6008}}""")


def test_default_pattern_is_author_year_first_significant_title_word():
    assert format_key(VASWANI) == "vaswani2017attention"


@pytest.mark.parametrize("pattern, key", [
    ("[auth][year]", "Vaswani2017"),
    ("[auth:upper]", "VASWANI"),
    ("[authEtAl]", "VaswaniEtAl"),
    ("[auth.etal]", "Vaswani.etal"),
    ("[auth.auth.ea]", "Vaswani.Shazeer.ea"),
    ("[authors]", "VaswaniShazeerParmar"),
    ("[authors2]", "VaswaniShazeerEtAl"),
    ("[authorsAlpha][shortyear]", "VSP17"),
    ("[auth3]", "Vas"),
    ("[auth4_2]", "Shaz"),
    ("[authorLast]", "Parmar"),
    ("[authForeIni][auth]", "AVaswani"),
    ("[shorttitle]", "AttentionIsAll"),
    ("[veryshorttitle]", "Attention"),
    ("[title]", "AttentionIsAllYouNeed"),
    ("[camel:abbr]", "AIAYN"),
    ("[journal:abbr]", "AiNIPS"),
    ("[auth:lower:truncate3]-[year]", "vas-2017"),
    ("[auth]_[firstpage]-[lastpage]", "Vaswani_5998-6008"),
    ("[YEAR]", "2017"),
    ("ref:[auth:lower]", "ref:vaswani"),
])
def test_jabref_markers_and_modifiers(pattern, key):
    assert format_key(VASWANI, pattern) == key


def test_and_others_is_never_a_name_but_makes_et_al():
    e = entry(r"@article{x, author={Artemenko, Alexander and others}, title={T}, year=2019}")
    assert format_key(e, "[auth][year]") == "Artemenko2019"
    assert format_key(e, "[authors]") == "Artemenko"
    assert format_key(e, "[authEtAl]") == "ArtemenkoEtAl"
    assert format_key(e, "[authorsAlpha]") == "A+"


def test_two_authors_joined_by_and():
    e = entry(r"@article{x, author={Knuth, Donald and Plass, Michael}, title={T}, year=1981}")
    assert format_key(e, "[authEtAl]") == "KnuthAndPlass"
    assert format_key(e, "[authorsAlpha]") == "KP"


def test_without_authors_title_words_carry_the_key():
    e = entry(r"@misc{x, title={DeepSeek-R1: Incentivizing Reasoning Capability in LLMs}, year=2025}")
    assert format_key(e) == "deepseekr1_2025"
    assert format_key(e, "[auth:lower][year]") == "deepseekr1_2025"


def test_without_authors_or_year_title_alone():
    e = entry(r"@misc{x, title={The Art of Computer Programming}}")
    assert format_key(e) == "art"


def test_better_bibtex_fallback_takes_the_first_alternative_that_succeeds():
    e = entry(r"@misc{x, title={Some Report}, year=2020, institution={CERN}}")
    assert format_key(e, "[auth:lower][year]|[institution:lower][year]") == "cern2020"
    assert format_key(VASWANI, "[auth:lower][year]|[institution:lower][year]") == "vaswani2017"


def test_default_modifier_fills_an_empty_marker():
    e = entry(r"@misc{x, title={Notes}}")
    assert format_key(e, "[auth:(anon)][year:(nd)]") == "anonnd"


def test_function_words_are_skipped_in_short_titles():
    e = entry(r"@article{x, author={Doe, J}, title={On the Theory of the Things}, year=2000}")
    assert format_key(e) == "doe2000theory"
    assert format_key(e, "[shorttitle]") == "TheoryThings"


def test_normalisation_decodes_latex_and_transliterates():
    e = entry(r"@article{x, author={M{\"o}{\ss}bauer, Rudolf and {\L}ukasiewicz, Jan}, title={{\"U}ber die Kerne}, year=1958}")
    assert format_key(e, "[auth][year]") == "Mossbauer1958"
    assert format_key(e, "[authorLast]") == "Lukasiewicz"
    assert format_key(e) == "mossbauer1958uber"


def test_non_latin_scripts_are_transliterated():
    e = entry(r"@article{x, author={Иванов, Иван}, title={Теория групп}, year=1990}")
    assert format_key(e) == "ivanov1990teoriya"


def test_characters_bibtex_rejects_never_reach_the_key():
    e = entry(r"@article{x, author={O'Brien, Pat}, title={{Why #1? (A \% study), = yes}}, year=2001}")
    key = format_key(e, "[auth][year][title]")
    assert key == "OBrien2001Why1aStudyYes"
    assert not set(key) & set(" \"#%'(),={}\\~")


def test_corporate_author_condensed_whole():
    e = entry(r"@techreport{x, author={{World Health Organization}}, title={World report on vision}, year=2019}")
    assert format_key(e, "[auth][year]") == "WorldHealthOrganization2019"
    assert format_key(e) == "worldhealthorganization2019world"


def test_particles_belong_to_the_family_name():
    e = entry(r"@article{x, author={van der Waals, Johannes}, title={On Continuity}, year=1873}")
    assert format_key(e, "[auth]") == "vanderWaals"


def test_bad_patterns_are_reported():
    with pytest.raises(PatternError):
        parse_pattern("[auth")
    with pytest.raises(PatternError):
        parse_pattern("[auth:nosuchmodifier]")


def test_entries_holding_only_an_identifier_are_keyed_by_it():
    import bibkit

    lib = bibkit.loads("10.1038/nature14539\narXiv:2501.12948\nhep-th/9901001\n", "listing")
    from bibkit.keys import assign_keys

    assign_keys(lib.entries)
    assert [e.key for e in lib.entries] == ["doi10_1038_nature14539", "arxiv2501_12948", "arxivhep_th_9901001"]
