"""The JSON API of ``bibkit serve`` does what the CLI does, on the same inputs, with the same words:
exports equal ``convert``, previews equal ``format``, fixes equal ``check --fix``, keys equal
``keys``, dropped bytes are decoded as files are, merges keep every value, look-ups fail one by
one. Run in-process (Starlette's test client); the real server is in test_serve_guards.py."""
from __future__ import annotations

import base64
import shutil
import time

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from bibkit import api
from bibkit.cli import main
from bibkit.web import create_app
from tests.conftest import ROOT, require_shared

EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(["testserver"], lookup_timeout=1.0))


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def doc(path, name: str | None = None) -> dict:
    return {"name": name or path.name, "text": path.read_text(encoding="utf-8")}


@pytest.mark.parametrize("to", ["bibtex", "biblatex", "csljson", "ris", "cslyaml"])
def test_every_export_is_what_convert_writes(client, to, monkeypatch):
    monkeypatch.chdir(EXAMPLES)
    answer = client.post("/api/export", json={"documents": [doc(EXAMPLES / "references.json")], "to": to}).json()
    assert answer["text"] == cli("convert", "references.json", "--to", to)
    assert answer["entries"] == 112


def test_the_formatted_list_and_preview_are_what_format_prints(client):
    bib = doc(EXAMPLES / "references.bib")
    for style, markup in (("apa", "text"), ("ieee", "html"), ("chicago-author-date", "markdown")):
        expected = cli("format", str(EXAMPLES / "references.bib"), "--style", style, "--to", markup)
        preview = client.post("/api/format", json={"documents": [bib], "style": style, "markup": markup}).json()
        assert preview["bibliography"] == expected and preview["citation"]
        out = client.post("/api/export", json={"documents": [bib], "to": "formatted", "style": style,
                                               "markup": markup}).json()
        assert out["text"] == expected


def test_the_locale_changes_the_terms(client):
    bib = doc(EXAMPLES / "references.bib")
    german = client.post("/api/format", json={"documents": [bib], "style": "apa", "locale": "de-DE",
                                              "markup": "text"}).json()
    assert german["bibliography"] == cli("format", str(EXAMPLES / "references.bib"), "--style", "apa",
                                         "--locale", "de-DE")


def test_tidy_options_lay_out_the_bib_as_tidy_does(client, tmp_path, monkeypatch):
    monkeypatch.chdir(EXAMPLES)
    plain = tmp_path / "references.bib"
    plain.write_text(cli("convert", "references.json", "--to", "bibtex"), encoding="utf-8")
    expected = cli("tidy", str(plain), "--sort=key", "--align=14", "--curly", "--months")
    answer = client.post("/api/export", json={"documents": [doc(EXAMPLES / "references.json")], "to": "bibtex",
                                              "tidy": {"sort": "key", "align": 14, "delimiters": "curly",
                                                       "months": True}}).json()
    assert answer["text"] == expected


def test_keys_follow_the_chosen_pattern_as_bibkit_keys_gives_them(client, tmp_path):
    source = EXAMPLES / "references.bib"
    keyed = cli("keys", str(source), "--rekey", "--pattern", "[auth][year]", "--policy", "always")
    expected = [e.key for e in api.loads(keyed, "bibtex").entries]
    answer = client.post("/api/entries", json={"documents": [doc(source)],
                                               "keys": {"pattern": "[auth][year]", "rekey": True,
                                                        "policy": "always"}}).json()
    assert [e["key"] for e in answer["entries"]] == expected


def test_a_bad_key_pattern_is_a_422_with_the_reason(client):
    answer = client.post("/api/entries", json={"documents": [doc(EXAMPLES / "references.bib")],
                                               "keys": {"pattern": "[auth"}})
    assert answer.status_code == 422 and answer.json()["error"]


def test_a_fix_is_the_edit_check_fix_makes(client, tmp_path):
    messy = require_shared("messy", "gen-month-and-url.bib")
    copy = tmp_path / messy.name
    shutil.copy(messy, copy)
    CliRunner().invoke(main, ["check", "--fix", str(copy)])
    seen = client.post("/api/entries", json={"documents": [doc(messy)]}).json()
    fixable = [f["id"] for e in seen["entries"] for f in e["findings"] if f["fixable"]]
    assert fixable
    answer = client.post("/api/fix", json={"documents": [doc(messy)], "findings": fixable}).json()
    assert answer["fixed"] == len(fixable)
    assert answer["documents"][0]["text"] == copy.read_text(encoding="utf-8")


