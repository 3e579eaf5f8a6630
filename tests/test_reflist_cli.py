"""`bibkit convert refs.txt --from reflist -o refs.bib` end to end, with the shipped model."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from bibkit import registry
from bibkit.cli import main
from bibkit.formats.reflist import RefListImporter
from bibkit.reflist.features import FEATURE_VERSION
from bibkit.reflist.model import label_words, model_path
from tests.conftest import ROOT

IEEE = ROOT / "examples" / "reference-list.txt"
APA = ROOT / "examples" / "reference-list-apa.txt"


def convert(*args: str):
    return CliRunner().invoke(main, ["convert", *args], catch_exceptions=False)


def test_the_model_loads_from_package_data():
    path = Path(model_path())
    assert path.parent.name == "reflist" and path.stat().st_size > 10_000
    meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert meta["seed"] and len(meta["model_sha256"]) == 64 and len(meta["data_sha256"]) == 64
    assert hashlib.sha256(path.read_bytes()).hexdigest() == meta["model_sha256"], "reflist.json describes another model"
    assert meta["features"] == FEATURE_VERSION, "the shipped model was trained with another feature set"
    labels, probs = label_words("Doe, J. (2020). A title. Journal of Things, 3, 1-9.".split())
    assert labels[0] == "author" and all(0 <= p <= 1 for p in probs)


def test_numbered_ieee_list_converts_to_bibtex(tmp_path):
    out = tmp_path / "refs.bib"
    result = convert(str(IEEE), "--from", "reflist", "-o", str(out))
    assert result.exit_code == 0, result.output
    bib = out.read_text(encoding="utf-8")
    assert len(re.findall(r"^@\w+\{", bib, re.MULTILINE)) == 6
    assert "10.1016/s0146-664x(72)80017-0" in bib.lower()
    assert "1810.04805" in bib
    assert re.search(r"title = \{.*iterative procedure for the polygonal approximation of plane curves", bib)
    assert re.search(r"author = \{Ramer, U\.\}", bib)
    assert re.search(r"year = \{?1972\}?", bib)
    assert re.search(r"pages = \{244--256\}", bib)
    assert "@book" in bib  # The TeXbook


def test_apa_list_with_hanging_indents_is_detected_from_content(tmp_path):
    out = tmp_path / "refs.json"
    result = convert(str(APA), "-o", str(out))
    assert result.exit_code == 0, result.output
    items = json.loads(out.read_text(encoding="utf-8"))
    assert len(items) == 4
    first = items[0]
    assert [a["family"] for a in first["author"]] == ["Antony", "Lozano", "Dhoat", "Chen", "Bennion"]
    assert first["issued"]["date-parts"][0][0] == 2024
    assert first["container-title"] == "Journal of Cognitive Neuroscience"
    assert (first["volume"], first["issue"], first["page"]) == ("36", "11", "2368–2385")
    assert first["DOI"] == "10.1162/jocn_a_02236"
    assert len(items[2]["author"]) == 19


def test_detection_prefers_other_formats_for_their_own_content():
    ref = RefListImporter()
    assert ref.detect("@article{x, title={A}}") == 0.0
    assert ref.detect("10.1000/abc\n10.1000/def\n") < registry.importer("listing").detect("10.1000/abc\n10.1000/def\n")
    assert ref.detect(APA.read_text(encoding="utf-8")) >= 0.7


def test_low_confidence_and_missing_fields_are_reported_with_file_and_line(tmp_path):
    src = tmp_path / "refs.txt"
    src.write_text("Doe, J. (2020). A title. Journal of Things, 3, 1-9.\nzzz qqq www\n", encoding="utf-8")
    lib = RefListImporter().parse(src.read_text(encoding="utf-8"), str(src))
    assert len(lib.entries) == 2
    assert any(str(p).startswith(f"{src}:2: ") for p in lib.problems)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_any_text_is_read_without_a_traceback(text):
    lib = RefListImporter().parse(text, "x.txt")
    assert not any(p.code == "reflist-unreadable" for p in lib.problems)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(["Doe, J.", "(2020).", "[1]", "pp.", "12–19", "vol.", "In", "(Eds.),",
                                 "\n", "\n\n", "  ", "https://x.org/a-", "10.1/x", "et al.", "“A", "title,”",
                                 "ﬁ", "-", "Press.", "arXiv:", "2501.12948"]), max_size=60))
def test_reference_like_noise_is_read_without_a_traceback(parts):
    lib = RefListImporter().parse(" ".join(parts), "x.txt")
    assert not any(p.code == "reflist-unreadable" for p in lib.problems)


def test_pdf_noise_ligatures_and_line_end_hyphenation_are_undone():
    text = ("Smith, J., & Jones, K. (2019). Deep classiﬁcation of satellite im-\n"
            "    ages with convolutional networks. Pattern Recognition, 12(3), 45–67.\n")
    (entry,) = RefListImporter().parse(text, "refs.txt").entries
    assert entry.title == "Deep classification of satellite images with convolutional networks"
    assert entry.fields["container-title"] == "Pattern Recognition"
    assert entry.source.line == 1


def test_a_long_list_read_on_several_cores_gives_what_one_process_gives(monkeypatch):
    import bibkit.formats.reflist as reflist
    from bibkit import parallel
    from bibkit.reflist.training import anystyle_sequences
    from tests.conftest import require_shared
    seqs = anystyle_sequences(str(require_shared("refstrings", "anystyle", "core.xml")))[:60]
    text = "\n".join(" ".join(words) for words, _ in seqs)
    monkeypatch.setenv("BIBKIT_JOBS", "1")
    one = RefListImporter().parse(text, "refs.txt")
    monkeypatch.setenv("BIBKIT_JOBS", "2")
    monkeypatch.setattr(reflist, "PARALLEL_FROM", 4)
    spread = []

    def counting(func, args):
        spread.append(len(args))
        return parallel.map_forked(func, args)

    monkeypatch.setattr(reflist, "map_forked", counting)
    two = RefListImporter().parse(text, "refs.txt")
    assert spread == [2], "the list was not cut into one slice per core"
    assert len(one.entries) == len(two.entries) >= 50
    assert [(e.type, e.fields, e.source) for e in one.entries] == [(e.type, e.fields, e.source) for e in two.entries]
    assert [str(p) for p in one.problems] == [str(p) for p in two.problems]
