"""``bibkit check`` of one .bib file batch by batch: findings without holding the file.

The batches are :func:`bibkit.formats.bibtex.stream.read_batches`' (the serial reading, batch
by batch, on the worker processes, as ``convert`` and ``tidy`` stream). In the worker the
per-entry checks run on each batch and only their findings come back; what a check needs of
other entries is kept here as a compact record per entry instead of the entry:

* duplicate keys: :class:`bibkit.check.keys.KeyIndex` (each key's first spelling and place);
* the data model of the file (``--model auto``): whether some entry uses biblatex, known only
  at the end, so the checks that ask for the model run under both in the worker and the
  findings of the one the whole file calls for are kept;
* crossref: the keys and the crossref targets. A child whose parent is in the file inherits
  its fields (required fields) and may close a cycle, so such a file raises
  :class:`NotStreamable` and is checked whole, as before;
* likely duplicates: each entry's dedupe record (:mod:`bibkit.transforms.dedupe_stream`); the
  groups are found once the file is read, by the code the whole-file check runs, and each
  finding joins the findings of the batch its entry was read in.

The findings, their order and so the exit status are the whole-file check's
(``tests/test_bibtex_stream.py``, on every messy and corpus file). A check over every entry
without a compact record here, and the citation checks with a document, raise
:class:`NotStreamable` before anything is read; the caller checks whole.
"""
from __future__ import annotations

import pickle
from dataclasses import dataclass
from typing import Iterable, Iterator

from bibkit.check import problem_findings, selected_checks, sort_findings
from bibkit.check.fields import uses_biblatex
from bibkit.check.keys import KeyIndex, likely_duplicate_findings
from bibkit.check.registry import Check, Context, Finding
from bibkit.formats.bibtex.stream import NotStreamable, read_batches
from bibkit.io import scratch_file
from bibkit.model import Entry, Library
from bibkit.streaming import crossrefs_resolve_in
from bibkit.transforms.dedupe_stream import BatchRecords, FileRecords, batch_records
from bibkit.transforms.crossref import crossref_target, warn_missing_parent

#: checks over every entry whose streamed form is here (citation checks find nothing without a document)
_COMPACT = {"duplicate-key", "likely-duplicate"}
_LINK_CODES = ("crossref-missing", "crossref-cycle")

__all__ = ["NotStreamable", "check_stream"]


@dataclass
class _Asking(Context):
    """A context that notes whether a check asked for the data model (so its findings may differ)."""

    asked: bool = False

    def model(self, entry: Entry) -> str:
        self.asked = True
        return super().model(entry)


@dataclass
class _BatchFindings:
    """What one batch's job sends back: findings and compact records, never entries."""

    findings: list[Finding]  # per-entry findings under the model given (or bibtex, with auto)
    biblatex_findings: list[Finding] | None  # with --model auto: the same under biblatex
    uses_biblatex: bool
    keys: list[Entry]  # key-only stand-ins (key and source) for the duplicate-key index
    targets: list[str]  # lower-cased crossref targets
    links: list  # crossref-missing problems, as the whole-file check_crossrefs gives them
    records: BatchRecords | None  # dedupe records, when likely-duplicate is checked


def _stand_in(entry: Entry) -> Entry:
    return Entry(type=entry.type, key=entry.key, source=entry.source)


def _job(name: str, checks: list[Check], model: str):
    per_entry = [c for c in checks if c.entry_fn is not None]
    auto = model == "auto"
    duplicates = any(c.id == "likely-duplicate" for c in checks)

    def job(library: Library) -> _BatchFindings:
        # no parents: a file where a crossref resolves is checked whole (see the module's doc)
        plain = _Asking(library, {name: "bibtex" if auto else model}, cache={"parents": {}})
        other = _Asking(library, {name: "biblatex"}, cache={"parents": {}}) if auto else None
        findings: list[Finding] = []
        biblatex: list[Finding] | None = [] if auto else None
        links = Library()
        keys, targets = [], []
        uses = False
        for entry in library.entries:
            for check in per_entry:
                plain.asked = False
                got = list(check.entry_fn(entry, plain))
                findings.extend(got)
                if other is not None:
                    biblatex.extend(list(check.entry_fn(entry, other)) if plain.asked else got)
            uses = uses or (auto and uses_biblatex(entry))
            if entry.key:
                keys.append(_stand_in(entry))
            target = crossref_target(entry)
            if target:
                warn_missing_parent(links, entry, target)
            for value in (target, entry.extra.get("crossref")):
                if value:
                    targets.append(value.strip().lower())
        records = batch_records(library.entries) if duplicates else None
        return _BatchFindings(findings, biblatex, uses, keys, targets, links.problems, records)
    return job