def test_dropped_bytes_are_decoded_as_the_cli_decodes_a_file(client, monkeypatch):
    latin = require_shared("messy", "gen-latin1-accents.bib")
    monkeypatch.chdir(latin.parent)
    dropped = {"name": latin.name, "data": base64.b64encode(latin.read_bytes()).decode()}
    answer = client.post("/api/export", json={"documents": [dropped], "to": "bibtex"}).json()
    result = CliRunner().invoke(main, ["convert", latin.name])
    assert answer["text"] == result.stdout
    said = {p["text"] for p in answer["problems"]}
    assert {line for line in result.stderr.splitlines() if ": info:" not in line} <= said


def test_duplicates_are_shown_with_their_reason_and_merged_only_when_asked(client):
    ads = require_shared("messy", "bibtex-tidy-ads-export-month-macro.bib")
    documents = [{"name": ads.name, "text": ads.read_text(encoding="utf-8")}]
    seen = client.post("/api/entries", json={"documents": documents}).json()
    [group] = seen["duplicates"]
    assert group["matches"][0]["rule"] == "doi" and len(group["members"]) == 2 and not group["merged"]
    apart = client.post("/api/export", json={"documents": documents, "to": "bibtex"}).json()
    merged = client.post("/api/export", json={"documents": documents, "to": "bibtex", "merge": [group["id"]]}).json()
    assert merged["entries"] == apart["entries"] - 1
    kept, gone = (api.loads(merged["text"], "bibtex").entries, api.loads(apart["text"], "bibtex").entries)
    merged_away = {e.key for e in gone} - {e.key for e in kept}
    assert merged_away and all(k in merged["text"] for k in merged_away)  # kept as an alias in ids
    after = client.post("/api/entries", json={"documents": documents, "merge": [group["id"]]}).json()
    assert after["duplicates"][0]["merged"] and after["summary"]["entries"] == apart["entries"] - 1


def test_look_ups_fail_one_by_one_and_time_out(client, server):
    from bibkit.enrich.testing import Scripted

    server.script("/crossref/works/10.5555/slow", *[Scripted(200, "{}", delay=3.0)] * 8)
    server.script("/doi/10.5555/slow", *[Scripted(200, "{}", delay=3.0)] * 8)
    started = time.monotonic()
    answer = client.post("/api/lookup", json={"identifiers": [
        "10.1038/s41586-021-03819-2", "nonsense", "10.5555/slow", "arXiv:1810.04805"]}).json()
    took = time.monotonic() - started
    assert answer["entries"] == 2
    entries = api.loads(answer["text"], "bibtex").entries
    assert {e.ids.doi for e in entries} >= {"10.1038/s41586-021-03819-2"}
    assert any(e.ids.arxiv == "1810.04805" for e in entries)
    said = " ".join(p["text"] for p in answer["problems"])
    assert "nonsense: error: not a DOI" in said and "timed out" in said
    assert took < 30


def test_no_identifier_is_a_400(client):
    assert client.post("/api/lookup", json={"identifiers": ["  "]}).status_code == 400


def test_styles_are_found_by_typing(client):
    names = [s["name"] for s in client.get("/api/styles?q=apa&limit=5").json()]
    assert names[0] == "apa"
    assert len(client.get("/api/styles?q=&limit=3000").json()) > 2500


def test_the_page_and_its_assets_come_from_the_package(client):
    page = client.get("/")
    assert page.status_code == 200 and "/static/app.js" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for asset in ("app.js", "style.css"):
        assert client.get(f"/static/{asset}").status_code == 200
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/static/%2e%2e/app.py").status_code == 404


@pytest.mark.parametrize("folder", ["messy", "exports"])
def test_every_messy_file_and_export_is_read_as_the_cli_reads_it(client, folder):
    """Every file of ../shared/messy and ../shared/exports (other tools' exports; up to 70 KB: larger
    exports in formats bibkit reads only as reference lists take seconds each),
    sent as dropped bytes, answers 200 with the entry count ``bibkit.load`` gives the file."""
    root = require_shared(folder)
    files = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.endswith(".md")
                   and p.stat().st_size <= 70_000)
    assert files
    for path in files:
        dropped = {"name": path.name, "data": base64.b64encode(path.read_bytes()).decode()}
        seen = client.post("/api/entries", json={"documents": [dropped]})
        assert seen.status_code == 200, (path.name, seen.text)
        expected = len(api.load(path).entries)
        assert seen.json()["summary"]["entries"] == expected, path.name
        out = client.post("/api/export", json={"documents": [dropped], "to": "bibtex"})
        assert out.status_code == 200 and out.json()["entries"] == expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.sampled_from(list("@{}=,\"%\\ \nabcTY-ER[]:1")), max_size=300),
       name=st.sampled_from(["x.bib", "x.ris", "x.json", "x.yaml", "pasted text"]))
def test_any_text_gives_an_answer_never_a_server_error(client, text, name):
    for path in ("/api/entries", "/api/format", "/api/export"):
        answer = client.post(path, json={"documents": [{"name": name, "text": text}], "to": "bibtex"})
        assert answer.status_code == 200, (path, answer.text)
