"""`bibkit check` on the command line: output formats, exit status, --fix, the progress bar."""
from __future__ import annotations

import io
import json

from click.testing import CliRunner

from bibkit.cli import main
from bibkit.progress import progress

CLEAN = "@article{a,\n  author = {Doe, Jane},\n  title = {A study},\n  journal = {J},\n  year = 2020\n}\n"
WARN = CLEAN.replace("year = 2020", "year = 2020,\n  pages = {12-15}")
ERROR = CLEAN + CLEAN.replace("{a,", "{A,")


def run(*args):
    return CliRunner().invoke(main, ["check", *map(str, args)])


def write(tmp_path, text, name="refs.bib", mode="w"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_clean_file_exits_0_and_prints_no_findings(tmp_path):
    result = run(write(tmp_path, CLEAN))
    assert result.exit_code == 0, result.output
    assert "[" not in result.stdout


def test_warnings_exit_0_but_1_with_strict(tmp_path):
    path = write(tmp_path, WARN)
    result = run(path)
    assert result.exit_code == 0
    assert f"{path}:6: warning: [page-hyphen] pages '12-15' uses a hyphen" in result.stdout
    assert run(path, "--strict").exit_code == 1


def test_errors_exit_2(tmp_path):
    result = run(write(tmp_path, ERROR))
    assert result.exit_code == 2
    assert ": error: [duplicate-key]" in result.stdout


def test_json_output_lists_findings_and_a_summary(tmp_path):
    path = write(tmp_path, WARN)
    result = run(path, "--format", "json")
    doc = json.loads(result.stdout)
    assert doc["summary"] == {"errors": 0, "warnings": 1, "files": 1}
    finding = doc["findings"][0]
    assert finding["check"] == "page-hyphen" and finding["line"] == 6 and finding["file"] == str(path)
    assert finding["severity"] == "warning" and finding["fixable"] is True


def test_fix_applies_safe_fixes_in_place_and_says_which(tmp_path):
    text = ("% my comment stays\n@string{pub = \"Pub\"}\n"
            "@article{a,\n  author = {Doe, Jane},\n  title = {Learning BERT for {DNA} and RNA},\n"
            "  journal = {J},\n  year = 2020,\n  month = {January},\n  pages = {12-15},\n"
            "  doi = {https://doi.org/10.1000/XYZ},\n  publisher = pub\n}\n")
    path = write(tmp_path, text)
    result = run(path, "--fix")
    assert result.exit_code == 0, result.output
    fixed = path.read_text(encoding="utf-8")
    assert fixed == (text.replace("Learning BERT for {DNA} and RNA", "Learning {BERT} for {DNA} and {RNA}")
                     .replace("month = {January}", "month = jan").replace("{12-15}", "{12--15}")
                     .replace("https://doi.org/10.1000/XYZ", "10.1000/XYZ"))
    for check in ("unprotected-acronym", "month-format", "page-hyphen", "doi-resolver-prefix"):
        assert f"fixed: [{check}]" in result.stderr
    assert "4 fixed" in result.stderr
    assert run(path, "--strict").exit_code == 0


def test_fix_keeps_crlf_and_bom_and_leaves_other_files_alone(tmp_path):
    text = ("\ufeff" + WARN).replace("\n", "\r\n").encode("utf-8")
    path = write(tmp_path, text)
    other = write(tmp_path, CLEAN.replace("{a,", "{b,"), "other.bib")
    before = other.read_bytes()
    assert run(path, other, "--fix").exit_code == 0
    assert path.read_bytes() == text.replace(b"{12-15}", b"{12--15}")
    assert other.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_without_fix_the_file_is_never_written(tmp_path):
    path = write(tmp_path, WARN)
    run(path)
    assert path.read_text(encoding="utf-8") == WARN


def test_missing_file_is_an_error_finding_not_a_traceback(tmp_path):
    result = run(tmp_path / "nope.bib", write(tmp_path, CLEAN))
    assert result.exit_code == 2 and result.exception is None or isinstance(result.exception, SystemExit)
    assert "no such file" in result.stdout


def test_unknown_check_id_is_a_usage_error(tmp_path):
    result = run(write(tmp_path, CLEAN), "--select", "no-such-check")
    assert result.exit_code == 2 and "unknown check" in result.output


def test_list_checks_names_every_check_with_severity():
    result = CliRunner().invoke(main, ["check", "--list-checks"])
    assert result.exit_code == 0
    assert "page-hyphen" in result.stdout and "(fixable)" in result.stdout and "error" in result.stdout


def test_check_reads_ris_and_cslyaml(tmp_path):
    ris = write(tmp_path, "TY  - JOUR\nTI  - T\n", "r.ris")
    yml = write(tmp_path, "references:\n- id: x\n  type: article-journal\n  title: T\n  ISBN: '123'\n", "r.yaml")
    result = run(ris, yml)
    assert "[missing-er]" in result.stdout and "[invalid-isbn]" in result.stdout


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal():
    quiet = io.StringIO()
    assert list(progress(range(5), label="checking", delay=0, file=quiet)) == list(range(5))
    assert quiet.getvalue() == ""
    tty = _Terminal()
    assert list(progress(range(5), label="checking", delay=0, file=tty)) == list(range(5))
    assert "checking" in tty.getvalue()


def test_progress_bar_waits_for_its_delay():
    tty = _Terminal()
    assert list(progress(range(3), label="checking", delay=3600, file=tty)) == [0, 1, 2]
    assert tty.getvalue() == ""
