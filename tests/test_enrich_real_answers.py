"""Enrichment on the services' real answers (``../shared/real_api/``, recorded by other projects'
test suites): every record becomes an entry, nothing is invented, one bad record costs only itself."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bibkit.api import load
from bibkit.cli import main
from bibkit.enrich.config import EnrichConfig
from bibkit.enrich.http import HttpClient
from bibkit.enrich.resolver import Resolver
from bibkit.enrich.sources.crossref import work_to_csl
from bibkit.enrich.sources.openalex import work_to_csl as openalex_to_csl
from bibkit.enrich.testing import FakeScholarlyServer, Scripted, point_env_at, use_recordings
from tests.conftest import require_shared


@pytest.fixture
def recordings():
    return require_shared("real_api")


@pytest.fixture
def real(monkeypatch, tmp_path, recordings):
    """The local server answering with every recorded real answer, bibkit pointed at it."""
    srv = FakeScholarlyServer().start()
    use_recordings(srv, recordings)
    point_env_at(srv, monkeypatch.setenv, tmp_path / "cache")
    monkeypatch.setenv("BIBKIT_NO_CACHE", "1")
    yield srv
    srv.stop()


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def crossref_work(recordings, name: str) -> dict:
    return json.loads((recordings / "crossref" / f"work__{name}.json").read_text(encoding="utf-8"))["message"]


def add_one(tmp_path, *args) -> tuple[object, list]:
    out = tmp_path / "out.json"
    result = run("add", *args, "-o", str(out), "--provenance", "none")
    items = json.loads(out.read_text()) if out.exists() else []
    return result, items


# ---------------------------------------------------------------- Crossref's real work records

@pytest.mark.parametrize("name, kind", [
    ("10.1101_2024.04.01.587366", "article"),  # preprint
    ("10.1101_2020.12.01.406702", "article"),  # preprint with JATS markup in its title
    ("10.1017_9781108348843", "book"),  # monograph
    ("10.14264_uql.2020.791", "thesis"),
    ("10.7554_elife.55167.sa2", "review"),  # peer review
    ("10.53731_ybhah-9jy85", "post-weblog"),  # posted-content, subtype blog
])
def test_crossref_works_without_a_container_title_are_read(recordings, name, kind):
    work = crossref_work(recordings, name)
    assert not work.get("container-title") and "short-container-title" in work
    item = work_to_csl(work)
    assert item["type"] == kind
    assert "container-title" not in item and "container-title-short" not in item
    assert item["DOI"] == work["DOI"].lower()


@pytest.mark.parametrize("name", ["10.1109_icdcsw.2003.1203662", "10.4018_978-1-4666-9588-7.les2",
                                  "10.14264_uql.2020.791", "10.1371_journal.pmed.0030277.g001"])
def test_a_null_issued_date_stays_empty_not_the_deposit_date(recordings, name):
    work = crossref_work(recordings, name)
    assert work["issued"] == {"date-parts": [[None]]} and work["created"]["date-parts"][0][0]
    assert "issued" not in work_to_csl(work)


def test_a_posted_preprint_keeps_its_posted_date(recordings):
    work = crossref_work(recordings, "10.1101_2024.04.01.587366")
    assert work_to_csl(work)["issued"] == {"date-parts": [[2024, 4, 1]]}


def test_every_isbn_of_a_book_is_kept_as_text(recordings):
    book = crossref_work(recordings, "10.1017_9781108348843")
    assert work_to_csl(book)["ISBN"] == "9781108348843, 9781108425728, 9781108443241"
    chapter = crossref_work(recordings, "10.1007_978-3-662-46370-3_13")
    item = work_to_csl(chapter)
    assert item["ISBN"] == "9783662463697, 9783662463703" and item["container-title"] == "Shoulder Stiffness"


def test_a_blog_post_is_a_weblog_post_end_to_end(real, tmp_path):
    result, [item] = add_one(tmp_path, "10.53731/ybhah-9jy85")
    assert result.exit_code == 0, result.stderr
    assert item["type"] == "post-weblog" and item["title"] == "The rise of the (science) newsletter"
    assert item["issued"] == {"date-parts": [[2023, 10, 4]]}


def test_whole_file_enrich_of_recorded_titles_fills_every_entry(real, tmp_path, recordings):
    """The titles of the recorded Crossref search answers, one file, one run (a preprint among them)."""
    titles = []
    for path in sorted((recordings / "crossref").glob("query__*.json")):
        for work in json.loads(path.read_text(encoding="utf-8"))["message"]["items"]:
            titles.append((work["title"][0], work["DOI"].lower()))
    assert any(doi.startswith("10.1101/") for _, doi in titles)  # the record without a container title
    src = tmp_path / "titles.bib"
    src.write_text("".join(f"@misc{{t{i}, title = {{{t}}}}}\n" for i, (t, _) in enumerate(titles)))
    out = tmp_path / "out.json"
    result = run("enrich", str(src), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    got = {e.key: e for e in load(out).entries}
    for i, (title, doi) in enumerate(titles):
        assert got[f"t{i}"].ids.doi == doi, title
        assert got[f"t{i}"].meta["provenance"]["doi"]["source"] == "crossref"


# ---------------------------------------------------------------- DOI content negotiation

@pytest.mark.parametrize("doi, kind, issn", [
    ("10.1126/science.169.3946.635", "article-journal", "0036-8075, 1095-9203"),
    ("10.1021/ja01577a030", "article-journal", "0002-7863, 1520-5126"),
    ("10.1037/0003-066x.59.1.29", "article-journal", "1935-990X, 0003-066X"),
    ("10.1101/2021.08.15.21262067", "article", ""),  # Crossref's posted-content, subtype preprint
    ("10.5281/zenodo.8242099", "article", ""),  # DataCite answers in CSL's own type names
])
def test_content_negotiation_types_and_issn_lists(real, tmp_path, doi, kind, issn):
    result, [item] = add_one(tmp_path, "--sources", "doi", doi)
    assert result.exit_code == 0, result.stderr
    assert item["type"] == kind
    assert item.get("ISSN", "") == issn  # every ISSN, as text; never a Python list
    assert not any(isinstance(v, str) and v.startswith("[") for v in item.values())


# ---------------------------------------------------------------- OpenAlex's current records

@pytest.mark.parametrize("doi, kind, venue", [
    ("10.1145/3448016.3452841", "paper-conference",
     "Proceedings of the 2021 International Conference on Management of Data"),
    ("10.1007/978-3-662-46370-3_13", "chapter", "Shoulder Stiffness"),
    ("10.1371/journal.pone.0000030", "article-journal", "PLoS ONE"),
    ("10.1016/j.addr.2015.01.008", "article-journal", "Advanced Drug Delivery Reviews"),  # type_crossref
])
def test_openalex_current_records_keep_type_and_venue(real, tmp_path, doi, kind, venue):
    result, [item] = add_one(tmp_path, "--sources", "openalex", doi)
    assert result.exit_code == 0, result.stderr
    assert item["type"] == kind and item["container-title"] == venue


def test_openalex_hosting_platforms_are_not_containers(recordings):
    """A repository or an ebook platform hosts a copy; its name is not the work's container."""
    for name in ("10.1017_9781108348843", "10.1101_097196", "10.14264_uql.2020.791"):
        work = json.loads((recordings / "openalex" / f"work__{name}.json").read_text(encoding="utf-8"))
        assert "container-title" not in openalex_to_csl(work), name
    book = json.loads((recordings / "openalex" / "work__10.1017_9781108348843.json").read_text(encoding="utf-8"))
    assert openalex_to_csl(book)["publisher"] == "Cambridge University Press"


