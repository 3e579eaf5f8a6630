"""Nothing lost: every value of every record of the real exports is found again in its entry
(a canonical slot, a name, a date, an identifier or the verbatim extra fields)."""
from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bibkit.api import load, loads
from bibkit.dates import MONTHS
from bibkit.diagnostics import Reporter
from bibkit.formats import medline, wos
from bibkit.io import read_input
from tests.conftest import require_shared


def haystack(entry) -> str:
    """Everything an entry holds, as one lower-case text with spaces collapsed."""
    parts = [*entry.fields.values(), *entry.extra.values(), *(v for _, v in entry.ids.items()), entry.key or "",
             entry.source_type]
    for names in entry.names.values():
        for n in names:
            parts += [n.family, n.given, n.literal, n.particle, n.suffix]
    for date in entry.dates.values():
        for part in (date.start, date.end):
            if part:
                parts += [str(x) for x in part.as_list()]
    return " ".join(" ".join(str(p).split()) for p in parts).lower()


def _norm(value: str) -> str:
    return " ".join(value.split()).lower()


def _compact(text: str) -> str:
    return re.sub(r"[\W_]+", "", text)


def _missing(entry, values: list[str]) -> list[str]:
    """The values found nowhere in the entry: not as written, not with punctuation and spaces
    ignored (``RV`` read as ``R. V.``, ``00014575`` as ``0001-4575``), and not word by word
    (a date as numbers, a month range as start and end)."""
    hay = haystack(entry)
    compact = _compact(hay)
    out = []
    for value in values:
        v = re.sub(r"\s*\[doi\]$", "", _norm(value))  # "10.1/x [doi]": the label chose the slot
        if not v or v in hay or _compact(v) in compact:
            continue
        words = [w for w in re.split(r"[\s,;\[\]\-]+", v) if w]
        if all(w in hay or w[:3] in MONTHS for w in words):  # a month name is a number in the date
            continue
        out.append(value)
    return out


@pytest.mark.parametrize("rel", ["medline/blue-light.nbib", "medline/pubmed_result2.txt", "medline/pmc_medlars.txt",
                                 "medline/medline-cancer.nbib", "medline/fade.nbib"])
def test_every_medline_value_is_kept(rel):
    path = require_shared("exports", *rel.split("/"))
    text, _ = read_input(str(path))
    records = medline.scan(text, Reporter(rel, []))
    entries = load(path).entries
    assert len(records) == len(entries)
    lost = {e.ids.pmid: _missing(e, [v for _, v, _ in tags]) for e, (_, tags) in zip(entries, records)}
    assert not {k: v for k, v in lost.items() if v}


@pytest.mark.parametrize("rel", ["wos/wos_plaintext.txt", "wos/wos_sample.txt", "wos/IsiImporterTestWOS.isi"])
def test_every_web_of_science_value_is_kept(rel):
    path = require_shared("exports", *rel.split("/"))
    text, _ = read_input(str(path))
    records = wos.scan_plain(text, Reporter(rel, []))
    entries = load(path).entries
    lost = {e.title[:30]: _missing(e, [v for _, values in tags for v in values]) for e, (_, tags) in zip(entries, records)}
    assert not {k: v for k, v in lost.items() if v}


@pytest.mark.parametrize("rel", ["scopus-csv/scopus_v2.csv", "scopus-csv/scopus.csv", "ieee-csv/ieee_5.csv"])
def test_every_csv_cell_is_kept(rel):
    path = require_shared("exports", *rel.split("/"))
    text, _ = read_input(str(path))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1:]
    entries = load(path).entries
    lost = {e.title[:30]: _missing(e, [c for c in row if c.strip() and c != "NA"]) for e, row in zip(entries, rows)}
    assert not {k: v for k, v in lost.items() if v}


def test_every_pubmed_xml_text_is_kept():
    from defusedxml.ElementTree import fromstring

    path = require_shared("exports", "pubmed-xml", "pubmed4.xml")
    text, _ = read_input(str(path))
    root = fromstring(text.encode("utf-8"))
    entry = load(path).entries[0]
    leaves = [" ".join("".join(el.itertext()).split()) for el in root.iter() if len(el) == 0 and (el.text or "").strip()]
    assert _missing(entry, leaves) == []


CELL = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(
    lambda c: c.strip() and c.strip() != "NA")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(CELL, CELL, CELL, CELL), min_size=1, max_size=5))
def test_every_cell_of_a_generated_table_is_kept(rows):
    """Whatever the cells hold (quotes, commas, newlines, Unicode), each is found in its entry."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["title", "note", "Shelf mark", "Colour"])
    writer.writerows(rows)
    lib = loads(out.getvalue(), "csv", name="gen.csv")
    assert len(lib.entries) == len(rows)
    for entry, row in zip(lib.entries, rows):
        assert _missing(entry, list(row)) == []
