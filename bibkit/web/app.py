"""The web application of ``bibkit serve``: the page, its assets, and the JSON API it calls.

Starlette routes each request; the work itself (:mod:`bibkit.web.workspace`) runs in a worker
thread so that one long request never stalls the others. The API is the page's only way to
the server, so a script can do whatever the page does (see the README's "bibkit serve").
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Callable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bibkit import __version__, registry
from bibkit.diagnostics import BibkitError
from bibkit.web import lookup, output, workspace
from bibkit.web.guards import MAX_BODY, Guard, SecurityHeaders
from bibkit.web.workspace import RequestError

STATIC = Path(__file__).parent / "static"
#: seconds a source may stay silent before its look-up is given up (``bibkit add`` waits 20)
LOOKUP_TIMEOUT = 10.0
log = logging.getLogger("bibkit.web")

#: the API as the README documents it: method, path, what it takes, what it answers
API = [
    ("GET", "/api/info", "-", "version, importers, exporters, markups, locales, key policies, default key pattern, checks, limits"),
    ("GET", "/api/styles?q=WORDS&limit=N", "-", "styles whose name or title holds every word: [{name, title, dependent}]"),
    ("POST", "/api/entries", "{documents, keys?, merge?, threshold?, model?}",
     "{entries: [{id, key, authors, year, title, type, source, findings}], problems, duplicates, documents, summary}"),
    ("POST", "/api/fix", "{documents, findings: [id, ...], model?}", "{documents (fixed texts), fixed, messages}"),
    ("POST", "/api/format", "{documents, keys?, merge?, style, locale?, markup}", "{bibliography, citation, entries, problems}"),
    ("POST", "/api/export", "{documents, keys?, merge?, to, unicode?, tidy?, style?, locale?, markup?}",
     "{text, filename, entries, problems}"),
    ("POST", "/api/lookup", "{identifiers: [text, ...]}", "{text (BibTeX), entries, problems}"),
]


def _info() -> dict:
    from bibkit.check import CHECKS
    from bibkit.csl.locale import available_locales
    from bibkit.keys import DEFAULT_PATTERN, POLICIES

    return {
        "version": __version__,
        "importers": [{"name": i.name, "extensions": list(i.extensions), "description": i.description}
                      for i in registry.all_importers()],
        "exporters": [{"name": e.name, "extension": e.extension, "description": e.description}
                      for e in registry.all_exporters()],
        "markups": list(output.MARKUPS),
        "locales": list(available_locales()),
        "key_policies": list(POLICIES),
        "default_pattern": DEFAULT_PATTERN,
        "checks": [{"id": c.id, "severity": c.severity, "explanation": c.explanation, "fixable": c.fixable}
                   for c in CHECKS.values()],
        "limits": {"body_bytes": MAX_BODY, "documents": workspace.MAX_DOCUMENTS, "lookups": lookup.MAX_LOOKUPS},
        "api": [{"method": m, "path": p, "takes": t, "answers": a} for m, p, t, a in API],
    }


def _styles(query: str, limit: int) -> list[dict]:
    from bibkit.csl.styles import list_styles

    return [{"name": s.name, "title": s.title, "dependent": s.dependent} for s in list_styles(query)[:limit]]


async def _body(request: Request) -> dict:
    """The request's JSON object, or a 400 that says where the JSON is broken."""
    raw = await request.body()
    try:
        payload = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise RequestError("the request body is not UTF-8")
    except json.JSONDecodeError as exc:
        raise RequestError(f"malformed JSON: line {exc.lineno} column {exc.colno}: {exc.msg}")
    if not isinstance(payload, dict):
        raise RequestError("the request body must be a JSON object")
    return payload


def _endpoint(work: Callable[[dict], Any]):
    """A POST endpoint: JSON object in, ``work(payload)`` in a worker thread, JSON out; a refused
    request answers its status and message, never a traceback."""

    async def endpoint(request: Request) -> Response:
        try:
            payload = await _body(request)
            return JSONResponse(await run_in_threadpool(work, payload))
        except RequestError as exc:
            return JSONResponse({"error": str(exc)}, status_code=exc.status)
        except BibkitError as exc:
            return JSONResponse({"error": str(exc)}, status_code=422)

    return endpoint


def _entries(p: dict) -> dict:
    return workspace.overview(workspace.documents(p), workspace.choices(p), p.get("model") or "auto")


def _fix(p: dict) -> dict:
    wanted = p.get("findings") or []
    if not isinstance(wanted, list):
        raise RequestError("findings must be a list of finding ids")
    return workspace.fix(workspace.documents(p), wanted, p.get("model") or "auto")


def _text_option(p: dict, name: str, default: str | None) -> str | None:
    value = p.get(name) or default
    if value is not None and not isinstance(value, str):
        raise RequestError(f"{name} must be a string")
    return value


def _format(p: dict) -> dict:
    return output.preview(workspace.documents(p), workspace.choices(p), _text_option(p, "style", "apa"),
                             _text_option(p, "locale", None), _text_option(p, "markup", "text"))


def _export(p: dict) -> dict:
    return output.export(workspace.documents(p), workspace.choices(p), _text_option(p, "to", "bibtex"),
                            unicode=bool(p.get("unicode")), tidy=p.get("tidy") or None,
                            style=_text_option(p, "style", "apa"), locale=_text_option(p, "locale", None),
                            markup=_text_option(p, "markup", "text"))


def create_app(hosts: list[str], *, lookup_timeout: float = LOOKUP_TIMEOUT, max_body: int = MAX_BODY) -> Guard:
    """The ASGI application answering only to ``hosts`` (``host:port`` values, see
    :func:`bibkit.web.guards.own_hosts`)."""

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    async def info(request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(_info))

    async def styles(request: Request) -> Response:
        query = request.query_params.get("q", "")[:200]
        try:
            limit = max(1, min(int(request.query_params.get("limit", "50")), 3000))
        except ValueError:
            return JSONResponse({"error": "limit must be a number"}, status_code=400)
        return JSONResponse(await run_in_threadpool(_styles, query, limit))

    def look_up(p: dict) -> dict:
        return lookup.lookup(p.get("identifiers"), lookup_timeout)

    routes = [
        Route("/", index),
        Route("/api/info", info),
        Route("/api/styles", styles),
        Route("/api/entries", _endpoint(_entries), methods=["POST"]),
        Route("/api/fix", _endpoint(_fix), methods=["POST"]),
        Route("/api/format", _endpoint(_format), methods=["POST"]),
        Route("/api/export", _endpoint(_export), methods=["POST"]),
        Route("/api/lookup", _endpoint(look_up), methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes)
    return Guard(SecurityHeaders(app), hosts, max_body)


def warm_up() -> None:
    """Read the style catalogue and APA once, so the page's first preview is as fast as the next."""
    try:
        _styles("apa", 1)
        output.ENGINES.get("apa", None)
    except Exception:  # noqa: BLE001  (warming is an optimisation; a failure shows on first use)
        log.debug("warm-up failed", exc_info=True)