# ---------------------------------------------------------------- arXiv's refusal of a malformed id

def test_arxiv_refuses_a_malformed_id_and_the_rest_of_the_batch_is_read(real):
    resolver = Resolver(HttpClient(EnrichConfig.from_env(cache=False)), sources=["arxiv"])
    resolver.prefetch("arxiv", ["abc", "1605.08386"])
    record = resolver.lookup("arxiv", "1605.08386")
    assert record is not None and record.entry.title.startswith("Heat-bath random walks")
    assert resolver.lookup("arxiv", "abc") is None
    [line] = resolver.failure_lines()
    assert line.startswith("arxiv: arxiv:abc: incorrect id format for abc (HTTP 400")
    batches = real.requests_to("/arxiv/query")
    assert len(batches) == 2  # the refused batch, then the same batch without the bad id


# ---------------------------------------------------------------- one bad record costs only itself

def test_each_failed_identifier_is_reported_and_the_rest_is_written(real, tmp_path, monkeypatch):
    from bibkit.enrich.sources import crossref

    real.script("/crossref/works/10.1038/srep16696", Scripted(200, '{"status": "ok", "message": {"DOI"'))
    real.script("/crossref/works/10.3892/ijo_00000353", *[Scripted(403, "Forbidden")] * 5)
    original = crossref.work_to_csl

    def fragile(work):
        if work.get("DOI") == "10.1515/crelle-2013-0024":
            raise ValueError("a record shape nobody expected")
        return original(work)

    monkeypatch.setattr(crossref, "work_to_csl", fragile)
    src = tmp_path / "refs.bib"
    src.write_text("".join(f"@misc{{k{i}, doi = {{{doi}}}}}\n" for i, doi in enumerate(
        ["10.1038/srep16696", "10.3892/ijo_00000353", "10.1515/crelle-2013-0024", "10.1371/journal.pone.0033693"])))
    out = tmp_path / "out.bib"
    result = run("enrich", str(src), "-o", str(out), "--sources", "crossref")
    assert result.exit_code == 1
    err = result.stderr
    assert f"{src}:1: error: k0: crossref: doi:10.1038/srep16696: malformed JSON" in err
    assert f"{src}:2: error: k1: crossref: doi:10.3892/ijo_00000353: HTTP 403" in err
    assert (f"{src}:3: error: k2: crossref: doi:10.1515/crelle-2013-0024: could not read the answer: "
            "ValueError: a record shape nobody expected") in err
    assert "Traceback" not in err and "no record found" not in err
    assert "enriched 1 of 4 entries (11 fields), 3 failed; wrote" in err
    entries = {e.key: e for e in load(out).entries}
    assert entries["k3"].title.startswith("Methylphenidate Exposure")
    assert not entries["k0"].title and not entries["k2"].title


