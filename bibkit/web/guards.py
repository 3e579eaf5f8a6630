"""What keeps a local server local: its own Host and Origin only, and bodies of a bounded size.

A page on another site the user has open can make the browser send requests to 127.0.0.1, and
a DNS name rebound to 127.0.0.1 makes them look same-origin: the ``Host`` check refuses the
second (the browser sends the attacker's name), the ``Origin`` check the first. JSON bodies
are required for posts, which a cross-site form cannot send without a CORS preflight that
this server never grants. One ASGI middleware, so every route, static files included, is covered.
"""
from __future__ import annotations

import json
from typing import Awaitable, Callable, Iterable

#: largest request body accepted (20 MB: a big .bib pasted or dropped, with room for JSON escaping)
MAX_BODY = 20 * 1024 * 1024

Scope = dict
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


async def refuse(send: Send, status: int, message: str) -> None:
    """A JSON error ``{"error": message}`` with ``status``."""
    body = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def own_hosts(host: str, port: int) -> set[str]:
    """The ``Host`` values that name this server: its address and, on loopback, localhost's names."""
    names = {host}
    if host in ("127.0.0.1", "localhost", "::1", "0.0.0.0", "::"):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    if host in ("0.0.0.0", "::"):  # every address of the machine: its names too
        import socket

        try:
            names |= {socket.gethostname(), socket.getfqdn(), socket.gethostbyname(socket.gethostname())}
        except OSError:
            pass
    names = {f"[{n}]" if ":" in n and not n.startswith("[") else n for n in names}
    hosts = {f"{n}:{port}".lower() for n in names}
    if port == 80:  # browsers leave the default port out of Host
        hosts |= {n.lower() for n in names}
    return hosts


class Guard:
    """ASGI middleware: refuse a foreign ``Host`` (400), a foreign ``Origin`` (403), a body over
    ``max_body`` (413) and a post that is not JSON (415); everything else goes to ``app``."""

    def __init__(self, app, hosts: Iterable[str], max_body: int = MAX_BODY):
        self.app = app
        self.hosts = {h.lower() for h in hosts}
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":  # the page uses none: no cross-site socket either
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host", "").lower()
        if host not in self.hosts:
            await refuse(send, 400, f"this server answers only to {', '.join(sorted(self.hosts))}; "
                                    f"refused Host {host or '(none)'!r}")
            return
        origin = headers.get("origin")
        if origin is not None and origin.lower() != f"http://{host}":
            await refuse(send, 403, f"refused a request from another site ({origin})")
            return
        navigation = scope["method"] == "GET" and headers.get("sec-fetch-mode") == "navigate"
        if headers.get("sec-fetch-site") == "cross-site" and not navigation:  # a followed link may open the page
            await refuse(send, 403, "refused a request from another site")
            return
        if scope["method"] not in ("GET", "HEAD"):
            ctype = headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype != "application/json":
                await refuse(send, 415, "send the request body as application/json")
                return
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                await refuse(send, 400, "bad Content-Length")
                return
            if int(length) > self.max_body:
                await refuse(send, 413, self._too_large())
                return
        await self._call_limited(scope, receive, send)

    def _too_large(self) -> str:
        return f"the request is larger than {self.max_body // (1024 * 1024)} MB; send fewer or smaller documents"

    async def _call_limited(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The app, given the body read here first: at most ``max_body`` bytes however it is sent
        (chunked too), so no endpoint ever sees a body over the limit."""
        chunks: list[bytes] = []
        seen = 0
        more = scope["method"] not in ("GET", "HEAD")
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.max_body:
                await refuse(send, 413, self._too_large())
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        delivered = False

        async def replay() -> dict:
            nonlocal delivered
            if delivered:
                return await receive()  # the client's disconnect, when it comes
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


#: the page loads only its own scripts and styles; previews are shown in a sandboxed frame
HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     b"frame-src 'self' about:; frame-ancestors 'none'; form-action 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


class SecurityHeaders:
    """ASGI middleware adding :data:`HEADERS` to every response (no other site may frame the
    page, and the page runs only the scripts the wheel ships)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *HEADERS]}
            await send(message)

        await self.app(scope, receive, with_headers if scope["type"] == "http" else send)
