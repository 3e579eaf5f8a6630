"""The ``cite`` domain: what every document cites and where its reference lists are.

A domain is where Sphinx keeps per-document data that survives incremental and parallel
builds: a re-read document's records are cleared and replaced, and parallel readers' records
are merged back.
"""
from __future__ import annotations

from sphinx.domains import Domain
from sphinx.util import logging

from .roles import FORMS, CiteRole, CiteSpec

logger = logging.getLogger(__name__)


class CiteDomain(Domain):
    """``:cite:p:`` and its siblings; data: ``citations[docname]`` (in source order) and
    ``bibliographies[docname]``."""

    name = "cite"
    label = "citations (bibkit)"
    roles = {name: CiteRole(name) for name in FORMS}
    initial_data: dict = {"citations": {}, "bibliographies": {}}
    data_version = 1

    def note_citation(self, docname: str, ident: str, spec: CiteSpec, lineno: int) -> None:
        self.data["citations"].setdefault(docname, []).append(
            {"ident": ident, "spec": tuple(spec), "line": lineno})

    def note_bibliography(self, docname: str, ident: str, which: str, lineno: int) -> None:
        self.data["bibliographies"].setdefault(docname, []).append(
            {"ident": ident, "which": which, "line": lineno})

    def warn_ignored_argument(self, location) -> None:
        logger.warning("bibliography: files are named by bibtex_bibfiles in conf.py; "
                       "the directive's argument is ignored", location=location)

    def citations_of(self, docname: str) -> list[dict]:
        return self.data["citations"].get(docname, [])

    def bibliographies_of(self, docname: str) -> list[dict]:
        return self.data["bibliographies"].get(docname, [])

    def clear_doc(self, docname: str) -> None:
        self.data["citations"].pop(docname, None)
        self.data["bibliographies"].pop(docname, None)

    def merge_domaindata(self, docnames, otherdata: dict) -> None:
        for part in ("citations", "bibliographies"):
            for docname in docnames:
                if docname in otherdata[part]:
                    self.data[part][docname] = otherdata[part][docname]

    def resolve_any_xref(self, env, fromdocname, builder, target, node, contnode):
        return []


def cite_spec(record: dict) -> CiteSpec:
    return CiteSpec(*record["spec"])
