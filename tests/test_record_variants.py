"""What databases write differently about one record, folded before dedupe compares records."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bibkit.api import loads
from bibkit.transforms.dedupe import find_duplicates
from bibkit.transforms.record_variants import clean_title, container_key, first_page, last_page, name_tokens, part_number


def test_database_annotations_leave_the_title():
    assert clean_title("Findings to date from the ASCUS-LSIL Triage Study (ALTS). [Review] [23 refs]").strip() == \
        "Findings to date from the ASCUS-LSIL Triage Study (ALTS)."
    assert clean_title("Atypical HUS (multiple letters) [1]").strip() == "Atypical HUS"
    assert clean_title("A trial (Provisional abstract)").strip() == "A trial"
    assert clean_title("A trial [abstract no: 134]").strip() == clean_title("A trial [Abstract]").strip() == "A trial"
    assert clean_title("Gain of function.[Erratum appears in Proc Natl Acad Sci U S A. 2007 [x]].[Erratum").strip() \
        == "Gain of function."
    assert clean_title("More on eculizumab... N Engl J Med. 2009 Jan 29;360(5):544-6") == "More on eculizumab"
    assert clean_title("Liver transplantation in a child: Brief communication") == "Liver transplantation in a child"


def test_a_web_of_science_correction_stays_an_erratum():
    assert "erratum" in clean_title("Long-term effect of eculizumab (vol 85, pg 553, 2010)")


def test_page_and_number_forms():
    assert (first_page("943-5"), last_page("943-5")) == ("943", "945")
    assert (first_page("S417-S429"), last_page("S417-S429")) == ("417", "429")
    assert first_page("Suppl") == "" and last_page("81A") == ""
    assert part_number("Drug Discovery. 9") == "9" and part_number("09") == "9"


def test_journal_spellings_and_name_orders_meet():
    assert container_key("Obstetrical & Gynecological Survey") == container_key("Obstetrical and Gynecological Survey")
    assert container_key("The Lancet") == "lancet"
    assert "wu" in name_tokens("Ching-yi", "Wu", "") and "chingyi" in name_tokens("Ching-yi", "Wu", "")
    assert "schipper" in name_tokens("de-Schipper", "M.", "")


def test_an_accession_number_in_number_does_not_veto_a_match():
    records = "\n".join(
        f"@article{{r{i}{side}, author={{Author{i}, A.}}, title={{Study number {word} of pleural effusion treatment}},"
        f" journal={{{journal}}}, year=2000, volume={i + 1}, number={1000 + 2 * i + (side == 'b')}, pages={{{10 + i}-{20 + i}}}}}"
        for i, word in enumerate(["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota",
                                  "kappa"] * 6)
        for side, journal in (("a", "Chest"), ("b", "CHEST")))
    entries = loads(records, "bibtex").entries
    groups = find_duplicates(entries)
    assert len(groups) == len(entries) // 2
    assert all(len(g.indices) == 2 and g.entries[0].key[:-1] == g.entries[1].key[:-1] for g in groups)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_the_folding_helpers_take_any_text(text):
    clean_title(text)
    first_page(text)
    last_page(text)
    part_number(text)
    container_key(text)
    name_tokens(text, text, text)


def test_a_dissertation_abstract_and_the_thesis_are_one_work():
    entries = loads(r"""
@phdthesis{t, author={Wu, Ching-yi}, title={Sleep and pain in older adults}, school={Univ X}, year=2009}
@article{d, author={Wu, C.}, title={SLEEP AND PAIN IN OLDER ADULTS.}, year=2010,
  journal={Dissertation Abstracts International: Section B}, volume={70}, number={10}}
@article{p, author={Wu, Ching-yi}, title={Sleep and pain in older adults}, year=2010, journal={Pain}, volume={3}}
""", "bibtex").entries
    groups = find_duplicates(entries)
    assert [sorted(e.key for e in g.entries) for g in groups] == [["d", "t"]]  # the paper stays another work


def test_swapped_family_and_given_names_meet_in_one_journal():
    entries = loads(r"""
@article{a, author={Ching-yi, Wu and Lee, Ann}, title={Sleep quality of older adults in nursing homes}, year=2010,
  journal={J Clin Nurs}, volume={19}, pages={943-5}}
@article{b, author={Wu, Ching-yi}, title={Sleep quality of older adults in nursing homes}, year=2010,
  journal={Journal of Clinical Nursing}, volume={19}, pages={943-945}}
""", "bibtex").entries
    groups = find_duplicates(entries)
    assert len(groups) == 1 and "name order" in groups[0].matches[0].detail
