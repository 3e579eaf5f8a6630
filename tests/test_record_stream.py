"""``convert`` of record-based files (RIS, MEDLINE, Web of Science, Refer) streamed gives exactly
the whole-file conversion: output, messages (``file:line``, in the same order) and exit status.

Every real export of ``../shared/exports`` in a text format is converted both ways, cut into
tiny batches so that each file is many batches, on one process and on two; the keys that the
entries without one get (which depend on every entry) are checked on records that collide.
"""
from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bibkit import api
from bibkit import streaming as streamed_convert
from bibkit.cli import main
from bibkit.keys import assign_keys
from bibkit.formats.bibtex import stream
from bibkit.streaming import ENV_STREAM, NotStreamable, can_stream, convert_stream

from .conftest import require_shared

#: the exports in the formats read in batches
FOLDERS = ("medline", "wos", "endnote-refer", "scopus-csv", "ieee-csv")


def _exports():
    root = require_shared("exports")
    return sorted(p for folder in FOLDERS for p in (root / folder).iterdir()
                  if p.suffix in (".nbib", ".txt", ".ris", ".isi", ".enw", ".csv"))


def _run(args, monkeypatch, streaming: bool, batch_bytes: int = 300, jobs: str = "1"):
    """``bibkit convert ARGS`` in ``batch_bytes`` batches (or read whole): (result, streamed?)."""
    monkeypatch.setattr(stream, "BATCH_BYTES", batch_bytes)
    monkeypatch.setenv("BIBKIT_JOBS", jobs)
    if streaming:
        monkeypatch.delenv(ENV_STREAM, raising=False)
    else:
        monkeypatch.setenv(ENV_STREAM, "0")
    seen = []
    real = streamed_convert._convert_records

    def spy(*a, **k):
        done = real(*a, **k)
        seen.append(1)  # the streamed conversion went through
        return done
    monkeypatch.setattr(streamed_convert, "_convert_records", spy)
    result = CliRunner().invoke(main, ["convert", *args])
    monkeypatch.undo()
    return result, bool(seen)


def _same_both_ways(args, out, monkeypatch, **how) -> bool:
    got, streamed = _run(args, monkeypatch, True, **how)
    text = out.read_text(encoding="utf-8") if out.exists() else None
    want, _ = _run(args, monkeypatch, False)
    assert got.exception is None or isinstance(got.exception, SystemExit), got.exception
    assert (got.exit_code, got.stderr, text) == (want.exit_code, want.stderr, out.read_text(encoding="utf-8")), args
    return streamed


@pytest.mark.parametrize("to,jobs", [("csljson", "1"), ("biblatex", "2"), ("ris", "1")])
def test_every_record_export_converts_the_same_streamed_and_whole(tmp_path, monkeypatch, to, jobs):
    files = _exports()
    assert len(files) >= 17
    out = tmp_path / "out"
    streamed = sum(_same_both_ways([str(p), "-t", to, "-o", str(out)], out, monkeypatch, jobs=jobs) for p in files)
    assert streamed == len(files)


def test_several_record_files_convert_as_one_streamed(tmp_path, monkeypatch):
    files = [str(p) for p in _exports() if p.suffix in (".nbib", ".ris", ".enw")]
    out = tmp_path / "out.json"
    assert _same_both_ways([*files, "-o", str(out)], out, monkeypatch, jobs="2")


RIS = ("TY  - JOUR\nAU  - Smith, Jane\nTI  - {title}\nPY  - 2020\nJO  - Journal of Tests\nER  - \n\n")


