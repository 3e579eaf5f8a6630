"""Writing a .bib back over the file it was read from changes only what changed.

On the real library files of ``../shared/corpus/ordinary/`` (every folder but the parser
fixtures of ``bibtex-tidy-fixtures``): a merge of new entries only inserts lines, ``keys`` on a
fully keyed file changes no byte, and a changed entry changes only its changed fields, in the
entry's own layout.
"""
from __future__ import annotations

import json
import re
import shutil
from collections import Counter

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from bibkit.api import load, loads
from bibkit.cli import main
from bibkit.formats.bibtex import BibTeXWriter
from bibkit.formats.bibtex.preserve import capture, detect_flavour, write_preserving
from bibkit.model import Entry, Text

from .conftest import require_shared

NEW = r"""@article{nakamoto2008bitcoin,
  author = {Nakamoto, Satoshi},
  title = {Bitcoin: A Peer-to-Peer Electronic Cash System},
  year = {2008},
  url = {https://bitcoin.org/bitcoin.pdf}
}

@misc{deepseek2025r1,
  author = {{DeepSeek-AI}},
  title = {{DeepSeek-R1}: Incentivizing Reasoning Capability in {LLMs} via Reinforcement Learning},
  year = {2025},
  eprint = {2501.12948},
  archivePrefix = {arXiv}
}
"""


def library_files() -> list:
    """The 13 library files: every ordinary corpus file outside the parser fixtures."""
    root = require_shared("corpus", "ordinary")
    files = sorted(p for p in root.rglob("*.bib") if "bibtex-tidy-fixtures" not in p.parts)
    assert len(files) == 13, [p.name for p in files]
    return files


def all_files() -> list:
    return sorted(require_shared("corpus", "ordinary").rglob("*.bib")) + sorted(require_shared("messy").rglob("*.bib"))


def changed_lines(before: str, after: str) -> tuple[int, int]:
    """(existing lines replaced or deleted, lines inserted) between two texts; counted as
    multisets of lines (difflib is quadratic on a 54k-line file), see also :func:`only_inserts`."""
    old, new = Counter(before.splitlines()), Counter(after.splitlines())
    return sum((old - new).values()), sum((new - old).values())


def only_inserts(before: str, after: str) -> bool:
    """Whether ``after`` is ``before`` with lines inserted (its lines a subsequence, in order)."""
    lines = iter(after.splitlines())
    return all(any(line == other for other in lines) for line in before.splitlines())


def preserved(lib, name: str) -> str:
    original = capture(lib, name)
    assert original is not None
    return write_preserving(original, lib, BibTeXWriter(detect_flavour(lib, name)))


# ---------------------------------------------------------------------------- nothing changed


def test_every_corpus_and_messy_file_is_written_back_byte_for_byte_when_nothing_changed():
    files = all_files()
    assert len(files) > 250
    for path in files:
        lib = load(path)
        text = lib.sources[str(path)]
        assert preserved(lib, str(path)) == text, path.name


def test_keys_on_a_fully_keyed_file_changes_no_byte(tmp_path):
    for source in library_files():
        target = tmp_path / source.name
        shutil.copyfile(source, target)
        result = CliRunner().invoke(main, ["keys", str(target), "-o", str(target), "-q"])
        assert result.exit_code in (0, 1), result.output
        assert target.read_bytes() == source.read_bytes(), source.name


def test_keys_fills_a_missing_key_by_changing_only_its_line(tmp_path):
    source = require_shared("corpus", "ordinary", "cdl-bibliography", "cdl.bib")
    text = source.read_text(encoding="utf-8")
    damaged = text.replace("@article{AntoEtal24,", "@article{,", 1)
    assert damaged != text
    target = tmp_path / "cdl.bib"
    target.write_text(damaged, encoding="utf-8")
    result = CliRunner().invoke(main, ["keys", str(target), "-o", str(target), "-q"])
    assert result.exit_code == 0, result.output
    after = target.read_text(encoding="utf-8")
    assert changed_lines(damaged, after) == (1, 1)
    before_lines = set(damaged.splitlines())
    [line] = [x for x in after.splitlines() if x not in before_lines]
    assert line.startswith("@article{") and line != "@article{,"


