"""Load on ``bibkit serve``: 8 clients send 200 format requests at once over loopback; every answer
is the one ``bibkit format`` gives for the same input, and the server's memory stays level.

Bounded: two rounds of 8 threads x 13 requests (208 in all), each with a timeout; the server's
memory after the second round is compared with after the first; the server is stopped at the end.
"""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from click.testing import CliRunner

from bibkit.cli import main
from tests.conftest import ROOT
from tests.serve_helpers import serving

CLIENTS = 8
PER_CLIENT = 13  # per round
#: (input, style, markup) the clients take turns with: author-date and numeric styles
JOBS = [
    ("refs.json", "apa", "text"),
    ("refs.json", "ieee", "html"),
    ("refs.bib", "chicago-author-date", "markdown"),
    ("refs.bib", "nature", "text"),
]
#: entries per request (the first of the bundled examples): the test is about the server, not size
ENTRIES = 25
#: resident memory the server may gain between the first and the last round of requests
GROWTH_KIB = 10 * 1024  # a kept library per request (about 0.2 MB each) would pass it in one round


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    items = json.loads((ROOT / "examples" / "references.json").read_text(encoding="utf-8"))[:ENTRIES]
    bib = (ROOT / "examples" / "references.bib").read_text(encoding="utf-8")
    cut = [i for i in range(len(bib)) if bib.startswith("\n@", i)][ENTRIES - 1]
    return {"refs.json": json.dumps(items, ensure_ascii=False, indent=2), "refs.bib": bib[:cut + 1]}


@pytest.fixture(scope="module")
def expected(texts, tmp_path_factory) -> dict[tuple[str, str, str], str]:
    folder = tmp_path_factory.mktemp("load")
    out = {}
    for path, style, markup in JOBS:
        (folder / path).write_text(texts[path], encoding="utf-8")
        result = CliRunner().invoke(main, ["format", str(folder / path), "--style", style, "--to", markup])
        assert result.exit_code == 0, result.output
        assert result.stdout.count("\n") >= ENTRIES
        out[(path, style, markup)] = result.stdout
    return out


def test_eight_clients_sending_208_format_requests_are_all_answered_correctly_with_level_memory(texts, expected):
    with serving() as server:
        def ask(n: int) -> tuple[int, bool, str]:
            path, style, markup = JOBS[n % len(JOBS)]
            status, answer = server.post("/api/format", {
                "documents": [{"name": path, "text": texts[path]}],
                "style": style, "markup": markup}, timeout=120)
            ok = status == 200 and answer["bibliography"] == expected[(path, style, markup)]
            return status, ok, f"{path} {style} {markup}"

        def client(c: int) -> list[tuple[int, bool, str]]:
            return [ask(c + i) for i in range(PER_CLIENT)]

        for n in range(len(JOBS)):  # one of each first: the styles are parsed and cached
            assert ask(n)[1]
        before = server.rss_kib()
        with ThreadPoolExecutor(CLIENTS) as pool:
            first = [r for rs in pool.map(client, range(CLIENTS)) for r in rs]
        middle = server.rss_kib()
        with ThreadPoolExecutor(CLIENTS) as pool:
            second = [r for rs in pool.map(client, range(CLIENTS)) for r in rs]
        after = server.rss_kib()
    results = first + second
    assert len(results) == 2 * CLIENTS * PER_CLIENT
    wrong = [r for r in results if not r[1]]
    assert not wrong, wrong[:5]
    print(f"server RSS: {before} KiB before, {middle} after {len(first)} requests, {after} after {len(results)}")
    assert after - middle < GROWTH_KIB, (before, middle, after)
