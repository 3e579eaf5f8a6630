"""EndNote XML, Refer, MODS and CFF readers never raise on bad input: they report and go on."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bibkit import registry
from tests.conftest import require_shared

SAMPLES = {
    "endnote-xml": ("endnote-xml", "endnote-sm.xml"),
    "refer": ("endnote-refer", "ais_enl.txt"),
    "mods": ("mods", "MODSImporterTestMods.xml"),
    "cff": ("cff", "reprozip-CITATION.cff"),
}


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_cut_or_damaged_export_is_read_without_a_traceback(fmt, data):
    text = require_shared("exports", *SAMPLES[fmt]).read_text(encoding="utf-8", errors="replace")
    cut = data.draw(st.integers(0, len(text)))
    junk = data.draw(st.text(max_size=20))
    damaged = text[:cut] + junk + text[cut + data.draw(st.integers(0, 50)):]
    library = registry.importer(fmt).parse(damaged, "damaged")
    for entry in library.entries:
        assert entry.source.file == "damaged"
    for problem in library.problems:
        assert problem.file == "damaged" and problem.message


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=300))
def test_arbitrary_text_is_read_without_a_traceback(fmt, text):
    library = registry.importer(fmt).parse(text, "random")
    assert all(p.file == "random" for p in library.problems)


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex", "csljson", "cslyaml", "ris", "mods"])
def test_every_value_read_from_the_real_exports_is_written_or_named(fmt):
    """EndNote, Refer, MODS and CFF entries converted to each format: each value is found again
    when the output is read back, or named by a 'has no place in' warning."""
    from tests.test_export_losses import check_file

    folders = ("endnote-xml", "endnote-refer", "mods", "cff")
    files = sorted(p for folder in folders for p in require_shared("exports", folder).iterdir())
    silent = [line for path in files for line in check_file(path, fmt)]
    assert not silent, "\n".join(silent[:30])
