"""``bibkit add``: entries from identifiers of every kind, appended without touching the file."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from bibkit.api import load
from bibkit.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize("ident, kind, value, title_word", [
    ("https://doi.org/10.1038/S41586-021-03819-2", "doi", "10.1038/s41586-021-03819-2", "AlphaFold"),
    ("arXiv:1810.04805v2", "arxiv", "1810.04805", "BERT"),
    ("https://arxiv.org/abs/hep-th/9711200", "arxiv", "hep-th/9711200", "Superconformal"),
    ("10.48550/arXiv.2501.12948", "arxiv", "2501.12948", "DeepSeek-R1"),
    ("ISBN 978-0-262-03384-8", "isbn", "9780262033848", "algorithms"),
    ("978-0-13-110362-7", "isbn", "9780131103627", "C Programming"),  # Google Books only
    ("pmid:32015507", "pmid", "32015507", "coronavirus"),
])
def test_add_by_each_kind_of_identifier(server, tmp_path, ident, kind, value, title_word):
    out = tmp_path / "refs.bib"
    result = run("add", ident, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    [entry] = load(out).entries
    assert title_word in entry.title
    assert getattr(entry.ids, kind) == value
    assert entry.authors.names and entry.year and entry.key


def test_add_fills_journal_fields_and_records_provenance(server, tmp_path):
    out = tmp_path / "refs.json"
    assert run("add", "10.1038/s41586-021-03819-2", "-o", str(out)).exit_code == 0
    [entry] = load(out).entries
    assert entry.fields["container-title"] == "Nature" and entry.fields["page"] == "583-589"
    assert entry.meta["provenance"]["author"]["source"] == "crossref"
    assert entry.meta["provenance"]["author"]["time"].endswith("Z")


def test_add_keeps_the_requested_arxiv_version(server, tmp_path):
    result = run("add", "hep-th/9711200v3")
    assert "eprint = {hep-th/9711200v3}" in result.stdout


def test_add_appends_without_changing_existing_entries_or_keys(server, tmp_path):
    out = tmp_path / "refs.bib"
    original = "@comment{mine}\n\n@article{jumper2021highly,\n  title = {My own curated entry},\n  year = {1999}\n}\n"
    out.write_text(original)
    result = run("add", "10.1038/s41586-021-03819-2", "pmid:32015507", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert text.startswith(original.rstrip("\n"))
    keys = [e.key for e in load(out).entries]
    assert keys[0] == "jumper2021highly" and len(keys) == 3 and len(set(keys)) == 3


def test_add_refuses_a_duplicate_already_in_the_file(server, tmp_path):
    out = tmp_path / "refs.bib"
    out.write_text("@article{mine, title={AlphaFold}, doi={10.1038/s41586-021-03819-2}}\n")
    result = run("add", "doi:10.1038/S41586-021-03819-2", "-o", str(out))
    assert "already in" in result.stderr and "mine" in result.stderr
    assert len(load(out).entries) == 1


def test_add_prints_when_no_output_is_given(server):
    result = run("add", "arXiv:1810.04805")
    assert result.exit_code == 0
    assert "@misc{devlin2018bert," in result.stdout and "eprint = {1810.04805}" in result.stdout


def test_add_reports_bad_and_unknown_identifiers_and_fails(server, tmp_path):
    out = tmp_path / "refs.bib"
    result = run("add", "nonsense", "10.9999/unknown", "arXiv:1810.04805", "-o", str(out))
    assert result.exit_code == 1
    assert "nonsense: error: not a DOI, arXiv id, ISBN or PMID" in result.stderr
    assert "10.9999/unknown: error: no record found" in result.stderr
    assert [e.ids.arxiv for e in load(out).entries] == ["1810.04805"]


def test_add_mentions_a_preprints_published_version(server):
    result = run("add", "hep-th/9711200")
    assert "published as doi:10.1023/a:1026654312961" in result.stderr
    assert result.exit_code == 0


def test_source_url_option_overrides_the_environment(server, monkeypatch):
    monkeypatch.setenv("BIBKIT_CROSSREF_URL", "http://127.0.0.1:9/nothing-here")
    result = run("add", "10.1038/s41586-021-03819-2", "--sources", "crossref",
                 "--source-url", f"crossref={server.url('crossref')}")
    assert result.exit_code == 0 and "journal = {Nature}" in result.stdout
