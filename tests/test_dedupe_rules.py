"""Duplicate detection: one hand-made pair per rule, and the pairs that must stay apart."""
from __future__ import annotations

from bibkit.api import loads
from bibkit.transforms.dedupe import find_duplicates, is_preprint_doi


def groups(bib: str):
    entries = loads(bib, "bibtex").entries
    return [(sorted(e.key for e in g.entries), g.rules) for g in find_duplicates(entries)]


def test_same_doi_in_different_case_and_spelling_is_one_work():
    assert groups(r"""
@article{a, author={Vaswani, A}, title={Attention Is All You Need}, year=2017, doi={10.5555/ABC.Def}}
@article{b, author={Someone, Else}, title={A Completely Different Title}, year=2019, doi={https://doi.org/10.5555/abc.def}}
""") == [(["a", "b"], ["doi"])]


def test_two_different_publisher_dois_are_two_works_even_with_equal_titles():
    assert groups(r"""
@article{a, author={Doe, J}, title={Results of the Survey}, year=2017, doi={10.1000/one}}
@article{b, author={Doe, J}, title={Results of the Survey}, year=2017, doi={10.1000/two}}
""") == []


def test_arxiv_preprint_and_published_version_are_reported_as_such():
    found = groups(r"""
@misc{pre, author={Smith, John and Doe, Jane}, title={A Great Method for Things}, year=2019,
  eprint={1901.00001v2}, archiveprefix={arXiv}}
@article{pub, author={Smith, J. and Roe, R.}, title={A great method for things}, year=2020,
  doi={10.1000/journal.1}, journal={Journal}}
""")
    assert found == [(["pre", "pub"], ["preprint-published"])]


def test_preprint_doi_beside_publisher_doi_is_a_pair_not_two_works():
    assert is_preprint_doi("10.48550/arxiv.1901.00001")
    assert is_preprint_doi("10.1101/2020.03.01.123456")
    assert not is_preprint_doi("10.1101/gad.1234")  # Genes & Development, not bioRxiv
    found = groups(r"""
@article{biorxiv, author={Lee, Kim}, title={Cells that divide}, year=2020, doi={10.1101/2020.03.01.123456}}
@article{journal, author={Lee, Kim}, title={Cells That Divide}, year=2021, doi={10.1038/s41586-021-00001-1}}
""")
    assert found == [(["biorxiv", "journal"], ["preprint-published"])]


def test_arxiv_id_matches_without_version_and_via_arxiv_doi():
    assert groups(r"""
@misc{v1, author={A, B}, title={One}, year=2020, eprint={2001.00001v1}, archiveprefix={arXiv}}
@misc{v3, author={C, D}, title={Two}, year=2021, eprint={arXiv:2001.00001v3}, archiveprefix={arXiv}}
@misc{doi, author={E, F}, title={Three}, year=2021, doi={10.48550/arXiv.2001.00001}}
""") == [(["doi", "v1", "v3"], ["arxiv"])]


def test_same_isbn_joins_books_but_not_chapters_of_one_book():
    assert groups(r"""
@book{b1, author={Knuth, D}, title={TAOCP}, year=1968, isbn={978-0-201-03801-0}}
@book{b2, author={Knuth, Donald}, title={The Art of Computer Programming}, year=1968, isbn={9780201038010}}
@incollection{c1, author={X, Y}, title={Chapter One}, booktitle={Handbook}, year=2000, isbn={9780000000002}}
@incollection{c2, author={Z, W}, title={Chapter Two}, booktitle={Handbook}, year=2000, isbn={9780000000002}}
""") == [(["b1", "b2"], ["isbn"])]


def test_same_title_in_different_years_are_distinct_works():
    assert groups(r"""
@article{y1, author={Smith, John}, title={On Widgets}, year=2010}
@article{y2, author={Smith, John}, title={On Widgets}, year=2015}
""") == []


def test_year_within_one_still_matches():
    assert groups(r"""
@inproceedings{y1, author={Smith, John}, title={On the Design of Widgets}, year=2010}
@article{y2, author={Smith, J.}, title={On the design of widgets.}, year=2011}
""") == [(["y1", "y2"], ["fuzzy"])]


def test_part_one_and_part_two_are_distinct():
    assert groups(r"""
@article{p1, author={Smith, John}, title={Learning Widgets, Part I}, year=2019}
@article{p2, author={Smith, John}, title={Learning Widgets, Part II}, year=2019}
@article{p3, author={Smith, John}, title={Learning Widgets 2}, year=2019}
@article{p4, author={Smith, John}, title={Learning Widgets 3}, year=2019}
""") == []


def test_same_author_same_year_distinct_papers():
    assert groups(r"""
@article{a, author={Smith, John}, title={Widgets in the Wild}, year=2019}
@article{b, author={Smith, John}, title={Gadgets in the Lab}, year=2019}
@article{c, author={Smith, John}, title={Widgets in the Wild: a Reply}, year=2019, pages={10--11}}
@article{d, author={Smith, John}, title={Widgets in the Wild: a Reply}, year=2019, pages={12--13}}
""") == []


def test_similar_titles_without_a_shared_author_are_distinct():
    assert groups(r"""
@article{a, author={Smith, John}, title={A Survey of Graph Neural Networks}, year=2020}
@article{b, author={Jones, Mary}, title={A Survey of Graph Neural Networks}, year=2020}
""") == []


