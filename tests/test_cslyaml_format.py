"""CSL-YAML in and out: pandoc's references: block, standalone lists, Markdown front matter."""
from __future__ import annotations

import yaml

from bibkit.api import dumps, loads

BIB = """@article{smith2020,
  author = {Smith, John and van der Berg, Jan},
  title = {Learning {BERT} with \\emph{style}},
  journal = {Journal of Things},
  year = 2020, month = may, volume = 3, pages = {1--9},
  doi = {10.1000/abc}, note = {A note}, customfield = {kept}
}
"""


def test_pandoc_references_block_round_trip_is_lossless():
    lib = loads(BIB, "bibtex")
    text = dumps(lib, "cslyaml")
    assert text.startswith("---\nreferences:\n") and text.rstrip().endswith("...")
    back = loads(text, "cslyaml", name="r.yaml")
    assert not back.problems
    a, b = lib.entries[0], back.entries[0]
    assert b.key == a.key and b.type == a.type
    assert b.title == a.title and b.fields["title"].marks == a.fields["title"].marks
    assert [n.display() for n in b.authors] == [n.display() for n in a.authors]
    assert b.dates["issued"] == a.dates["issued"] and b.ids.doi == a.ids.doi
    assert b.extra["customfield"] == "kept"
    assert dumps(back, "cslyaml") == text


def test_standalone_list_with_yaml_dates_and_line_numbers():
    text = "- id: a\n  type: book\n  title: A\n  issued: 2020-05-01\n- id: b\n  title: B\n"
    lib = loads(text, "cslyaml", name="l.yaml")
    assert [e.key for e in lib.entries] == ["a", "b"]
    assert lib.entries[0].dates["issued"].start.as_list() == [2020, 5, 1]
    assert [e.source.line for e in lib.entries] == [1, 5]
    assert [(p.line, p.code) for p in lib.problems] == [(5, "missing-type")]


def test_markdown_front_matter_references_are_read():
    text = ("---\ntitle: My paper\nreferences:\n- id: doe\n  type: article-journal\n  title: Doe's paper\n"
            "  author:\n  - family: Doe\n    given: Jane\n---\n\n# Intro\n\nAs @doe says.\n")
    lib = loads(text, name="paper.md", format="cslyaml")
    assert [e.key for e in lib.entries] == ["doe"]
    assert lib.entries[0].authors.names[0].family == "Doe"
    assert lib.entries[0].source.line == 4


def test_invalid_yaml_is_an_error_with_a_line_not_a_traceback():
    lib = loads("references:\n- id: a\n  title: [unclosed\n- id: b\n", "cslyaml", name="bad.yaml")
    assert lib.problems and lib.problems[0].severity == "error" and lib.problems[0].line is not None


def test_mapping_without_references_and_non_mapping_items_are_reported():
    lib = loads("title: nothing here\n", "cslyaml", name="x.yaml")
    assert lib.problems[0].code == "syntax"
    lib = loads("- just a string\n- id: ok\n  type: book\n", "cslyaml", name="x.yaml")
    assert [e.key for e in lib.entries] == ["ok"]
    assert (lib.problems[0].line, lib.problems[0].code) == (1, "syntax")


def test_output_is_valid_yaml_and_extension_picks_the_format(tmp_path):
    from bibkit.api import dump, load

    out = tmp_path / "refs.yml"
    dump(loads(BIB, "bibtex"), tmp_path / "refs.yaml")
    data = yaml.safe_load((tmp_path / "refs.yaml").read_text())
    assert data["references"][0]["id"] == "smith2020"
    out.write_text((tmp_path / "refs.yaml").read_text())
    assert load(out).entries[0].key == "smith2020"


def test_ris_to_cslyaml_to_ris_keeps_ris_only_tags():
    ris = "TY  - JOUR\nID  - k\nAU  - Doe, J.\nTI  - T\nPY  - 2001\nC3  - custom\nER  - \n"
    back = dumps(loads(dumps(loads(ris, "ris"), "cslyaml"), "cslyaml"), "ris")
    assert "C3  - custom" in back and "TY  - JOUR" in back and "PY  - 2001" in back


def test_a_name_with_undecodable_latex_is_written_as_its_text():
    import bibkit

    lib = bibkit.loads("@article{k, author = {Ragnhei{\\d}ur, Anna}, title = {T}, year = 2001}", "bibtex")
    text = bibkit.dumps(lib, "cslyaml")
    assert "Ragnhei{\\d}ur" in text
    assert bibkit.loads(text, "cslyaml").entries[0].names["author"].names[0].family == "Ragnhei{\\d}ur"


def test_an_impossible_date_is_kept_as_written_not_a_traceback():
    from bibkit.api import dumps, loads

    lib = loads("references:\n- id: a\n  type: book\n  title: T\n  issued: 2020-13-45\n- id: b\n"
                "  type: book\n  title: U\n  issued: 2021-05-01\n", "cslyaml")
    assert [e.key for e in lib.entries] == ["a", "b"]
    assert '"date-parts": [[2021, 5, 1]]' in dumps(lib, "csljson")
