"""Cutting a pasted reference list into references."""
from __future__ import annotations

from bibkit.reflist.split import join_lines, split_references

APA_HANGING = """References

Antony, J., Lozano, A., Dhoat, P., Chen, J., & Bennion, K. (2024). Causal and chronological
    relationships predict memory organization for nonlinear narratives. Journal of Cognitive
    Neuroscience, 36(11), 2368–2385.
Ramer, U. (1972). An iterative procedure for the polygonal approximation of plane curves.
    Computer Graphics and Image Processing, 1(3), 244–256.
"""


def test_hanging_indents_start_a_reference_at_each_unindented_line():
    refs = split_references(APA_HANGING)
    assert [r.line for r in refs] == [3, 6]
    assert refs[0].text.endswith("Journal of Cognitive Neuroscience, 36(11), 2368–2385.")
    assert "chronological relationships" in refs[0].text


def test_numbered_lists_in_brackets_parentheses_and_with_periods():
    for a, b in (("[1]", "[2]"), ("1.", "2."), ("(1)", "(2)")):
        text = f"{a} U. Ramer, “An iterative procedure,” Computer Graphics,\nvol. 1, pp. 244–256, 1972.\n" \
               f"{b} E. L. Thorndike, Educational psychology. Teachers College, 1913.\n"
        refs = split_references(text)
        assert [(r.number, r.line) for r in refs] == [("1", 1), ("2", 3)], a
        assert refs[0].text == "U. Ramer, “An iterative procedure,” Computer Graphics, vol. 1, pp. 244–256, 1972."


def test_blank_lines_separate_wrapped_references():
    text = "Ramer, U. 1972. An iterative\nprocedure. CGIP 1: 244–256.\n\nThorndike, E. L. 1913.\nEducational psychology.\n"
    refs = split_references(text)
    assert [r.text for r in refs] == ["Ramer, U. 1972. An iterative procedure. CGIP 1: 244–256.",
                                      "Thorndike, E. L. 1913. Educational psychology."]
    assert [r.line for r in refs] == [1, 4]


def test_one_reference_a_line_when_nothing_says_otherwise():
    text = "Ramer U. Polygonal approximation. CGIP. 1972;1:244-56.\nThorndike EL. Educational psychology. 1913.\n"
    assert len(split_references(text)) == 2


def test_a_line_that_cannot_end_a_reference_joins_the_next():
    text = "Ramer, U., and\nlater authors. 1972. Title. CGIP 1: 244–256.\nThorndike, E. L. 1913. Psychology.\n"
    refs = split_references(text)
    assert len(refs) == 2 and refs[0].text.startswith("Ramer, U., and later")


def test_hyphenation_at_a_line_end_is_undone_but_real_hyphens_stay():
    assert join_lines(["memory organi-", "zation for"]) == "memory organization for"
    assert join_lines(["Weiner-", "Light, S."]) == "Weiner-Light, S."


def test_a_url_broken_at_a_line_end_is_joined_without_a_space():
    assert join_lines(["https://doi.org/10.1162/", "jocn_a_02113"]) == "https://doi.org/10.1162/jocn_a_02113"


def test_empty_and_heading_only_inputs_give_no_references():
    assert split_references("") == []
    assert split_references("\n  \nReferences\n") == []


def test_a_pdf_column_pasted_as_is_is_cut_where_authors_start():
    text = """Antony, J., Lozano, A., Dhoat, P., Chen, J., & Bennion, K. (2024). Causal and
chronological relationships predict memory organization for nonlinear narratives.
Journal of Cognitive Neuroscience, 36(11), 2368–2385.
Kahneman, D. (2011). Thinking, fast and slow. Farrar, Straus and
Giroux.
Ramer U. An iterative procedure for the polygonal approximation of plane curves. Comput
Graph Image Process. 1972;1:244–56.
"""
    refs = split_references(text)
    assert [r.line for r in refs] == [1, 4, 6]
    assert refs[1].text == "Kahneman, D. (2011). Thinking, fast and slow. Farrar, Straus and Giroux."
