"""The HTTP client: retries, timeouts, bad answers and the on-disk cache, against a local server."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from bibkit.cli import main
from bibkit.enrich.config import EnrichConfig
from bibkit.enrich.http import HttpClient, SourceError
from bibkit.enrich.resolver import Resolver
from bibkit.enrich.testing import Scripted

DOI = "10.1038/s41586-021-03819-2"


def client(**overrides) -> HttpClient:
    return HttpClient(EnrichConfig.from_env(**overrides))


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_429_then_success_is_retried(server):
    server.script("/crossref/works/", Scripted(429, '{"message": "slow down"}', {"Retry-After": "0"}))
    record = Resolver(client(backoff=0.01)).lookup("doi", DOI)
    assert record is not None and record.source == "crossref"
    assert len(server.requests_to("/crossref/works/")) == 2


def test_429_without_retry_after_backs_off_and_retries(server):
    server.script("/crossref/works/", Scripted(429, "Too Many Requests"), Scripted(502, "bad gateway"))
    record = Resolver(client(backoff=0.01)).lookup("doi", DOI)
    assert record is not None and record.source == "crossref"
    assert len(server.requests_to("/crossref/works/")) == 3


def test_persistent_5xx_is_a_source_error_after_the_retries(server):
    server.script("/crossref/works/", *[Scripted(503, "down")] * 4)
    http = client(backoff=0.01, retries=2, cache=False)
    with pytest.raises(SourceError) as info:
        http.get("crossref", f"{server.url('crossref')}/works/{DOI}")
    assert info.value.kind == "http" and "503" in info.value.message
    assert len(server.requests_to("/crossref/works/")) == 3


def test_a_silent_source_times_out_and_the_next_source_answers(server):
    server.script("/crossref/works/", *[Scripted(200, "{}", delay=2.0)] * 2)
    resolver = Resolver(client(timeout=0.3, cache=False))
    record = resolver.lookup("doi", DOI)
    assert record is not None and record.source == "doi"  # content negotiation took over
    assert "timed out" in resolver.failures["crossref"].error.message
    assert "crossref" in resolver.down


def test_timeout_through_the_cli_is_one_line_and_a_failure(server, tmp_path, monkeypatch):
    monkeypatch.setenv("BIBKIT_TIMEOUT", "0.3")
    server.script("/crossref/works", *[Scripted(200, "{}", delay=2.0)] * 4)
    src = tmp_path / "refs.bib"
    src.write_text("@article{af, title={Highly accurate protein structure prediction with AlphaFold}, year={2021}}\n")
    result = run("enrich", str(src), "-o", str(tmp_path / "out.bib"), "--sources", "crossref")
    assert result.exit_code == 1
    assert [l for l in result.stderr.splitlines() if "timed out" in l] == [
        l for l in result.stderr.splitlines() if l.startswith("bibkit: error: crossref:")]
    assert not (tmp_path / "out.bib").exists()


def test_malformed_json_is_reported_and_the_chain_goes_on(server):
    server.script("/crossref/works/", Scripted(200, '{"status": "ok", "message": {"DOI": '))
    resolver = Resolver(client(cache=False))
    record = resolver.lookup("doi", DOI)
    assert record is not None and record.source == "doi"
    failure = resolver.failures["crossref"].error
    assert failure.kind == "malformed" and "malformed JSON" in failure.message
    assert "crossref" not in resolver.down  # a bad answer is not an outage


def test_malformed_xml_from_arxiv_is_reported(server):
    server.script("/arxiv/query", Scripted(200, "<feed><entry>", {"Content-Type": "application/atom+xml"}))
    resolver = Resolver(client(cache=False), sources=["arxiv"])
    assert resolver.lookup("arxiv", "1810.04805") is None
    assert "malformed XML" in resolver.failures["arxiv"].error.message


def test_wrong_shape_json_is_reported(server):
    server.script("/crossref/works/", Scripted(200, '["not", "a", "work"]'))
    resolver = Resolver(client(cache=False), sources=["crossref"])
    assert resolver.lookup("doi", DOI) is None
    assert resolver.failures["crossref"].error.kind == "malformed"


def test_second_run_is_served_from_the_cache(server, tmp_path):
    src = tmp_path / "refs.bib"
    src.write_text("@article{af, title={Highly accurate protein structure prediction with AlphaFold}, year={2021}}\n"
                   "@misc{b, title={BERT}, eprint={1810.04805}}\n")
    first = run("enrich", str(src), "-o", str(tmp_path / "one.bib"))
    assert first.exit_code == 0 and server.log
    sent = len(server.log)
    second = run("enrich", str(src), "-o", str(tmp_path / "two.bib"))
    assert second.exit_code == 0
    assert len(server.log) == sent  # no request reached the server
    one = (tmp_path / "one.bib").read_text()
    assert one == (tmp_path / "two.bib").read_text()  # same values, same look-up times
    third = run("enrich", str(src), "-o", str(tmp_path / "three.bib"), "--no-cache")
    assert third.exit_code == 0 and len(server.log) > sent


def test_user_agent_and_mailto_are_sent(server, monkeypatch):
    seen = {}
    original = server._answer

    def spy(path, query, accept):
        seen.update(query)
        return original(path, query, accept)

    monkeypatch.setattr(server, "_answer", spy)
    http = client(mailto="me@example.org", cache=False)
    assert "mailto:me@example.org" in http.session.headers["User-Agent"]
    http.get("crossref", f"{server.url('crossref')}/works/{DOI}")
    assert seen.get("mailto") == "me@example.org"


def test_concurrent_lookups_all_succeed(server):
    from bibkit.enrich.testing import synthetic_works

    dois = synthetic_works(server, 40)
    resolver = Resolver(client(workers=8))
    from bibkit.enrich.engine import run_parallel

    records = run_parallel(dois, lambda d: resolver.lookup("doi", d), 8)
    assert [r.entry.ids.doi for r in records] == dois
    assert not resolver.failures


class _EntryPoint:
    def __init__(self, obj):
        self.obj = obj

    def load(self):
        return self.obj


def test_a_plugin_source_joins_the_chain_for_its_kinds(server, monkeypatch):
    import bibkit.enrich.sources as sources
    from bibkit.enrich.sources.base import Record
    from bibkit.model import Entry, Text

    class Catalogue:
        name = "catalogue"
        kinds = ("isbn",)
        searchable = False

        def lookup(self, http, kind, value):
            return Record(Entry(type="book", fields={"title": Text("From the catalogue")}), self.name, "2026-01-01T00:00:00Z")

        def search(self, http, title, year=None, rows=5):
            return []

    class Broken:
        def __init__(self):
            raise RuntimeError("plugin bug")

    found = dict(sources._entry_points())
    found["catalogue"] = _EntryPoint(Catalogue)
    found["broken"] = _EntryPoint(Broken)
    monkeypatch.setattr(sources, "_entry_points", lambda: found)
    resolver = Resolver(client(cache=False))
    assert resolver.chain("isbn") == ("openlibrary", "googlebooks", "catalogue")
    record = resolver.lookup("isbn", "9780000000002")  # unknown to Open Library and Google Books
    assert record is not None and record.source == "catalogue"
    assert "plugin bug" in resolver.failures["broken"].error.message