# ---------------------------------------------------------------------------- merge


def test_merging_two_new_entries_into_each_library_file_only_inserts_lines(tmp_path):
    new = tmp_path / "new.bib"
    new.write_text(NEW, encoding="utf-8")
    total_existing = 0
    for source in library_files():
        target = tmp_path / source.name
        shutil.copyfile(source, target)
        before = source.read_text(encoding="utf-8")
        report = tmp_path / "report.json"
        result = CliRunner().invoke(main, ["merge", str(target), str(new), "-o", str(target), "--report", str(report),
                                           "-q"])
        assert result.exit_code in (0, 1), result.output  # 1: the file's own reported problems
        after = target.read_text(encoding="utf-8")
        changed, inserted = changed_lines(before, after)
        assert changed == 0 and only_inserts(before, after), source.name
        assert inserted >= 12, source.name  # the two entries (and a blank line before each)
        data = json.loads(report.read_text())
        assert data["summary"]["groups"] == 0
        keys = {e.key for e in load(target).entries}
        assert {"nakamoto2008bitcoin", "deepseek2025r1"} <= keys
        total_existing += len(before.splitlines())
    assert total_existing > 140_000


def test_new_entries_go_where_a_sorted_file_has_them(tmp_path):
    # iridia's articles.bib is kept sorted by key (its Emacs mode line says so; a few entries
    # are out of place)
    source = require_shared("corpus", "ordinary", "iridia-references", "articles.bib")
    target = tmp_path / "articles.bib"
    shutil.copyfile(source, target)
    new = tmp_path / "new.bib"
    new.write_text(NEW, encoding="utf-8")
    CliRunner().invoke(main, ["merge", str(target), str(new), "-o", str(target), "-q"])
    keys = [e.key for e in load(target).entries]
    for key in ("nakamoto2008bitcoin", "deepseek2025r1"):
        n = keys.index(key)
        assert 0 < n < len(keys) - 1
        assert keys[n - 1].casefold() <= key.casefold() <= keys[n + 1].casefold()
    assert only_inserts(source.read_text(encoding="utf-8"), target.read_text(encoding="utf-8"))


def test_normalize_rewrites_the_whole_file(tmp_path):
    source = require_shared("corpus", "ordinary", "aibasel-bib", "literatur.bib")
    target = tmp_path / "literatur.bib"
    shutil.copyfile(source, target)
    new = tmp_path / "new.bib"
    new.write_text(NEW, encoding="utf-8")
    CliRunner().invoke(main, ["merge", str(target), str(new), "-o", str(target), "--normalize", "-q"])
    changed, _ = changed_lines(source.read_text(encoding="utf-8"), target.read_text(encoding="utf-8"))
    assert changed > 1000


# ---------------------------------------------------------------------------- field edits


def _entry(lib, key: str) -> Entry:
    return next(e for e in lib.entries if e.key == key)


def test_a_changed_entry_changes_only_its_changed_fields_in_the_files_own_style():
    # aibasel: "quoted" values aligned in one column; cdl: Title-case names, tab indentation
    path = require_shared("corpus", "ordinary", "aibasel-bib", "literatur.bib")
    lib = load(path)
    text = lib.sources[str(path)]
    original = capture(lib, str(path))
    entry = lib.entries[5]
    entry.fields["title"] = Text("A Changed Title")
    entry.extra["note"] = "a new note"
    out = write_preserving(original, lib, BibTeXWriter())
    assert changed_lines(text, out) == (1, 2)
    before_lines = set(text.splitlines())
    new_lines = [x for x in out.splitlines() if x not in before_lines]
    assert new_lines == ['  title =        "A Changed Title",', '  note =         "a new note",']

    path = require_shared("corpus", "ordinary", "cdl-bibliography", "cdl.bib")
    lib = load(path)
    text = lib.sources[str(path)]
    original = capture(lib, str(path))
    entry = _entry(lib, "AntoEtal24")
    entry.ids.doi = "10.1000/example"
    del entry.fields["volume"]
    out = write_preserving(original, lib, BibTeXWriter())
    changed, inserted = changed_lines(text, out)
    assert (changed, inserted) == (1, 1)
    assert "\tDoi = {10.1000/example},\n" in out and out.count("\tVolume = {") == text.count("\tVolume = {") - 1


