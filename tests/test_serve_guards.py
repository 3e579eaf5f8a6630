"""``bibkit serve`` behaves like a server: each bad request is refused with its own status and a
message, and the server goes on answering everyone else exactly as before."""
from __future__ import annotations

import http.client
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from bibkit.cli import main
from bibkit.web.guards import MAX_BODY
from tests.conftest import ROOT
from tests.serve_helpers import serving

LISTING = (ROOT / "examples" / "papers-listing.txt").read_text(encoding="utf-8")
BIB = """@article{smith2020,
  author = {Smith, Jane and Doe, John},
  title = {A Study of Things},
  journal = {Journal of Studies},
  year = {2020},
  pages = {1-10},
}
"""


@pytest.fixture(scope="module")
def server():
    with serving() as running:
        yield running


@pytest.fixture(scope="module")
def expected_format(server, tmp_path_factory):
    """What a good request answers, and what ``bibkit format`` prints for the same entries."""
    path = tmp_path_factory.mktemp("bib") / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    cli = CliRunner().invoke(main, ["format", str(path), "--style", "apa"])
    assert cli.exit_code == 0, cli.output
    return cli.stdout


def still_answers(server, expected_format) -> None:
    status, answer = server.post("/api/format", {"documents": [{"name": "refs.bib", "text": BIB}],
                                                 "style": "apa", "markup": "text"})
    assert status == 200, answer
    assert answer["bibliography"] == expected_format


def test_the_server_listens_on_loopback_by_default(server):
    assert server.host == "127.0.0.1"
    status, page = server.request("GET", "/")
    assert status == 200 and "<title>bibkit</title>" in page


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1:1", "localhost.evil.example:{port}"])
def test_a_foreign_host_header_is_refused_and_nothing_else_is_affected(server, expected_format, host):
    """DNS rebinding: a page of evil.example whose name now points to 127.0.0.1 sends its own Host."""
    status, answer = server.request("GET", "/api/info", headers={"Host": host.format(port=server.port)})
    assert status == 400 and "refused Host" in answer["error"]
    status, answer = server.post("/api/entries", {"documents": [{"name": "a.bib", "text": BIB}]},
                                 headers={"Host": host.format(port=server.port)})
    assert status == 400
    still_answers(server, expected_format)


def test_localhost_names_of_the_same_port_are_its_own(server):
    for host in ("localhost", "127.0.0.1", "[::1]"):
        status, _ = server.request("GET", "/api/info", headers={"Host": f"{host}:{server.port}"})
        assert status == 200, host


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1:1", "https://127.0.0.1:{port}"])
def test_a_foreign_origin_is_refused_and_nothing_else_is_affected(server, expected_format, origin):
    """Another page the user has open posting to the local server."""
    status, answer = server.post("/api/export", {"documents": [{"name": "a.bib", "text": BIB}], "to": "bibtex"},
                                 headers={"Origin": origin.format(port=server.port)})
    assert status == 403 and "another site" in answer["error"]
    still_answers(server, expected_format)


def test_the_page_s_own_origin_is_served(server):
    status, answer = server.post("/api/entries", {"documents": [{"name": "a.bib", "text": BIB}]},
                                 headers={"Origin": f"http://127.0.0.1:{server.port}"})
    assert status == 200 and answer["summary"]["entries"] == 1


