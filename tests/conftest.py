"""Shared fixtures: where the shared data lives, and how tests that need outside tools behave."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT.parent / "shared").resolve()
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_tool(name: str) -> str:
    """Return the path of an outside tool, or skip the test (fail under CI=true).

    CI must really run the tools, so a missing tool there is an installation bug, not a skip.
    """
    path = shutil.which(name)
    if path:
        return path
    if IN_CI:
        pytest.fail(f"{name} is required under CI=true but is not installed")
    pytest.skip(f"{name} is not installed")


def require_shared(*parts: str) -> Path:
    """Path inside ../shared/, skipping (failing under CI) when the shared data is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if IN_CI:
            pytest.fail(f"shared data missing under CI: {path}")
        pytest.skip(f"shared data missing: {path}")
    return path


@pytest.fixture
def shared() -> Path:
    return require_shared()


@pytest.fixture
def server(monkeypatch, tmp_path):
    """A local fake of the scholarly APIs (arXiv, Crossref, DOI, OpenAlex...), with bibkit's
    source URLs and cache pointed at it for the test."""
    from bibkit.enrich.testing import FakeScholarlyServer, point_env_at, populate

    srv = populate(FakeScholarlyServer()).start()
    point_env_at(srv, monkeypatch.setenv, tmp_path / "cache")
    yield srv
    srv.stop()