def test_an_exception_in_one_entry_does_not_leave_the_pool(server, monkeypatch):
    from bibkit.api import loads
    from bibkit.enrich import engine

    library = loads("@misc{a, title={Highly accurate protein structure prediction with AlphaFold}, year={2021}}\n"
                    "@misc{b, title={Something else entirely}, year={2020}}\n", "bibtex")
    original = engine._enrich_one

    def fragile(entry, *args):
        if entry.key == "b":
            raise RuntimeError("boom")
        return original(entry, *args)

    monkeypatch.setattr(engine, "_enrich_one", fragile)
    report = engine.enrich_library(library, Resolver(HttpClient(EnrichConfig.from_env())))
    assert [o.status for o in report.outcomes] == ["filled", "failed"]
    [problem] = [p for p in report.problems if p.severity == "error"]
    assert problem.message == "b: enrichment failed (RuntimeError: boom)"


# ---------------------------------------------------------------- provenance

def test_every_value_of_an_added_entry_has_its_provenance(real, tmp_path):
    out = tmp_path / "out.json"
    assert run("add", "10.1038/s42256-024-00832-8", "-o", str(out)).exit_code == 0
    [entry] = load(out).entries
    provenance = entry.meta["provenance"]
    present = (["type"] + list(entry.names) + list(entry.dates) + list(entry.fields)
               + [n for n in ("doi", "issn", "url") if getattr(entry.ids, n)])
    assert set(present) <= set(provenance), set(present) - set(provenance)
    assert {p["source"] for p in provenance.values()} == {"crossref"}


# ---------------------------------------------------------------- bibkit add by what users have

@pytest.mark.parametrize("url, expected", [
    ("https://doi.org/10.1038/S42256-024-00832-8", ("doi", "10.1038/s42256-024-00832-8")),
    ("http://dx.doi.org/10.1145/3448016.3452841", ("doi", "10.1145/3448016.3452841")),
    ("https://doi.org/10.48550/arXiv.1605.08386", ("arxiv", "1605.08386")),
    ("https://arxiv.org/abs/1605.08386", ("arxiv", "1605.08386")),
    ("https://arxiv.org/abs/2104.12255v1", ("arxiv", "2104.12255v1")),
    ("https://arxiv.org/pdf/2104.12255v1", ("arxiv", "2104.12255v1")),
    ("https://arxiv.org/pdf/2104.12255v1.pdf", ("arxiv", "2104.12255v1")),
    ("http://export.arxiv.org/abs/astro-ph/0601001", ("arxiv", "astro-ph/0601001")),
    ("https://arxiv.org/pdf/quant-ph/0201082v1.pdf", ("arxiv", "quant-ph/0201082v1")),
    ("https://dl.acm.org/doi/10.1145/3448016.3452841", ("doi", "10.1145/3448016.3452841")),
    ("https://onlinelibrary.wiley.com/doi/full/10.1002/jor.1100150407", ("doi", "10.1002/jor.1100150407")),
    ("https://onlinelibrary.wiley.com/doi/10.1002/jor.1100150407/abstract", ("doi", "10.1002/jor.1100150407")),
    ("https://link.springer.com/content/pdf/10.1007/978-3-662-46370-3_13.pdf", ("doi", "10.1007/978-3-662-46370-3_13")),
    ("https://www.biorxiv.org/content/10.1101/2020.12.01.406702v1.full.pdf", ("doi", "10.1101/2020.12.01.406702")),
    ("https://journals.plos.org/plosone/article?id=10.1371/journal.pone.0033693", ("doi", "10.1371/journal.pone.0033693")),
    ("https://www.science.org/doi/abs/10.1126/science.169.3946.635?cookieSet=1#tab",
     ("doi", "10.1126/science.169.3946.635")),
    ("https://www.nature.com/articles/s42256-024-00832-8", None),  # no identifier in the URL
])
def test_landing_page_urls_map_to_their_identifier(url, expected):
    from bibkit.enrich.identify import parse_identifier

    assert parse_identifier(url) == expected


