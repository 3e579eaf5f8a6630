"""Paper listings in: cards, arXiv listing pages, identifier lists, and what each line keeps."""
from __future__ import annotations

import datetime as dt

from bibkit.api import dumps, loads
from bibkit.formats.listing import ListingImporter, find_urls
from bibkit.registry import detect_importer

ABSTRACT = ("We propose a simple method that works well. Experiments on three benchmarks show "
            "clear gains over strong baselines.")


def card(title: str, tail: str = "3 authors · Sep 10, 2024", upvotes: str = "-", abstract: str = ABSTRACT) -> str:
    return f"{upvotes} {title} {abstract} {tail}"


def parse(text: str, **options):
    return loads(text, "listing", name="list.txt", **options)


def codes(lib) -> list[str]:
    return [p.code for p in lib.problems]


# --------------------------------------------------------------------------- card fields


def test_card_gives_title_abstract_count_date_and_upvotes():
    lib = parse(card("AutoMix: Automatically Mixing Language Models", upvotes="14", tail="13 authors · Oct 19, 2023 2"))
    (e,) = lib.entries
    assert e.title == "AutoMix: Automatically Mixing Language Models"
    assert e.fields["abstract"] == ABSTRACT
    assert e.type == "article"
    assert e.extra["author-count"] == "13"
    assert e.extra["upvotes"] == "14"
    assert e.extra["comments"] == "2"
    assert e.dates["issued"].start.as_list() == [2023, 10, 19]
    assert not e.dates["issued"].inferred
    assert e.source.line == 1 and e.source.format == "listing"
    assert 0.0 <= e.meta["title_confidence"] <= 1.0


def test_dash_upvotes_leave_no_upvotes_field():
    (e,) = parse(card("Masked Mixers for Language Generation and Retrieval", upvotes="-")).entries
    assert "upvotes" not in e.extra
    assert e.title == "Masked Mixers for Language Generation and Retrieval"


def test_authors_are_counted_never_invented_and_warned_once_per_file():
    text = "\n".join(card(f"Paper Number {w} for Testing", tail="1 authors · Sep 2, 2024") for w in ("One", "Two", "Three"))
    lib = parse(text)
    assert all(not e.authors and e.extra["author-count"] == "1" for e in lib.entries)
    warnings = [p for p in lib.problems if p.code == "listing-no-authors"]
    assert len(warnings) == 1
    assert warnings[0].message.startswith("3 entries have no author names")


def test_last_line_without_newline_is_read_with_its_date():
    text = card("First Paper About Things") + "\n" + card("TiMix: Text-aware Image Mixing", tail="7 authors · Dec 14, 2023")
    assert not text.endswith("\n")
    lib = parse(text)
    assert [e.title for e in lib.entries] == ["First Paper About Things", "TiMix: Text-aware Image Mixing"]
    assert lib.entries[1].dates["issued"].start.as_list() == [2023, 12, 14]


def test_blank_lines_and_crlf_are_fine():
    text = card("First Paper About Things") + "\r\n\r\n" + card("Second Paper About Things") + "\r\n"
    lib = parse(text)
    assert len(lib.entries) == 2 and lib.entries[1].source.line == 3
    assert not [p for p in lib.problems if p.severity == "error"]


def test_empty_file_gives_no_entries_and_no_problems():
    for text in ("", "\n\n  \n"):
        lib = parse(text)
        assert lib.entries == [] and lib.problems == []
    assert ListingImporter().detect("") == 0.0


def test_line_without_authors_part_is_still_a_card_with_a_warning():
    lib = parse("3 Sparse Routing Networks for Speech We study sparse routing in speech models and show that it helps a lot.")
    (e,) = lib.entries
    assert e.title == "Sparse Routing Networks for Speech"
    assert e.fields["abstract"].startswith("We study sparse routing")
    assert e.extra["upvotes"] == "3"
    assert "author-count" not in e.extra and "issued" not in e.dates
    assert "listing-no-meta" in codes(lib)


# --------------------------------------------------------------------------- titles


def test_title_with_colon_clause_and_question_mark():
    (e,) = parse(card("Rethinking Mixture-of-Agents: Is Mixing Different Large Language Models Beneficial?",
                      abstract="Ensembling outputs from diverse sources is a straightforward yet effective approach.")).entries
    assert e.title == "Rethinking Mixture-of-Agents: Is Mixing Different Large Language Models Beneficial?"


