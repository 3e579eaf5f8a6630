"""Render every citation of the project at once, then put the text into each document.

Numbers (numeric styles) and year suffixes (``2020a``) depend on every citation of the
project, so, as sphinxcontrib-bibtex does, the roles only collect; once Sphinx has read every
document (``env-updated``) the project's citations go through the CSL engine in one call, in
the order a reader meets them (the toctree's order), and each document's placeholders are
replaced when it is written (``doctree-resolved``).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from docutils import nodes
from sphinx.util import logging
from sphinx.util.nodes import make_refnode

from bibkit.api import load
from bibkit.csl import Processor
from bibkit.csl.styles import find_style
from bibkit.diagnostics import BibkitError
from bibkit.model_csl import entry_to_csl

from .domain import cite_spec
from .html_nodes import html_to_nodes
from .roles import CiteSpec, bibliography, citation_ref

logger = logging.getLogger(__name__)

_ET_AL = re.compile(r'\s(?:et-al-(?:subsequent-)?(?:min|use-first|use-last))="[^"]*"')
#: sphinxcontrib-bibtex's pybtex styles, which have no CSL namesake: bibkit_csl_style decides
PYBTEX_STYLES = frozenset({"alpha", "plain", "unsrt", "unsrtalpha"})


@dataclass
class Rendered:
    """The project's citations and entries as HTML fragments, kept in the environment."""

    citations: dict = field(default_factory=dict)   # ident -> [(key or None, html)]
    entries: dict = field(default_factory=dict)     # key -> html, in bibliography order
    cited: list = field(default_factory=list)       # keys in first-cited order
    bib_mtimes: dict = field(default_factory=dict)  # bib file -> mtime when read


def style_name(config) -> str:
    """``bibkit_csl_style``, else a CSL name given as ``bibtex_default_style``, else APA."""
    if config.bibkit_csl_style:
        return config.bibkit_csl_style
    default = config.bibtex_default_style
    if default and default not in PYBTEX_STYLES:
        return default
    return "apa"


def _processor(config, star: bool) -> Processor:
    info = find_style(style_name(config))
    xml = _ET_AL.sub("", info.xml) if star else info.xml  # starred roles: every author
    return Processor(xml, locale=config.bibkit_csl_locale or info.default_locale or None)


def bib_paths(app) -> list[str]:
    return [os.path.join(app.srcdir, f) for f in app.config.bibtex_bibfiles]


def _load_items(app) -> dict[str, dict]:
    """CSL items by key from ``bibtex_bibfiles``; problems become Sphinx warnings."""
    items: dict[str, dict] = {}
    paths = bib_paths(app)
    if not paths:
        logger.warning("bibkit.sphinx: no bib files; set bibtex_bibfiles in conf.py")
    for path in paths:
        if not os.path.exists(path):
            logger.warning("bibtex_bibfiles: %s does not exist", path)
            continue
        library = load(path, encoding=app.config.bibtex_encoding)
        for p in library.problems:
            logger.warning("%s", p.message, location=(p.file, p.line) if p.line else p.file)
        for entry in library.entries:
            item = entry_to_csl(entry)
            key = str(item["id"])
            if key in items:
                logger.warning("duplicate key %r: the first entry is used", key,
                               location=(entry.source.file, entry.source.line) if entry.source else None)
                continue
            items[key] = item
    return items


def document_order(env) -> list[str]:
    """Documents in reading order: the toctree from the root document, then the rest."""
    order: list[str] = []
    seen: set[str] = set()
    stack = [env.config.root_doc]
    while stack:
        doc = stack.pop()
        if doc in seen or doc not in env.found_docs:
            continue
        seen.add(doc)
        order.append(doc)
        stack.extend(reversed(env.toctree_includes.get(doc, [])))
    return order + sorted(env.found_docs - seen)