def test_a_form_post_from_anywhere_is_refused(server):
    status, answer = server.request("POST", "/api/export", b"to=bibtex",
                                    {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 415 and "application/json" in answer["error"]


def test_an_oversized_body_is_refused_with_413_and_nothing_else_is_affected(server, expected_format):
    big = json.dumps({"documents": [{"name": "big.bib", "text": "x" * (MAX_BODY + 10)}]}).encode()
    status, answer = server.request("POST", "/api/entries", big, {"Content-Type": "application/json"})
    assert status == 413 and "larger than 20 MB" in answer["error"]
    still_answers(server, expected_format)


def test_an_oversized_chunked_body_without_length_is_refused_too(server, expected_format):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    chunk = b"x" * (1024 * 1024)

    def body():
        yield b'{"documents": [{"name": "big.bib", "text": "'
        for _ in range(MAX_BODY // len(chunk) + 2):
            yield chunk
        yield b'"}]}'

    try:
        conn.request("POST", "/api/entries", body=body(), encode_chunked=True,
                     headers={"Host": f"127.0.0.1:{server.port}", "Content-Type": "application/json",
                              "Transfer-Encoding": "chunked"})
        response = conn.getresponse()
        assert response.status == 413
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered 413 and closed while the client was still sending
    finally:
        conn.close()
    still_answers(server, expected_format)


@pytest.mark.parametrize("name", ["../refs.bib", "/etc/passwd", "a/b.bib", "..\\win.bib", "C:\\refs.bib", "..",
                                  "refs\x00.bib"])
def test_a_path_in_a_file_name_is_refused_and_nothing_else_is_affected(server, expected_format, name):
    status, answer = server.post("/api/entries", {"documents": [{"name": name, "text": BIB}]})
    assert status == 400 and "must be a file name, not a path" in answer["error"]
    still_answers(server, expected_format)


@pytest.mark.parametrize("style", ["/etc/passwd", "../../styles/apa", "https://example.org/x.csl", "apa.csl"])
def test_a_style_path_or_url_is_refused(server, style):
    status, answer = server.post("/api/format", {"documents": [{"name": "a.bib", "text": BIB}], "style": style})
    assert status == 422 and "not a path or URL" in answer["error"]


@pytest.mark.parametrize("body, said", [
    (b'{"documents": [', "malformed JSON: line 1 column 16"),
    (b"\xff\xfe", "not UTF-8"),
    (b"[1, 2]", "must be a JSON object"),
    (b'{"documents": {"name": "a"}}', "documents must be a list"),
    (b'{"documents": [{"name": "a.bib", "text": 3}]}', "must be a string"),
])
def test_malformed_json_is_refused_with_400_and_nothing_else_is_affected(server, expected_format, body, said):
    status, answer = server.request("POST", "/api/entries", body, {"Content-Type": "application/json"})
    assert status == 400 and said in answer["error"], answer
    still_answers(server, expected_format)


def test_bad_references_are_line_messages_and_the_rest_is_still_shown(server):
    """As the CLI: a broken entry is a ``file:line: what is wrong`` message, the others are read."""
    broken = BIB + "\n@article{broken,\n  title = {Unclosed\n\n" + BIB.replace("smith2020", "later2021")
    status, answer = server.post("/api/entries", {"documents": [{"name": "mine.bib", "text": broken}]})
    assert status == 200
    keys = [e["key"] for e in answer["entries"]]
    assert "smith2020" in keys and "later2021" in keys
    messages = [f["text"] for e in answer["entries"] for f in e["findings"]] + [p["text"] for p in answer["problems"]]
    assert any(m.startswith("mine.bib:9: error:") for m in messages), messages


def test_a_non_loopback_host_is_warned_about(tmp_path):
    """192.0.2.1 (TEST-NET-1) is nobody's address: the warning comes, then a clear bind error."""
    proc = subprocess.run([sys.executable, "-m", "bibkit", "serve", "--host", "192.0.2.1", "--port", "0"],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 1
    assert "warning: listening on 192.0.2.1" in proc.stderr
    assert "cannot listen on 192.0.2.1:0" in proc.stderr and "Traceback" not in proc.stderr


def test_a_port_in_use_is_a_clear_message(server, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "bibkit", "serve", "--port", str(server.port)],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 1
    assert f"cannot listen on 127.0.0.1:{server.port}" in proc.stderr and "--port" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_default_http_port_is_its_own_without_a_port_in_host():
    from bibkit.web.guards import own_hosts

    assert "127.0.0.1" in own_hosts("127.0.0.1", 80) and "localhost:80" in own_hosts("127.0.0.1", 80)
    assert "127.0.0.1" not in own_hosts("127.0.0.1", 8765)


def test_a_link_from_another_site_opens_the_page_but_its_scripts_get_nothing(server):
    status, page = server.request("GET", "/", headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"})
    assert status == 200 and "<title>bibkit</title>" in page
    status, answer = server.request("GET", "/api/info", headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"})
    assert status == 403