def test_title_with_math_keeps_dollars_verbatim_and_marks_math():
    (e,) = parse(card("$γ-$MoD: Exploring Mixture-of-Depth Adaptation for Multimodal Large Language Models",
                      abstract="Despite the significant progress in multimodal large language models, costs remain.")).entries
    assert e.title == "$γ-$MoD: Exploring Mixture-of-Depth Adaptation for Multimodal Large Language Models"
    assert [(m.start, m.end, m.kind) for m in e.title.marks] == [(0, 4, "math"), (4, 7, "nocase")]
    bib = dumps([e], "bibtex")
    assert r"${\ensuremath{\gamma}}-${MoD}: Exploring" in bib  # pdflatex cannot take Unicode in math


def test_odd_spacing_around_colons_is_kept_verbatim():
    (e,) = parse(card("MoLE : Mixture of Language Experts for Multi-Lingual Automatic Speech Recognition",
                      abstract="Multi-lingual speech recognition aims to distinguish linguistic expressions.")).entries
    assert e.title == "MoLE : Mixture of Language Experts for Multi-Lingual Automatic Speech Recognition"
    (e,) = parse(card("Mixture-of-Experts Meets Instruction Tuning:A Winning Combination for Large Language Models",
                      abstract="Sparse Mixture-of-Experts (MoE) is a neural architecture design that adds parameters.")).entries
    assert e.title == "Mixture-of-Experts Meets Instruction Tuning:A Winning Combination for Large Language Models"


def test_title_words_with_inner_capitals_keep_their_case_in_bibtex():
    (e,) = parse(card("DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning",
                      abstract="We introduce our first-generation reasoning models and release them.")).entries
    assert e.title.protected_spans() == ["DeepSeek-R1", "LLMs"]
    assert "title = {{DeepSeek-R1}: Incentivizing Reasoning Capability in {LLMs} via Reinforcement Learning}" in dumps([e], "bibtex")


def test_latex_escapes_from_arxiv_abstracts_are_decoded_once():
    (e,) = parse(card("Efficient Online Data Mixing", abstract="Our method needs 19\\% fewer training iterations.")).entries
    assert e.fields["abstract"] == "Our method needs 19% fewer training iterations."
    assert "19\\% fewer" in dumps([e], "bibtex")


def test_low_confidence_split_is_warned_with_line_number():
    lib = parse("- Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa 2 authors · Jan 1, 2020")
    (e,) = lib.entries
    assert e.meta["title_confidence"] < 0.5
    (warning,) = [p for p in lib.problems if p.code == "listing-title-uncertain"]
    assert warning.line == 1 and "list.txt:1:" in str(warning)


# --------------------------------------------------------------------------- URLs and identifiers


def test_urls_at_the_end_of_an_abstract_lose_the_sentence_period():
    (e,) = parse(card("VLMo: Unified Vision-Language Pre-Training",
                      abstract="We present a model. Code is available at https://aka.ms/vlmo.")).entries
    assert e.extra["urls"] == "https://aka.ms/vlmo"
    (e,) = parse(card("SciDFM: A Large Language Model for Science",
                      abstract="We open-source SciDFM at https://huggingface.co/OpenDFM/SciDFM-MoE-A5.6B-v1.0.")).entries
    assert e.extra["urls"] == "https://huggingface.co/OpenDFM/SciDFM-MoE-A5.6B-v1.0"


def test_find_urls_handles_spaced_periods_parentheses_and_no_period():
    assert find_urls("at https://github.com/l3cube-pune/code-mixed-nlp .") == ["https://github.com/l3cube-pune/code-mixed-nlp"]
    assert find_urls("(see https://example.org/x), and https://en.wikipedia.org/wiki/Foo_(bar)") == [
        "https://example.org/x", "https://en.wikipedia.org/wiki/Foo_(bar)"]
    assert find_urls("models at https://github.com/bloomberg/mixce-acl2023") == ["https://github.com/bloomberg/mixce-acl2023"]


def test_arxiv_id_and_doi_on_a_card_become_identifiers():
    (e,) = parse(card("A Paper With Identifiers",
                      abstract="We study things. See arXiv:2501.12948v2 and doi:10.1000/XYZ.1 for details.")).entries
    assert (e.ids.arxiv, e.ids.arxiv_version) == ("2501.12948", "v2")
    assert e.ids.doi == "10.1000/xyz.1"
    bib = dumps([e], "bibtex")
    assert bib.startswith("@misc{") and "eprint = {2501.12948v2}" in bib and "archiveprefix = {arXiv}" in bib
    biblatex = dumps([e], "biblatex")
    assert biblatex.startswith("@online{") and "eprinttype = {arxiv}" in biblatex


