"""Look-ups the page asks for: identifiers and titles to entries, as ``bibkit add`` finds them."""
from __future__ import annotations

from typing import Any

from bibkit import api
from bibkit.keys import assign_keys
from bibkit.model import Library
from bibkit.web.workspace import RequestError, problem_dict

#: at most this many identifiers looked up in one request
MAX_LOOKUPS = 100


def lookup(texts: Any, timeout: float) -> dict:
    """Entries for DOIs, arXiv ids, ISBNs, URLs or titles, found as ``bibkit add`` finds them
    (same sources, same on-disk cache); each look-up that fails or times out is one problem,
    and the others still come back. The result is BibTeX text the page adds as a document."""
    from bibkit.enrich import EnrichConfig, HttpClient, Resolver, add_identifiers

    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise RequestError("identifiers must be a list of strings")
    texts = [" ".join(t.split()) for t in texts if t.strip()]
    if not texts:
        raise RequestError("give at least one identifier or title")
    if len(texts) > MAX_LOOKUPS:
        raise RequestError(f"at most {MAX_LOOKUPS} look-ups at once")
    if any(len(t) > 1000 for t in texts):
        raise RequestError("an identifier or title is longer than 1000 characters")
    http = HttpClient(EnrichConfig.from_env(timeout=timeout))
    try:
        report = add_identifiers(texts, Resolver(http))
    finally:
        http.close()
    found = [o.entry for o in report.outcomes if o.status == "filled"]
    assign_keys(found)
    problems = [problem_dict(p) for p in report.problems]
    problems += [{"file": "", "line": None, "severity": "error", "code": "source-failed", "message": line,
                  "text": line} for line in report.source_errors]
    return {"text": api.dumps(Library.of(found), "bibtex", unicode=True) if found else "",
            "entries": len(found), "problems": problems}
