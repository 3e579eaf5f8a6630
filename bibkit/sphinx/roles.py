"""The ``:cite:X:`` roles and the ``bibliography`` directive, as sphinxcontrib-bibtex spells them.

Reading a document only records what it cites (in the ``cite`` domain) and leaves a placeholder
node; the text of every citation is decided once the whole project has been read (see
:mod:`bibkit.sphinx.render`), because numbers and year suffixes depend on every document.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective, SphinxRole

#: sphinxcontrib-bibtex's role names -> how the citation is printed. ``p``: the style's
#: citation, ``(Nelson, 1987)`` or ``[1]``; ``t``: narrative, ``Nelson (1987)`` or
#: ``Nelson [1]``; ``year``: the citation without its author; a trailing ``s`` (star): every
#: author, no "et al."; a leading ``c``: capitalised first letter (start of a sentence).
FORMS = {
    "p": ("p", False), "ps": ("p", True),
    "t": ("t", False), "ts": ("t", True), "ct": ("t", False), "cts": ("t", True),
    "author": ("author", False), "authors": ("author", True),
    "cauthor": ("author", False), "cauthors": ("author", True),
    "year": ("year", False), "yearpar": ("year", False),
}

_PRE = re.compile(r"^\s*\{([^{}]*)\}")
_POST = re.compile(r"\{([^{}]*)\}\s*$")
#: locator words sphinxcontrib-bibtex's users type after a key (``{p. 3}``) -> CSL labels
_LOCATOR = re.compile(
    r"^(?P<label>pp?|pages?|chap|ch|chapters?|sec|sections?|§§?|fig|figures?|para|paragraphs?|"
    r"vol|volumes?|ll?|lines?|nn?|notes?|col|columns?)\.?\s+(?P<loc>\S.*)$", re.IGNORECASE)
_LABELS = {"p": "page", "pp": "page", "chap": "chapter", "ch": "chapter", "sec": "section",
           "§": "section", "§§": "section", "fig": "figure", "para": "paragraph", "vol": "volume",
           "l": "line", "ll": "line", "n": "note", "nn": "note", "col": "column"}


class CiteSpec(NamedTuple):
    """What one role asked for."""

    keys: list[str]
    form: str
    star: bool
    capital: bool
    prefix: str
    suffix: str
    locator: str
    label: str


def parse_role_text(text: str, role: str) -> CiteSpec:
    """``{see}key1,key2{p. 3}`` -> keys, prefix ``see``, locator ``3`` labelled ``page``."""
    form, star = FORMS.get(role, ("p", False))
    pre = post = ""
    m = _PRE.match(text)
    if m:
        pre, text = m.group(1).strip(), text[m.end():]
    m = _POST.search(text)
    if m:
        post, text = m.group(1).strip(), text[:m.start()]
    keys = [k.strip() for k in text.split(",") if k.strip()]
    locator = label = suffix = ""
    m = _LOCATOR.match(post)
    if m:
        word = m.group("label").lower()
        label = _LABELS.get(word, word.rstrip("s"))
        locator = m.group("loc")
    elif post:
        suffix = post if post[0] in ",.;:" else ", " + post
    return CiteSpec(keys, form, star, role.startswith("c") and role != "cite", pre, suffix, locator, label)


class citation_ref(nodes.Inline, nodes.Element):
    """Placeholder for one citation until the project's citations are rendered together."""


class bibliography(nodes.General, nodes.Element):
    """Placeholder for a reference list."""


class CiteRole(SphinxRole):
    """``:cite:p:`key```: records the citation in the ``cite`` domain, in document order."""

    def __init__(self, form: str) -> None:
        super().__init__()
        self.form = form

    def run(self):
        spec = parse_role_text(self.text, self.form)
        ident = f"{self.env.docname}#{self.env.new_serialno('bibkit-cite')}"  # unique in the project
        # what resolving needs travels in the node: the LaTeX builder resolves one merged tree
        node = citation_ref(self.rawtext, ident=ident, keys=spec.keys, form=spec.form, capital=spec.capital,
                            docname=self.env.docname)
        node += nodes.Text(self.text)  # shown only if rendering never happens
        self.env.get_domain("cite").note_citation(self.env.docname, ident, spec, self.lineno)
        return [node], []


class BibliographyDirective(SphinxDirective):
    """``.. bibliography::``: the cited entries of the whole project (``:all:``: every entry of
    the bib files; ``:notcited:``: the entries nothing cites)."""

    optional_arguments = 1  # bib files named here were sphinxcontrib-bibtex 1's configuration
    has_content = False
    option_spec = {"all": directives.flag, "cited": directives.flag, "notcited": directives.flag}

    def run(self):
        if self.arguments:
            self.env.get_domain("cite").warn_ignored_argument(self.get_location())
        which = "all" if "all" in self.options else "notcited" if "notcited" in self.options else "cited"
        serial = self.env.new_serialno("bibkit-bibliography")
        ident = nodes.make_id(f"bibliography-{self.env.docname}-{serial}")  # unique in the project
        node = bibliography("", ident=ident, which=which)
        self.env.get_domain("cite").note_bibliography(self.env.docname, ident, which, self.lineno)
        return [node]
