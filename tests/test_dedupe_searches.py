"""``bibkit dedupe`` over several literature searches: sources kept, PRISMA counts, a review
queue whose decisions come back, and searches already deduplicated left alone."""
from __future__ import annotations

import csv
import json

from click.testing import CliRunner

from bibkit.api import load
from bibkit.cli import main

MEDLINE_RIS = """TY  - JOUR
AU  - Ziegler, T. R.
TI  - Perioperative nutritional support in patients undergoing hepatectomy for hepatocellular carcinoma. [Review] [45 refs]
JO  - JPEN. Journal of parenteral and enteral nutrition
PY  - 1996
VL  - 20
IS  - 1113
SP  - 91
EP  - 2
ER  - 

TY  - JOUR
AU  - Smith, A.
AU  - Jones, B.
TI  - Pleural effusion in children: a cohort study
JO  - Thorax
PY  - 2004
VL  - 59
SP  - 100
EP  - 105
ER  - 
"""
EMBASE_BIB = r"""@article{emb1,
  author = {Ziegler, T R},
  title = {PERIOPERATIVE NUTRITIONAL SUPPORT IN PATIENTS UNDERGOING HEPATECTOMY FOR HEPATOCELLULAR CARCINOMA},
  journal = {Jpen: Journal of Parenteral \& Enteral Nutrition},
  year = {1996}, volume = {20}, number = {1112}, pages = {91-92}
}
@article{emb2,
  author = {Smith, A. and Jones, B.},
  title = {Pleural effusion in adults: a cohort study},
  journal = {Thorax}, year = {2004}, volume = {59}, pages = {200-205}
}
@article{emb3,
  author = {Brown, C.},
  title = {A new work only Embase found},
  journal = {Chest}, year = {2010}, volume = {1}, pages = {1-2}
}
"""


def searches(tmp_path):
    medline, embase = tmp_path / "medline.ris", tmp_path / "embase.bib"
    medline.write_text(MEDLINE_RIS, encoding="utf-8")
    embase.write_text(EMBASE_BIB, encoding="utf-8")
    return medline, embase


def test_several_searches_keep_sources_and_print_prisma_counts(tmp_path):
    medline, embase = searches(tmp_path)
    out, prisma, report = tmp_path / "unique.ris", tmp_path / "counts.json", tmp_path / "report.json"
    result = CliRunner().invoke(main, ["dedupe", str(medline), str(embase), "-o", str(out), "--prisma", str(prisma),
                                       "--report", str(report)])
    assert result.exit_code == 0, result.output
    counts = json.loads(prisma.read_text())
    assert counts["records_per_source"] == {str(medline): 2, str(embase): 3}
    assert counts["records_identified"] == 5
    assert counts["duplicate_records_removed"] == 1
    assert counts["records_after_duplicates_removed"] == 4
    assert "records identified: 5" in result.output and "duplicate records removed: 1" in result.output
    text = out.read_text()
    assert text.count("TY  - ") == 4
    assert "DB  - medline.ris; embase.bib" in text  # the merged record names both searches
    assert "DB  - embase.bib" in text
    data = json.loads(report.read_text())
    group = data["groups"][0]
    assert {group["kept"]["from"].split(":")[0], group["merged"][0]["from"].split(":")[0]} == {str(medline), str(embase)}
    assert group["matches"][0]["why"]  # every match says why
    assert data["prisma"]["records_identified"] == 5