def _cite_item(key: str, spec: CiteSpec, first: bool, last: bool, flag: str | None) -> dict:
    c: dict = {"id": key}
    if first and spec.prefix:
        c["prefix"] = spec.prefix + " "
    if last and spec.locator:
        c["locator"], c["label"] = spec.locator, spec.label
    if last and spec.suffix:
        c["suffix"] = spec.suffix
    if flag:
        c[flag] = True
    return c


def _groups(records: list[tuple[str, dict]], items: dict, author_pass: bool) -> list[tuple]:
    """(ident, key or None, star, cite group) per rendered piece. A narrative citation is one
    group per key (``Nelson (1987), Smith (2000)``): in the author pass its keys are author-only."""
    out = []
    for _, rec in records:
        spec = cite_spec(rec)
        keys = [k for k in spec.keys if k in items]
        if not keys:
            continue
        if spec.form == "p":
            group = [_cite_item(k, spec, i == 0, i == len(keys) - 1, None) for i, k in enumerate(keys)]
            out.append((rec["ident"], keys[0] if len(keys) == 1 else None, spec.star, group))
            continue
        for i, k in enumerate(keys):
            if spec.form == "t":
                flag = "author-only" if author_pass else "suppress-author"
            else:
                flag = "author-only" if spec.form == "author" else "suppress-author"
            out.append((rec["ident"], k, spec.star, [_cite_item(k, spec, i == 0, i == len(keys) - 1, flag)]))
    return out


def _render_groups(app, groups, used) -> list[str]:
    """HTML per group; starred groups come from the same citations run through the style
    without its et-al rules, so numbers and suffixes stay the project's."""
    cite_groups = [g for _, _, _, g in groups]
    html = _processor(app.config, False).citations(cite_groups, used, "html")
    if any(star for _, _, star, _ in groups):
        starred = _processor(app.config, True).citations(cite_groups, used, "html")
        html = [s if star else h for (_, _, star, _), h, s in zip(groups, html, starred)]
    return html


def render_project(app, env) -> list[str]:
    """``env-updated``: render all citations and entries; returns the documents whose text
    changed (Sphinx writes them again although they were not re-read)."""
    domain = env.get_domain("cite")
    order = document_order(env)
    records = [(doc, rec) for doc in order for rec in domain.citations_of(doc)]
    bibs = [b for doc in order for b in domain.bibliographies_of(doc)]
    if not records and not bibs:
        return []
    items = _load_items(app)
    for doc, rec in records:
        for key in cite_spec(rec).keys:
            if key not in items:
                logger.warning("undefined citation %r", key, location=(doc, rec["line"]))
    cited = list(dict.fromkeys(k for _, rec in records for k in cite_spec(rec).keys if k in items))
    if any(b["which"] in ("all", "notcited") for b in bibs):
        keys = cited + [k for k in items if k not in set(cited)]
    else:
        keys = cited
    used = [items[k] for k in keys]
    new = Rendered(cited=cited, bib_mtimes={p: os.path.getmtime(p) for p in bib_paths(app) if os.path.exists(p)})
    try:
        groups = _groups(records, items, author_pass=False)
        html = _render_groups(app, groups, used)
        authors = {}
        if any(cite_spec(rec).form == "t" for _, rec in records):
            author_groups = _groups(records, items, author_pass=True)
            authors = dict(enumerate(_render_groups(app, author_groups, used)))
        for n, ((ident, key, _, _), h) in enumerate(zip(groups, html)):
            new.citations.setdefault(ident, []).append((key, h, authors.get(n)))
        new.entries = dict(_processor(app.config, False).bibliography_entries(used, "html", cite_order=cited))
    except (BibkitError, ValueError) as exc:  # an unknown style name, a style that does not compile
        logger.warning("bibkit.sphinx: %s", exc)
        new = Rendered()  # the pages still build: each citation shows its keys
    old = getattr(env, "bibkit_rendered", None)
    env.bibkit_rendered = new
    if old is None:
        return []
    changed = {doc for doc, rec in records if old.citations.get(rec["ident"]) != new.citations.get(rec["ident"])}
    if old.entries != new.entries or old.cited != new.cited:
        changed.update(doc for doc in order if domain.bibliographies_of(doc))
    return sorted(changed)