# --------------------------------------------------------------------------- dates


def test_dates_without_year_take_the_year_after_the_latest_printed_one():
    text = "\n".join([
        card("Older Paper Number One", tail="2 authors · Dec 18, 2024"),
        card("Newer Paper Number Two", tail="200 authors · Jan 22 5"),
        card("Older Paper Number Three", tail="2 authors · Mar 3, 2023"),
    ])
    lib = parse(text)
    issued = lib.entries[1].dates["issued"]
    assert issued.start.as_list() == [2025, 1, 22] and issued.inferred
    assert lib.entries[1].extra["comments"] == "5"
    assert lib.entries[1].extra["listing-date"] == "Jan 22"
    assert not lib.entries[0].dates["issued"].inferred


def test_year_option_wins_over_inference():
    text = card("Older Paper Number One", tail="2 authors · Dec 18, 2024") + "\n" + card("Newer Paper", tail="2 authors · Feb 5")
    lib = parse(text, year=2026)
    assert lib.entries[1].dates["issued"].start.as_list() == [2026, 2, 5]
    assert lib.entries[0].dates["issued"].start.as_list() == [2024, 12, 18]


def test_no_printed_year_assumes_current_year_and_says_so():
    lib = parse(card("Only Paper Here", tail="2 authors · Feb 5"))
    assert lib.entries[0].dates["issued"].year == dt.datetime.now(dt.timezone.utc).year
    assert "listing-year-assumed" in codes(lib)


def test_arxiv_id_pins_the_year_of_a_yearless_card():
    text = "\n".join([
        card("Printed Year Paper", tail="2 authors · Mar 3, 2025"),
        card("Pinned Paper", abstract="We study things. Preprint arXiv:2412.00001 is ours.", tail="2 authors · Dec 30"),
    ])
    lib = parse(text)
    assert lib.entries[1].dates["issued"].start.as_list() == [2024, 12, 30]
    assert lib.entries[1].dates["issued"].inferred


def test_four_digit_tail_without_comma_is_a_year_not_a_comment_count():
    (e,) = parse(card("Some Paper Title", tail="4 authors · Jan 16 2025")).entries
    assert e.dates["issued"].start.as_list() == [2025, 1, 16]
    assert "comments" not in e.extra and not e.dates["issued"].inferred


def test_unreadable_date_is_kept_and_reported():
    lib = parse(card("Some Paper Title", tail="4 authors · three days ago"))
    (e,) = lib.entries
    assert e.extra["listing-date"] == "three days ago" and "issued" not in e.dates
    assert "listing-bad-date" in codes(lib)


# --------------------------------------------------------------------------- other shapes


ARXIV_PAGE = """[1] arXiv:2501.12948 [pdf, html, other]
Title: DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning
Authors: DeepSeek-AI, Daya Guo, Dejian Yang, Haowei Zhang
Comments: 22 pages
Subjects: Computation and Language (cs.CL); Artificial Intelligence (cs.AI)

arXiv:2401.04088v2  [pdf, other]  cs.LG cs.CL
Mixtral of Experts
Authors: Albert Q. Jiang, Alexandre Sablayrolles, Antoine Roux
Abstract: We introduce Mixtral 8x7B, a Sparse Mixture of Experts (SMoE) language model. Mixtral has the same … ▽ More
We introduce Mixtral 8x7B, a Sparse Mixture of Experts (SMoE) language model. Mixtral has the same architecture as Mistral 7B. △ Less
Submitted 8 January, 2024; originally announced January 2024.
arXiv:1706.03762 Title: Attention Is All You Need Authors: Ashish Vaswani, Noam Shazeer and Niki Parmar Subjects: Computation and Language (cs.CL)
"""


