"""The built sdist and wheel hold everything bibkit reads at run time, and the wheel installed in
a fresh virtual environment outside the checkout does the README's jobs.

Every other test runs bibkit from the checkout (or an editable install of it), where files the
build forgot are still found beside the package; only an installed wheel shows what a user gets.
"""
from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from bibkit.cli import main
from tests.conftest import IN_CI, ROOT

DIST_NAME = "bibkit-refs"
LISTING = ROOT / "examples" / "papers-listing.txt"

# Checkout clutter that never belongs in a build (and node_modules is large).
_NOT_SOURCE = shutil.ignore_patterns(
    ".git", "node_modules", "build", "dist", "*.egg-info", "__pycache__", "*.pyc",
    ".pytest_cache", ".hypothesis", "references.bib", "references.json",
)


def _run(cmd: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: int = 600) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{cmd} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def _runtime_files() -> dict[str, str]:
    """Files bibkit reads at run time: path in the sdist -> path in the wheel."""
    styles = ROOT / "styles"
    files = {}
    for path in styles.rglob("*"):
        if path.is_file():
            rel = path.relative_to(styles).as_posix()
            files[f"styles/{rel}"] = f"bibkit/styles/{rel}"
    for path in (ROOT / "bibkit" / "csl" / "locales").iterdir():
        rel = path.relative_to(ROOT).as_posix()
        files[rel] = rel
    for rel in ("bibkit/csl/testsuite_floor.txt", "bibkit/py.typed"):
        files[rel] = rel
    for path in (ROOT / "bibkit" / "web" / "static").iterdir():  # the page of `bibkit serve`
        rel = path.relative_to(ROOT).as_posix()
        files[rel] = rel
    return files


@pytest.fixture(scope="module")
def dists(tmp_path_factory) -> tuple[Path, Path]:
    """``python -m build`` on a copy of the checkout (the build writes egg-info into its source):
    the sdist, and the wheel that ``build`` makes from that sdist."""
    try:
        import build  # noqa: F401  (the `test` extra)
    except ImportError:
        if IN_CI:
            pytest.fail("the `build` package is required under CI=true")
        pytest.skip("the `build` package is not installed (pip install -e '.[test]')")
    work = tmp_path_factory.mktemp("build")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=_NOT_SOURCE)
    _run([sys.executable, "-m", "build", "--outdir", str(work / "dist"), str(source)], cwd=work)
    (sdist,) = (work / "dist").glob("*.tar.gz")
    (wheel,) = (work / "dist").glob("*.whl")
    return sdist, wheel


