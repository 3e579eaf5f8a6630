"""Merging: keys kept, missing fields filled, conflicting values never silently lost."""
from __future__ import annotations


from bibkit.api import dumps, loads
from bibkit.keys import aliases_of
from bibkit.transforms.merge import dedupe_library, merge_libraries

EXISTING = r"""
@string{jmlr = {Journal of Machine Learning Research}}
@preamble{"\newcommand{\noopsort}[1]{}"}
% my own notes
@article{vaswani2017, author={Vaswani, A. and Shazeer, N.}, title={Attention Is All You Need}, year=2017,
  journal=jmlr, keywords={nlp}}
@article{smith2020, author={Smith, John}, title={Widgets}, year=2020}
"""
NEW = r"""
@article{Vaswani_2017, author={Vaswani, Ashish and Shazeer, Noam}, title={Attention is all you need}, year=2017,
  month=jun, journal={NeurIPS}, pages={5998--6008}, keywords={transformers, NLP}}
@article{smith2020, author={Smith, Jane}, title={Gadgets and More}, year=2020}
@article{, author={Doe, J}, title={Brand New}, year=2021}
"""


def run(strategy="combine"):
    old = loads(EXISTING, "bibtex", name="old.bib")
    new = loads(NEW, "bibtex", name="new.bib")
    return merge_libraries(old, [new], strategy)


def by_key(result):
    return {e.key: e for e in result.library.entries}


def test_combine_keeps_existing_key_fills_missing_and_keeps_conflicts_in_the_entry():
    result = run()
    entries = by_key(result)
    assert set(entries) == {"vaswani2017", "smith2020", "smith2020gadgets", "doe2021brand"}
    e = entries["vaswani2017"]
    assert e.get("page") == "5998–6008"  # filled
    assert e.dates["issued"].start.month == 6  # date refined, not a conflict
    assert [n.given for n in e.authors] == ["Ashish", "Noam"]  # fuller names kept
    assert e.get("container-title") == "Journal of Machine Learning Research"
    assert e.extra["journal-merged"] == "NeurIPS"
    assert e.get("keyword") == "nlp, transformers"
    assert aliases_of(e) == ["Vaswani_2017"]
    [conflict] = result.conflicts
    assert (conflict.field, conflict.kept, conflict.other) == ("journal", "Journal of Machine Learning Research", "NeurIPS")
    assert conflict.source == "new.bib:2"


def test_overwrite_takes_the_new_value_and_reports_the_old():
    result = run("overwrite")
    e = by_key(result)["vaswani2017"]
    assert e.get("container-title") == "NeurIPS"
    assert "journal-merged" not in e.extra
    assert result.conflicts[0].kept == "Journal of Machine Learning Research"


def test_first_keeps_the_existing_entry_untouched_and_reports_the_rest():
    result = run("first")
    e = by_key(result)["vaswani2017"]
    assert "page" not in e.fields and e.get("container-title") == "Journal of Machine Learning Research"
    fields = {c.field for c in result.conflicts}
    assert {"journal", "pages", "date"} <= fields


def test_last_keeps_the_new_values_under_the_existing_key():
    result = run("last")
    e = by_key(result)["vaswani2017"]
    assert e.get("container-title") == "NeurIPS" and e.get("page") == "5998–6008"
    assert aliases_of(e) == ["Vaswani_2017"]
    assert any(c.other == "Journal of Machine Learning Research" for c in result.conflicts)


def test_a_new_entry_whose_key_names_another_work_is_renamed_and_reported():
    result = run()
    assert result.renamed == [{"old": "smith2020", "from": "new.bib:4", "new": "smith2020gadgets"}]
    assert by_key(result)["smith2020"].title == "Widgets"


def test_existing_blocks_survive_and_existing_entries_stay_first():
    result = run()
    text = dumps(result.library, "bibtex")
    assert text.index("@string{jmlr") < text.index("@preamble") < text.index("% my own notes") < text.index("@article{vaswani2017")
    assert "journal = jmlr" in text
    keys = [e.key for e in result.library.entries]
    assert keys[:2] == ["vaswani2017", "smith2020"]


def test_merge_does_not_modify_the_existing_entries():
    old = loads(EXISTING, "bibtex", name="old.bib")
    before = dumps(old, "bibtex")
    merge_libraries(old, [loads(NEW, "bibtex", name="new.bib")])
    assert dumps(old, "bibtex") == before


def test_report_lists_groups_rules_aliases_and_conflicts():
    report = run().as_dict()
    assert report["summary"] == {"entries_in": 5, "entries_out": 4, "groups": 1, "merged_away": 1,
                                 "conflicts": 1, "renamed_keys": 1, "existing_duplicates_left": 0}
    [group] = report["groups"]
    assert group["key"] == "vaswani2017" and group["aliases"] == ["Vaswani_2017"]
    assert group["matches"][0]["rule"] == "fuzzy" and group["matches"][0]["score"] == 100.0


def test_preprint_merged_into_published_keeps_the_publisher_doi():
    lib = loads(r"""
@article{pub, author={Lee, Kim}, title={Cells That Divide}, year=2021, doi={10.1038/s41586-021-00001-1}}
@misc{pre, author={Lee, Kim}, title={Cells that divide}, year=2020, doi={10.48550/arXiv.2003.00001}}
""", "bibtex", name="f.bib")
    result = dedupe_library(lib)
    [e] = result.library.entries
    assert e.ids.doi == "10.1038/s41586-021-00001-1"
    assert e.extra["doi-merged"] == "10.48550/arxiv.2003.00001"
    assert result.groups[0].matches[0].rule == "preprint-published"
    assert e.key == "pub"  # within one file the published version leads


def test_summary_can_be_limited_for_large_merges():
    result = run()
    assert "1 duplicate group(s)" in result.summary(limit=0)
    assert "and 1 more group(s)" in result.summary(limit=0)
    assert "vaswani2017: merged Vaswani_2017" in result.summary()
