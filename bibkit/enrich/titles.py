"""Adding a work by its title (``bibkit add "Attention is all you need"``).

A title alone is a weaker key than an identifier: it has no year or author count to narrow
the search, and different works share titles. So every search source is asked, hits are
judged by the same rule and threshold as ``enrich`` uses (:func:`bibkit.enrich.match.judge`),
hits that share an identifier count as one work, and a title is added only when exactly one
work passes; otherwise the user gets the candidates, each with the identifier to add it by.
"""
from __future__ import annotations

from dataclasses import dataclass

from bibkit.enrich.match import Verdict
from bibkit.enrich.resolver import Resolver
from bibkit.enrich.sources.base import Record
from bibkit.model import Entry


@dataclass
class TitleMatch:
    """The outcome of a title search: the record (``found``), or why none was taken and the candidates."""

    status: str  # found | ambiguous | not-found
    message: str
    record: Record | None = None


def looks_like_title(text: str) -> bool:
    """Two or more words with letters: searched as a title (one word is too little to go on)."""
    return len([w for w in text.split() if any(c.isalpha() for c in w)]) >= 2


def _work_keys(record: Record) -> set[str]:
    """What identifies a record's work: its DOI, arXiv id and published version's DOI."""
    ids = record.entry.ids
    keys = {f"{kind}:{value}" for kind, value in (("doi", ids.doi), ("arxiv", ids.arxiv),
                                                  ("doi", record.published_doi)) if value}
    return keys or {f"title:{record.entry.title.lower()}|{record.entry.year}"}


def distinct_works(records: list[Record]) -> list[Record]:
    """One record per work (the first source's), records sharing an identifier being one work."""
    groups: list[tuple[set[str], Record]] = []
    for record in records:
        keys = _work_keys(record)
        for group_keys, _ in groups:
            if group_keys & keys:
                group_keys |= keys
                break
        else:
            groups.append((keys, record))
    return [record for _, record in groups]


def describe(record: Record, verdict: Verdict | None = None) -> str:
    """One candidate as a line a user can act on: its identifier first, then what it is."""
    entry = record.entry
    ident = (f"doi:{entry.ids.doi}" if entry.ids.doi else f"arXiv:{entry.ids.arxiv}" if entry.ids.arxiv
             else "(no identifier)")
    who = entry.authors.names[0].display() if entry.authors.names else ""
    more = " et al." if len(entry.authors.names) > 1 else ""
    when = ", ".join(x for x in (str(entry.year or ""), who + more) if x)
    score = f", similarity {verdict.score:.0f}" if verdict is not None else ""
    return f"{ident}  \"{entry.title}\"" + (f" ({when})" if when else "") + f" [{record.source}{score}]"


def by_title(text: str, resolver: Resolver) -> TitleMatch:
    """``bibkit add "A title"``: one work above the title threshold is added; otherwise the
    candidates are listed and nothing is added for this title."""
    query = Entry()
    query.fields["title"] = " ".join(text.split())
    judged = resolver.search_all(query)
    accepted = distinct_works([record for record, verdict in judged if verdict.accepted])
    if len(accepted) == 1:
        record = accepted[0]
        verdict = next(v for r, v in judged if r is record)
        return TitleMatch("found", f"found by title search: {describe(record, verdict)}", record)
    if accepted:
        lines = [describe(r, next(v for h, v in judged if h is r)) for r in accepted]
        return TitleMatch("ambiguous", "several records have this title; nothing added (add the one you mean "
                                       "by its identifier):" + "".join(f"\n    {line}" for line in lines))
    near = sorted(judged, key=lambda rv: -rv[1].score)
    seen: set[int] = set()
    lines = []
    for record, verdict in near:
        if id(record) in seen or len(lines) == 5:
            continue
        seen.add(id(record))
        lines.append(describe(record, verdict))
    if not lines:
        return TitleMatch("not-found", "no record found for this title")
    needed = f"similarity {resolver.title_threshold:.0f} needed"
    return TitleMatch("not-found", f"no record matches this title closely enough ({needed}); nothing added. "
                                   "Candidates:" + "".join(f"\n    {line}" for line in lines))
