"""A local stand-in for the scholarly databases, for tests, benchmarks and offline demos.

:class:`FakeScholarlyServer` listens on 127.0.0.1 (a free port) and answers the paths each
source uses in that source's own format (Crossref's ``{"status": "ok", "message": ...}``,
arXiv's Atom feed, CSL-JSON from DOI content negotiation, OpenAlex works, Open Library's
Books API, E-utilities esummary), from records put in it with ``add_*``. Scripted answers
(a 429, garbage, a slow reply) can be queued per path to exercise the client's failure
handling. Real answers recorded from the services (``../shared/real_api/``, described by its
``index.json``) can be served too, byte for byte: :func:`use_recordings`. Nothing here reaches
the network.
"""
from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape

from rapidfuzz import fuzz

from bibkit.identifiers import parse_arxiv

SOURCES = ("crossref", "doi", "arxiv", "openalex", "openlibrary", "googlebooks", "pubmed")


@dataclass
class Scripted:
    """A canned answer: status, body, headers, and an optional delay before it is sent."""

    status: int = 200
    body: str = ""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0


class FakeScholarlyServer:
    """The sources' APIs on one local port: ``url(name)`` is the base URL of source ``name``."""

    def __init__(self, latency: float = 0.0):
        self.latency = latency
        self.crossref: dict[str, dict] = {}
        self.csl: dict[str, dict] = {}
        self.arxiv: dict[str, dict] = {}
        self.openalex: dict[str, dict] = {}
        self.books: dict[str, dict] = {}
        self.volumes: dict[str, dict] = {}
        self.pubmed: dict[str, dict] = {}
        self.scripts: dict[str, deque[Scripted]] = {}
        self.recorded: dict[tuple[str, str], Scripted] = {}  # (service, DOI or arXiv id list) -> answer
        self.recorded_lists: dict[str, list[tuple[set[str], Scripted]]] = {}  # service -> (texts, answer)
        self.log: list[str] = []
        self.lock = threading.Lock()
        self.httpd: ThreadingHTTPServer | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> "FakeScholarlyServer":
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            wbufsize = 1 << 16  # headers and body leave in one segment (no delayed-ACK stall)
            disable_nagle_algorithm = True

            def do_GET(self):  # noqa: N802 (http.server's name)
                server._handle(self)

            def log_message(self, *args):  # keep test output clean
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def base(self) -> str:
        assert self.httpd is not None, "server not started"
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, source: str) -> str:
        return f"{self.base}/{source}"

    def urls(self) -> dict[str, str]:
        return {name: self.url(name) for name in SOURCES}

    def requests_to(self, prefix: str) -> list[str]:
        with self.lock:
            return [p for p in self.log if p.startswith(prefix)]

    def script(self, path_prefix: str, *answers: Scripted) -> None:
        """Answer the next requests whose path starts with ``path_prefix`` with ``answers``."""
        self.scripts.setdefault(path_prefix, deque()).extend(answers)

    # ------------------------------------------------------------------ records

    def add_crossref(self, work: dict) -> None:
        self.crossref[work["DOI"].lower()] = work

    def add_csl(self, item: dict) -> None:
        self.csl[item["DOI"].lower()] = item

    def add_arxiv(self, record: dict) -> None:
        """``record``: id (with version), title, authors, published, and optional doi, journal_ref, category."""
        self.arxiv[parse_arxiv(record["id"])[0]] = record

    def add_openalex(self, work: dict) -> None:
        self.openalex[work["doi"].lower().replace("https://doi.org/", "")] = work

    def add_book(self, isbn: str, book: dict) -> None:
        self.books[isbn] = book

    def add_volume(self, isbn: str, volume_info: dict) -> None:
        self.volumes[isbn] = volume_info

    def add_pubmed(self, pmid: str, doc: dict) -> None:
        self.pubmed[pmid] = doc

    # ------------------------------------------------------------------ serving

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(request.path)
        path = unquote(parts.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        with self.lock:
            self.log.append(request.path)
            scripted = None
            for prefix, queue in self.scripts.items():
                if path.startswith(prefix) and queue:
                    scripted = queue.popleft()
                    break
        if self.latency:
            time.sleep(self.latency)
        if scripted is not None:
            if scripted.delay:
                time.sleep(scripted.delay)
            answer = (scripted.status, scripted.body, scripted.headers)
        else:
            answer = self._answer(path, query, request.headers.get("Accept", ""))
        status, body, headers = answer
        data = body.encode("utf-8")
        try:
            request.send_response(status)
            headers = dict(headers)
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
            for name, value in headers.items():
                request.send_header(name, value)
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)

    def _answer(self, path: str, query: dict, accept: str) -> tuple[int, str, dict]:
        source, _, rest = path.lstrip("/").partition("/")
        recorded = self._recorded(source, rest, query)
        if recorded is not None:
            return recorded.status, recorded.body, recorded.headers
        handler = getattr(self, f"_{source}", None)
        if handler is None:
            return 404, "not found", {"Content-Type": "text/plain"}
        return handler(rest, query, accept)

    # ------------------------------------------------------------------ recorded answers

    def add_recording(self, service: str, key: str, answer: Scripted) -> None:
        """Answer look-ups of ``key`` (a DOI, or an arXiv ``id_list``) at ``service`` with ``answer``."""
        self.recorded[(service, _norm_key(service, key))] = answer

    def add_recorded_list(self, service: str, texts: list[str], answer: Scripted) -> None:
        """Answer searches whose text is one of ``texts`` (the query, the hits' titles) with ``answer``."""
        self.recorded_lists.setdefault(service, []).append(({_norm_text(t) for t in texts if t}, answer))

    def _recorded(self, source: str, rest: str, query: dict) -> Scripted | None:
        if source in ("crossref", "openalex") and rest.startswith("works/"):
            ref = rest[len("works/"):]
            return self.recorded.get((source, _norm_key(source, ref)))
        if source == "doi":
            return self.recorded.get(("doi", _norm_key("doi", rest)))
        if source == "arxiv" and query.get("id_list"):
            ids = [i.strip() for i in query["id_list"].split(",") if i.strip()]
            # arXiv refuses a whole batch when one id is malformed, with that id's error feed
            for ident in ids:
                refusal = self.recorded.get(("arxiv", _norm_key("arxiv", ident)))
                if refusal is not None and refusal.status == 400:
                    return refusal
            return self.recorded.get(("arxiv", _norm_key("arxiv", ",".join(ids))))
        text = (query.get("query.bibliographic") or query.get("search")
                or re.sub(r'^ti:"?|"$', "", query.get("search_query", "")))
        if text and rest.rstrip("/") in ("works", "query"):
            want = _norm_text(text)
            for texts, answer in self.recorded_lists.get(source, []):
                if want in texts:
                    return answer
        return None

    @staticmethod
    def _matches(title: str, query: str) -> float:
        return fuzz.token_set_ratio(title.lower(), query.lower())

    def _crossref(self, rest: str, query: dict, accept: str):
        if rest.startswith("works/"):
            work = self.crossref.get(rest[len("works/"):].lower())
            if work is None:
                return 404, "Resource not found.", {"Content-Type": "text/plain"}
            return 200, json.dumps({"status": "ok", "message-type": "work", "message-version": "1.0.0",
                                    "message": work}), {}
        if rest == "works":
            text = query.get("query.bibliographic", "")
            rows = int(query.get("rows", 20))
            scored = sorted(((self._matches((w.get("title") or [""])[0], text), w) for w in self.crossref.values()),
                            key=lambda s: -s[0])
            items = [dict(w, score=round(s, 1)) for s, w in scored if s > 50][:rows]
            return 200, json.dumps({"status": "ok", "message-type": "work-list", "message-version": "1.0.0",
                                    "message": {"total-results": len(items), "items-per-page": rows,
                                                "items": items}}), {}
        return 404, "Resource not found.", {"Content-Type": "text/plain"}

    def _doi(self, rest: str, query: dict, accept: str):
        item = self.csl.get(rest.lower())
        if item is None:
            return 404, "DOI Not Found", {"Content-Type": "text/html"}
        if "citationstyles.csl+json" not in accept:
            return 302, "", {"Location": "https://example.org/landing"}
        return 200, json.dumps(item), {"Content-Type": "application/vnd.citationstyles.csl+json"}

    def _openalex(self, rest: str, query: dict, accept: str):
        if rest.startswith("works/doi:"):
            work = self.openalex.get(rest[len("works/doi:"):].lower())
            if work is None:
                return 404, json.dumps({"error": "Not Found", "message": "not found"}), {}
            return 200, json.dumps(work), {}
        if rest == "works":
            text = query.get("search", "")
            rows = int(query.get("per-page", 25))
            scored = sorted(((self._matches(w.get("title") or "", text), w) for w in self.openalex.values()),
                            key=lambda s: -s[0])
            results = [w for s, w in scored if s > 50][:rows]
            return 200, json.dumps({"meta": {"count": len(results), "page": 1, "per_page": rows},
                                    "results": results}), {}
        return 404, json.dumps({"error": "Not Found"}), {}

    def _openlibrary(self, rest: str, query: dict, accept: str):
        key = query.get("bibkeys", "")
        isbn = key.split(":", 1)[-1]
        book = self.books.get(isbn)
        return 200, json.dumps({key: book} if book else {}), {}

    def _googlebooks(self, rest: str, query: dict, accept: str):
        isbn = query.get("q", "").replace("isbn:", "")
        info = self.volumes.get(isbn)
        items = [{"kind": "books#volume", "id": "x", "volumeInfo": info}] if info else []
        body: dict = {"kind": "books#volumes", "totalItems": len(items)}
        if items:
            body["items"] = items
        return 200, json.dumps(body), {}

    def _pubmed(self, rest: str, query: dict, accept: str):
        pmid = query.get("id", "")
        doc = self.pubmed.get(pmid)
        result: dict = {"uids": [pmid]}
        result[pmid] = dict(doc, uid=pmid) if doc else {"uid": pmid, "error": "cannot get document summary"}
        return 200, json.dumps({"header": {"type": "esummary", "version": "0.3"}, "result": result}), {}

    def _arxiv(self, rest: str, query: dict, accept: str):
        if "id_list" in query and query["id_list"]:
            ids = [i.strip() for i in query["id_list"].split(",") if i.strip()]
            records = []
            for ident in ids:
                bare = parse_arxiv(ident)[0]
                if bare in self.arxiv:
                    records.append(self.arxiv[bare])
        else:
            text = query.get("search_query", "").replace("ti:", "").strip('"')
            records = [r for r in self.arxiv.values() if self._matches(r["title"], text) > 80]
        return 200, atom_feed(records), {"Content-Type": "application/atom+xml; charset=utf-8"}


