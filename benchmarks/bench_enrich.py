"""Look-up throughput: 200 DOI look-ups against a local server with artificial latency.

Each request to :class:`bibkit.enrich.testing.FakeScholarlyServer` waits ``--latency``
seconds (50 ms by default, a realistic round trip to Crossref) before answering, so the
numbers show what concurrency and the cache do, not how fast localhost is. Runs, all in one
process against the same server and the same 200 DOIs (``bibkit add``'s code path,
:func:`bibkit.enrich.add_identifiers`):

- ``requests loop``: the naive peer, ``requests.get`` one DOI after another (no retries, no cache);
- ``bibkit, 1 worker``: bibkit's client without concurrency;
- ``bibkit, N workers``: the thread pool, rate limits off (a private mirror);
- ``bibkit, N workers, polite``: Crossref's polite-pool rules in force (a mailto given: 10/s, 3 in flight);
- ``bibkit, cold cache`` then ``bibkit, warm cache``: a first run fills the SQLite cache, the
  second is answered from it with no request sent.

    python benchmarks/bench_enrich.py                    # 200 look-ups, 50 ms, 8 workers
    python benchmarks/bench_enrich.py --count 100 --latency 0.1 --workers 16

Ratios are look-ups/second divided by the naive loop's.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def measure(label: str, dois: list[str], config, server) -> tuple[str, float, int, int]:
    from bibkit.enrich import HttpClient, Resolver, add_identifiers

    http = HttpClient(config)
    before = len(server.log)
    started = time.perf_counter()
    report = add_identifiers(dois, Resolver(http, sources=["crossref"]))
    elapsed = time.perf_counter() - started
    http.close()
    assert len(report.outcomes) == len(dois) and not report.problems, report.problems[:3]
    return label, elapsed, len(server.log) - before, http.cached


def naive(dois: list[str], server) -> tuple[str, float, int, int]:
    import requests

    before = len(server.log)
    started = time.perf_counter()
    with requests.Session() as session:
        for doi in dois:
            response = session.get(f"{server.url('crossref')}/works/{doi}", timeout=10)
            response.raise_for_status()
            response.json()
    return "requests loop (peer)", time.perf_counter() - started, len(server.log) - before, 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()

    from bibkit.enrich.config import EnrichConfig
    from bibkit.enrich.testing import FakeScholarlyServer, synthetic_works

    server = FakeScholarlyServer(latency=args.latency).start()
    dois = synthetic_works(server, args.count)
    rows = [naive(dois, server)]
    base = dict(urls=server.urls(), backoff=0.01)
    rows.append(measure("bibkit, 1 worker", dois, EnrichConfig(**base, workers=1, cache=False, polite=False), server))
    rows.append(measure(f"bibkit, {args.workers} workers", dois,
                        EnrichConfig(**base, workers=args.workers, cache=False, polite=False), server))
    rows.append(measure(f"bibkit, {args.workers} workers, polite", dois,
                        EnrichConfig(**base, workers=args.workers, cache=False, polite=True,
                                     mailto="bench@example.org"), server))
    with tempfile.TemporaryDirectory() as cache:
        config = dict(base, workers=args.workers, cache=True, cache_dir=Path(cache), polite=False)
        rows.append(measure("bibkit, cold cache", dois, EnrichConfig(**config), server))
        rows.append(measure("bibkit, warm cache", dois, EnrichConfig(**config), server))
    server.stop()

    peer = args.count / rows[0][1]
    print(f"{args.count} DOI look-ups, {args.latency * 1000:.0f} ms latency per request, local server")
    print(f"{'run':<28} {'seconds':>8} {'look-ups/s':>11} {'requests':>9} {'cached':>7} {'vs peer':>8}")
    for label, elapsed, sent, cached in rows:
        rate = args.count / elapsed
        print(f"{label:<28} {elapsed:>8.2f} {rate:>11.1f} {sent:>9} {cached:>7} {rate / peer:>7.1f}x")


if __name__ == "__main__":
    main()
