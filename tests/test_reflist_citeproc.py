"""The reference-list importer on text citeproc-js (the reference CSL processor) rendered, not bibkit.

The strings below are citeproc-js 2.4.63's plain-text bibliography entries (tests/js/reflist_render.js,
en-US) for real works and for items of the measure in benchmarks/eval_reflist.py; one test per
failure class of issue 23. The last test renders real recorded works with citeproc-js itself
(needs Node and ``npm ci --prefix tests/js``) and keeps a floor under the measure.
"""
from __future__ import annotations

import json
import subprocess

import pytest

from bibkit.formats.reflist import RefListImporter
from tests.conftest import IN_CI, ROOT, SHARED, require_shared, require_tool


def _read(text: str):
    return RefListImporter().parse(text).entries


def _family(entry) -> str:
    n = entry.names["author"].names[0]
    return n.literal or n.family


SPRINGER_AUTHOR_DATE = """\
A kasernes fællesvirke (2015) Problemer med alfabetet. Dafolo, Kbh
Fenton A, Rands SA (2006) THE IMPACT OF PARASITE MANIPULATION AND PREDATOR FORAGING BEHAVIOR ON PREDATOR–PREY COMMUNITIES. Ecology 87:2832–2841. https://doi.org/10.1890/0012-9658(2006)87[2832:tiopma]2.0.co;2
Gemini Team (2023) Gemini: A Family of Highly Capable Multimodal Models
Géron A (2019) Hands-On Machine Learning with Scikit-Learn, Keras, and TensorFlow, 2nd edn. O’Reilly Media
Jenrich RI, Bentler PM (2012) Exploratory bi-factor analysis: The oblique case. Psychometrika 77:442–454. https://doi.org/https://doi.org/10.1007/s11336-012-9269-1
la Berge SP, Nagel LE, Dement WC, Zarcone VP (1981) Lucid dreaming verified by volitional communication during REM sleep. Perceptual and motor skills 52:727–732
LeCun Y, Bengio Y, Hinton G (2015) Deep learning. Nature 521:436–444. https://doi.org/10.1038/nature14539
Ritter P, Moosmann M, Villringer A (2009) Rolandic alpha and beta EEG rhythms’ strengths are inversely related to fMRI‐BOLD signal in primary somatosensory and motor cortex. Human Brain Mapping 30:1168–1187
Tosatto L, Horrocks MH, Dear AJ, et al (2015) Single-molecule FRET studies on alpha-synuclein oligomerization of Parkinson’s disease genetically related mutants. Sci Rep 5:. https://doi.org/10.1038/srep16696
"""


def test_a_list_whose_lines_each_open_like_a_reference_is_one_reference_a_line():
    # Springer author-date ends journal articles without a period: the lines were glued as if wrapped
    entries = _read(SPRINGER_AUTHOR_DATE)
    assert len(entries) == 9
    assert [_family(e) for e in entries][:3] == ["A kasernes fællesvirke", "Fenton", "Gemini Team"]
    assert entries[6].fields["container-title"] == "Nature" and entries[6].fields["page"] == "436–444"


def test_references_wrapped_as_a_pdf_column_end_where_a_line_stops_short():
    from bibkit.reflist.evaluation import wrap_as_pdf
    refs = [
        "Arya, V., & Turletti, T. (2003). Accurate and explicit differentiation of wireless and congestion losses. "
        "Proceedings of the 23rd International Conference on Distributed Computing Systems Workshops, 1, 3–10.",
        "DeepSeek-AI. (2024). DeepSeek-V3 Technical Report [Preprint]. https://doi.org/10.48550/arXiv.2412.19437",
        "Devlin, J., Chang, M.-W., Lee, K., & Toutanova, K. (2019). BERT: Pre-training of Deep Bidirectional "
        "Transformers for Language Understanding. Proceedings of the 2019 Conference of the North American Chapter "
        "of the Association for Computational Linguistics, 4171–4186. https://doi.org/10.18653/v1/N19-1423",
        "Géron, A. (2019). Hands-On Machine Learning with Scikit-Learn, Keras, and TensorFlow (2nd ed.). "
        "O’Reilly Media.",
        "LeCun, Y., Bengio, Y., & Hinton, G. (2015). Deep learning. Nature, 521(7553), 436–444. "
        "https://doi.org/10.1038/nature14539",
        "Xie, S. M., & Pham, H. (2023). DoReMi: Optimizing Data Mixtures Speeds Up Language Model Pretraining. "
        "Advances in Neural Information Processing Systems, 36, 69798–69818.",
    ]
    text = wrap_as_pdf(refs)
    assert len(text.splitlines()) > len(refs)
    entries = _read(text)
    assert [e.extra["reference"] for e in entries] == refs