def _norm_key(service: str, key: str) -> str:
    key = unquote(key).strip()
    key = re.sub(r"^(?:doi:|https?://(?:dx\.)?doi\.org/)", "", key, flags=re.IGNORECASE)
    if service == "arxiv":
        return ",".join(sorted(k.strip() for k in key.split(",") if k.strip()))
    return key.lower()


def _norm_text(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", str(text or ""))
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def _list_texts(service: str, kind: str, body: str, request_url: str) -> list[str]:
    """The search texts a recorded list answers: its query, and each hit's title."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(request_url).query).items()}
    texts = [query.get(k, "") for k in ("query.bibliographic", "query.title", "query", "search", "search_query")]
    match = re.search(r"title\.search:(.*)", query.get("filter", ""))
    texts.append(match.group(1) if match else "")
    if service == "crossref":
        for item in json.loads(body)["message"]["items"]:
            title = (item.get("title") or [""])[0]
            texts.append(title)
            if item.get("subtitle"):
                texts.append(f"{title}: {item['subtitle'][0]}")
    elif service == "openalex":
        texts += [w.get("title") or w.get("display_name") or "" for w in json.loads(body).get("results", [])]
    return texts


def use_recordings(server: FakeScholarlyServer, root: str | Path, files: list[str] | None = None) -> list[dict]:
    """Serve the real answers recorded in ``root`` (a folder with ``index.json``); returns the index.

    ``files`` limits them to those index entries (paths relative to ``root``). Each answer is
    sent with its recorded status, body and content type, at the path bibkit asks for that
    identifier or search; an arXiv batch that holds an id arXiv refused gets that refusal,
    as the real API answers.
    """
    root = Path(root)
    index = json.loads((root / "index.json").read_text(encoding="utf-8"))
    chosen = [rec for rec in index if files is None or rec["file"] in files]
    for rec in chosen:
        body = (root / rec["file"]).read_text(encoding="utf-8")
        ctype = rec.get("content_type") or ""
        default = {"arxiv": "application/atom+xml", "doi": "application/vnd.citationstyles.csl+json"}.get(
            rec["service"], "application/json")
        headers = {"Content-Type": default if not ctype or "not recorded" in ctype or "(not" in ctype else ctype}
        answer = Scripted(rec["status"], body, headers)
        service, kind = rec["service"], rec["kind"]
        if kind in ("work", "csl", "notfound", "id_list"):
            server.add_recording(service, rec["key"], answer)
        elif kind in ("query", "search"):
            server.add_recorded_list(service, _list_texts(service, kind, body, rec["request_url"]), answer)
    return chosen


def atom_feed(records: list[dict]) -> str:
    """An arXiv API answer (Atom 1.0 with the arxiv and opensearch extensions)."""
    entries = []
    for r in records:
        authors = "".join(f"<author><name>{escape(a)}</name></author>" for a in r.get("authors", []))
        extra = ""
        if r.get("doi"):
            extra += f'<arxiv:doi>{escape(r["doi"])}</arxiv:doi><link title="doi" href="https://doi.org/{escape(r["doi"])}" rel="related"/>'
        if r.get("journal_ref"):
            extra += f"<arxiv:journal_ref>{escape(r['journal_ref'])}</arxiv:journal_ref>"
        category = r.get("category", "cs.CL")
        entries.append(f"""
  <entry>
    <id>http://arxiv.org/abs/{r['id']}</id>
    <updated>{r.get('updated', r['published'])}</updated>
    <published>{r['published']}</published>
    <title>{escape(r['title'])}</title>
    <summary>{escape(r.get('summary', ''))}</summary>
    {authors}
    {extra}
    <link href="http://arxiv.org/abs/{r['id']}" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/{r['id']}" rel="related" type="application/pdf"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="{category}" scheme="http://arxiv.org/schemas/atom"/>
    <category term="{category}" scheme="http://arxiv.org/schemas/atom"/>
  </entry>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <link href="http://arxiv.org/api/query" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query</title>
  <id>http://arxiv.org/api/query</id>
  <updated>2026-01-01T00:00:00-05:00</updated>
  <opensearch:totalResults>{len(records)}</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
  <opensearch:itemsPerPage>{len(records)}</opensearch:itemsPerPage>{''.join(entries)}
</feed>
"""


# --------------------------------------------------------------------------- sample records
# Real papers, with their records shaped as each source publishes them (trimmed to the fields
# bibkit reads, plus a few it must ignore).

ALPHAFOLD_DOI = "10.1038/s41586-021-03819-2"
BERT_ARXIV = "1810.04805"
BERT_DOI = "10.18653/v1/n19-1423"
R1_ARXIV = "2501.12948"
MALDACENA_ARXIV = "hep-th/9711200"
CLRS_ISBN = "9780262033848"
COVID_PMID = "32015507"


def populate(server: FakeScholarlyServer) -> FakeScholarlyServer:
    """Fill ``server`` with the sample records the tests and the demo use."""
    server.add_crossref({
        "DOI": "10.1038/s41586-021-03819-2", "type": "journal-article", "publisher": "Springer Science and Business Media LLC",
        "title": ["Highly accurate protein structure prediction with AlphaFold"],
        "container-title": ["Nature"], "short-container-title": ["Nature"],
        "volume": "596", "issue": "7873", "page": "583-589", "ISSN": ["0028-0836", "1476-4687"],
        "author": [{"given": "John", "family": "Jumper", "sequence": "first", "affiliation": []},
                   {"given": "Richard", "family": "Evans", "sequence": "additional", "affiliation": []},
                   {"given": "Demis", "family": "Hassabis", "sequence": "additional", "affiliation": []}],
        "issued": {"date-parts": [[2021, 7, 15]]}, "published-print": {"date-parts": [[2021, 8, 26]]},
        "URL": "https://doi.org/10.1038/s41586-021-03819-2", "is-referenced-by-count": 20000,
        "reference-count": 84, "score": 1.0,
    })
    server.add_crossref({
        "DOI": "10.18653/v1/N19-1423", "type": "proceedings-article",
        "publisher": "Association for Computational Linguistics",
        "title": ["BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"],
        "container-title": ["Proceedings of the 2019 Conference of the North American Chapter of the "
                            "Association for Computational Linguistics: Human Language Technologies, "
                            "Volume 1 (Long and Short Papers)"],
        "page": "4171-4186",
        "author": [{"given": "Jacob", "family": "Devlin", "sequence": "first"},
                   {"given": "Ming-Wei", "family": "Chang", "sequence": "additional"},
                   {"given": "Kenton", "family": "Lee", "sequence": "additional"},
                   {"given": "Kristina", "family": "Toutanova", "sequence": "additional"}],
        "issued": {"date-parts": [[2019]]}, "event": {"name": "Proceedings of the 2019 Conference of the North"},
        "URL": "http://dx.doi.org/10.18653/v1/n19-1423",
    })
    # a near miss for title search: the same title, another year, another paper
    server.add_crossref({
        "DOI": "10.5555/attention.2023", "type": "journal-article", "publisher": "Example Press",
        "title": ["Attention is all you need"], "container-title": ["Journal of Examples"],
        "author": [{"given": "A.", "family": "Nother"}], "issued": {"date-parts": [[2023, 3]]},
    })
    server.add_crossref({
        "DOI": "10.1023/a:1026654312961", "type": "journal-article", "publisher": "Springer",
        "title": ["The Large N Limit of Superconformal Field Theories and Supergravity"],
        "container-title": ["International Journal of Theoretical Physics"], "volume": "38", "issue": "4",
        "page": "1113-1133", "author": [{"given": "Juan", "family": "Maldacena", "sequence": "first"}],
        "issued": {"date-parts": [[1999]]},
    })
    server.add_csl({
        "type": "article", "id": "https://doi.org/10.48550/arxiv.2501.12948",
        "DOI": "10.48550/ARXIV.2501.12948", "URL": "https://arxiv.org/abs/2501.12948",
        "title": "DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning",
        "author": [{"literal": "DeepSeek-AI"}, {"family": "Guo", "given": "Daya"}, {"family": "Yang", "given": "Dejian"}],
        "publisher": "arXiv", "issued": {"date-parts": [[2025]]},
        "copyright": "arXiv.org perpetual, non-exclusive license",
        "keyword": "Computation and Language (cs.CL), FOS: Computer and information sciences",
    })
    server.add_csl({
        "type": "article-journal", "DOI": "10.1038/s41586-021-03819-2",
        "title": "Highly accurate protein structure prediction with AlphaFold",
        "container-title": "Nature", "volume": "596", "issue": "7873", "page": "583-589",
        "author": [{"family": "Jumper", "given": "John"}], "issued": {"date-parts": [[2021, 7, 15]]},
        "publisher": "Springer Science and Business Media LLC",
    })
    server.add_arxiv({
        "id": "1810.04805v2", "published": "2018-10-11T00:50:01Z", "updated": "2019-05-24T20:37:26Z",
        "title": "BERT: Pre-training of Deep Bidirectional Transformers for\n  Language Understanding",
        "authors": ["Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova"],
        "doi": "10.18653/v1/N19-1423", "journal_ref": "NAACL-HLT 2019, pages 4171-4186", "category": "cs.CL",
    })
    server.add_arxiv({
        "id": "1706.03762v7", "published": "2017-06-12T17:57:34Z",
        "title": "Attention Is All You Need",
        "authors": ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Jakob Uszkoreit", "Llion Jones",
                    "Aidan N. Gomez", "Lukasz Kaiser", "Illia Polosukhin"], "category": "cs.CL",
    })
    server.add_arxiv({
        "id": "hep-th/9711200v3", "published": "1997-11-27T22:27:49Z",
        "title": "The Large N Limit of Superconformal Field Theories and Supergravity",
        "authors": ["Juan M. Maldacena"], "category": "hep-th",
        "doi": "10.1023/A:1026654312961", "journal_ref": "Adv.Theor.Math.Phys.2:231-252,1998",
    })
    server.add_openalex({
        "id": "https://openalex.org/W2626778328", "doi": "https://doi.org/10.48550/arxiv.1706.03762",
        "title": "Attention Is All You Need", "display_name": "Attention Is All You Need",
        "publication_year": 2017, "publication_date": "2017-06-12", "type": "preprint",
        "authorships": [{"author_position": "first", "author": {"display_name": "Ashish Vaswani"}},
                        {"author_position": "additional", "author": {"display_name": "Noam Shazeer"}}],
        "primary_location": {"landing_page_url": "https://arxiv.org/abs/1706.03762", "version": "submittedVersion",
                             "source": {"display_name": "arXiv (Cornell University)", "type": "repository"}},
        "locations": [{"landing_page_url": "https://arxiv.org/abs/1706.03762", "version": "submittedVersion"}],
        "biblio": {"volume": None, "issue": None, "first_page": None, "last_page": None},
        "ids": {"openalex": "https://openalex.org/W2626778328"},
    })
    server.add_openalex({
        "id": "https://openalex.org/W3177828909", "doi": "https://doi.org/10.1038/s41586-021-03819-2",
        "title": "Highly accurate protein structure prediction with AlphaFold",
        "publication_year": 2021, "publication_date": "2021-07-15", "type": "article", "type_crossref": "journal-article",
        "authorships": [{"author": {"display_name": "John Jumper"}}, {"author": {"display_name": "Richard Evans"}},
                        {"author": {"display_name": "Demis Hassabis"}}],
        "primary_location": {"landing_page_url": "https://doi.org/10.1038/s41586-021-03819-2", "version": "publishedVersion",
                             "source": {"display_name": "Nature", "issn_l": "0028-0836", "type": "journal"}},
        "biblio": {"volume": "596", "issue": "7873", "first_page": "583", "last_page": "589"},
        "ids": {"pmid": "https://pubmed.ncbi.nlm.nih.gov/34265844"},
    })
    server.add_book(CLRS_ISBN, {
        "url": "https://openlibrary.org/books/OL22771765M/Introduction_to_algorithms", "key": "/books/OL22771765M",
        "title": "Introduction to algorithms", "authors": [
            {"url": "https://openlibrary.org/authors/OL1846286A", "name": "Thomas H. Cormen"},
            {"url": "https://openlibrary.org/authors/OL2661097A", "name": "Charles E. Leiserson"},
            {"url": "https://openlibrary.org/authors/OL2661098A", "name": "Ronald L. Rivest"},
            {"url": "https://openlibrary.org/authors/OL1834565A", "name": "Clifford Stein"}],
        "number_of_pages": 1292, "identifiers": {"isbn_13": [CLRS_ISBN], "isbn_10": ["0262033844"]},
        "publishers": [{"name": "MIT Press"}], "publish_places": [{"name": "Cambridge, Mass"}],
        "publish_date": "2009", "subjects": [{"name": "Computer programming"}],
    })
    server.add_volume("9780131103627", {
        "title": "The C Programming Language", "authors": ["Brian W. Kernighan", "Dennis M. Ritchie"],
        "publisher": "Prentice Hall", "publishedDate": "1988", "pageCount": 272,
        "industryIdentifiers": [{"type": "ISBN_10", "identifier": "0131103628"},
                                {"type": "ISBN_13", "identifier": "9780131103627"}],
        "printType": "BOOK", "language": "en",
    })
    server.add_pubmed(COVID_PMID, {
        "pubdate": "2020 Mar", "epubdate": "2020 Feb 3", "source": "Nature",
        "authors": [{"name": "Zhou P", "authtype": "Author"}, {"name": "Yang XL", "authtype": "Author"},
                    {"name": "Shi ZL", "authtype": "Author"}],
        "title": "A pneumonia outbreak associated with a new coronavirus of probable bat origin.",
        "volume": "579", "issue": "7798", "pages": "270-273", "fulljournalname": "Nature",
        "issn": "0028-0836", "essn": "1476-4687",
        "articleids": [{"idtype": "pubmed", "idtypen": 1, "value": COVID_PMID},
                       {"idtype": "doi", "idtypen": 3, "value": "10.1038/s41586-020-2012-7"},
                       {"idtype": "pmc", "idtypen": 8, "value": "PMC7095418"}],
    })
    return server


def synthetic_works(server: FakeScholarlyServer, count: int, prefix: str = "10.5555/bench") -> list[str]:
    """``count`` distinct Crossref works (for benchmarks); returns their DOIs."""
    dois = []
    for i in range(count):
        doi = f"{prefix}.{i}"
        server.add_crossref({"DOI": doi, "type": "journal-article", "title": [f"Synthetic paper number {i}"],
                             "container-title": ["Journal of Benchmarks"], "volume": str(1 + i // 50),
                             "author": [{"given": "Ada", "family": f"Author{i}"}],
                             "issued": {"date-parts": [[2000 + i % 25]]}})
        dois.append(doi)
    return dois


def point_env_at(server: FakeScholarlyServer, setenv, cache_dir) -> None:
    """Point every source (``BIBKIT_<NAME>_URL``) and the cache at test locations.

    ``setenv`` is ``monkeypatch.setenv`` in tests. Rate limits are off: the local server is not
    the public service whose polite-use rules they follow.
    """
    for name, url in server.urls().items():
        setenv(f"BIBKIT_{name.upper()}_URL", url)
    setenv("BIBKIT_CACHE_DIR", str(cache_dir))
    setenv("BIBKIT_NO_RATE_LIMIT", "1")
    setenv("BIBKIT_TIMEOUT", "5")
