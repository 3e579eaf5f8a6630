"""The MkDocs plugin ``bibkit``: pandoc citations (``[@key]``, ``@key [p. 3]``) in the pages of
an MkDocs site, rendered in any CSL style, with a reference list per page or one for the site.

    plugins:
      - bibkit:
          bibliography: refs.bib          # or a list of files (.bib, CSL-JSON, CSL-YAML, RIS)
          csl: apa                        # a style name, .csl path or URL
          reference_list: page            # or "site": one list, on reference_page
          reference_page: references.md

Each page goes through :func:`bibkit.render.render_markdown` (the same path as ``bibkit
render``), given the entries read once when the site's configuration is loaded. A page may set
``csl``, ``lang``, ``nocite``, ``reference-section-title`` or ``link-citations`` in its own
front matter. An undefined key is a warning naming the page and line (``mkdocs build --strict``
fails on it) and prints as **key?**, as pandoc prints it.
"""
from __future__ import annotations

import logging
import os

import yaml
from mkdocs.config import config_options
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from bibkit.render.markdown import CITEPROC_KEYS

log = logging.getLogger("mkdocs.plugins.bibkit")

#: front-matter keys of a page that the page's citing reads (MkDocs has already cut the header off)
_PAGE_KEYS = (CITEPROC_KEYS - {"bibliography", "references"}) | {"lang"}


class BibkitPlugin(BasePlugin):
    """Citations in MkDocs pages (see the module's docstring for the configuration)."""

    config_scheme = (
        ("bibliography", config_options.Type((str, list), default=[])),
        ("csl", config_options.Type(str, default="chicago-author-date")),
        ("lang", config_options.Optional(config_options.Type(str))),
        ("reference_list", config_options.Choice(("page", "site"), default="page")),
        ("reference_page", config_options.Type(str, default="references.md")),
        ("reference_section_title", config_options.Type(str, default="References")),
    )

    def on_config(self, config):
        from bibkit.api import load

        files = self.config["bibliography"]
        files = [files] if isinstance(files, str) else list(files)
        if not files:
            raise PluginError("bibkit: no bibliography configured (plugins: - bibkit: bibliography: refs.bib)")
        base = os.path.dirname(os.path.abspath(config["config_file_path"] or "mkdocs.yml"))
        self.entries = []
        for path in files:
            full = path if os.path.isabs(path) else os.path.join(base, path)
            if not os.path.exists(full):
                raise PluginError(f"bibkit: bibliography {path!r} not found (relative to {base})")
            library = load(full)
            for problem in library.problems:
                log.warning(str(problem))
            self.entries.extend(library.entries)
        self.site_keys: list[str] = []
        return config

    def on_files(self, files, config):
        """In site mode, what every page cites, in the order of the files, for the site's list."""
        if self.config["reference_list"] != "site":
            return files
        from bibkit.citing import markdown_citations

        keys: dict[str, None] = {}
        for file in files:
            if file.src_uri.endswith(".md") and file.src_uri != self.config["reference_page"]:
                with open(file.abs_src_path, encoding="utf-8") as handle:
                    for key in markdown_citations(handle.read(), file.src_uri).keys():
                        keys.setdefault(key, None)
        self.site_keys = list(keys)
        return files

    def on_page_markdown(self, markdown, page, config, files):
        from bibkit.diagnostics import BibkitError
        from bibkit.render import render_markdown

        site = self.config["reference_list"] == "site"
        is_list_page = site and page.file.src_uri == self.config["reference_page"]
        meta = {k: v for k, v in (page.meta or {}).items() if k in _PAGE_KEYS}
        meta.setdefault("csl", self.config["csl"])  # the page's own front matter wins
        if self.config["lang"]:
            meta.setdefault("lang", self.config["lang"])
        if site and not is_list_page:
            meta["suppress-bibliography"] = True
        elif not site:
            meta.setdefault("reference-section-title", self.config["reference_section_title"])
        header = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n"
        try:
            result = render_markdown(header + markdown, page.file.src_uri, entries=self.entries, portable=True,
                                     nocite=self.site_keys if is_list_page else ())
        except BibkitError as exc:
            raise PluginError(f"bibkit: {exc}") from None
        shift = header.count("\n")
        for citation in result.undefined:
            line = citation.line - shift if citation.line else None
            log.warning(f"{citation.file}:{line}: undefined citation '{citation.key}'")
        for problem in result.problems:
            log.warning(str(problem))
        return result.text
