"""Journal abbreviations: ISO 4 (pyiso4 with the LTWA) and full names where they are known."""
from __future__ import annotations

import json

from click.testing import CliRunner

from bibkit.cli import main
from bibkit.journals import JournalNames, iso4, match_key
from tests.conftest import require_shared

FULL = ("corpus", "ordinary", "bibtex-tidy-fixtures", "autocomplete-bibtex", "PaglioneBibTeX.bib")
ABBREVIATED = ("corpus", "ordinary", "bibtex-tidy-fixtures", "better-bibtex", "Unabbreviate_on_import_1436-1.bib")


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_iso4_abbreviates_with_the_ltwa():
    assert iso4("Physical Review Letters") == "Phys. Rev. Lett."
    assert iso4("Journal of the American Chemical Society") == "J. Am. Chem. Soc."
    assert iso4("Nature") == "Nature"


def test_abbreviations_match_without_dots_spaces_or_case():
    names = JournalNames()
    names.add("Applied Physics Letters", "Appl. Phys. Lett.")
    assert match_key("Appl Phys Lett") == match_key("appl. phys. lett.")
    assert names.unabbreviate("Appl Phys Lett") == "Applied Physics Letters"
    assert names.unabbreviate("Nano Lett.") is None


def test_format_abbreviate_journals_fills_the_short_title_ieee_prints():
    path = require_shared(*FULL)
    plain = run("format", str(path), "--style", "ieee").stdout.splitlines()
    short = run("format", str(path), "--style", "ieee", "--abbreviate-journals").stdout.splitlines()
    assert len(plain) == len(short)
    assert "The Astrophysical Journal Supplement Series" in plain[0]
    assert "Astrophys. J. Suppl. Ser." in short[0] and "The Astrophysical Journal" not in short[0]
    changed = [(a, b) for a, b in zip(plain, short) if a != b]
    assert len(changed) >= 10
    # nothing else moves: the rest of each reference is the same
    for a, b in changed:
        assert a.split(",")[:2] == b.split(",")[:2]


def test_convert_to_csljson_fills_container_title_short_and_keeps_the_title():
    path = require_shared(*FULL)
    items = [json.loads(line.rstrip(",")) for line in
             run("convert", str(path), "--to", "csljson", "--abbreviate-journals").stdout.splitlines()
             if line.startswith("{")]
    with_short = [i for i in items if "container-title-short" in i]
    assert with_short and all(i["container-title-short"] == iso4(i["container-title"]) for i in with_short)
    assert any(i["container-title"] == "The Astrophysical Journal Letters" for i in with_short)


def test_format_unabbreviate_journals_from_a_list(tmp_path):
    path = require_shared(*ABBREVIATED)
    listing = tmp_path / "list.csv"
    listing.write_text("Applied Physics Letters;Appl. Phys. Lett.\n", encoding="utf-8")
    out = run("convert", str(path), "--to", "csljson", "--unabbreviate-journals", "--journal-list", str(listing)).stdout
    items = [json.loads(line.rstrip(",")) for line in out.splitlines() if line.startswith("{")]
    apl = [i for i in items if i.get("container-title") == "Applied Physics Letters"]
    assert len(apl) >= 75 and all(match_key(i["container-title-short"]) == "applphyslett" for i in apl)
    assert any(i.get("container-title") == "Nano Lett." for i in items)


def test_a_missing_journal_list_is_a_usage_error(tmp_path):
    path = require_shared(*FULL)
    result = run("format", str(path), "--unabbreviate-journals", "--journal-list", str(tmp_path / "none.csv"))
    assert result.exit_code == 2 and "none.csv: cannot read the journal list" in result.output
