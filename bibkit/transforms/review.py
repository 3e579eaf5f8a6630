"""The review queue of dedupe: near pairs written for a person, and their decisions read back.

``bibkit dedupe FILES... --review pairs.csv`` writes one pair a row: which records (file and
key), their key fields side by side, the similarity, why the evidence was not enough, and an
empty ``decision`` column. The user fills it with ``same`` or ``different`` and passes the file
back with ``--decisions pairs.csv`` (to ``dedupe`` or ``merge``): a ``same`` pair is merged, a
``different`` pair is never merged, not even through a third record. Records are named by their
file's base name and key, so the decisions still apply when the searches are re-run from
another folder. Applying them is deterministic: the decisions are a set, and when one pair is
marked both ways, ``different`` wins (and a warning says so).
"""
from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from typing import Iterable, Sequence

from bibkit.diagnostics import BibkitError, Problem
from bibkit.model import Entry
from bibkit.names import format_names
from bibkit.transforms.dedupe import Match

DECISIONS = ("same", "different")
#: Fields shown side by side (label, how to read it from an entry).
_SHOWN = ("title", "authors", "year", "journal", "volume", "issue", "pages", "doi")
COLUMNS = (["a_file", "a_key", "b_file", "b_key"]
           + [f"{side}_{name}" for name in _SHOWN for side in ("a", "b")]
           + ["score", "why", "decision"])


def record_id(entry: Entry) -> tuple[str, str]:
    """(file base name, key): how the review file names a record; a record without a key (RIS,
    MEDLINE) by its line ("line 12"). Taken before dedupe gives keys to keyless records."""
    source = entry.source
    name = os.path.basename(source.file) if source else ""
    if entry.key:
        return name, entry.key
    return name, f"line {source.line}" if source and source.line is not None else ""


def _shown(entry: Entry, name: str) -> str:
    fields = entry.fields
    if name == "authors":
        people = entry.names.get("author") or entry.names.get("editor")
        return format_names(people) if people else ""
    if name == "year":
        issued = entry.dates.get("issued")
        return str(issued.start.year) if issued is not None and issued.start is not None else ""
    if name == "journal":
        return str(fields.get("container-title", ""))
    if name == "pages":
        return str(fields.get("page", ""))
    if name == "doi":
        return entry.ids.doi
    return str(fields.get(name, ""))


def review_csv(entries: Sequence[Entry], pairs: Iterable[Match], ids: Sequence[tuple[str, str]] | None = None) -> str:
    """The review queue as CSV text (one pair a row, an empty decision column); ``ids`` are the
    records' :func:`record_id` taken before the run changed any key."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for m in pairs:
        a, b = entries[m.a], entries[m.b]
        row = [*(ids[m.a] if ids else record_id(a)), *(ids[m.b] if ids else record_id(b))]
        for name in _SHOWN:
            row += [_shown(a, name), _shown(b, name)]
        writer.writerow(row + [f"{m.score:g}", m.detail, ""])
    return out.getvalue()


@dataclass(frozen=True)
class Decision:
    a: tuple[str, str]
    b: tuple[str, str]
    same: bool
    line: int


def read_decisions(path: str) -> tuple[list[Decision], list[Problem]]:
    """The decided rows of a review file; rows left blank are skipped, bad ones reported."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            text = handle.read()
    except OSError as exc:
        raise BibkitError(f"{path}: cannot read the decisions ({exc.strerror or exc})")
    except UnicodeDecodeError as exc:
        raise BibkitError(f"{path}: the decisions are not UTF-8 text (byte 0x{exc.object[exc.start]:02x})")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("a_file", "a_key", "b_file", "b_key", "decision") if c not in (reader.fieldnames or [])]
    if missing:
        raise BibkitError(f"{path}:1: not a review file of bibkit dedupe (no column {', '.join(missing)})")
    decisions: list[Decision] = []
    problems: list[Problem] = []
    for row in reader:
        line = reader.line_num
        value = (row.get("decision") or "").strip().lower()
        if not value:
            continue
        if value not in DECISIONS:
            problems.append(Problem(f"decision must be 'same' or 'different', not {value!r}: row skipped",
                                    path, line, "error", "bad-decision"))
            continue
        decisions.append(Decision((row["a_file"] or "", row["a_key"] or ""), (row["b_file"] or "", row["b_key"] or ""),
                                  value == "same", line))
    return decisions, problems


def decision_pairs(entries: Sequence[Entry], decisions: Iterable[Decision], path: str = "<decisions>"
                   ) -> tuple[list[tuple[int, int]], list[tuple[int, int]], list[Problem]]:
    """(same pairs, different pairs, problems) as indices into ``entries``.

    A record the inputs no longer hold is reported and its decision skipped; a key that two
    records of one file share names both.
    """
    index: dict[tuple[str, str], list[int]] = {}
    for i, e in enumerate(entries):
        index.setdefault(record_id(e), []).append(i)  # before any key is given
    same: set[tuple[int, int]] = set()
    different: set[tuple[int, int]] = set()
    problems: list[Problem] = []
    for d in decisions:
        xs, ys = index.get(d.a), index.get(d.b)
        if not xs or not ys:
            gone = d.a if not xs else d.b
            problems.append(Problem(f"record {gone[1]!r} of {gone[0]!r} is not in the inputs: decision skipped",
                                    path, d.line, "warning", "decision-unknown-record"))
            continue
        for x in xs:
            for y in ys:
                if x != y:
                    (same if d.same else different).add((min(x, y), max(x, y)))
    both = same & different
    for x, y in sorted(both):
        problems.append(Problem(f"{entries[x].key!r} and {entries[y].key!r} are marked both same and different: "
                                "kept apart", path, None, "warning", "decision-contradiction"))
    return sorted(same - both), sorted(different), problems
