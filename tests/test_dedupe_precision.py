"""Precision and recall of dedupe on look-alike pairs from real bibliographies (issue 17).

``tests/data/dedupe_lookalikes.json`` holds 89 hand-judged pairs of entries with near-equal
titles taken from five library files of the shared corpus (see
``benchmarks/make_lookalikes.py`` for how they were chosen and judged). All entries are deduped
together, as one file, so a false merge made through a third entry (single-link chaining) counts.
"""
from __future__ import annotations

import json
from pathlib import Path

from bibkit.api import loads
from bibkit.transforms.dedupe import find_duplicates

DATA = Path(__file__).parent / "data" / "dedupe_lookalikes.json"


def score() -> tuple[list, list, int, int]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    ids = list(data["records"])
    text = "\n".join(data["records"][i]["bibtex"] for i in ids)
    entries = loads(text, "bibtex").entries
    assert len(entries) == len(ids)
    group_of: dict[str, int] = {}
    for n, group in enumerate(find_duplicates(entries)):
        for index in group.indices:
            group_of[ids[index]] = n
    false_merges, missed = [], []
    same = found = 0
    for pair in data["pairs"]:
        merged = pair["a"] in group_of and group_of[pair["a"]] == group_of.get(pair["b"])
        if pair["same"]:
            same += 1
            found += merged
            if not merged:
                missed.append((pair["a"], pair["b"]))
        elif merged:
            false_merges.append((pair["a"], pair["b"]))
    return false_merges, missed, same, found


def test_lookalike_pairs_from_real_bibliographies_have_no_false_merge_and_full_recall():
    false_merges, missed, same, found = score()
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert len(data["pairs"]) >= 60
    merged = found + len(false_merges)
    precision = found / merged if merged else 1.0
    recall = found / same
    print(f"look-alike pairs: {len(data['pairs'])}; precision {precision:.3f}, recall {recall:.3f} "
          f"({found}/{same} true pairs found, {len(false_merges)} false merges)")
    assert not false_merges, f"different works merged: {false_merges}"
    assert not missed, f"duplicates not found: {missed}"


def test_deep_learning_the_article_and_the_book_stay_apart_with_their_duplicates():
    # LeCun, Bengio, Hinton (Nature 2015) and Goodfellow, Bengio, Courville (MIT Press 2016):
    # same title, years one apart, one shared author; each has a true duplicate
    entries = loads(r"""
@article{lecun, author={LeCun, Yann and Bengio, Yoshua and Hinton, Geoffrey}, title={Deep learning},
  journal={Nature}, volume={521}, pages={436--444}, year=2015}
@article{lecun2, author={LeCun, Y. and Bengio, Y. and Hinton, G.}, title={Deep Learning}, journal={Nature}, year=2015}
@book{goodfellow, author={Goodfellow, Ian and Bengio, Yoshua and Courville, Aaron}, title={Deep Learning},
  publisher={MIT Press}, year=2016}
@misc{goodfellow2, author={Goodfellow, Ian and Bengio, Yoshua and Courville, Aaron}, title={Deep learning}, year=2016}
""", "bibtex").entries
    groups = sorted(sorted(e.key for e in g.entries) for g in find_duplicates(entries))
    assert groups == [["goodfellow", "goodfellow2"], ["lecun", "lecun2"]]


def test_a_paper_and_its_supplementary_material_erratum_or_reply_are_different_works():
    for suffix in ("Supplementary material", "Erratum", "Corrigendum", "Extended version", "A reply"):
        entries = loads(rf"""
@article{{paper, author={{Smith, John and Roe, Jane}}, title={{Widgets in the Wild}}, journal={{J}}, year=2019}}
@article{{other, author={{Smith, John and Roe, Jane}}, title={{Widgets in the Wild: {suffix}}}, journal={{J}}, year=2019}}
""", "bibtex").entries
        assert find_duplicates(entries) == [], suffix
    entries = loads(r"""
@article{paper, author={Smith, John}, title={Widgets in the Wild}, journal={J}, year=2019}
@article{comment, author={Smith, John}, title={Comment on Widgets in the Wild}, journal={J}, year=2019}
""", "bibtex").entries
    assert find_duplicates(entries) == []


def test_a_third_entry_joins_a_group_only_when_it_matches_every_work_in_it():
    # b matches a (same title, authors) and c (same title); a and c are two volumes: no chain
    entries = loads(r"""
@book{a, author={Knuth, Donald}, title={The Art of Computer Programming}, volume={1}, year=1968}
@book{b, author={Knuth, Donald}, title={The Art of Computer Programming}, year=1968}
@book{c, author={Knuth, Donald}, title={The Art of Computer Programming}, volume={2}, year=1969}
""", "bibtex").entries
    groups = find_duplicates(entries)
    assert len(groups) <= 1 and all(len(g.indices) == 2 for g in groups)