def test_corporate_authors_compared_as_wholes():
    assert groups(r"""
@techreport{a, author={{World Health Organization}}, title={World health statistics 2020}, year=2020}
@techreport{b, author={{World Health Organization}}, title={World Health Statistics 2020.}, year=2020}
@techreport{c, author={{World Bank}}, title={World health statistics 2020}, year=2020}
""") == [(["a", "b"], ["fuzzy"])]


def test_a_technical_report_and_the_article_it_became_are_two_records():
    # krr.bib of the corpus: the LERIA report of 1997 and the AI journal article of 1998
    assert groups(r"""
@article{art, title={Prolog technology for default reasoning: Proof theory and compilation techniques},
  author={T. Schaub and S. Br{\"u}ning}, journal={Artificial Intelligence}, volume={109}, pages={1-75}, year={1998}}
@techreport{rep, title={Prolog technology for default reasoning: Proof theory and compilation techniques},
  author={S. Br{\"u}ning and T. Schaub}, institution={LERIA}, year={1997}}
""") == []


def test_entries_in_different_scripts():
    # the same Cyrillic title twice matches; two different Chinese titles never collapse to one
    assert groups(r"""
@article{ru1, author={Иванов, Иван}, title={Теория групп и её приложения}, year=1990}
@article{ru2, author={Ivanov, Ivan}, title={Теория групп и её приложения}, year=1990}
@article{zh1, author={Li, Wei}, title={深度学习方法研究}, year=2020}
@article{zh2, author={Li, Wei}, title={机器学习理论基础}, year=2020}
""") == [(["ru1", "ru2"], ["fuzzy"])]


def test_groups_are_transitive():
    assert groups(r"""
@article{a, author={Smith, John}, title={Widget Theory}, year=2019, doi={10.1000/x}}
@article{b, author={Smith, John}, title={Widget theory}, year=2019}
@article{c, author={Smith, J.}, title={Widget Theory.}, year=2020}
""")[0][0] == ["a", "b", "c"]


def test_a_doi_less_entry_never_bridges_two_different_dois():
    found = groups(r"""
@article{a, author={Smith, John}, title={Widget Theory}, year=2019, doi={10.1000/x}}
@article{b, author={Smith, John}, title={Widget Theory}, year=2019}
@article{c, author={Smith, John}, title={Widget Theory}, year=2019, doi={10.1000/y}}
""")
    assert len(found) == 1 and len(found[0][0]) == 2


def test_isbn_beside_an_unrelated_title_or_another_part_joins_nothing():
    assert groups(r"""
@book{a, author={Shryock, A}, title={Deep History}, year=2011, isbn={9780520270282}}
@book{b, author={Ahmed, S}, title={Living a Feminist Life}, year=2017, isbn={9780520270282}}
@book{c, author={Salomon, F}, title={South America, Part 1}, year=1999, isbn={9780521630757}}
@book{d, author={Salomon, F}, title={South America, Part 2}, year=1999, isbn={9780521630757}}
""") == []


def test_short_titles_need_near_identical_wording():
    assert groups(r"""
@techreport{a, author={Derbinsky, N}, title={Soar-EpMem Manual}, year=2009}
@techreport{b, author={Derbinsky, N}, title={Soar-SMem Manual}, year=2010}
@misc{c, author={Games, F}, title={Echo Bazaar Narrative Structures, part one}, year=2010}
@misc{d, author={Games, F}, title={Echo Bazaar Narrative Structures, part three}, year=2010}
""") == []


def test_volumes_editions_and_web_pages_at_other_urls_are_distinct():
    assert groups(r"""
@book{v1, author={Barr, A}, title={The Handbook of Artificial Intelligence}, year=1981, volume=1}
@book{v2, author={Barr, A}, title={The Handbook of Artificial Intelligence}, year=1982, volume=2}
@book{e1, author={Kaye, B}, title={Cognitive Psychology Explained}, year=2010, edition={2nd}}
@book{e2, author={Kaye, B}, title={Cognitive Psychology Explained}, year=2010, edition={Third}}
@online{w1, author={Dias, J}, title={A Compleat History of the Magic}, year=2022, url={https://x.org/1}}
@online{w2, author={Dias, J}, title={A Compleat History of the Magic}, year=2022, url={https://x.org/2}}
@book{s1, author={Kaye, B}, title={Cognitive Psychology Explained}, year=2011, edition={Second}}
""") == [(["e1", "s1"], ["fuzzy"])]


def test_authorless_entries_need_near_identical_titles():
    assert groups(r"""
@misc{a, title={DeepSeek-R1: Incentivizing Reasoning Capability in LLMs}, year=2025}
@misc{b, title={DeepSeek-R1: incentivizing reasoning capability in LLMs}, year=2025}
@misc{c, title={DeepSeek-V3: Technical Report}, year=2025}
@misc{d, title={DeepSeek-V2: Technical Report}, year=2025}
""") == [(["a", "b"], ["fuzzy"])]


def test_match_reports_rule_and_score():
    entries = loads(r"""
@article{a, author={Smith, John}, title={On the Design of Reliable Distributed Widgets}, year=2010}
@article{b, author={Smith, J.}, title={On the design of reliable distributed widgets and gadgets}, year=2010}
""", "bibtex").entries
    [group] = find_duplicates(entries, threshold=80)
    [match] = group.matches
    assert (match.a, match.b, match.rule) == (0, 1, "fuzzy") and 80 <= match.score < 100
    assert find_duplicates(entries) == []  # below the default threshold