def test_colliding_keys_are_given_as_the_whole_file_gives_them(tmp_path, monkeypatch):
    # five records share the base key smith2020...; their content order decides the suffixes,
    # and an ID already holding the bare key pushes them all on by one
    titles = ["Zebra studies", "Apple studies", "Zebra studies", "Mango studies", "Apple studies"]
    text = "".join(RIS.format(title=t) for t in titles) * 3
    text += "TY  - JOUR\nID  - Smith2020Zebra\nTI  - Held\nER  - \n"
    path = tmp_path / "in.ris"
    path.write_text(text)
    out = tmp_path / "out.json"
    assert _same_both_ways([str(path), "-o", str(out)], out, monkeypatch, batch_bytes=100, jobs="2")
    keys = [line for line in out.read_text().splitlines() if '"id"' in line]
    assert len(keys) == 16


BAD = ("TY  - JOUR\nTI  - One\nER  - \nnot a tag line\nTY  - BOGUS\nTI  - Two\nPY  - soon\nER  - \n"
       "ER  - \nTY  - JOUR\nAU  - Doe, J\n")


def test_bad_lines_are_reported_at_their_line_in_every_batch(tmp_path, monkeypatch):
    path = tmp_path / "bad.ris"
    path.write_text(BAD * 4)
    out = tmp_path / "out.json"
    assert _same_both_ways([str(path), "-o", str(out)], out, monkeypatch, batch_bytes=40)
    result, _ = _run([str(path), "-o", str(out)], monkeypatch, True, batch_bytes=40)
    assert f"{path}:37: not a RIS tag line" in result.stderr
    assert "entry has no 'ER' before the next 'TY'" in result.stderr


MEDLINE = "PMID- {n}\nTI  - Title {n}\nFAU - Doe, Jane\nDP  - 2001\n\nPMID- 9{n}\nFAU - Roe, Rick\nDP  - 2002\n\n"
WOS = "PT J\nAU Doe, J\nTI Title {n}\nPY 2001\nER\n\nPT J\nAU Roe, R\nPY 2002\nER\n\n"


@pytest.mark.parametrize("template,suffix", [(MEDLINE, ".nbib"), (WOS, ".isi")])
def test_records_are_numbered_across_batches(tmp_path, monkeypatch, template, suffix):
    path = tmp_path / f"in{suffix}"
    head = "FN Clarivate Analytics Web of Science\nVR 1.0\n" if suffix == ".isi" else ""
    path.write_text(head + "".join(template.format(n=n) for n in range(1, 7)) + ("EF\n" if head else ""))
    out = tmp_path / "out.json"
    assert _same_both_ways([str(path), "-o", str(out)], out, monkeypatch, batch_bytes=50)
    result, _ = _run([str(path), "-o", str(out)], monkeypatch, True, batch_bytes=50)
    assert "record 12 has no title" in result.stderr


CSV = ('\ufefftitle,author,year,note\n"A, quoted\ntitle",Doe,2001,x\n,Roe,2002,"no title\nhere"\n'
       'Third,"Moe, M",2003\nFourth,Poe,2004,a,b,c\n\n"Fifth ""quoted""",Loe,2005,\n')


@pytest.mark.parametrize("args", [[], ["--map", "title=note"], ["--map", "title=nowhere"], ["--map", "nofield=title"]])
def test_table_rows_are_read_the_same_in_batches(tmp_path, monkeypatch, args):
    path = tmp_path / "in.csv"
    path.write_text(CSV * 5)
    out = tmp_path / "out.json"
    args = [str(path), "--from", "csv", *args, "-o", str(out)]
    assert _same_both_ways(args, out, monkeypatch, batch_bytes=30, jobs="2")
    if len(args) == 5:
        result, _ = _run(args, monkeypatch, True, batch_bytes=30)
        assert f"{path}:31: row has no title" in result.stderr
        assert f"{path}:34: row has 6 cells for 4 columns" in result.stderr