def test_a_line_starting_like_a_reference_is_not_glued_to_a_link_before_it():
    text = ("Coulon, P. M., Kusch, G., Martin, R. W., & Shields, P. A. (2018). Deep UV Emission from Highly Ordered "
            "AlGaN/AlN Core-Shell Nanorods. ACS Appl. Mater. Interfaces, 10(39), 33441–33449. "
            "https://doi.org/10.1021/acsami.8b10605\n"
            "van Doe, J. (1645). A Book of Five Rings.\n"
            "Dorigo. (1992). Optimization, Learning and Natural Algorithms. depm.\n")
    assert len(_read(text)) == 3


def test_a_list_numbered_with_bare_numbers_is_split_by_them():
    text = ("146 la Berge SP, Nagel LE, Dement WC, Zarcone VP. Lucid dreaming verified by volitional communication "
            "during REM sleep. Perceptual and motor skills 1981; 52: 727–32.\n"
            "147 Jenrich RI, Bentler PM. Exploratory bi-factor analysis: The oblique case. Psychometrika 2012; 77: "
            "442–54.\n"
            "148 A kasernes fællesvirke. Problemer med alfabetet. Kbh: Dafolo, 2015.\n")
    entries = _read(text)
    assert [e.meta.get("reflist_number") for e in entries] == ["146", "147", "148"]
    assert entries[0].fields["volume"] == "52" and entries[0].fields["page"] == "727–32"
    assert entries[1].names["author"].names[0].family == "Jenrich"


@pytest.mark.parametrize("text", [
    "1. Devlin, J., Chang, M.-W., Lee, K. & Toutanova, K. BERT: Pre-training of Deep Bidirectional Transformers "
    "for Language Understanding. in Proceedings of the 2019 Conference of the North American Chapter of the "
    "Association for Computational Linguistics 4171–4186 (Association for Computational Linguistics, 2019). "
    "doi:10.18653/v1/N19-1423.",
    "1. Devlin J, Chang MW, Lee K, Toutanova K. BERT: Pre-training of Deep Bidirectional Transformers for Language "
    "Understanding. In: Proceedings of the 2019 Conference of the North American Chapter of the Association for "
    "Computational Linguistics. Association for Computational Linguistics; 2019. p. 4171–86. "
    "doi:10.18653/v1/N19-1423",
])
def test_a_title_opening_with_an_acronym_before_a_colon_keeps_it(text):
    e = _read(text)[0]
    assert str(e.fields["title"]).startswith("BERT: Pre-training")
    assert str(e.fields["container-title"]).startswith("Proceedings of the 2019 Conference")
    assert e.fields["page"] in ("4171–4186", "4171–86")
    assert [n.family for n in e.names["author"].names] == ["Devlin", "Chang", "Lee", "Toutanova"]