@pytest.fixture(scope="module")
def installed(dists, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A fresh virtual environment outside the checkout with only the wheel installed in it.

    The dependencies come from the running environment (no network: ``--no-deps``), seen through
    ``--system-site-packages`` and, when the tests run in a venv, a ``.pth`` naming its
    site-packages. Neither puts the checkout ahead of the wheel: an editable install's import
    hook comes after the venv's own site-packages, which the test checks.
    """
    _sdist, wheel = dists
    env_dir = tmp_path_factory.mktemp("venv") / "env"
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    purelib = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                   cwd=env_dir).strip()
    paths = sysconfig.get_paths()
    outer = dict.fromkeys([*site.getsitepackages(), paths["purelib"], paths["platlib"]])
    # addsitedir, as for system site-packages: the outer .pth files (an editable install's
    # import hook among them) are processed too, behind the venv's own site-packages.
    Path(purelib, "outer-environment.pth").write_text(
        "".join(f"import site; site.addsitedir({p!r})\n" for p in outer), encoding="utf-8"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "BIBKIT_STYLES_PATH"}}
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(env_dir)
    pip = [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)]
    _run(pip, cwd=env_dir, env=env)
    return env_dir, env


def _inside(path: str | Path, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder.resolve())


def test_sdist_and_wheel_hold_styles_locales_floor_and_py_typed(dists):
    sdist, wheel = dists
    with tarfile.open(sdist) as tar:
        in_sdist = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    with zipfile.ZipFile(wheel) as whl:
        in_wheel = set(whl.namelist())
        (info,) = {n.split("/", 1)[0] for n in in_wheel if n.endswith(".dist-info/METADATA")}
        metadata = whl.read(f"{info}/METADATA").decode()
        entry_points = whl.read(f"{info}/entry_points.txt").decode()
    expected = _runtime_files()
    assert "styles/bibkit-numeric.csl" in expected and "bibkit/csl/locales/locales-en-US.xml" in expected
    assert sorted(set(expected) - in_sdist) == []
    assert sorted(set(expected.values()) - in_wheel) == []
    assert f"\nName: {DIST_NAME}\n" in metadata
    assert "bibkit = bibkit.cli:run" in entry_points
    assert not any(n.startswith(("tests/", "styles/", "examples/")) for n in in_wheel)


def test_installed_wheel_does_the_readme_jobs_outside_the_checkout(installed, tmp_path):
    env_dir, env = installed
    bindir = Path(env["PATH"].split(os.pathsep, 1)[0])
    bibkit_cmd = str(bindir / "bibkit")
    work = tmp_path / "paper"
    work.mkdir()
    assert not _inside(work, ROOT)
    shutil.copy(LISTING, work / "papers-listing.txt")

    # The installed package, not the checkout (which CI also installs editable).
    where = json.loads(_run([str(bindir / "python"), "-c", (
        "import bibkit, json, importlib.metadata as md;"
        "from bibkit.csl.styles import find_style;"
        f"print(json.dumps({{'file': bibkit.__file__, 'version': md.version('{DIST_NAME}'),"
        "'style': str(find_style('bibkit-numeric').path)}))"
    )], cwd=work, env=env))
    assert _inside(where["file"], env_dir) and not _inside(where["file"], ROOT), where
    assert _inside(where["style"], env_dir), where
    assert where["version"] == "0.1.0"

    # The README's main job, beside the same job done by the checkout's code.
    _run([bibkit_cmd, "convert", "papers-listing.txt", "-o", "references.bib"], cwd=work, env=env)
    expected_bib = tmp_path / "checkout.bib"
    result = CliRunner().invoke(main, ["convert", str(LISTING), "-o", str(expected_bib)])
    assert result.exit_code == 0, result.output
    bib = (work / "references.bib").read_text(encoding="utf-8")
    assert bib == expected_bib.read_text(encoding="utf-8")
    assert bib.count("\n@") + bib.startswith("@") == 112

    for style in ("bibkit-numeric", "apa"):
        text = _run([bibkit_cmd, "format", "references.bib", "--style", style], cwd=work, env=env)
        mine = CliRunner().invoke(main, ["format", str(work / "references.bib"), "--style", style])
        assert mine.exit_code == 0, mine.output
        assert text == mine.stdout and text.strip()
        if style == "bibkit-numeric":
            assert text.startswith("[1] ")

    listed = _run([bibkit_cmd, "styles", "bibkit"], cwd=work, env=env).splitlines()
    assert any(line.split()[0] == "bibkit-numeric" for line in listed), listed

    script = "import bibkit; lib = bibkit.load('references.bib'); print(len(lib.entries), bibkit.__file__)"
    loaded = _run([str(bindir / "python"), "-c", script], cwd=work, env=env).split()
    assert loaded[0] == "112" and _inside(loaded[1], env_dir)


def test_installed_wheel_serves_the_page_outside_the_checkout(installed, tmp_path):
    """``pip install bibkit-refs && bibkit serve``: the page and its assets come from the wheel."""
    from tests.serve_helpers import serving

    env_dir, env = installed
    bindir = Path(env["PATH"].split(os.pathsep, 1)[0])
    work = tmp_path / "elsewhere"
    work.mkdir()
    with serving([str(bindir / "bibkit")], env=env, cwd=work) as server:
        assert server.host == "127.0.0.1"
        status, page = server.request("GET", "/")
        assert status == 200 and '<script src="/static/app.js"' in page
        status, script = server.request("GET", "/static/app.js")
        assert status == 200
        assert script == (ROOT / "bibkit" / "web" / "static" / "app.js").read_text(encoding="utf-8")
        status, info = server.request("GET", "/api/info")
        assert status == 200 and info["version"] == "0.1.0"
        status, answer = server.post("/api/format", {"documents": [
            {"name": "papers.txt", "text": LISTING.read_text(encoding="utf-8")}], "style": "apa"})
        assert status == 200 and answer["entries"] == 112
    where = _run([str(bindir / "python"), "-c", "import bibkit.web.app as a; print(a.STATIC)"], cwd=work, env=env)
    assert _inside(where.strip(), env_dir), where
