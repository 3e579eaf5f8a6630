"""T2A Cyrillic macros (``\\cyrchar\\CYRA``, ``\\cyrk``) decode to the letters they stand for."""
from __future__ import annotations

import pytest

from bibkit.api import load, loads
from bibkit.latex import decode
from tests.conftest import require_shared


@pytest.mark.parametrize("latex, text", [
    (r"Kuchuk, \cyrchar\CYRA.V.", "Kuchuk, А.V."),
    (r"\cyrchar\CYRP\cyrchar\cyre\cyrchar\cyrt\cyrchar\cyrr \cyrchar\cyro\cyrv", "Петров"),
    (r"\cyrchar{\CYRYA}", "Я"),
    (r"{\cyrchar\cyrsh}", "ш"),
    (r"\CYRYO{}lka", "Ёlka"),
    (r"\`\CYRE", "Ѐ"),
])
def test_t2a_cyrillic_macros_decode_to_letters(latex, text):
    decoded = decode(latex)
    assert decoded == text
    assert not [m for m in decoded.marks if m.kind == "raw"]


def test_every_cyrillic_letter_of_pylatexenc_table_decodes_with_and_without_cyrchar():
    from pylatexenc.latexencode import get_builtin_uni2latex_dict

    table = {chr(c): tex for c, tex in get_builtin_uni2latex_dict().items() if tex.lower().startswith("\\cyr")}
    assert len(table) > 60
    for char, tex in table.items():
        assert decode(tex + "{}") == char, tex
        assert decode("\\cyrchar" + tex + " x") == char + "x", tex


def test_bibtex_names_written_with_cyrchar_come_out_cyrillic():
    path = require_shared("corpus", "ordinary", "bibtex-tidy-fixtures", "better-bibtex",
                          "Unabbreviate_on_import_1436-3.bib")
    entries = {e.key: e for e in load(path).entries}
    kuchuk = next(n for n in entries["kladko_2014"].authors if n.family == "Kuchuk")
    assert kuchuk.given == "А.V."  # Cyrillic А
    assert "cyrchar" not in str(loads(r"@article{a, author={Novikov, \cyrchar\CYRA.V.}}", "bibtex").entries[0].authors.names[0])