def test_arxiv_listing_blocks_give_authors_title_class_and_date():
    lib = parse(ARXIV_PAGE)
    assert not [p for p in lib.problems if p.severity == "error"]
    r1, mixtral, attention = lib.entries
    assert r1.title == "DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning"
    assert [n.display() for n in r1.authors] == ["DeepSeek-AI", "Daya Guo", "Dejian Yang", "Haowei Zhang"]
    assert (r1.ids.arxiv, r1.ids.arxiv_class) == ("2501.12948", "cs.CL")
    assert r1.dates["issued"].start.as_list() == [2025, 1] and r1.dates["issued"].inferred
    assert r1.extra["arxiv-comments"] == "22 pages"
    assert r1.source.line == 1
    assert mixtral.title == "Mixtral of Experts"
    assert (mixtral.ids.arxiv, mixtral.ids.arxiv_version, mixtral.ids.arxiv_class) == ("2401.04088", "v2", "cs.LG")
    assert mixtral.fields["abstract"].endswith("same architecture as Mistral 7B.")
    assert mixtral.dates["issued"].start.as_list() == [2024, 1, 8] and not mixtral.dates["issued"].inferred
    assert mixtral.source.line == 7
    assert attention.title == "Attention Is All You Need"
    assert [n.family for n in attention.authors] == ["Vaswani", "Shazeer", "Parmar"]


def test_identifier_list_gives_identifier_only_entries_and_keeps_comments():
    text = ("10.1000/xyz123\nhttps://doi.org/10.1145/3292500.3330701\n# to read\narXiv:2501.12948v2\n"
            "https://arxiv.org/abs/hep-th/9901001\n2312.00752\n")
    lib = parse(text)
    ids = [(e.ids.doi, e.ids.arxiv) for e in lib.entries]
    assert ids == [("10.1000/xyz123", ""), ("10.1145/3292500.3330701", ""), ("", "2501.12948"),
                   ("", "hep-th/9901001"), ("", "2312.00752")]
    assert lib.entries[2].ids.arxiv_version == "v2"
    assert lib.entries[3].dates["issued"].start.as_list() == [1999, 1]
    assert [c.text for c in lib.comments] == ["# to read"]
    assert not lib.has_errors


def test_unknown_lines_are_reported_with_their_line_numbers_and_kept():
    text = card("A Real Paper Title") + "\nthis line is not a paper\n" + card("Another Real Paper") + "\nnor this one\n"
    lib = parse(text)
    assert len(lib.entries) == 2
    errors = [p for p in lib.problems if p.code == "listing-unknown-line"]
    assert [p.line for p in errors] == [2, 4] and all(p.severity == "error" for p in errors)
    assert "list.txt:2:" in str(errors[0])
    assert [c.text for c in lib.comments] == ["this line is not a paper", "nor this one"]


# --------------------------------------------------------------------------- detection


def test_listing_is_detected_from_content_and_not_from_other_formats():
    listing = "\n".join(card(f"Paper Title Number {n}") for n in range(5))
    assert detect_importer(listing).name == "listing"
    assert detect_importer(ARXIV_PAGE).name == "listing"
    assert detect_importer("10.1000/xyz123\narXiv:2501.12948\n").name == "listing"
    imp = ListingImporter()
    assert imp.detect("@article{k, title={T}}\n") == 0.0
    assert imp.detect('[{"id": "a", "type": "book"}]') == 0.0
    assert imp.detect("Dear colleagues,\nplease find the minutes attached.\n") == 0.0
    mostly_prose = "\n".join(["some prose line here"] * 9 + [card("One Paper Title")])
    assert imp.detect(mostly_prose) < 0.5


def test_upvotes_with_thousands_separator_or_k_suffix():
    assert parse(card("A Popular Paper Title", upvotes="1.2k")).entries[0].extra["upvotes"] == "1200"
    assert parse(card("A Popular Paper Title", upvotes="1,024")).entries[0].extra["upvotes"] == "1024"


def test_arxiv_categories_are_not_mistaken_for_a_lower_case_title():
    lib = parse("arXiv:2401.00001 [pdf] hep-th gr-qc\non the origin of things\nAuthors: A. B. Cee\n")
    (e,) = lib.entries
    assert e.title == "on the origin of things" and e.ids.arxiv_class == "hep-th"
    assert [n.family for n in e.authors] == ["Cee"]


def test_identifier_line_right_after_an_arxiv_block_is_its_own_entry():
    lib = parse("arXiv:1706.03762\nTitle: Attention Is All You Need\nAuthors: Ashish Vaswani\n10.1000/xyz123\n")
    assert [(e.title, e.ids.doi) for e in lib.entries] == [("Attention Is All You Need", ""), ("", "10.1000/xyz123")]
