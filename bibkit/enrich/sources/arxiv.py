"""The arXiv API (``/api/query``), which answers in Atom.

arXiv asks for one request every three seconds, so identifiers are looked up in batches
(``id_list`` takes many ids at once; :meth:`ArxivSource.lookup_many`). A record carries the
``arxiv:doi`` and ``arxiv:journal_ref`` authors add once their paper is published: that is
how a preprint is found to have a published version.

arXiv answers a batch holding one malformed id with HTTP 400 and an Atom feed whose only entry
names that id (``/api/errors#incorrect_id_format_for_abc``). The named id is failed on its own
and the rest of the batch asked again, so one bad id never costs the others.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from bibkit.enrich.convert import iso_date, name_from_display
from bibkit.enrich.http import HttpClient, SourceError
from bibkit.enrich.sources.base import Record
from bibkit.model_csl import csl_to_entry
from bibkit.identifiers import normalize_doi, parse_arxiv

NS = {"atom": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom",
      "opensearch": "http://a9.com/-/spec/opensearch/1.1/"}
BATCH = 50


def _text(node: ET.Element, path: str) -> str:
    found = node.find(path, NS)
    return " ".join((found.text or "").split()) if found is not None and found.text else ""


_BAD_ID = re.compile(r"incorrect id format for\s+(\S+)", re.IGNORECASE)


def feed_errors(text: str) -> list[str]:
    """The messages of arXiv's error entries (``/api/errors#...``) in a feed; [] when unreadable."""
    try:
        root = ET.fromstring(text.encode("utf-8") if isinstance(text, str) else text)
    except ET.ParseError:
        return []
    return [_text(node, "atom:summary") or _text(node, "atom:id")
            for node in root.findall("atom:entry", NS) if "/api/errors" in _text(node, "atom:id")]


def parse_feed(text: str, source: str = "arxiv", url: str = "") -> list[tuple[dict, str, str]]:
    """Atom feed -> [(CSL item, published DOI, journal-ref)] for each real entry.

    arXiv reports a bad id as an entry whose id is an ``/api/errors`` URL: those are skipped.
    """
    try:
        root = ET.fromstring(text.encode("utf-8") if isinstance(text, str) else text)
    except ET.ParseError as exc:
        raise SourceError(source, f"malformed XML from {url}: {exc}", "malformed") from None
    if root.tag != f"{{{NS['atom']}}}feed":
        raise SourceError(source, f"malformed answer from {url}: not an Atom feed", "malformed")
    out = []
    for node in root.findall("atom:entry", NS):
        ident = _text(node, "atom:id")
        arxiv, version = parse_arxiv(ident)
        if not arxiv or "/api/errors" in ident:
            continue
        item: dict = {"type": "article", "title": _text(node, "atom:title")}
        authors = [name_from_display(_text(a, "atom:name")) for a in node.findall("atom:author", NS)]
        if authors:
            item["author"] = [a for a in authors if a]
        published = iso_date(_text(node, "atom:published"))
        if published:
            item["issued"] = published
        item["custom"] = {"bibkit": {"arxiv": arxiv + version}}
        primary = node.find("arxiv:primary_category", NS)
        if primary is not None and primary.get("term"):
            item["custom"]["bibkit"]["arxiv-class"] = primary.get("term")
        doi = normalize_doi(_text(node, "arxiv:doi"))
        out.append((item, doi, _text(node, "arxiv:journal_ref")))
    return out


class ArxivSource:
    name = "arxiv"
    kinds = ("arxiv",)
    searchable = True

    def _fetch(self, http: HttpClient, params: dict):
        url = f"{http.config.url(self.name)}/query"
        return http.get(self.name, url, params=params, answers=(200, 400, 404))

    def _read(self, got) -> list[Record]:
        if got.status == 404:
            return []
        records = []
        for item, doi, journal_ref in parse_feed(got.text, self.name, got.url):
            entry = csl_to_entry(item)
            entry.key = None
            records.append(Record(entry, self.name, got.time, got.url, published_doi=doi, journal_ref=journal_ref))
        return records

    def _records(self, http: HttpClient, params: dict) -> list[Record]:
        got = self._fetch(http, params)
        if got.status == 400:
            raise SourceError(self.name, _refusal(got), "http")
        return self._read(got)

    def lookup(self, http: HttpClient, kind: str, value: str) -> Record | None:
        if kind != "arxiv":
            return None
        found = self.lookup_many(http, [value])
        result = found.get(parse_arxiv(value)[0] or value)
        if isinstance(result, SourceError):
            raise result
        return result

    def lookup_many(self, http: HttpClient, ids: list[str]) -> dict[str, Record | SourceError]:
        """Many ids in as few requests as arXiv allows (one per :data:`BATCH` ids).

        An id arXiv refuses maps to its :class:`SourceError` (the others still map to records).
        """
        out: dict[str, Record | SourceError] = {}
        unique = sorted(set(ids))
        for start in range(0, len(unique), BATCH):
            self._batch(http, unique[start:start + BATCH], out)
        return out

    def _batch(self, http: HttpClient, chunk: list[str], out: dict) -> None:
        got = self._fetch(http, {"id_list": ",".join(chunk), "max_results": len(chunk)})
        if got.status != 400:
            for record in self._read(got):
                out[record.entry.ids.arxiv] = record
            return
        message = _refusal(got)
        named = {m.group(1) for text in feed_errors(got.text) for m in [_BAD_ID.search(text)] if m}
        bad = [i for i in chunk if i in named]
        if not bad and len(chunk) == 1:
            bad = chunk
        for ident in bad:
            out[parse_arxiv(ident)[0] or ident] = SourceError(self.name, message, "http")
        rest = [i for i in chunk if i not in bad]
        if not rest:
            return
        if bad:
            self._batch(http, rest, out)
        else:  # arXiv did not say which id it refused: halve the batch until it does
            middle = len(rest) // 2
            self._batch(http, rest[:middle], out)
            self._batch(http, rest[middle:], out)

    def search(self, http: HttpClient, title: str, year: int | None = None, rows: int = 5) -> list[Record]:
        words = re.sub(r"[^\w\s-]", " ", title).split()
        if not words:
            return []
        return self._records(http, {"search_query": 'ti:"' + " ".join(words) + '"', "max_results": rows})


def _refusal(got) -> str:
    """arXiv's reason for a 400, from its error feed."""
    reasons = feed_errors(got.text)
    return f"{'; '.join(reasons) or 'refused'} (HTTP {got.status} from {got.url})"
