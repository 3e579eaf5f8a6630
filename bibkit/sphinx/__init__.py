"""A Sphinx extension that cites in any CSL style with bibkit's engine.

A drop-in for sphinxcontrib-bibtex: the same roles (``:cite:p:``, ``:cite:t:``,
``:cite:ps:``...), the same ``bibliography`` directive and the same ``bibtex_bibfiles``
setting, so a project switches by changing one line of ``conf.py``::

    extensions = ["bibkit.sphinx"]          # was "sphinxcontrib.bibtex"
    bibtex_bibfiles = ["refs.bib"]
    bibkit_csl_style = "apa"                # any of the CSL styles, or a .csl file

MyST Markdown uses the same roles: ``{cite:p}`nelson1987```.
"""
from __future__ import annotations

from typing import Any

from .domain import CiteDomain
from .render import bib_files_changed, render_project, resolve_document
from .roles import BibliographyDirective, CiteRole, bibliography, citation_ref

__all__ = ["setup"]


def setup(app) -> dict[str, Any]:
    app.add_config_value("bibtex_bibfiles", [], "env", types=[list])
    app.add_config_value("bibtex_encoding", "utf-8-sig", "env", types=[str])
    app.add_config_value("bibtex_default_style", "", "env", types=[str])
    app.add_config_value("bibkit_csl_style", "", "env", types=[str])
    app.add_config_value("bibkit_csl_locale", "", "env", types=[str])
    app.add_domain(CiteDomain)
    app.add_role("cite", CiteRole("p"))
    app.add_directive("bibliography", BibliographyDirective)
    app.add_node(citation_ref)
    app.add_node(bibliography)
    app.connect("env-get-outdated", bib_files_changed)
    app.connect("env-updated", render_project)
    app.connect("doctree-resolved", resolve_document)
    from bibkit import __version__
    return {"version": __version__, "env_version": 1,
            "parallel_read_safe": True, "parallel_write_safe": True}
