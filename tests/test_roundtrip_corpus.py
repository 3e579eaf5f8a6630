"""BibTeX -> canonical -> BibTeX keeps every value of every real-world file in the corpus.

The comparison is on the canonical model of the original and of the re-read output, after the
deliberate normalisations the README lists (LaTeX re-encoded, names in "von Last, Jr, First"
form, months as macros, ligatures and hyphen variants folded, BibLaTeX-only types written as
their BibTeX equivalent, a colliding source spelling written as NAME-orig).
"""
from __future__ import annotations

import unicodedata

import pytest

import bibkit
from bibkit.formats.bibtex import safe_key
from bibkit.types import BIBTEX_TYPES
from tests.conftest import SHARED

CORPUS = sorted((SHARED / "corpus" / "ordinary").rglob("*.bib")) if SHARED.exists() else []
_FOLD = str.maketrans({"\u2010": "-", "\u2011": "-", "\u00ad": "", "\u2002": " ", "\u2003": " ",
                       "\u02bc": "'", "\u02dc": "~"})


def fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(text)).translate(_FOLD).split())


def snapshot(entry: bibkit.Entry, flavour: str) -> dict:
    extra = {}
    for name, value in entry.extra.items():
        extra[name.lower().removesuffix("-orig")] = fold(value)
    return {
        "key": safe_key(entry.key or ""),
        "type": entry.type,
        "fields": {k: fold(v) for k, v in entry.fields.items() if v},
        "names": {k: ([fold(n.display()) for n in v.names], v.others) for k, v in entry.names.items()},
        "dates": {k: v for k, v in entry.dates.items()},
        "ids": dict(entry.ids.items()),
        "extra": extra,
    }


@pytest.mark.parametrize("flavour", ["bibtex", "biblatex"])
def test_round_trip_keeps_every_value_of_the_ordinary_corpus(flavour):
    if not CORPUS:
        pytest.skip("shared corpus missing")
    failures = []
    entries = 0
    for path in CORPUS:
        original = bibkit.load(path)
        again = bibkit.loads(bibkit.dumps(original, flavour), "bibtex", name=f"{path.name}.out")
        if len(original.entries) != len(again.entries):
            failures.append(f"{path}: {len(original.entries)} entries became {len(again.entries)}")
            continue
        for before, after in zip(original.entries, again.entries):
            entries += 1
            a, b = snapshot(before, flavour), snapshot(after, flavour)
            if flavour == "biblatex" or before.source_type not in BIBTEX_TYPES:
                # types the target does not know are mapped, and with them issue/number
                a["type"] = b["type"] = None
                for snap in (a, b):
                    if "issue" in snap["fields"] and "number" not in snap["fields"]:
                        snap["fields"]["number"] = snap["fields"].pop("issue")
            if a != b:
                diff = {k: (a[k], b[k]) for k in a if a[k] != b[k]}
                failures.append(f"{path.name}:{before.source.line}: {before.key}: {str(diff)[:400]}")
    assert entries > 20000
    assert not failures, f"{len(failures)} entries changed:\n" + "\n".join(failures[:40])


def test_round_trip_keeps_strings_preambles_and_comments():
    path = SHARED / "corpus" / "ordinary" / "iridia-references"
    if not path.exists():
        pytest.skip("shared corpus missing")
    for bib in sorted(path.glob("*.bib")):
        original = bibkit.load(bib)
        again = bibkit.loads(bibkit.dumps(original, "bibtex"), "bibtex")
        assert [(s.name, s.value) for s in again.strings] == [(s.name, s.value) for s in original.strings]
        assert [p.value.strip() for p in again.preambles] == [p.value.strip() for p in original.preambles]
        assert len(again.comments) == len(original.comments)


@pytest.mark.parametrize("flavour", ["bibtex", "biblatex"])
def test_writing_bibkits_own_output_again_gives_the_same_bytes(flavour):
    """Idempotence over the whole ordinary corpus: convert(convert(f)) == convert(f), byte for byte.

    Once failed on ``{{Cd\\textsubscript{x}Zn}}{$_{1-}$}{{\\textsubscript{x}Se}}`` (better-bibtex's
    Unabbreviate_on_import_1436-1.bib): ``{\\textsubscript{x}Se}`` is a BibTeX special character,
    not a case-protected group, so the second pass lost the protection of ``Se``.
    """
    if not CORPUS:
        pytest.skip("shared corpus missing")
    changed = []
    for path in CORPUS:
        written = bibkit.dumps(bibkit.load(path), flavour)
        again = bibkit.dumps(bibkit.loads(written, "bibtex", name=f"{path.name}.out"), flavour)
        if again != written:
            first = next(n for n, (a, b) in enumerate(zip(written.splitlines(), again.splitlines())) if a != b) \
                if written.splitlines() != again.splitlines() else 0
            changed.append(f"{path}: line {first + 1}: {written.splitlines()[first][:160]!r} -> "
                           f"{again.splitlines()[first][:160]!r}")
    assert not changed, f"{len(changed)} files change when bibkit's output is converted again:\n" + "\n".join(changed)
    subscripts = bibkit.dumps(bibkit.load(SHARED / "corpus" / "ordinary" / "bibtex-tidy-fixtures" / "better-bibtex"
                                          / "Unabbreviate_on_import_1436-1.bib"), flavour)
    assert r"{Cd\textsubscript{x}Zn}{$_{1-}$}{{\textsubscript{x}Se}}" in subscripts