def bib_files_changed(app, env, added, changed, removed) -> list[str]:
    """``env-get-outdated``: an edited bib file makes every citing document out of date."""
    old = getattr(env, "bibkit_rendered", None)
    if old is None:
        return []
    now = {p: os.path.getmtime(p) for p in bib_paths(app) if os.path.exists(p)}
    if now == old.bib_mtimes:
        return []
    domain = env.get_domain("cite")
    return sorted(set(domain.data["citations"]) | set(domain.data["bibliographies"]))


def _entry_id(bib_ident: str, key: str) -> str:
    return nodes.make_id(f"{bib_ident}-{key}")


def _targets(env, docname: str) -> dict[str, tuple[str, str]]:
    """key -> (document, node id) of the entry a citation links to: the reference list in
    the citing document if it has one, else the first in reading order that lists the key."""
    rendered = env.bibkit_rendered
    domain = env.get_domain("cite")
    cited = set(rendered.cited)
    out: dict[str, tuple[str, str]] = {}
    docs = [docname] + [d for d in document_order(env) if d != docname]
    for doc in docs:
        for b in domain.bibliographies_of(doc):
            for key in rendered.entries:
                if key not in out and _lists(b["which"], key in cited):
                    out[key] = (doc, _entry_id(b["ident"], key))
    return out


def _lists(which: str, cited: bool) -> bool:
    return which == "all" or (which == "cited") == cited


def _capitalised(children: list[nodes.Node]) -> list[nodes.Node]:
    for i, child in enumerate(children):
        if isinstance(child, nodes.Text):
            text = str(child)
            if text.strip():
                children[i] = nodes.Text(text[:len(text) - len(text.lstrip())] + text.lstrip()[0].upper()
                                         + text.lstrip()[1:])
                return children
        elif isinstance(child, nodes.Element):
            _capitalised(child.children)
            if child.astext().strip():
                return children
    return children


def _linked(builder, docname, target, children):
    if target is None:
        return children
    return [make_refnode(builder, docname, target[0], target[1], children)]


def resolve_document(app, doctree, docname: str) -> None:
    """``doctree-resolved``: placeholders -> citation text and reference lists."""
    env = app.env
    rendered = getattr(env, "bibkit_rendered", None) or Rendered()
    targets: dict = {}
    for node in list(doctree.findall(citation_ref)):
        # the citing document, not ``docname``: LaTeX resolves one tree merged from many
        citing = node.get("docname", docname)
        if citing not in targets:
            targets[citing] = _targets(env, citing)
        pieces = rendered.citations.get(node["ident"])
        if not pieces:
            node.replace_self(nodes.literal(node.astext(), node.astext(), classes=["bibkit-undefined"]))
            continue
        out: list[nodes.Node] = []
        for i, (key, html, author) in enumerate(pieces):
            if i:
                out.append(nodes.Text(", "))
            if node["form"] == "t":
                out.extend(html_to_nodes(author or ""))
                out.append(nodes.Text(" "))
            target = targets[citing].get(key) if key else None
            out.extend(_linked(app.builder, citing, target, html_to_nodes(html)))
        if node["capital"]:
            out = _capitalised(out)
        node.replace_self(nodes.inline("", "", *out, classes=["bibkit-cite", f"bibkit-cite-{node['form']}"]))
    cited = set(rendered.cited)
    for node in list(doctree.findall(bibliography)):
        body = nodes.container(classes=["csl-bib-body"], ids=[node["ident"]])
        for key, html in rendered.entries.items():
            if _lists(node["which"], key in cited):
                # the id sits on a target, which every writer (LaTeX too) turns into an anchor
                anchor = nodes.target("", "", ids=[_entry_id(node["ident"], key)])
                body += nodes.paragraph("", "", anchor, *html_to_nodes(html), classes=["csl-entry"])
        node.replace_self(body)