def test_add_by_landing_page_urls(real, tmp_path):
    result, items = add_one(tmp_path, "https://dl.acm.org/doi/10.1145/3448016.3452841",
                            "https://arxiv.org/pdf/2104.12255v1.pdf", "https://doi.org/10.1038/s42256-024-00832-8")
    assert result.exit_code == 0, result.stderr
    assert [i.get("DOI") or i["custom"]["bibkit"]["arxiv"] for i in items] == [
        "10.1145/3448016.3452841", "2104.12255v1", "10.1038/s42256-024-00832-8"]


def test_add_reports_a_url_without_an_identifier(real, tmp_path):
    result, items = add_one(tmp_path, "https://www.nature.com/articles/s42256-024-00832-8", "10.1038/srep16696")
    assert result.exit_code == 1
    assert "https://www.nature.com/articles/s42256-024-00832-8: error: a URL bibkit cannot map" in result.stderr
    assert [i["DOI"] for i in items] == ["10.1038/srep16696"]


def test_add_by_title_takes_the_one_record_above_the_threshold(real, tmp_path):
    result, [item] = add_one(tmp_path, "Augmenting large language models with chemistry tools")
    assert result.exit_code == 0, result.stderr
    assert item["DOI"] == "10.1038/s42256-024-00832-8" and len(item["author"]) == 6
    assert "found by title search: doi:10.1038/s42256-024-00832-8" in result.stderr


def test_add_by_title_rejects_another_papers_hit_and_takes_the_matching_one(real, tmp_path):
    """Crossref's recorded answer for this title is another paper; OpenAlex has the arXiv preprint."""
    result, [item] = add_one(tmp_path, "PaperQA: Retrieval-Augmented Generative Agent for Scientific Research")
    assert result.exit_code == 0, result.stderr
    assert item["custom"]["bibkit"]["arxiv"] == "2312.07559" and "DOI" not in item


def test_add_by_title_lists_the_candidates_when_none_is_close_enough(real, tmp_path):
    result, items = add_one(tmp_path, "National Flag of Canada Day", "10.1038/srep16696")
    assert result.exit_code == 1
    assert "National Flag of Canada Day: error: no record matches this title closely enough" in result.stderr
    assert ('doi:10.3138/9781442621534-019  "16. Marketing the Maple Leaf: The Curious Case of National Flag '
            'of Canada Day" (2016) [crossref, similarity') in result.stderr
    assert [i["DOI"] for i in items] == ["10.1038/srep16696"]  # the rest is still added


def test_add_by_title_lists_two_works_with_the_same_title_instead_of_guessing(server, tmp_path):
    out = tmp_path / "refs.bib"
    result = run("add", "Attention is all you need", "-o", str(out))
    assert result.exit_code == 1
    assert "several records have this title; nothing added" in result.stderr
    assert "doi:10.5555/attention.2023" in result.stderr and "arXiv:1706.03762" in result.stderr
    assert not out.exists()


def test_one_unreadable_search_hit_costs_only_itself(real, tmp_path, recordings):
    """The recorded Crossref answer for "ecology" with its first hit damaged: the second is still used."""
    answer = json.loads((recordings / "crossref" / "query__ecology.json").read_text(encoding="utf-8"))
    first, second = answer["message"]["items"]
    first["title"] = {"not": "a list of strings"}
    real.script("/crossref/works", Scripted(200, json.dumps(answer)))
    src = tmp_path / "refs.bib"
    src.write_text(f"@misc{{chem, title = {{{second['title'][0]}}}}}\n")
    out = tmp_path / "out.bib"
    result = run("enrich", str(src), "-o", str(out), "--sources", "crossref")
    assert result.exit_code == 1
    assert (f'{src}:1: error: chem: crossref: title "Chemical Ecology": could not read hit 1 ({first["DOI"]}): '
            "TypeError") in result.stderr
    [entry] = load(out).entries
    assert entry.ids.doi == second["DOI"].lower()


@pytest.mark.parametrize("text, expected", [
    ("dl.acm.org/doi/10.1145/3448016.3452841", ("doi", "10.1145/3448016.3452841")),
    ("onlinelibrary.wiley.com/doi/10.1002/jor.1100150407/abstract", ("doi", "10.1002/jor.1100150407")),
    ("arxiv.org/abs/1605.08386", ("arxiv", "1605.08386")),
    ("math.AG/0601001", ("arxiv", "math.AG/0601001")),  # an old arXiv id, not a host name
    ("10.1000/xyz", ("doi", "10.1000/xyz")),
])
def test_urls_pasted_without_their_scheme_still_map(text, expected):
    from bibkit.enrich.identify import parse_identifier

    assert parse_identifier(text) == expected
