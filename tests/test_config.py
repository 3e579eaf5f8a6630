"""Project settings in pyproject.toml / .bibkit.toml become every command's defaults."""
from __future__ import annotations


import pytest
from click.testing import CliRunner

from bibkit.cli import main
from tests.conftest import require_shared

ENTRIES = '@article{b, year = 1990, title = "B", author = {Bee, Ann}}\n\n@article{a, year = {2000}, title = "A"}\n'


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder (with .git, so the search stops there) as the working directory."""
    monkeypatch.delenv("BIBKIT_CONFIG", raising=False)
    (tmp_path / ".git").mkdir()
    (tmp_path / "refs.bib").write_text(ENTRIES, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_tidy_options_from_pyproject_and_the_command_line_wins(project):
    (project / "pyproject.toml").write_text(
        '[project]\nname = "paper"\n\n[tool.bibkit.tidy]\nsort = ["key"]\nalign = 14\ncurly = true\n', encoding="utf-8")
    out = run("tidy", "refs.bib").stdout
    assert out.index("@article{a") < out.index("@article{b")
    assert '  title         = {A}' in out
    out = run("tidy", "refs.bib", "--align", "0", "--keep-delimiters").stdout
    assert '  title = "A"' in out and out.index("@article{a") < out.index("@article{b")


def test_bibkit_toml_is_found_from_a_subfolder_and_beats_pyproject(project):
    (project / "pyproject.toml").write_text("[tool.bibkit.tidy]\nalign = 20\n", encoding="utf-8")
    (project / ".bibkit.toml").write_text("[tidy]\nalign = 10\nlowercase = true\n", encoding="utf-8")
    sub = project / "chapters"
    sub.mkdir()
    (sub / "x.bib").write_text("@ARTICLE{k, Title = {T}}\n", encoding="utf-8")
    import os
    os.chdir(sub)
    assert run("tidy", "x.bib").stdout == "@article{k,\n  title     = {T}\n}\n"


def test_the_search_stops_at_the_project_root(project, tmp_path_factory):
    outer = tmp_path_factory.mktemp("outer")
    (outer / ".bibkit.toml").write_text("[tidy]\nalign = 30\n", encoding="utf-8")
    inner = outer / "repo"
    inner.mkdir()
    (inner / ".git").mkdir()
    (inner / "r.bib").write_text(ENTRIES, encoding="utf-8")
    import os
    os.chdir(inner)
    assert "title = " in run("tidy", "r.bib").stdout


def test_global_settings_reach_every_command_that_has_the_option(project):
    (project / "pyproject.toml").write_text(
        '[tool.bibkit]\nstyle = "ieee"\npattern = "[auth:lower][year]"\n\n[tool.bibkit.merge]\nstrategy = "first"\n',
        encoding="utf-8")
    result = run("config", "--changed")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert f'format.style = "ieee"  # {project / "pyproject.toml"}:2 [tool.bibkit]' in lines
    assert any(line.startswith('cite.style = "ieee"') for line in lines)
    assert any(line.startswith('keys.pattern = "[auth:lower][year]"') for line in lines)
    assert f'merge.strategy = "first"  # {project / "pyproject.toml"}:6 [tool.bibkit.merge]' in lines
    everything = run("config", "tidy").stdout.splitlines()
    assert "tidy.align = 0  # default" in everything


def test_the_key_pattern_setting_is_used_by_bibkit_keys(project):
    (project / ".bibkit.toml").write_text('pattern = "[auth:upper]-[year]"\n', encoding="utf-8")
    out = run("keys", "refs.bib", "--rekey").stdout
    assert "@article{BEE-1990," in out


def test_the_style_setting_is_used_by_bibkit_format(project):
    path = require_shared("corpus", "ordinary", "bibtex-tidy-fixtures", "better-bibtex", "Jabref_import_-_groups_lost_1730-3.bib")
    (project / ".bibkit.toml").write_text('[format]\nstyle = "ieee"\n', encoding="utf-8")
    ieee = run("format", str(path)).stdout
    (project / ".bibkit.toml").write_text('[format]\nstyle = "apa"\n', encoding="utf-8")
    apa = run("format", str(path)).stdout
    assert ieee != apa and ieee.lstrip().startswith("[1]")
    assert run("format", str(path), "--style", "ieee").stdout == ieee


@pytest.mark.parametrize("text, line, message", [
    ("[tool.bibkit.tidy]\nalign = 14\nsort = [\n", 3, ""),
    ("[tool.bibkit.tidy]\nalign = 14\ncolour = true\n", 3, "'bibkit tidy' has no option 'colour'"),
    ("[tool.bibkit.tidy]\nalign = \"wide\"\n", 2, "tidy.align: 'wide' is not a valid integer"),
    ("[tool.bibkit]\nflavour = 1\n", 2, "no command has an option 'flavour'"),
    ("[tool.bibkit.tidyy]\nalign = 1\n", 1, "no command 'tidyy'"),
])
def test_a_bad_config_is_reported_with_file_and_line_and_exit_2(project, text, line, message):
    (project / "pyproject.toml").write_text(text, encoding="utf-8")
    result = run("tidy", "refs.bib")
    assert result.exit_code == 2
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{project / 'pyproject.toml'}:{line}: ") and message in first
    assert "Traceback" not in result.output


def test_config_prints_unset_options_as_empty_values_not_click_sentinels():
    result = CliRunner().invoke(main, ["config"])
    assert result.exit_code == 0, result.output
    assert "Sentinel" not in result.output and "UNSET" not in result.output
    assert "check.select = []  # default" in result.output  # a repeatable option left unset