@pytest.mark.parametrize("text,suffix", [
    ("just some words\n", ".nbib"),  # no record at all: the whole-file reading's error
    ("TY  - JOUR\nTI  - Caf\xe9\nER  - \n", ".ris"),  # not UTF-8 (written as Latin-1)
])
def test_what_the_stream_cannot_say_is_converted_whole(tmp_path, text, suffix):
    path = tmp_path / f"in{suffix}"
    path.write_bytes(text.encode("latin-1"))
    assert can_stream([str(path)], None, "csljson")
    with pytest.raises(NotStreamable):
        convert_stream([str(path)], "csljson", io.StringIO(), jobs=1)
    result = CliRunner().invoke(main, ["convert", str(path), "-t", "csljson"])
    assert result.exit_code == 1 and str(path) in result.stderr


def test_what_is_read_whole_is_not_streamed(tmp_path):
    ris = tmp_path / "a.ris"
    ris.write_text(RIS.format(title="T"))
    assert can_stream([str(ris)], None, "csljson")
    assert not can_stream([str(ris)], None, "csv")  # an exporter that cannot write in parts
    assert not can_stream([str(ris)], None, "csljson", encoding="latin-1")
    assert not can_stream(["-"], "ris", "csljson")
    assert not can_stream([str(ris), str(require_shared("exports", "pubmed-xml").iterdir().__next__())],
                          None, "csljson")


#: lines of each format, good and bad, from which texts are made up
_LINES = {
    ".ris": ["TY  - JOUR", "TY  - BOOK", "TY  - ZZZ", "ER  - ", "ER  -", "ER  -x", "TI  - A title", "TI  - Another",
             "AU  - Smith, Jane", "AU  - Doe, J.", "PY  - 2020", "PY  - 20x0", "DA  - 2020/05/01/", "ID  - k1",
             "  wrapped on", "KW  - one", "DO  - 10.1000/x", "DO  - nope", "", "   ", "junk line", "\u2028", "\x0c"],
    ".nbib": ["PMID- 1", "PMID- 2", "PMC - PMC3", "TI  - A title", "TI  - Another", "FAU - Smith, Jane",
              "AU  - Doe J", "DP  - 2020 May", "DP  - soon", "JT  - Journal", "LID - 10.1/x [doi]",
              "      wrapped on", "", "  ", "junk line", "\u2028"],
    ".isi": ["FN Clarivate Analytics Web of Science", "VR 1.0", "PT J", "AU Smith, J", "AF Smith, Jane",
             "TI A title", "   wrapped on", "PY 2020", "SO JOURNAL", "ER", "ER x", "EF", "", "junk line", "\ufeffPT J"],
    ".csv": ["title,author,year", "A title,\"Doe, J\",2001", "\"Multi", "line\",Roe,2002", ",Moe,", "x,y,z,w",
             "\"\"\"q\"\"\",Q,2003", "", "\"open", "a;b;c"],
    ".enw": ["%0 Journal Article", "%0 Book", "%0 Bogus", "%A Smith, Jane", "%T A title", "%T Another", "%D 2020",
             "%J Journal", "%K one", "more words", "%Q odd", "", " ", "junk line"],
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), suffix=st.sampled_from(sorted(_LINES)), ending=st.sampled_from(["\n", "\r\n"]),
       size=st.integers(5, 200))
def test_any_record_text_converts_the_same_in_batches(tmp_path, data, suffix, ending, size):
    lines = data.draw(st.lists(st.sampled_from(_LINES[suffix]), max_size=60))
    path = tmp_path / f"gen{suffix}"
    path.write_bytes(ending.join(lines).encode("utf-8"))
    fmt = "csv" if suffix == ".csv" else None  # a made-up table may look like a reference list
    want = api.load(str(path), fmt)
    handle = io.StringIO()
    try:
        count, problems, _ = convert_stream([str(path)], "csljson", handle, jobs=1, batch_bytes=size, from_=fmt)
    except NotStreamable:
        assert not want.entries
        return
    assign_keys(want.entries)
    assert handle.getvalue() == api.dumps(want, "csljson")
    assert [str(p) for p in problems] == [str(p) for p in want.problems]
    assert count == len(want.entries)
