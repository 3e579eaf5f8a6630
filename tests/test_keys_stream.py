"""``bibkit keys`` streamed (two passes over a .bib on disk) writes what the whole-file path writes.

Every comparison runs the command twice, streamed in 400-byte batches and read whole, and
compares the output, the key map, the messages and the exit status byte for byte, on messy and
ordinary corpus files, with their keys as they are and with every third key removed.
"""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from bibkit.cli import main
from bibkit.keys_stream import keys_stream
from bibkit.streaming import NotStreamable

from .conftest import require_shared
from .test_bibtex_stream import _run

_KEY = re.compile(r"(?m)^(@\w+\s*\{)([^,\s]+)(\s*,)")


def _files():
    messy = sorted(require_shared("messy").rglob("*.bib"))
    ordinary = sorted(require_shared("corpus", "ordinary").rglob("*.bib"))
    return [p for p in messy if p.name.startswith(("bibtex-tidy", "bbt-", "jabref"))][:10] + ordinary[:12]


def _without_some_keys(text: str) -> str:
    """Every third entry's key removed: keys to generate, colliding with the kept ones."""
    count = iter(range(10**9))
    return _KEY.sub(lambda m: m.group(0) if next(count) % 3 else m.group(1) + m.group(3), text)


def _keys(args: list[str], monkeypatch, streaming: bool):
    """``bibkit keys ARGS`` streamed in 400-byte batches or read whole: (result, streamed?)."""
    done = []
    real = keys_stream

    def spy(*a, **k):
        result = real(*a, **k)
        done.append(1)
        return result
    monkeypatch.setattr("bibkit.cli.keys.keys_stream", spy)
    result, _ = _run("keys", args, monkeypatch, streaming)
    return result, bool(done)


def _outputs(tmp_path) -> tuple:
    return tuple((p.name, p.read_bytes()) for p in sorted(tmp_path.glob("out*")))


def _same_streamed_and_whole(path, options: list[str], tmp_path, monkeypatch, output: str = "out.bib") -> bool:
    args = [str(path), *options, "-o", str(tmp_path / output), "--map", str(tmp_path / "out-map.tsv")]
    got, did = _keys(args, monkeypatch, True)
    got_files = _outputs(tmp_path)
    for p in tmp_path.glob("out*"):
        p.unlink()
    want, _ = _keys(args, monkeypatch, False)
    assert want.exception is None or isinstance(want.exception, SystemExit), want.exception
    assert (got.exit_code, got.stderr, got_files) == (want.exit_code, want.stderr, _outputs(tmp_path)), path
    for p in tmp_path.glob("out*"):
        p.unlink()
    return did


@pytest.mark.parametrize("options", [
    [],
    ["--rekey"],
    ["--rekey", "--pattern", "[auth:lower][year]", "--policy", "always", "--no-aliases"],
    ["--pattern", "[auth:lower]", "--policy", "second-b", "--normalize"],
])
def test_streamed_keys_write_what_the_whole_file_keys_write(tmp_path, monkeypatch, options):
    streamed = 0
    for n, path in enumerate(_files()):
        copy = tmp_path / "in" / path.name
        copy.parent.mkdir(exist_ok=True)
        data = path.read_bytes()
        try:
            copy.write_text(_without_some_keys(data.decode("utf-8")) if n % 2 else data.decode("utf-8"),
                            encoding="utf-8")
        except UnicodeDecodeError:
            copy.write_bytes(data)
        streamed += _same_streamed_and_whole(copy, options, tmp_path, monkeypatch)
    assert streamed > 15


@pytest.mark.parametrize("options", [[], ["--rekey"]])
def test_streamed_keys_to_csl_json_write_what_the_whole_file_keys_write(tmp_path, monkeypatch, options):
    files = _files()[::3]
    assert sum(_same_streamed_and_whole(p, options, tmp_path, monkeypatch, "out.json") for p in files) > 5


@pytest.mark.parametrize("data", [
    b"\xef\xbb\xbf@misc{a, title = {With a byte order mark}}\n\n@misc{, title = {No key}}\n",
    b"\xef\xbb\xbf@misc{a, title = {All keyed}}\n",
    b"\n\n   \n",
    b"\xef\xbb\xbf\n",
    b"@misc{a,\n  title = {Bad\x01 control}}\n@misc{,\n  title = {After}}\n" * 40,
])
def test_odd_files_are_keyed_streamed_as_whole(tmp_path, monkeypatch, data):
    path = tmp_path / "odd.bib"
    path.write_bytes(data)
    for options in ([], ["--rekey"], ["-t", "csljson"], ["--unicode"], ["--preserve", "-t", "biblatex"]):
        _same_streamed_and_whole(path, options, tmp_path, monkeypatch)


CHILD = "@inproceedings{child, title = {Paper}, crossref = {proc}}\n"
PARENT = "@proceedings{proc, title = {Proceedings of Tests}, year = 2001, publisher = {P}}\n"


@pytest.mark.parametrize("text,why", [
    ((CHILD + PARENT).encode(), "crossref"),
    ("@misc{a, title = {Café}}\n".encode("latin-1"), "UTF-8"),
])
def test_what_keys_needs_whole_is_keyed_whole(tmp_path, monkeypatch, text, why):
    path = tmp_path / "in.bib"
    path.write_bytes(text)
    with pytest.raises(NotStreamable, match=why), open(tmp_path / "scratch", "w") as handle:
        keys_stream(str(path), handle, fmt="bibtex", preserve=True, rekey=True)
    _same_streamed_and_whole(path, ["--rekey"], tmp_path, monkeypatch)


_name = st.sampled_from(["Smith, John", "Smith, Jane", "Doe, A.", "{World Health Organization}", "Müller, K."])
_title = st.sampled_from(["On Keys", "On keys", "Keys", "A Study of Keys", "Ключи", ""])
_entry = st.tuples(st.sampled_from(["", "k1", "K1", "smith2020", "Smith2020on"]), _name, _title,
                   st.sampled_from(["2020", "2021", ""]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=st.lists(_entry, min_size=1, max_size=12), rekey=st.booleans(),
       policy=st.sampled_from(["second-a", "second-b", "always"]))
def test_streamed_keys_equal_whole_keys_on_generated_entries(tmp_path, monkeypatch, entries, rekey, policy):
    path = tmp_path / "gen.bib"
    path.write_text("".join(f"@article{{{key},\n  author = {{{name}}},\n  title = {{{title}}},\n  year = {{{year}}}\n}}\n\n"
                            for key, name, title, year in entries), encoding="utf-8")
    options = ["--policy", policy, "--pattern", "[auth:lower][year]"] + (["--rekey"] if rekey else [])
    assert _same_streamed_and_whole(path, options, tmp_path, monkeypatch)
