"""The official CSL test-suite must not regress below the recorded floor."""
from __future__ import annotations

from pathlib import Path

from tests.conftest import require_shared

FLOOR_FILE = Path(__file__).resolve().parents[1] / "bibkit" / "csl" / "testsuite_floor.txt"


def test_csl_testsuite_pass_count_not_below_floor():
    from bibkit.csl.testsuite import run

    suite = require_shared("csl", "test-suite")
    floor = int(FLOOR_FILE.read_text().strip())
    passed, failures = run(str(suite))
    failed = sum(len(v) for v in failures.values())
    assert passed + failed == len(list(suite.glob("*.txt")))
    assert passed >= floor, f"{passed} passed < floor {floor}"


def test_render_fixture_returns_result_text():
    from bibkit.csl.testsuite import parse_fixture, render_fixture

    suite = require_shared("csl", "test-suite")
    sections = parse_fixture((suite / "affix_CommaAfterQuote.txt").read_text(encoding="utf-8"))
    assert render_fixture(sections) == sections["RESULT"].strip()