@pytest.mark.parametrize("text,title", [
    ("2. Xie, S. M. & Pham, H. DoReMi: Optimizing Data Mixtures Speeds Up Language Model Pretraining. Advances in "
     "Neural Information Processing Systems 36, 69798–69818 (2023).", "DoReMi: Optimizing"),
    ("3. Géron A. Hands-On Machine Learning with Scikit-Learn, Keras, and TensorFlow. 2nd ed. O’Reilly Media; 2019.",
     "Hands-On Machine Learning"),
    ("[3] A. Géron, Hands-On Machine Learning with Scikit-Learn, Keras, and TensorFlow, 2nd ed. O’Reilly Media, 2019.",
     "Hands-On Machine Learning"),
])
def test_a_title_opening_with_a_compound_word_keeps_it(text, title):
    e = _read(text)[0]
    assert str(e.fields["title"]).startswith(title)
    assert e.names["author"].names[0].family in ("Xie", "Géron")


@pytest.mark.parametrize("text,volume,issue,page", [
    ("4. LeCun Y, Bengio Y, Hinton G. Deep learning. Nature. 2015 May 28;521(7553):436–44. "
     "doi:10.1038/nature14539", "521", "7553", "436–44"),
    ("234. Ritter P, Moosmann M, Villringer A. Rolandic alpha and beta EEG rhythms’ strengths are inversely related "
     "to fMRI‐BOLD signal in primary somatosensory and motor cortex. Human Brain Mapping. 2009;30(4):1168-1187.",
     "30", "4", "1168–1187"),
    ("[202] Norman KA, Polyn SM, Detre GJ, Haxby JV. Beyond mind-reading: multi-voxel pattern analysis of fMRI data. "
     "Trends in Cognitive Sciences 2006;10:424–30.", "10", None, "424–30"),
    ("4. Liu H, Soroush A, Nestor JG, Park E, Idnay B, Fang Y, et al. Retrieval augmented scientific claim "
     "verification. JAMIA Open. 2024 Jan 4;7(1):ooae021. doi:10.1093/jamiaopen/ooae021", "7", "1", "ooae021"),
    ("Jenrich RI, Bentler PM (2012) Exploratory bi-factor analysis: The oblique case. Psychometrika 77:442–454. "
     "https://doi.org/https://doi.org/10.1007/s11336-012-9269-1", "77", None, "442–454"),
])
def test_a_vancouver_compound_gives_volume_issue_and_pages(text, volume, issue, page):
    e = _read(text)[0]
    assert e.fields["volume"] == volume
    assert (str(e.fields["issue"]) if "issue" in e.fields else None) == issue
    assert e.fields["page"] == page
    assert e.dates["issued"].start.year in (2015, 2009, 2006, 2012, 2024)


@pytest.mark.parametrize("text,author,title", [
    ("5. Gemini Team. Gemini: A Family of Highly Capable Multimodal Models. arXiv; 2023. "
     "doi:10.48550/arXiv.2312.11805", "Gemini Team", "Gemini: A Family"),
    ("6. DeepSeek-AI. DeepSeek-V3 Technical Report. Preprint at https://doi.org/10.48550/arXiv.2412.19437 (2024).",
     "DeepSeek-AI", "DeepSeek-V3 Technical Report"),
    ("UN DESA. 2011c. World Economic Situation and Prospects 2011: Update as of Mid-2011. United Nations.",
     "UN DESA", "World Economic Situation"),
    ("170. Beijing Zoo. Observations on the breeding of the giant panda and the raising of its young [in Chinese]. "
     "Acta Zoologica Sinica. 1974;20:154-161.", "Beijing Zoo", "Observations on the breeding"),
])
def test_an_organisation_as_author_is_kept_whole(text, author, title):
    e = _read(text)[0]
    assert e.names["author"].names[0].literal == author
    assert str(e.fields["title"]).startswith(title)


