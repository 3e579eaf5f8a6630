"""Detection over every file in ../shared: each export by its own signature, free text only
where it is free text, and "cannot tell" rather than a wild guess."""
from __future__ import annotations

import os
import re
from pathlib import Path

from click.testing import CliRunner

from bibkit import registry
from bibkit.cli import main
from bibkit.formats.signatures import looks_structured
from bibkit.io import read_input
from tests.conftest import ROOT, require_shared

FREE_TEXT = {"reflist", "listing"}

#: exports folder -> the importer its files must get
EXPORT_FORMATS = {
    "medline": "medline", "pubmed-xml": "pubmed-xml", "ieee-csv": "ieee-csv",
    "endnote-xml": "endnote-xml", "endnote-refer": "refer", "mods": "mods", "cff": "cff",
}


def chosen(path: Path) -> str | None:
    """The importer ``bibkit convert FILE`` picks: by extension, else by content."""
    text, _ = read_input(str(path))
    imp = registry.importer_for_path(str(path)) or registry.detect_importer(text)
    return imp.name if imp else None


def expected(rel: str) -> str | None | set:
    """The importer a file of ../shared must get; a set means "anything but these"."""
    parts = rel.split("/")
    if rel == "examples/papers-listing.txt":
        return "listing"
    if parts[0] == "exports" and len(parts) == 3:
        folder, name = parts[1], parts[2]
        if folder == "wos":
            return "wos-tab" if "tab_delimited" in name else "wos"
        if folder == "scopus-csv":
            return {".csv": "scopus-csv", ".ris": "ris", ".bib": "bibtex"}[Path(name).suffix]
        if EXPORT_FORMATS.get(folder):
            return EXPORT_FORMATS[folder]
    if rel == "dedupe-sr/respiratory/Respiratory.xml":
        return "endnote-xml"
    if parts[0] == "dedupe-sr" and parts[-1] == "records_pre_merged.csv":
        return "csv"  # columns named like BibTeX fields
    if parts[-1] == "merged_record_ids.csv":
        return None  # one column of id lists: no format of ours
    return FREE_TEXT  # anything, but never free text


def test_every_shared_file_gets_the_importer_of_its_own_shape():
    shared = require_shared()
    wrong = []
    seen = 0
    for folder, _, files in os.walk(shared):
        for name in files:
            path = Path(folder) / name
            rel = path.relative_to(shared).as_posix()
            got, want = chosen(path), expected(rel)
            seen += 1
            if (got in want) if isinstance(want, set) else (got != want):
                wrong.append(f"{rel}: {got} (expected {'not ' + '/'.join(sorted(want)) if isinstance(want, set) else want})")
    assert seen > 1000
    assert not wrong, "\n".join(wrong)


def test_real_reference_lists_and_listings_are_still_claimed():
    apa = ROOT / "examples" / "reference-list-apa.txt"
    assert chosen(apa) == "reflist"
    # reference strings as printed in real papers (AnyStyle's gold set, not made by bibkit)
    gold = require_shared("refstrings", "anystyle", "gold.xml").read_text(encoding="utf-8")
    refs = [re.sub(r"<[^>]+>", " ", seq) for seq in re.findall(r"<sequence>(.*?)</sequence>", gold, re.S)]
    refs = [" ".join(r.replace("&amp;", "&").split()) for r in refs]
    picked = [r for r in refs if re.search(r"\b(?:19|20)\d\d\b", r) and len(r.split()) > 8][:30]
    assert len(picked) == 30
    assert registry.detect_importer("\n\n".join(picked)).name == "reflist"
    assert registry.detect_importer(require_shared("examples", "papers-listing.txt").read_text(encoding="utf-8")).name == "listing"


def test_structured_text_is_never_free_text():
    assert looks_structured("TY  - JOUR\nTI  - A title\nER  - \n")
    assert looks_structured("%0 Journal Article\n%T A title\n%A Smith, J\n")
    assert looks_structured("PT J\nAU Smith, J\nTI A title\nER\n")
    assert looks_structured("cff-version: 1.2.0\ntitle: bibkit\nauthors:\n  - family-names: Doe\n")
    assert looks_structured("id,title,year\n1,A,2020\n2,B,2021\n")
    assert looks_structured('[\n {"a": 1}\n]\n')
    assert not looks_structured("[1] J. Smith, A title, J. Things 3 (2020) 1-9.\n[2] K. Doe, Another, 2021.\n")
    assert not looks_structured("Smith, J. (2020). A title: with a colon. Journal, 3, 1-9.\n")


def test_a_file_nobody_recognises_is_refused_with_a_hint(tmp_path):
    src = tmp_path / "notes.txt"
    src.write_text("PT J\nAU Smith, J\nTI Looks like Web of Science but has no header\nER\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["convert", str(src), "--to", "csljson"])
    assert result.exit_code != 0
    assert "cannot tell the format" in result.output and "--from" in result.output
    # named with --from, the same file is read
    result = CliRunner().invoke(main, ["convert", str(src), "--from", "wos", "--to", "csljson"])
    assert result.exit_code == 0 and "Looks like Web of Science" in result.output
