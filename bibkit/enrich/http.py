"""One HTTP client for every source: on-disk cache, timeouts, retries, rate limits.

Built from maintained parts rather than by hand: requests-cache keeps answers in SQLite in the
user's cache folder (so a second run asks nothing), urllib3's ``Retry`` backs off on 429/5xx and
honours ``Retry-After`` (capped, so a server cannot make us hang), and a small gate per source
spaces requests out by that source's polite-use interval while a thread pool runs look-ups of
different entries side by side. Cached answers skip the gate: they cost the server nothing.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from bibkit.enrich.config import EnrichConfig

RETRY_STATUSES = (429, 500, 502, 503, 504)


class SourceError(Exception):
    """A source could not answer (unreachable, timed out, refused, or sent something unreadable)."""

    def __init__(self, source: str, message: str, kind: str = "error"):
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message
        self.kind = kind  # unreachable | timeout | http | malformed


class PartialAnswer(SourceError):
    """A list answer some of whose items could not be read: ``result`` holds the readable ones."""

    def __init__(self, source: str, message: str, result: list):
        super().__init__(source, message, "unreadable")
        self.result = result


def read_each(source: str, items: list, read) -> list:
    """``read`` over a list answer's items; one unreadable item costs only itself.

    Raises :class:`PartialAnswer` (with the readable items' results) when some failed, so the
    failure is reported and the other hits are still used.
    """
    out, bad = [], []
    for number, item in enumerate(items, 1):
        try:
            out.append(read(item))
        except Exception as exc:  # noqa: BLE001 - reported through PartialAnswer
            ident = item.get("DOI") or item.get("doi") or item.get("id") if isinstance(item, dict) else None
            bad.append(f"hit {number}" + (f" ({ident})" if ident else "") + f": {type(exc).__name__}: {exc}")
    if bad:
        raise PartialAnswer(source, "could not read " + "; ".join(bad), out)
    return out


@dataclass
class Fetched:
    """An answer: its status, body, and when it was really fetched (older when from the cache)."""

    url: str
    status: int
    text: str
    time: str
    from_cache: bool

    def json(self, source: str):
        import json

        try:
            return json.loads(self.text)
        except ValueError as exc:
            raise SourceError(source, f"malformed JSON from {self.url}: {exc}", "malformed") from None


def _capped_retry(config: EnrichConfig) -> Retry:
    cap = config.max_retry_after

    class CappedRetry(Retry):
        """urllib3's Retry with Retry-After cut to ``max_retry_after`` seconds."""

        def get_retry_after(self, response):  # type: ignore[override]
            value = super().get_retry_after(response)
            return None if value is None else min(value, cap)

    return CappedRetry(
        total=config.retries + 1,
        connect=config.retries,
        read=1,
        status=config.retries,
        backoff_factor=config.backoff,
        backoff_max=config.max_retry_after,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )


class _Gate:
    """Spaces out one source's requests and bounds how many are in flight."""

    def __init__(self, interval: float, in_flight: int):
        self.interval = interval
        self.slots = threading.BoundedSemaphore(max(1, in_flight))
        self.lock = threading.Lock()
        self.next_time = 0.0

    def __enter__(self):
        self.slots.acquire()
        if self.interval > 0:
            with self.lock:
                now = time.monotonic()
                wait = self.next_time - now
                self.next_time = max(now, self.next_time) + self.interval
            if wait > 0:
                time.sleep(wait)
        return self

    def __exit__(self, *exc):
        self.slots.release()


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class HttpClient:
    """GET with caching, politeness and clear errors; safe to share between threads."""

    def __init__(self, config: EnrichConfig | None = None):
        self.config = config or EnrichConfig.from_env()
        self.session = self._session()
        self.gates: dict[str, _Gate] = {}
        self.lock = threading.Lock()
        self.sent = 0  # requests that went to the network
        self.cached = 0  # answers served from the cache

    def _session(self) -> requests.Session:
        config = self.config
        if config.cache:
            import requests_cache

            path = config.cache_path()
            path.parent.mkdir(parents=True, exist_ok=True)
            session: requests.Session = requests_cache.CachedSession(
                str(path),
                backend="sqlite",
                expire_after=int(config.cache_days * 86400),
                allowable_codes=(200, 404),
                ignored_parameters=["mailto"],
                match_headers=["Accept"],
                stale_if_error=False,
                wal=True,  # concurrent readers do not wait for a writer
            )
        else:
            session = requests.Session()
        adapter = HTTPAdapter(max_retries=_capped_retry(config), pool_connections=8,
                              pool_maxsize=max(config.workers, 4))
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers["User-Agent"] = config.user_agent()
        return session

    def _gate(self, source: str) -> _Gate:
        with self.lock:
            gate = self.gates.get(source)
            if gate is None:
                gate = self.gates[source] = _Gate(self.config.interval(source), self.config.max_in_flight(source))
            return gate

    def get(self, source: str, url: str, params: dict | None = None, headers: dict | None = None,
            answers: tuple[int, ...] = (200, 404)) -> Fetched:
        """Fetch ``url``; ``answers`` (200 and 404) are answers, anything else after retries is a SourceError.

        A source whose error statuses carry a readable answer (arXiv's 400 names the malformed
        id in an Atom feed) lists them in ``answers`` and reads them itself.
        """
        params = dict(params or {})
        if self.config.mailto and source in ("crossref", "openalex"):
            params.setdefault("mailto", self.config.mailto)
        if self.config.mailto and source == "pubmed":
            params.setdefault("email", self.config.mailto)
            params.setdefault("tool", "bibkit")
        if self.config.cache:
            response = self.session.get(url, params=params, headers=headers, only_if_cached=True,
                                        timeout=self.config.timeout)
            if getattr(response, "from_cache", False) and response.status_code != 504:
                with self.lock:
                    self.cached += 1
                created = getattr(response, "created_at", None)
                stamp = created.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z") if created else _now()
                return Fetched(response.url, response.status_code, response.text, stamp, True)
        with self._gate(source):
            try:
                with self.lock:
                    self.sent += 1
                response = self.session.get(url, params=params, headers=headers, timeout=self.config.timeout)
            except requests.exceptions.Timeout:
                raise SourceError(source, f"timed out after {self.config.timeout:g} s ({url})", "timeout") from None
            except requests.exceptions.RequestException as exc:
                text = str(exc)
                if "timed out" in text.lower():
                    raise SourceError(source, f"timed out after {self.config.timeout:g} s ({url})", "timeout") from None
                reason = "connection refused" if "refused" in text.lower() else "cannot connect"
                raise SourceError(source, f"unreachable: {reason} ({url})", "unreachable") from None
        if response.status_code not in answers:
            raise SourceError(source, f"HTTP {response.status_code} from {response.url}", "http")
        return Fetched(response.url, response.status_code, response.text, _now(), False)

    def close(self) -> None:
        self.session.close()