@pytest.mark.parametrize("text,container", [
    ("146. la Berge SP, Nagel LE, Dement WC, Zarcone VP. Lucid dreaming verified by volitional communication during "
     "REM sleep. Perceptual and motor skills. 1981;52(3):727-732.", "Perceptual and motor skills"),
    ("M. Bran, A., Cox, S. (2024). Augmenting large language models with chemistry tools. Nature Machine "
     "Intelligence, 6(5), 525–535.", "Nature Machine Intelligence"),
    ("Spivak, Gayatri Chakravorty. 1998. “Cultural Talks in the ‘Hot Peace’: Revisiting the Global Village.” In "
     "Cosmopolitics: Thinking and Feeling Beyond the Nation, edited by Pheng Cheah and Bruce Robbins. Minneapolis: "
     "University of Minnesota Press.", "Cosmopolitics: Thinking and Feeling Beyond the Nation"),
    ("74 S. M. Philpott, I. Perfecto and J. Vandermeer, Environmental Entomology, 2008, 37, 181–191.",
     "Environmental Entomology"),
    ("[296] H.K. Nishihara, PRISM: A practical realtime imaging stereo matcher, Proceedings of the Cambridge "
     "Symposium on Optical and Electro-Optical Engineering (1983).",
     "Proceedings of the Cambridge Symposium on Optical and Electro-Optical Engineering"),
])
def test_a_container_printed_in_full_is_found(text, container):
    e = _read(text)[0]
    assert e.fields["container-title"] == container


def test_a_volume_then_pages_in_natures_proceedings_form_are_two_fields():
    text = ("7. Arya, V. & Turletti, T. Accurate and explicit differentiation of wireless and congestion losses. in "
            "Proceedings of the 23rd International Conference on Distributed Computing Systems Workshops vol. 1 "
            "3–10 (IEEE, 2003).")
    e = _read(text)[0]
    assert e.fields["volume"] == "1" and e.fields["page"] == "3–10"
    assert e.fields["container-title"] == ("Proceedings of the 23rd International Conference on Distributed "
                                           "Computing Systems Workshops")
    assert e.fields["publisher"] == "IEEE"


def test_words_the_labeller_left_before_the_pages_are_not_part_of_them():
    text = ("[236] S. JacquinandJourdanandTalbi, Dynamic Programming Based Metaheuristic for Energy Planning "
            "Problems, in: n.d.: pp. 165–176. https://doi.org/10.1007/978-3-662-45523-4_14.")
    assert _read(text)[0].fields["page"] == "165–176"


def test_et_al_ends_the_names_before_a_short_title():
    e = _read("123. Asthma, A. et al. Book L. (1990).")[0]
    assert e.names["author"].names[0].family == "Asthma" and e.names["author"].others
    assert e.fields["title"] == "Book L"


def test_citeproc_js_renderings_of_recorded_works_keep_a_floor():
    """Real works recorded from Crossref, doi.org and OpenAlex (real_api/), rendered by citeproc-js
    in four common styles, one a line: every list split exactly, fields read right on average."""
    require_shared("real_api")
    node = require_tool("node")
    if not (ROOT / "tests" / "js" / "node_modules" / "citeproc").is_dir():
        message = "citeproc-js is not installed: run `npm ci --prefix tests/js`"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from bibkit.csl.styles import resolve_style
    from bibkit.reflist.evaluation import citeproc_items, score_list

    items = [it for it in citeproc_items(SHARED, corpus=0) if it.get("DOI")][:40]
    styles = ["apa", "nlm-citation-sequence", "nature", "springer-basic-author-date"]
    job = {"styles": {s: resolve_style(s) for s in styles}, "items": items, "lang": "en-US",
           "locales_dir": str(ROOT / "bibkit" / "csl" / "locales")}
    done = subprocess.run([node, str(ROOT / "tests" / "js" / "reflist_render.js")], input=json.dumps(job),
                          capture_output=True, text=True, encoding="utf-8", timeout=300, check=True)
    rendered = json.loads(done.stdout)
    by_id = {it["id"]: it for it in items}
    shares = []
    for style in styles:
        refs = [tuple(r) for r in rendered[style]]
        r = score_list(refs, by_id, "\n".join(t for _, t in refs))
        assert r["exact"], f"{style}: {r['found']} references read, {r['references']} rendered"
        shares += r["shares"]
    assert len(shares) >= 100
    assert sum(shares) / len(shares) >= 0.9
