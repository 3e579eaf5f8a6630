"""Add by identifier, and enrich entries from the scholarly databases.

The API behind ``bibkit add`` and ``bibkit enrich``::

    from bibkit.enrich import EnrichConfig, HttpClient, Resolver, add_identifiers, enrich_library
    http = HttpClient(EnrichConfig.from_env(mailto="me@example.org"))
    report = enrich_library(library, Resolver(http), upgrade_preprints=True)

Sources (``bibkit.enrich.sources``) turn each database's answers into canonical entries; the
resolver chooses which to ask; :mod:`bibkit.enrich.merge` fills only what is missing and
records provenance.
"""
from bibkit.enrich.config import EnrichConfig
from bibkit.enrich.engine import EnrichReport, Outcome, add_identifiers, enrich_library
from bibkit.enrich.http import HttpClient, SourceError
from bibkit.enrich.identify import entry_identifiers, parse_identifier
from bibkit.enrich.resolver import Resolver

__all__ = ["EnrichConfig", "EnrichReport", "HttpClient", "Outcome", "Resolver", "SourceError",
           "add_identifiers", "enrich_library", "entry_identifiers", "parse_identifier"]
