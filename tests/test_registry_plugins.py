"""A third-party package adds a format through the entry-point groups, touching nothing in bibkit."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import bibkit
from bibkit import registry
from bibkit.diagnostics import BibkitError

PLUGIN = textwrap.dedent('''
    """A toy "one title per line" format, as a third party would write it."""
    from bibkit.model import Entry, Library, Source, Text


    class TitlesImporter:
        name = "titles"
        extensions = (".titles",)
        description = "one title per line (test plugin)"

        def detect(self, text):
            return 0.0

        def parse(self, text, name="<input>", **options):
            lib = Library()
            for number, line in enumerate(text.splitlines(), 1):
                if line.strip():
                    lib.blocks.append(Entry(type="document", fields={"title": Text(line.strip())},
                                            source=Source(name, number, "titles")))
            return lib


    class TitlesExporter:
        name = "titles"
        extension = ".titles"
        description = "one title per line (test plugin)"

        def dump(self, library, **options):
            return "".join(f"{e.title}\\n" for e in library.entries)
''')


@pytest.fixture
def plugin_path(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "bibkit_titles.py").write_text(PLUGIN)
    dist = tmp_path / "bibkit_titles-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: bibkit-titles\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[bibkit.importers]\ntitles = bibkit_titles:TitlesImporter\n\n"
        "[bibkit.exporters]\ntitles = bibkit_titles:TitlesExporter\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    registry.refresh()
    yield tmp_path
    registry.refresh()


def test_builtin_formats_are_found_through_entry_points():
    assert {"bibtex", "biblatex", "csljson"} <= set(registry.importer_names())
    assert {"bibtex", "biblatex", "csljson"} <= set(registry.exporter_names())


def test_a_third_party_package_adds_an_importer_and_exporter(plugin_path: Path):
    assert "titles" in registry.importer_names() and "titles" in registry.exporter_names()
    source = plugin_path / "papers.titles"
    source.write_text("Attention Is All You Need\nDeep Residual Learning\n")
    lib = bibkit.load(source)  # chosen by the plugin's extension
    assert [e.title for e in lib.entries] == ["Attention Is All You Need", "Deep Residual Learning"]
    assert bibkit.dumps(lib, "titles") == "Attention Is All You Need\nDeep Residual Learning\n"
    assert "@misc{" in bibkit.dumps(lib, "bibtex") or "@" in bibkit.dumps(lib, "bibtex")


def test_bibkit_formats_lists_a_plugin(plugin_path: Path):
    env = dict(os.environ, PYTHONPATH=f"{plugin_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    out = subprocess.run([sys.executable, "-m", "bibkit", "formats"], capture_output=True, text=True, env=env)
    assert out.returncode == 0
    assert "titles" in out.stdout


def test_unknown_format_names_are_a_clear_error():
    with pytest.raises(BibkitError, match="no exporter named 'nope'"):
        registry.exporter("nope")
