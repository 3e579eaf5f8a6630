"""``bibkit convert`` as a user runs it: files and pipes, several inputs, bad input, atomic output."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import bibkit
from bibkit.cli import main
from tests.conftest import require_shared

SIMPLE = "@article{knuth1984, author = {Knuth, Donald E.}, title = {Literate Programming}, journal = {The Computer Journal}, year = 1984, month = may}\n"


def run(*args, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def test_convert_reads_stdin_and_writes_stdout():
    result = run("convert", "-", "--from", "bibtex", "--to", "csljson", input=SIMPLE)
    assert result.exit_code == 0, result.output
    (item,) = json.loads(result.stdout)
    assert item["id"] == "knuth1984" and item["issued"] == {"date-parts": [[1984, 5]]}


def test_convert_detects_the_input_format_from_content_on_stdin():
    result = run("convert", "-", "--to", "biblatex", input=SIMPLE)
    assert result.exit_code == 0
    assert "journaltitle = {The Computer Journal}" in result.stdout and "date = {1984-05}" in result.stdout


def test_convert_concatenates_several_inputs_and_writes_by_extension(tmp_path: Path):
    a = tmp_path / "a.bib"
    a.write_text(SIMPLE)
    b = tmp_path / "b.json"
    b.write_text(json.dumps([{"id": "doe2020", "type": "book", "title": "A Book",
                              "author": [{"family": "Doe", "given": "Jane"}], "issued": {"date-parts": [[2020]]}}]))
    out = tmp_path / "all.bib"
    result = run("convert", str(a), str(b), "-o", str(out))
    assert result.exit_code == 0, result.output
    keys = [e.key for e in bibkit.load(out).entries]
    assert keys == ["knuth1984", "doe2020"]


def test_convert_keeps_existing_keys_and_generates_missing_ones():
    text = SIMPLE + "@book{, title = {No Key Here}, author = {Smith, Ann}, year = 2001}\n"
    result = run("convert", "-", "--from", "bibtex", input=text)
    assert "@article{knuth1984," in result.stdout
    assert "@book{smith2001" in result.stdout


def test_messy_files_convert_without_a_traceback():
    for path in sorted(require_shared("messy").glob("*.bib")):
        for fmt in ("bibtex", "biblatex", "csljson"):
            result = run("convert", str(path), "--to", fmt)
            assert result.exception is None or isinstance(result.exception, SystemExit), (path, result.exception)
            assert "Traceback" not in result.output


def test_problems_are_printed_as_file_line_message_and_set_the_exit_status():
    path = require_shared("messy", "gen-unbalanced-extra-close-brace.bib")
    result = run("convert", str(path))
    assert result.exit_code == 1
    assert f"{path}:10: error:" in result.stderr
    assert result.stdout.count("@article{") == 3  # the rest of the file is still converted


def test_warnings_alone_do_not_fail_the_conversion():
    result = run("convert", str(require_shared("messy", "gen-month-and-url.bib")))
    assert result.exit_code == 0
    assert "sept" in result.stderr


def test_a_missing_input_is_reported_and_the_other_inputs_still_converted(tmp_path: Path):
    good = tmp_path / "good.bib"
    good.write_text(SIMPLE)
    result = run("convert", str(tmp_path / "missing.bib"), str(good))
    assert result.exit_code == 1
    assert "missing.bib: no such file" in result.stderr
    assert "knuth1984" in result.stdout


def test_unknown_output_format_is_a_usage_error():
    result = run("convert", "-", "--to", "docx", input=SIMPLE)
    assert result.exit_code == 2 and "no exporter named 'docx'" in result.output


def test_output_is_written_atomically_and_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch):
    out = tmp_path / "refs.bib"
    out.write_text("old content\n")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError):
        bibkit.dump(bibkit.loads(SIMPLE, "bibtex"), out)
    assert out.read_text() == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["refs.bib"]  # no temporary file left behind


def test_unicode_flag_writes_utf8_instead_of_latex_escapes():
    text = "@article{a, author = {G{\\\"o}del, Kurt}, title = {{\\\"U}ber formal unentscheidbare S{\\\"a}tze}, year = 1931}"
    latex = run("convert", "-", "--from", "bibtex", input=text).stdout
    utf8 = run("convert", "-", "--from", "bibtex", "--unicode", input=text).stdout
    assert '{\\"o}' in latex and "Gödel" in utf8 and "Über" in utf8


def test_the_console_script_runs(tmp_path: Path):
    result = subprocess.run([sys.executable, "-m", "bibkit", "convert", "-", "--from", "bibtex"],
                            input=SIMPLE, capture_output=True, text=True)
    assert result.returncode == 0 and "knuth1984" in result.stdout


def _console(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bibkit", *args], capture_output=True, text=True, **kwargs)


def test_the_console_script_writes_all_its_output_before_its_fast_exit():
    examples = Path(__file__).resolve().parents[1] / "examples" / "references.bib"
    result = _console("convert", str(examples), "--to", "csljson")
    assert result.returncode == 0
    assert len(json.loads(result.stdout)) == len(bibkit.load(examples).entries)


def test_the_console_script_keeps_its_exit_codes():
    missing = _console("convert", "no-such-file.bib")
    assert missing.returncode == 1 and "no such file" in missing.stderr
    assert _console("--jobs", "0", "formats").returncode == 2  # a usage error
    assert _console("--jobs", "2", "convert", "-", "--from", "bibtex", input=SIMPLE).returncode == 0


def test_jobs_reach_the_reader_for_one_command_only(monkeypatch):
    from bibkit import parallel

    monkeypatch.delenv("BIBKIT_JOBS", raising=False)
    seen = []
    real = parallel.job_count
    monkeypatch.setattr(parallel, "job_count", lambda jobs=None: seen.append(real(jobs)) or seen[-1])
    monkeypatch.setattr("bibkit.formats.bibtex.writer.job_count", parallel.job_count)
    result = CliRunner().invoke(main, ["--jobs", "3", "convert", "-", "--from", "bibtex"], input=SIMPLE)
    assert result.exit_code == 0 and seen and set(seen) == {3}
    assert "BIBKIT_JOBS" not in os.environ
