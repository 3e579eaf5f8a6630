"""``.pre-commit-hooks.yaml``: each hook's entry, run the way pre-commit runs it.

pre-commit runs ``shlex.split(entry) + args + [staged files matching 'files']`` in the
repository's root and fails the commit on a non-zero exit status.
"""
from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT, require_shared

HOOKS = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
SAMPLE = ("corpus", "ordinary", "bibtex-tidy-fixtures", "better-bibtex", "Jabref_import_-_groups_lost_1730-3.bib")


def run_hook(hook: dict, files: list[Path], cwd: Path) -> subprocess.CompletedProcess:
    command = shlex.split(hook["entry"]) + list(hook.get("args", []))
    pattern = re.compile(hook.get("files", ""))
    staged = [str(f.relative_to(cwd)) for f in files if pattern.search(str(f.relative_to(cwd)))]
    exe = shutil.which(command[0], path=str(Path(sys.executable).parent)) or command[0]
    return subprocess.run([exe, *command[1:], *staged], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_hooks_are_declared_for_python_and_bib_files():
    assert set(HOOKS) == {"bibkit-tidy", "bibkit-check"}
    for hook in HOOKS.values():
        assert hook["language"] == "python" and re.compile(hook["files"]).search("refs/main.bib")
        assert not re.compile(hook["files"]).search("paper.tex")


def test_tidy_hook_fails_on_an_untidy_file_and_passes_once_tidied(tmp_path):
    (tmp_path / ".git").mkdir()
    bib = tmp_path / "refs.bib"
    bib.write_text(require_shared(*SAMPLE).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "paper.tex").write_text("\\cite{x}\n", encoding="utf-8")
    before = bib.read_text(encoding="utf-8")
    failed = run_hook(HOOKS["bibkit-tidy"], [bib, tmp_path / "paper.tex"], tmp_path)
    assert failed.returncode == 1 and "refs.bib: not tidy" in failed.stderr
    assert bib.read_text(encoding="utf-8") == before  # a check never writes
    subprocess.run([shutil.which("bibkit", path=str(Path(sys.executable).parent)) or "bibkit", "tidy",
                    "--in-place", "refs.bib"], cwd=tmp_path, check=True, capture_output=True)
    assert run_hook(HOOKS["bibkit-tidy"], [bib], tmp_path).returncode == 0


def test_tidy_hook_uses_the_project_settings(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".bibkit.toml").write_text("[tidy]\nalign = 14\n", encoding="utf-8")
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{k,\n  title = {T}\n}\n", encoding="utf-8")
    assert run_hook(HOOKS["bibkit-tidy"], [bib], tmp_path).returncode == 1
    bib.write_text("@article{k,\n  title         = {T}\n}\n", encoding="utf-8")
    assert run_hook(HOOKS["bibkit-tidy"], [bib], tmp_path).returncode == 0


def test_check_hook_passes_a_clean_file_and_fails_a_broken_one(tmp_path):
    (tmp_path / ".git").mkdir()
    good = tmp_path / "good.bib"
    good.write_text("@article{knuth1984,\n  author = {Knuth, Donald E.},\n  title = {Literate Programming},\n"
                    "  journal = {The Computer Journal},\n  year = {1984},\n  volume = {27},\n  number = {2},\n"
                    "  pages = {97--111}\n}\n", encoding="utf-8")
    result = run_hook(HOOKS["bibkit-check"], [good], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    bad = tmp_path / "bad.bib"
    bad.write_text("@article{broken, title = {no end\n", encoding="utf-8")
    result = run_hook(HOOKS["bibkit-check"], [bad], tmp_path)
    assert result.returncode != 0 and "bad.bib:1" in result.stdout + result.stderr
