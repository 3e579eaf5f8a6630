"""``bibkit merge``, ``bibkit dedupe`` and ``bibkit keys`` end to end through the CLI."""
from __future__ import annotations

import json
import re

from click.testing import CliRunner

from bibkit.api import load
from bibkit.cli import main

OLD = r"""@string{jmlr = {Journal of Machine Learning Research}}

@article{vaswani2017,
  author = {Vaswani, A. and Shazeer, N.},
  title = {Attention Is All You Need},
  journal = jmlr,
  year = {2017}
}
"""
NEW = r"""@article{Vaswani_2017, author={Vaswani, Ashish}, title={Attention is all you need}, year=2017,
  journal={NeurIPS}, doi={10.5555/3295222}}
@article{doe, author={Doe, J}, title={Brand New}, year=2021}
"""


def files(tmp_path):
    old, new = tmp_path / "old.bib", tmp_path / "new.bib"
    old.write_text(OLD)
    new.write_text(NEW)
    return old, new


def test_merge_writes_output_and_json_report_and_leaves_existing_alone(tmp_path):
    old, new = files(tmp_path)
    out, report = tmp_path / "out.bib", tmp_path / "report.json"
    result = CliRunner().invoke(main, ["merge", str(old), str(new), "-o", str(out), "--report", str(report)])
    assert old.read_text() == OLD
    assert "Traceback" not in result.output
    entries = {e.key: e for e in load(str(out)).entries}
    assert "vaswani2017" in entries and "Vaswani_2017" not in entries and "doe" in entries
    assert entries["vaswani2017"].ids.doi == "10.5555/3295222"
    assert entries["vaswani2017"].extra["journal-merged"] == "NeurIPS"
    assert "@string{jmlr" in out.read_text()
    data = json.loads(report.read_text())
    assert data["groups"][0]["aliases"] == ["Vaswani_2017"]
    assert data["groups"][0]["conflicts"][0]["field"] == "journal"
    assert "vaswani2017: merged Vaswani_2017" in result.stderr


def test_merge_exit_status_reports_bad_input_but_still_merges(tmp_path):
    old, new = files(tmp_path)
    (tmp_path / "new.bib").write_text(NEW + "@article{bad, title = {unclosed\n")
    out = tmp_path / "out.bib"
    result = CliRunner().invoke(main, ["merge", str(old), str(new), "-o", str(out)])
    assert "Traceback" not in result.output
    assert "new.bib:" in result.stderr
    assert result.exit_code == 1
    assert out.exists()


def test_dry_run_shows_rule_and_score_and_writes_only_the_report(tmp_path):
    old, new = files(tmp_path)
    out, report = tmp_path / "out.bib", tmp_path / "report.json"
    result = CliRunner().invoke(main, ["merge", str(old), str(new), "-o", str(out), "--report", str(report), "--dry-run"])
    assert result.exit_code == 0
    assert "fuzzy 100" in result.stdout
    assert not out.exists()
    data = json.loads(report.read_text())  # the report of what would happen
    assert data["dry_run"] is True and data["groups"][0]["aliases"] == ["Vaswani_2017"]
    assert old.read_text() == OLD


def test_merge_into_the_existing_file_only_when_named_as_output(tmp_path):
    old, new = files(tmp_path)
    result = CliRunner().invoke(main, ["merge", str(old), str(new), "-o", str(old)])
    assert result.exit_code == 0
    assert "Vaswani_2017" in old.read_text()  # now an ids alias of the kept entry
    assert "ids = {Vaswani_2017}" in old.read_text()


def test_dedupe_merges_inside_one_file(tmp_path):
    src = tmp_path / "dups.bib"
    src.write_text(OLD + NEW)
    before = src.read_text()
    result = CliRunner().invoke(main, ["dedupe", str(src), "--strategy", "first"])
    assert src.read_text() == before
    assert result.stdout.count("@article{") == 2
    assert re.search(r"ids\s*=\s*\{vaswani2017\}", result.stdout)
    assert "strategy first" in result.stderr


