"""Settings for talking to the scholarly databases: where they are, how politely to ask.

Every value has a default suitable for the public services, can be set from the environment
(so a mirror or a test server can be named without touching code) and from the CLI. The
per-source rate limits come from each service's published polite-use rules: arXiv asks for
one request every 3 seconds, Crossref's polite pool (requests with a mailto) about 10 per
second with 3 in flight, OpenAlex 10 per second, NCBI E-utilities 3 per second without an API key.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from bibkit import __version__

#: Public base URLs; ``BIBKIT_<NAME>_URL`` overrides each.
DEFAULT_URLS: dict[str, str] = {
    "crossref": "https://api.crossref.org",
    "doi": "https://doi.org",
    "arxiv": "https://export.arxiv.org/api",
    "openalex": "https://api.openalex.org",
    "openlibrary": "https://openlibrary.org",
    "googlebooks": "https://www.googleapis.com/books/v1",
    "pubmed": "https://eutils.ncbi.nlm.nih.gov/entrez/eutils",
}

#: Seconds between two requests to one source (its polite-use rule).
DEFAULT_INTERVALS: dict[str, float] = {
    "crossref": 0.1,
    "doi": 0.05,
    "arxiv": 3.0,
    "openalex": 0.1,
    "openlibrary": 0.2,
    "googlebooks": 0.2,
    "pubmed": 0.34,
}

#: Requests one source may have in flight at once.
DEFAULT_CONCURRENCY: dict[str, int] = {"arxiv": 1, "crossref": 3, "pubmed": 3}


def default_cache_dir() -> Path:
    """``BIBKIT_CACHE_DIR`` or the platform's user cache folder for bibkit."""
    env = os.environ.get("BIBKIT_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("bibkit", appauthor=False))


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass
class EnrichConfig:
    """How to reach the sources. Build with :meth:`from_env` to honour ``BIBKIT_*`` variables."""

    urls: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_URLS))
    mailto: str = ""
    cache: bool = True
    cache_dir: Path | None = None
    cache_days: float = 30.0
    timeout: float = 20.0  # seconds to connect and between bytes of the answer
    retries: int = 3
    backoff: float = 0.5  # first back-off in seconds, doubled each retry
    max_retry_after: float = 60.0  # a Retry-After longer than this is cut short (never hang)
    workers: int = 8
    intervals: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_INTERVALS))
    concurrency: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_CONCURRENCY))
    polite: bool = True  # False: no per-source rate limits (local mirrors, benchmarks)

    @classmethod
    def from_env(cls, **overrides) -> "EnrichConfig":
        """Defaults, then ``BIBKIT_*`` environment variables, then ``overrides``."""
        config = cls()
        for name in config.urls:
            env = os.environ.get(f"BIBKIT_{name.upper()}_URL")
            if env:
                config.urls[name] = env
        config.mailto = os.environ.get("BIBKIT_MAILTO", "")
        config.timeout = _env_float("BIBKIT_TIMEOUT", config.timeout)
        if os.environ.get("BIBKIT_NO_CACHE", "").lower() in {"1", "true", "yes"}:
            config.cache = False
        if os.environ.get("BIBKIT_NO_RATE_LIMIT", "").lower() in {"1", "true", "yes"}:
            config.polite = False
        for key, value in overrides.items():
            if value is None:
                continue
            if key == "urls":
                config.urls.update(value)
            elif not hasattr(config, key):
                raise TypeError(f"unknown setting {key!r}")
            else:
                setattr(config, key, value)
        return config

    def url(self, source: str) -> str:
        return self.urls.get(source, "").rstrip("/")

    def user_agent(self) -> str:
        """Crossref, OpenAlex and NCBI ask for a tool name and a contact address."""
        contact = f"; mailto:{self.mailto}" if self.mailto else ""
        return f"bibkit/{__version__} (https://pypi.org/project/bibkit-refs/{contact})"

    def interval(self, source: str) -> float:
        if not self.polite:
            return 0.0
        interval = self.intervals.get(source, 0.0)
        if source == "crossref" and not self.mailto:
            interval = max(interval, 0.2)  # Crossref's public pool: 5 requests a second
        return interval

    def max_in_flight(self, source: str) -> int:
        if not self.polite:
            return self.workers
        if source == "crossref" and not self.mailto:
            return 1  # Crossref's public pool: one request at a time
        return self.concurrency.get(source, self.workers)

    def cache_path(self) -> Path:
        return (self.cache_dir or default_cache_dir()) / "http-cache.sqlite"