def test_a_one_line_entry_stays_on_one_line():
    text = '% my refs\n\n@article{a, title = "One", year = 2001}\n\n@book{b,\n  title = {Two}\n}\n'
    lib = loads(text, "bibtex", name="t.bib")
    original = capture(lib, "t.bib")
    lib.entries[0].extra["note"] = "added"
    lib.entries[0].dates.clear()
    out = write_preserving(original, lib, BibTeXWriter())
    assert out == '% my refs\n\n@article{a, title = "One", note = "added"}\n\n@book{b,\n  title = {Two}\n}\n'


def test_a_merged_away_entry_leaves_with_its_blank_lines():
    text = "@article{a,\n  title = {One}\n}\n\n@article{b,\n  title = {Two}\n}\n\n@article{c,\n  title = {Three}\n}\n"
    lib = loads(text, "bibtex", name="t.bib")
    original = capture(lib, "t.bib")
    lib.blocks.remove(lib.entries[1])
    out = write_preserving(original, lib, BibTeXWriter())
    assert out == "@article{a,\n  title = {One}\n}\n\n@article{c,\n  title = {Three}\n}\n"


# ---------------------------------------------------------------------------- property


_SAMPLE = None


def _sample():
    """The first 60 entries of a real file (read once)."""
    global _SAMPLE
    if _SAMPLE is None:
        path = require_shared("corpus", "ordinary", "aibasel-bib", "literatur.bib")
        text = path.read_text(encoding="utf-8")
        cut = [m.start() for m in re.finditer("\n@", text)][60]
        _SAMPLE = text[:cut + 1]
    return _SAMPLE


EDIT = st.tuples(st.integers(0, 59),
                 st.sampled_from(["title", "note", "drop-note", "drop-pages", "key", "remove", "doi", "author"]),
                 # BibTeX reads a run of spaces as one, so the edits use single spaces
                 st.text(alphabet="abcdefghij XYZ-", min_size=1, max_size=12)
                 .map(lambda s: " ".join(s.split())).filter(bool))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EDIT, min_size=1, max_size=6), st.booleans())
def test_random_edits_are_read_back_and_leave_every_other_block_byte_for_byte(edits, add_new):
    from bibkit.names import parse_names

    text = _sample()
    lib = loads(text, "bibtex", name="s.bib")
    original = capture(lib, "s.bib")
    entries = lib.entries
    touched: set[int] = set()
    removed: set[int] = set()
    for index, what, word in edits:
        entry = entries[index]
        if index in removed:
            continue
        touched.add(index)
        if what == "title":
            entry.fields["title"] = Text(word)
        elif what == "note":
            entry.extra["note"] = word
        elif what == "drop-note":
            entry.extra.pop("note", None)
        elif what == "drop-pages":
            entry.fields.pop("page", None)
        elif what == "key":
            entry.key = "k" + word.replace(" ", "")
        elif what == "doi":
            entry.ids.doi = "10.1000/" + word.replace(" ", "")
        elif what == "author":
            entry.names["author"] = parse_names(word + ", Anne")
        else:
            lib.blocks.remove(entry)
            removed.add(index)
    if add_new:
        lib.blocks.extend(loads("@article{zznew, title={Brand New}, year=2024}", "bibtex").entries)
    out = write_preserving(original, lib, BibTeXWriter())
    back = loads(out, "bibtex", name="s.bib")
    writer = BibTeXWriter()

    def canonical(entry: Entry) -> tuple:  # a new field's place in the entry is the file's layout
        return entry.key, entry.type, sorted(writer.fields(entry))

    assert [canonical(e) for e in back.entries] == [canonical(e) for e in lib.entries]
    # every block not edited is in the output byte for byte, in order
    position = 0
    for n, entry in enumerate(entries):
        if n in touched:
            continue
        _, start, end = entry.span
        found = out.find(text[start:end], position)
        assert found >= 0, entry.key
        position = found + end - start