def test_review_queue_round_trip_same_merges_and_different_never_does(tmp_path):
    medline, embase = searches(tmp_path)
    queue = tmp_path / "pairs.csv"
    runner = CliRunner()
    result = runner.invoke(main, ["dedupe", str(medline), str(embase), "-o", str(tmp_path / "u.bib"),
                                  "--review", str(queue)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(queue.open(encoding="utf-8")))
    # the two cohort studies (children / adults, other pages) are similar but not merged: asked
    pair = [r for r in rows if {r["a_key"], r["b_key"]} & {"emb2"}]
    assert len(pair) == 1 and pair[0]["decision"] == "" and pair[0]["why"]
    assert pair[0]["a_title"] != pair[0]["b_title"] and pair[0]["score"]
    # same: merged on the next run, deterministically
    pair[0]["decision"] = "same"
    with queue.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    outs = []
    for n in range(2):
        out = tmp_path / f"same{n}.bib"
        result = runner.invoke(main, ["dedupe", str(medline), str(embase), "-o", str(out), "--decisions", str(queue)])
        assert result.exit_code == 0, result.output
        outs.append(out.read_text())
    assert outs[0] == outs[1]
    assert len(load(str(tmp_path / "same0.bib")).entries) == 3
    # different: the pair the evidence merged (the two Ziegler records) is kept apart, in dedupe and merge
    ziegler = {"a_file": "medline.ris", "b_file": "embase.bib", "b_key": "emb1", "decision": "different"}
    ziegler["a_key"] = "line 1"  # a RIS record has no key: its line names it
    with queue.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow({**{k: "" for k in rows[0]}, **ziegler})
    out = tmp_path / "different.bib"
    result = runner.invoke(main, ["dedupe", str(medline), str(embase), "-o", str(out), "--decisions", str(queue)])
    assert result.exit_code == 0, result.output
    assert len(load(str(out)).entries) == 5
    merged = tmp_path / "merged.bib"
    result = runner.invoke(main, ["merge", str(medline), str(embase), "-o", str(merged), "--decisions", str(queue)])
    assert result.exit_code == 0, result.output
    assert len(load(str(merged)).entries) == 5


def test_bad_decision_is_reported_with_its_line_and_the_rest_applied(tmp_path):
    medline, embase = searches(tmp_path)
    queue = tmp_path / "pairs.csv"
    queue.write_text("a_file,a_key,b_file,b_key,decision\nembase.bib,emb1,embase.bib,emb3,maybe\n"
                     "embase.bib,emb2,embase.bib,emb3,same\n", encoding="utf-8")
    out = tmp_path / "u.bib"
    result = CliRunner().invoke(main, ["dedupe", str(medline), str(embase), "-o", str(out), "--decisions", str(queue)])
    assert f"{queue}:2: error: decision must be 'same' or 'different'" in result.output
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(load(str(out)).entries) == 3  # Ziegler merged by evidence, emb2+emb3 by decision


def test_records_of_a_deduplicated_search_are_never_merged_with_each_other(tmp_path):
    old = tmp_path / "old.bib"
    old.write_text(r"""@article{o1, author={Kisner, D.}, title={Tetracycline and quinacrine in the control of malignant pleural effusion},
  journal={Cancer}, year=1978, volume=41, pages={1188-1192}}
@article{o2, author={Kisner, D.}, title={Tetracycline and quinacrine in the control of malignant pleural effusion},
  journal={Cancer}, year=1978, volume=41, pages={1188-1192}}
""", encoding="utf-8")
    new = tmp_path / "new.bib"
    new.write_text(r"""@article{n1, author={Kisner, D.}, title={TETRACYCLINE AND QUINACRINE IN THE CONTROL OF MALIGNANT PLEURAL EFFUSION.},
  journal={Cancer}, year=1978, volume=41, pages={1188-92}}
""", encoding="utf-8")
    out = tmp_path / "u.bib"
    result = CliRunner().invoke(main, ["dedupe", str(new), "--deduplicated", str(old), "-o", str(out)])
    assert result.exit_code == 0, result.output
    keys = sorted(e.key for e in load(str(out)).entries)
    assert keys == ["o1", "o2"]  # the new record merged into one of them; the old pair left alone
    plain = tmp_path / "plain.bib"
    CliRunner().invoke(main, ["dedupe", str(old), str(new), "-o", str(plain)])
    assert len(load(str(plain)).entries) == 1


def test_a_decisions_file_that_is_not_a_review_file_is_a_usage_error(tmp_path):
    medline, embase = searches(tmp_path)
    for name, data in (("other.csv", b"x,y\n1,2\n"), ("binary.csv", b"\xff\xfe\x00bad")):
        path = tmp_path / name
        path.write_bytes(data)
        result = CliRunner().invoke(main, ["dedupe", str(medline), str(embase), "--decisions", str(path)])
        assert result.exit_code == 2 and str(path) in result.output and "Traceback" not in result.output
