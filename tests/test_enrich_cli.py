"""``bibkit enrich``: fill only what is missing, find the right record, upgrade preprints."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bibkit.api import load
from bibkit.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def write(tmp_path, text, name="refs.bib"):
    path = tmp_path / name
    path.write_text(text)
    return path


def by_key(path):
    return {e.key: e for e in load(path).entries}


def test_title_search_fills_the_right_record(server, tmp_path):
    src = write(tmp_path, "@article{af, title={Highly Accurate Protein Structure Prediction with {AlphaFold}}, year={2021}}\n")
    out = tmp_path / "out.bib"
    result = run("enrich", str(src), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    entry = by_key(out)["af"]
    assert entry.ids.doi == "10.1038/s41586-021-03819-2"
    assert [n.family for n in entry.authors] == ["Jumper", "Evans", "Hassabis"]
    assert entry.fields["container-title"] == "Nature"
    assert entry.title.protected_spans() == ["AlphaFold"]  # the user's title is kept as written


def test_title_search_rejects_same_title_of_another_year(server, tmp_path):
    src = write(tmp_path, "@inproceedings{att, title={Attention Is All You Need}, year={2017}}\n")
    out = tmp_path / "out.bib"
    result = run("enrich", str(src), "-o", str(out), "--sources", "crossref")
    assert any("/crossref/works?" in p for p in server.log)  # the near miss was offered
    entry = by_key(out)["att"]
    assert not entry.authors.names and not entry.ids.doi
    assert "no record found" in result.stderr and "year differs (2023 for 2017)" in result.stderr


def test_listing_entry_needs_the_author_count_to_agree(server, tmp_path):
    src = write(tmp_path, json.dumps([{"id": "r1", "type": "article", "issued": {"date-parts": [[2025]]},
                                       "title": "DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning",
                                       "custom": {"bibkit": {"extra": {"author-count": "200"}}}}]), "refs.json")
    server.add_openalex({"id": "W1", "doi": "https://doi.org/10.5555/other", "title":
                         "DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning",
                         "publication_year": 2025, "authorships": [{"author": {"display_name": "Some One"}}]})
    out = tmp_path / "out.json"
    run("enrich", str(src), "-o", str(out))
    assert not by_key(out)["r1"].authors.names


def test_existing_values_are_kept_unless_overwrite_names_them(server, tmp_path):
    bib = "@article{w, title={AlphaFold}, journal={Nature (mine)}, year={2020}, doi={10.1038/s41586-021-03819-2}}\n"
    src = write(tmp_path, bib)
    out = tmp_path / "out.bib"
    run("enrich", str(src), "-o", str(out))
    entry = by_key(out)["w"]
    assert entry.fields["container-title"] == "Nature (mine)" and entry.year == 2020
    assert entry.title == "AlphaFold" and entry.fields["volume"] == "596"
    run("enrich", str(src), "-o", str(out), "--overwrite", "journal,year")
    entry = by_key(out)["w"]
    assert entry.fields["container-title"] == "Nature" and entry.year == 2021 and entry.title == "AlphaFold"


def test_preprint_upgrade_keeps_the_arxiv_id(server, tmp_path):
    src = write(tmp_path, "@article{bert, author={Devlin, Jacob}, title={BERT}, "
                          "journal={arXiv preprint arXiv:1810.04805}, year={2018}}\n")
    out = tmp_path / "out.bib"
    offered = run("enrich", str(src), "-o", str(out))
    assert "published as doi:10.18653/v1/n19-1423" in offered.stderr
    assert by_key(out)["bert"].fields["container-title"].startswith("arXiv")
    result = run("enrich", str(src), "-o", str(out), "--upgrade-preprints")
    assert result.exit_code == 0, result.stderr
    entry = by_key(out)["bert"]
    assert entry.type == "paper-conference" and entry.ids.doi == "10.18653/v1/n19-1423"
    assert entry.fields["container-title"].startswith("Proceedings of the 2019 Conference")
    assert entry.ids.arxiv == "1810.04805" and entry.year == 2019
    text = out.read_text()
    assert "@inproceedings{bert," in text and "booktitle = {Proceedings" in text and "eprint = {1810.04805}" in text


def test_preprint_found_published_through_openalex_locations(server, tmp_path):
    server.add_openalex({"id": "W2", "doi": "https://doi.org/10.48550/arxiv.1706.03762", "title": "Attention Is All You Need",
                         "publication_date": "2017-06-12", "authorships": [],
                         "locations": [{"landing_page_url": "https://arxiv.org/abs/1706.03762", "version": "submittedVersion"},
                                       {"landing_page_url": "https://doi.org/10.1038/s41586-021-03819-2", "version": "publishedVersion"}]})
    src = write(tmp_path, "@misc{a, author={Vaswani, Ashish}, title={Attention Is All You Need}, year={2017}, eprint={1706.03762}}\n")
    out = tmp_path / "out.bib"
    run("enrich", str(src), "-o", str(out), "--upgrade-preprints")
    entry = by_key(out)["a"]
    assert entry.ids.doi == "10.1038/s41586-021-03819-2" and entry.ids.arxiv == "1706.03762"


def test_provenance_note_is_written_and_read_back(server, tmp_path):
    src = write(tmp_path, "@article{af, title={Highly accurate protein structure prediction with AlphaFold}, year={2021}}\n")
    out = tmp_path / "out.bib"
    run("enrich", str(src), "-o", str(out))
    assert "bibkit-provenance = {crossref 20" in out.read_text()
    from bibkit.enrich.provenance import read_notes

    lib = load(out)
    read_notes(lib)
    assert lib.entries[0].meta["provenance"]["doi"]["source"] == "crossref"


def test_provenance_sidecar_and_none(server, tmp_path):
    src = write(tmp_path, "@article{af, title={Highly accurate protein structure prediction with AlphaFold}, year={2021}}\n")
    out = tmp_path / "out.bib"
    run("enrich", str(src), "-o", str(out), "--provenance", "sidecar")
    assert "bibkit-provenance" not in out.read_text()
    side = json.loads((tmp_path / "out.bib.provenance.json").read_text())
    assert side["af"]["author"]["source"] == "crossref"
    out2 = tmp_path / "out2.bib"
    run("enrich", str(src), "-o", str(out2), "--provenance", "none")
    assert "provenance" not in out2.read_text() and not (tmp_path / "out2.bib.provenance.json").exists()


def test_csljson_keeps_provenance_in_custom(server, tmp_path):
    src = write(tmp_path, "@article{af, title={Highly accurate protein structure prediction with AlphaFold}, year={2021}}\n")
    out = tmp_path / "out.json"
    run("enrich", str(src), "-o", str(out))
    item = json.loads(out.read_text())[0]
    assert item["custom"]["bibkit"]["meta"]["provenance"]["page"]["source"] == "crossref"


def test_dry_run_shows_a_diff_and_writes_nothing(server, tmp_path):
    text = "@article{af, title={Highly accurate protein structure prediction with AlphaFold}, year={2021}}\n"
    src = write(tmp_path, text)
    result = run("enrich", str(src), "-o", str(src), "--dry-run")
    assert result.exit_code == 0
    # the one-line entry keeps its own layout: the filled fields join its line
    added = [line for line in result.stdout.splitlines() if line.startswith("+@article{af,")]
    assert added and ", journal={Nature}," in added[0] and result.stdout.startswith("---")
    assert src.read_text() == text


def test_input_file_is_untouched_without_output(server, tmp_path):
    text = "@article{af, title={Highly accurate protein structure prediction with AlphaFold}, year={2021}}\n"
    src = write(tmp_path, text)
    result = run("enrich", str(src))
    assert "journal = {Nature}" in result.stdout and src.read_text() == text


def test_complete_entries_are_not_looked_up(server, tmp_path):
    src = write(tmp_path, "@book{k, author={Knuth, Donald}, title={TAOCP}, publisher={Addison-Wesley}, "
                          "year={1968}, isbn={0201038013}}\n")
    result = run("enrich", str(src), "-o", str(tmp_path / "out.bib"))
    assert result.exit_code == 0 and server.log == []


def test_unreachable_source_gives_one_line_and_leaves_the_file_untouched(monkeypatch, tmp_path):
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()  # nothing listens there now: connections are refused at once
    for name in ("crossref", "doi", "arxiv", "openalex", "openlibrary", "pubmed"):
        monkeypatch.setenv(f"BIBKIT_{name.upper()}_URL", f"{dead}/{name}")
    monkeypatch.setenv("BIBKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("BIBKIT_NO_RATE_LIMIT", "1")
    bib = "".join(f"@article{{k{i}, title={{Some paper number {i}}}, year={{2020}}}}\n" for i in range(20))
    src = write(tmp_path, bib)
    out = tmp_path / "out.bib"
    out.write_text("previous content\n")
    result = run("enrich", str(src), "-o", str(out))
    assert result.exit_code == 1
    lines = [l for l in result.stderr.splitlines() if l.startswith("bibkit: error:")]
    assert sorted(l.split()[2] for l in lines) == ["crossref:", "openalex:"]
    assert all("unreachable" in l for l in lines)
    assert out.read_text() == "previous content\n"


def test_nothing_to_change_leaves_the_file_byte_for_byte(server, tmp_path):
    text = "@book{k,\n    author={Knuth, Donald},  title={TAOCP},\n publisher={Addison-Wesley}, year={1968}, isbn={0201038013}}\n"
    src = write(tmp_path, text)
    result = run("enrich", str(src), "-o", str(src))
    assert result.exit_code == 0 and "left untouched" in result.stderr
    assert src.read_text() == text


def test_arxiv_entries_are_looked_up_in_one_batch(server, tmp_path):
    src = write(tmp_path, "@misc{a, title={A}, eprint={1810.04805}}\n@misc{b, title={B}, eprint={1706.03762}}\n"
                          "@misc{c, title={C}, eprint={hep-th/9711200}}\n")
    out = tmp_path / "out.bib"
    assert run("enrich", str(src), "-o", str(out)).exit_code == 0
    assert len(server.requests_to("/arxiv/")) == 1
    entries = by_key(out)
    assert entries["c"].authors.names[0].family == "Maldacena" and entries["a"].year == 2018


@pytest.mark.parametrize("count, accepted", [(2, True), (8, False)])
def test_listing_card_is_filled_only_when_the_author_count_agrees(server, tmp_path, count, accepted):
    src = write(tmp_path, f"@misc{{card, title={{Attention Is All You Need}}, year={{2017}}, author-count={{{count}}}}}\n")
    out = tmp_path / "out.bib"
    run("enrich", str(src), "-o", str(out), "--sources", "openalex")
    entry = by_key(out)["card"]
    assert bool(entry.authors.names) is accepted
    assert (entry.ids.arxiv == "1706.03762") is accepted


def test_python_api_enriches_a_library_in_place(server):
    from bibkit.api import loads
    from bibkit.enrich import EnrichConfig, HttpClient, Resolver, enrich_library

    library = loads("@article{af, title={Highly accurate protein structure prediction with AlphaFold}, year={2021}}", "bibtex")
    http = HttpClient(EnrichConfig.from_env())
    report = enrich_library(library, Resolver(http))
    [outcome] = report.outcomes
    assert outcome.status == "filled" and {c.field for c in outcome.changes} >= {"author", "doi", "container-title"}
    assert library.entries[0].meta["provenance"]["doi"] == {"source": "crossref", "time": outcome.record.time}


def test_complete_preprints_are_not_fetched_unless_an_upgrade_is_asked(server, tmp_path):
    src = write(tmp_path, "@misc{b, author={Devlin, Jacob}, title={BERT}, year={2018}, eprint={1810.04805}}\n")
    run("enrich", str(src), "-o", str(tmp_path / "out.bib"))
    assert server.log == []
    run("enrich", str(src), "-o", str(tmp_path / "out.bib"), "--upgrade-preprints")
    assert server.requests_to("/arxiv/")