def test_unknown_strategy_is_a_usage_error(tmp_path):
    old, new = files(tmp_path)
    result = CliRunner().invoke(main, ["merge", str(old), str(new), "--strategy", "nope"])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_keys_rekey_writes_map_and_aliases(tmp_path):
    src = tmp_path / "refs.bib"
    src.write_text("@article{old, author={Doe, J}, title={The First Paper}, year=2000}\n"
                   "@article{, author={Doe, J}, title={Second}, year=2000}\n")
    out, mapping = tmp_path / "out.bib", tmp_path / "map.json"
    result = CliRunner().invoke(main, ["keys", str(src), "--rekey", "--map", str(mapping), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(mapping.read_text()) == {"old": "doe2000first"}
    text = out.read_text()
    # the input's own layout is kept (one line per entry): only the keys and the alias changed
    assert text == ("@article{doe2000first, author={Doe, J}, title={The First Paper}, year=2000, ids={old}}\n"
                    "@article{doe2000second, author={Doe, J}, title={Second}, year=2000}\n")


def test_keys_keeps_existing_keys_and_writes_tsv_map(tmp_path):
    src = tmp_path / "refs.bib"
    src.write_text("@article{mine, author={Doe, J}, title={Paper}, year=2000}\n")
    mapping = tmp_path / "map.tsv"
    result = CliRunner().invoke(main, ["keys", str(src), "--pattern", "[auth][year]", "--map", str(mapping)])
    assert "@article{mine," in result.stdout
    assert mapping.read_text() == ""


def test_keys_bad_pattern_is_a_usage_error(tmp_path):
    src = tmp_path / "refs.bib"
    src.write_text("@article{mine, title={Paper}}\n")
    result = CliRunner().invoke(main, ["keys", str(src), "--pattern", "[auth"])
    assert result.exit_code == 2 and "unclosed" in result.output


def test_the_report_file_is_json_with_one_group_per_line():
    from bibkit.cli.merge import report_json

    report = {"strategy": "combine", "summary": {"groups": 2}, "groups": [{"key": "a", "merged": [1]}, {"key": "b"}],
              "renamed": []}
    text = report_json(report)
    assert json.loads(text) == report
    assert '    {"key": "a", "merged": [1]},\n    {"key": "b"}\n' in text


MINE = r"""@article{smith2020a,
  author = {Smith, John},
  title = {Widget Theory},
  journal = {Journal A},
  year = {2020}
}

@article{smith2020b,
  author = {Smith, J.},
  title = {Widget theory},
  year = {2020},
}
"""
THEIRS = r"""@article{new1, author={Smith, John}, title={Widget Theory}, year={2020}, doi={10.1000/w}}
@article{fresh, author={Doe, Jane}, title={Gadgets}, year={2021}}
"""


def _mine_and_theirs(tmp_path):
    mine, theirs = tmp_path / "mine.bib", tmp_path / "theirs.bib"
    mine.write_text(MINE)
    theirs.write_text(THEIRS)
    return mine, theirs


def test_merge_fills_adds_and_leaves_the_existing_files_own_duplicates_alone(tmp_path):
    mine, theirs = _mine_and_theirs(tmp_path)
    report = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["merge", str(mine), str(theirs), "-o", str(mine), "--report", str(report)])
    assert result.exit_code == 0, result.output
    after = mine.read_text()
    # only insertions: the DOI and the alias into smith2020a, in its layout, and the new work
    assert [line for line in MINE.splitlines() if line not in after.splitlines()] == []
    assert "  doi = {10.1000/w},\n  ids = {new1},\n  year = {2020}\n}" in after
    assert "@article{smith2020b," in after and after.count("@article{fresh,") == 1
    data = json.loads(report.read_text())
    assert [[e["key"] for e in d["entries"]] for d in data["existing_duplicates"]] == [["smith2020a", "smith2020b"]]
    assert data["summary"]["existing_duplicates_left"] == 1 and data["summary"]["merged_away"] == 1
    assert "left alone" in result.stderr and "--dedupe-existing" in result.stderr


def test_dedupe_existing_merges_the_existing_files_duplicates_too(tmp_path):
    mine, theirs = _mine_and_theirs(tmp_path)
    result = CliRunner().invoke(main, ["merge", str(mine), str(theirs), "-o", str(mine), "--dedupe-existing"])
    assert result.exit_code == 0, result.output
    keys = [e.key for e in load(str(mine)).entries]
    assert keys == ["smith2020a", "fresh"]
    assert "@article{smith2020b," not in mine.read_text() and "smith2020b" in mine.read_text()  # now an alias


def test_dry_run_with_report_reports_what_would_happen_and_leaves_the_file(tmp_path):
    mine, theirs = _mine_and_theirs(tmp_path)
    report = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["merge", str(mine), str(theirs), "-o", str(mine), "--dry-run",
                                       "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert mine.read_text() == MINE
    data = json.loads(report.read_text())
    assert data["dry_run"] is True and data["summary"]["entries_out"] == 3
    assert "new1" in result.stdout and "nothing written but the report" in result.stderr


def test_merge_into_another_bibtex_file_writes_only_the_change(tmp_path):
    old, new = files(tmp_path)
    out = tmp_path / "merged.bib"
    result = CliRunner().invoke(main, ["merge", str(old), str(new), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.startswith("@string{jmlr = {Journal of Machine Learning Research}}\n")  # kept as written
    assert "journal = jmlr," in text  # the macro is not expanded: the untouched field is the user's text
    normalized = tmp_path / "normalized.bib"
    CliRunner().invoke(main, ["merge", str(old), str(new), "-o", str(normalized), "--normalize"])
    assert normalized.read_text() != text


def test_keys_to_standard_output_keeps_the_input_text(tmp_path):
    src = "@article{keep,\n    author  = {Doe, J},\n    title   = {Kept As Written},\n    year    = 2000\n}\n"
    path = tmp_path / "refs.bib"
    path.write_text(src)
    result = CliRunner().invoke(main, ["keys", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == src
    rewritten = CliRunner().invoke(main, ["keys", str(path), "--normalize"])
    assert rewritten.stdout != src