def check_stream(path: str, select: Iterable[str] | None = None, ignore: Iterable[str] | None = None,
                 model: str = "auto", jobs: int | None = None, batch_bytes: int | None = None) -> Iterator[Finding]:
    """:func:`bibkit.check.run_checks` of the .bib file ``path`` (read as :func:`bibkit.check.load_for_check`
    reads it, without a document), batch by batch: the findings in the same order, read back
    from a scratch file one batch at a time. The whole file is read before this returns, so
    :class:`NotStreamable` (the file or a selected check needs the whole file) comes before
    any finding.

    Why batch by batch is the whole sort: every finding of a batch is on a line of that batch,
    so sorting each batch's findings (in the order the whole-file check finds them) and
    concatenating them is the whole-file sort; findings without a line sort first, and are
    kept aside.
    """
    checks = selected_checks(select, ignore)
    whole = [c.id for c in checks if c.library_fn is not None and c.id not in _COMPACT and c.family != "citations"]
    if whole:
        raise NotStreamable(f"{', '.join(whole)} compares every entry")
    if crossrefs_resolve_in(path):
        raise NotStreamable("a crossref to an entry of the file (the child inherits from it)")
    report_duplicates = any(c.id == "duplicate-key" for c in checks)
    records = FileRecords(path) if any(c.id == "likely-duplicate" for c in checks) else None
    head: list[tuple[int, int, Finding]] = []  # (kind, batch, finding) of findings without a line
    head_biblatex: list[tuple[int, int, Finding]] = []
    uses = False
    index = KeyIndex()
    targets: set[str] = set()
    spill = scratch_file()
    try:
        for n, batch in enumerate(read_batches(path, path, _job(path, checks, model), jobs, keep_raw=True,
                                               batch_bytes=batch_bytes)):
            result: _BatchFindings = batch.result
            # in the whole-file check's order: reading problems, key problems, crossref links,
            # per-entry findings, duplicate keys
            common = [(0, problem_findings([p for p in batch.problems if p.code not in _LINK_CODES], checks)),
                      (1, problem_findings([p for p in batch.key_problems if p.code not in _LINK_CODES], checks)),
                      (2, problem_findings(result.links, checks))]
            duplicates = []
            for entry in result.keys:
                found = index.add(entry)
                if found is not None and report_duplicates:
                    duplicates.append(found)
            plain = _spill_part(common + [(3, result.findings), (4, duplicates)], n, head)
            other = None
            if result.biblatex_findings is not None:
                other = _spill_part(common + [(3, result.biblatex_findings), (4, duplicates)], n, head_biblatex)
            pickle.dump((plain, other), spill, protocol=pickle.HIGHEST_PROTOCOL)
            uses = uses or result.uses_biblatex
            targets.update(result.targets)
            if records is not None:
                records.add(result.records)
        if not targets.isdisjoint(index.first):
            raise NotStreamable("a crossref to an entry of the file (the child inherits from it)")
        del index, targets
        later = _likely_duplicates(records, head, head_biblatex, jobs, batch_bytes) if records is not None else {}
    except BaseException:
        spill.close()
        raise
    biblatex = model == "auto" and uses
    return _read_back(spill, head_biblatex if biblatex else head, biblatex, later)


def _likely_duplicates(records: FileRecords, head: list, head_biblatex: list, jobs: int | None,
                       batch_bytes: int | None) -> dict[int, list[Finding]]:
    """The likely-duplicate findings by the batch their entry was read in (after every other
    finding of the batch, as the whole-file check finds them last); those without a line go to
    the heads."""
    groups = records.groups(jobs=jobs, keep_raw=True, batch_bytes=batch_bytes)
    members = [([records.stand_in(i) for i in g.indices], ", ".join(g.rules)) for g in groups]
    # entries on one line are read in one batch (batches are cut at the start of a line)
    by_line = {records.lines[i]: i for g in groups for i in g.indices}
    later: dict[int, list[Finding]] = {}
    for finding in likely_duplicate_findings(members):
        if finding.line:
            later.setdefault(records.batch_of(by_line[finding.line]), []).append(finding)
        else:  # in the order found, after the other findings without a line
            head.append((5, 0, finding))
            head_biblatex.append((5, 0, finding))
    return later


def _spill_part(kinds: list[tuple[int, list[Finding]]], batch: int, head: list) -> list[Finding]:
    """One batch's findings with a line, sorted; those without one go to ``head``."""
    body = []
    for kind, findings in kinds:
        for finding in findings:
            if finding.line:
                body.append(finding)
            else:
                head.append((kind, batch, finding))
    return sort_findings(body)


def _read_back(spill, head: list, biblatex: bool, later: dict[int, list[Finding]]) -> Iterator[Finding]:
    """The findings, batch by batch; ``later``: findings known only at the end, by batch."""
    head.sort(key=lambda item: (item[0], item[1]))
    yield from sort_findings([finding for _, _, finding in head])
    try:
        spill.seek(0)
        batch = 0
        while True:
            try:
                plain, other = pickle.load(spill)
            except EOFError:
                return
            found = other if biblatex else plain
            if batch in later:  # a stable sort: they stay after the batch's own findings on their line
                found = sort_findings(found + later.pop(batch))
            batch += 1
            yield from found
    finally:
        spill.close()
