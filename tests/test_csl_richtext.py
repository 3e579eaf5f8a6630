"""Rich text: markup in data, flip-flop formatting, quotes and punctuation."""
from __future__ import annotations

from bibkit.csl.backends import get_backend
from bibkit.csl.richtext import Quotes, Rich, parse_markup


def html(rich, in_quote=True):
    return get_backend("html").render(rich, Quotes(in_quote=in_quote))


def test_markup_in_data_becomes_formatting():
    r = Rich(parse_markup("A <i>b</i> <b>c</b> <sup>2</sup> <span style=\"font-variant:small-caps;\">d</span>"))
    assert html(r) == 'A <i>b</i> <b>c</b> <sup>2</sup> <span style="font-variant:small-caps;">d</span>'


def test_unbalanced_markup_stays_text_and_is_escaped():
    assert html(Rich(parse_markup("x <i>y"))) == "x &#60;i&#62;y"


def test_italics_inside_italics_flip_to_normal():
    r = Rich([Rich(parse_markup("My <i>Amazing</i> Title"))], fmt={"font-style": "italic"})
    assert html(r) == '<i>My <span style="font-style:normal;">Amazing</span> Title</i>'


def test_nested_quotes_alternate_and_punctuation_moves_inside():
    inner = Rich(parse_markup('He said "hi"'), quotes=True)
    assert html(Rich([inner, "."])) == "“He said ‘hi.’”"
    assert html(Rich([inner, "."]), in_quote=False) == "“He said ‘hi’”."


def test_duplicate_punctuation_collapses_across_spans():
    assert html(Rich([Rich(["Doe, J."]), ". ", "Title"])) == "Doe, J. Title"


def test_latex_escapes_everything_special():
    out = get_backend("latex").render(Rich(["50% of $x & #y_z {a} ~ ^ \\"]), Quotes())
    assert out == r"50\% of \$x \& \#y\_z \{a\} \textasciitilde{} \textasciicircum{} \textbackslash{}"
