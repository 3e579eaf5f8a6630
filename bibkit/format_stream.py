"""``bibkit format`` of one .bib in batches: a CSL reference list whose memory does not grow
with the file.

Why: a reference list is the one output whose entries depend on each other -- the style's sort,
citation numbers, year-suffixes and added names that tell cites apart -- so the whole-file path
holds every entry, as canonical entries and as CSL items (some 14 KB an entry). Here the
decisions are taken on a compact record per entry, by the engine's own code
(:func:`~bibkit.csl.sort.sort_values`, :func:`~bibkit.csl.disambiguate.disambiguate` with the
precomputed :func:`~bibkit.csl.disambiguate.cite_key`, :meth:`~bibkit.csl.processor.Processor.bibliography_entry`),
and the items themselves wait in a scratch file:

1. the .bib is read in batches on the worker processes (:func:`bibkit.formats.bibtex.stream.read_batches`);
   each entry becomes its normalised CSL item, pickled to the scratch file, and the names the
   global given-name rule (APA, Chicago) looks at;
2. the items are measured on the workers: sort values, the cite disambiguation compares, and
   the entry as printed when nothing else changes it (kept in a second scratch file); an item
   the engine cannot render is a failure here, as it is alone in the whole-file path;
3. this process numbers and sorts the records and disambiguates the colliding cites (reading
   only their items back);
4. the workers render, in output order, what the decisions change (numbered entries, those
   given a year-suffix or more names, subsequent-author-substitute) and take the rest from
   the scratch file; this process writes the text in order.

The output is byte for byte the whole-file one (``tests/test_format_stream.py``). What needs
the whole file (an entry without a key, a file that is not UTF-8, a sort key that prints the
citation number, numbered cites that are disambiguated, LaTeX output)
raises :class:`NotStreamable` before anything is written, and the caller formats the whole file.
"""
from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import os
import pickle
import tempfile
import traceback
from array import array
from collections import deque
from typing import Iterator, TextIO

from bibkit.csl.base import DisState
from bibkit.csl.disambiguate import (cite_key, disambiguate, disambiguates, global_givenname_rule, key_positions,
                                     levels_of_families, people_of)
from bibkit.csl.nodes import prints_variable
from bibkit.csl.processor import Processor, _no_gc, _record, bibliography_dis, normalize_item
from bibkit.csl.reference_lists import entry_pieces, failure_problem
from bibkit.csl.sort import sort_values, sorted_by_values
from bibkit.diagnostics import Problem
from bibkit.formats.bibtex.stream import NotStreamable, control_chars_first, read_batches
from bibkit.model import Library
from bibkit.model_csl import entry_to_csl
from bibkit.parallel import fork_is_safe, job_count, started
from bibkit.streaming import crossref_links
from bibkit.transforms.crossref import MISSING, warn_link

__all__ = ["NotStreamable", "format_stream"]

#: items per task of the passes over the scratch file
CHUNK = 2000

#: what a worker needs besides its task: the engine, the markup and the scratch files (set
#: before the workers fork, so inherited; the serial path uses it as it is)
_WORKER: dict = {}


def format_stream(path: str, proc: Processor, fmt: str, out: TextIO, jobs: int | None = None,
                  batch_bytes: int | None = None) -> tuple[list[Problem], list[Problem]]:
    """The reference list of the .bib ``path`` in ``proc``'s style, as ``fmt`` (text, html,
    markdown) into ``out``: (reading problems, formatting problems), as the whole-file path
    reports them. Raises :class:`NotStreamable` before writing when the file needs that path."""
    _check_style(proc, fmt)
    with tempfile.TemporaryFile(prefix="bibkit-items-") as items, \
            tempfile.TemporaryFile(prefix="bibkit-texts-") as texts, \
            tempfile.TemporaryFile(prefix="bibkit-levels-") as levels_file:
        scratch = _Scratch(items, texts)
        _WORKER.update(proc=proc, fmt=fmt, items=items.fileno(), texts=texts.fileno(),
                       levels_file=levels_file.fileno(), levels=None)
        try:
            # the workers fork now, while this process is small: what it gathers later (the records
            # of every entry) is not copied into them
            with _Workers(job_count(jobs)) as workers:
                reading, listed = _read(path, proc, scratch, jobs, batch_bytes)
                problems, ids, renames, failures, people, lines = listed
                levels = levels_of_families(proc.style, people.values()) if people is not None else {}
                del people
                levels_file.write(pickle.dumps(levels, protocol=pickle.HIGHEST_PROTOCOL))
                levels_file.flush()
                failed: dict = {}
                measured = _measure(workers, scratch, ids, renames, failed)
                for found in (failures, failed):  # as the whole-file path: items it cannot read, then render
                    for i in sorted(found):
                        problems.append(failure_problem(found[i], path, lines[i] if lines[i] >= 0 else None))
                order, numbers, touched = _decide(proc, scratch, measured, renames, levels)
                del measured, levels
                gc.collect()
                texts_in_order = _render(workers, proc, scratch, order, numbers, renames, touched)
                for piece in entry_pieces((t for span in texts_in_order for t in span if t is not None), fmt):
                    out.write(piece)
        finally:
            _WORKER.clear()
    return reading, problems


def _check_style(proc: Processor, fmt: str) -> None:
    style = proc.style
    bib = style.bibliography
    if fmt not in ("text", "html", "markdown"):
        raise NotStreamable(f"{fmt} output is one environment labelled by every entry's citation")
    if bib is None or bib.layout is None:
        raise NotStreamable("a style without a bibliography")
    for key in bib.sort or ():
        macro = style.macros.get(key.macro) if key.macro else None
        if macro is not None and prints_variable(macro, "citation-number", style.macros):
            raise NotStreamable("a sort key that prints the citation number")
    if disambiguates(style) and proc._numeric_citations():
        raise NotStreamable("numbered cites that are disambiguated")


class _Scratch:
    """The items (pickled) and their rendered entries, each read back by its offset."""

    def __init__(self, items, texts):
        self.items, self.texts = items, texts
        self.item_at = array("q", [0])  # item i is bytes item_at[i]:item_at[i + 1]
        self.text_at = array("q")  # entry i's text starts there (-1: no text)
        self.text_end = array("q")
        self.guess = array("q")  # the citation number (and place + 1) text i was rendered with
        self._texts_size = 0

    def add_items(self, blob: bytes, sizes: list[int]) -> None:
        self.items.write(blob)
        end = self.item_at[-1]
        for size in sizes:
            end += size
            self.item_at.append(end)

    def item(self, i: int) -> dict:
        start = self.item_at[i]
        return pickle.loads(os.pread(self.items.fileno(), self.item_at[i + 1] - start, start))

    def add_text(self, i: int, text: str | None, guess: int) -> None:
        while len(self.text_at) <= i:
            self.text_at.append(-1)
            self.text_end.append(-1)
            self.guess.append(0)
        self.guess[i] = guess
        if text is None:
            return
        data = text.encode("utf-8")
        self.texts.write(data)
        self.text_at[i], self.text_end[i] = self._texts_size, self._texts_size + len(data)
        self._texts_size += len(data)

    def text(self, i: int) -> str | None:
        start = self.text_at[i]
        if start < 0:
            return None
        return os.pread(self.texts.fileno(), self.text_end[i] - start, start).decode("utf-8")

    def flush(self) -> None:
        self.items.flush()
        self.texts.flush()


# --------------------------------------------------------------------------- 1: reading


def _read(path, proc, scratch, jobs, batch_bytes):
    """Every entry's item into the scratch file; the problems of reading, and of the list so far."""
    style = proc.style
    global_rule = global_givenname_rule(style)

    def job(library: Library):
        keys, links, children = crossref_links(library.entries)
        children = [(entry.key, entry.source.file if entry.source else "<input>",
                     entry.source.line if entry.source else None, target) for entry, target in children]
        idents, lines, failures, people, sizes = [], [], {}, [], []
        blob = bytearray()
        for n, entry in enumerate(library.entries):
            item = entry_to_csl(entry)
            idents.append(str(item["id"]))
            lines.append(entry.source.line if entry.source and entry.source.line else -1)
            try:
                normal = normalize_item(item)
            except Exception as exc:  # noqa: BLE001 - as Processor._register reports it
                found: list = []
                _record(found, str(item.get("id")), exc)
                failures[n] = found[0]
                normal = None
            if global_rule and normal is not None:
                people.extend(people_of(style, normal))
            data = pickle.dumps(normal, protocol=pickle.HIGHEST_PROTOCOL)
            blob += data
            sizes.append(len(data))
        return idents, lines, failures, people, bytes(blob), sizes, keys, links, children

    reading: list[Problem] = []
    key_problems: list[Problem] = []
    keys: set[str] = set()
    parent_links: dict[str, str | None] = {}  # the crossref of the last entry with a key, where one has one
    children: list[tuple] = []  # (key, file, line, target) of each entry with a crossref
    problems: list[Problem] = []  # the list's own: repeated keys, failed items
    seen: dict[str, int] = {}
    renames: dict[int, str] = {}
    failures: dict = {}
    families: dict | None = {} if global_rule else None
    lines = array("q")
    count = 0
    for batch in read_batches(path, path, job, jobs, batch_bytes=batch_bytes):
        idents, batch_lines, batch_failures, people, blob, sizes, batch_keys, links, batch_children = batch.result
        scratch.add_items(blob, sizes)
        for n, ident in enumerate(idents):  # as csl_items: the second smith2020 is smith2020#2
            i = count + n
            line = batch_lines[n]
            lines.append(line)
            if ident in seen:
                seen[ident] += 1
                renames[i] = f"{ident}#{seen[ident]}"
                problems.append(Problem(f"duplicate key {ident!r}: formatted again as {renames[i]!r}",
                                        path, line if line >= 0 else None, "warning", "duplicate-key"))
            else:
                seen[ident] = 1
        for n, failure in batch_failures.items():
            failures[count + n] = dataclasses.replace(failure, id=renames.get(count + n, failure.id))
        if families is not None:
            for family, person in people:
                families.setdefault(family, set()).add(person)
        count += len(idents)
        keys.update(batch_keys)
        for key, link in zip(batch_keys, links):
            if link is not None:
                parent_links[key] = link
            elif key in parent_links:
                del parent_links[key]
        children.extend(batch_children)
        reading.extend(batch.problems)
        key_problems.extend(batch.key_problems)
    if any(new in seen for new in renames.values()):
        raise NotStreamable("a repeated key renamed to another entry's key")
    scratch.flush()
    # as the whole-file reader: control characters are removed (and reported) before reading
    reading = control_chars_first(reading)
    reading.extend(key_problems)
    # as the whole-file reader: the crossrefs are checked, not resolved
    checked = Library()
    for key, file, line, target in children:
        warn_link(checked, key, file, line, target, lambda key: parent_links.get(key) if key in keys else MISSING)
    reading.extend(checked.problems)
    ids = [i for i in range(count) if i not in failures]
    return reading, (problems, ids, renames, failures, families, lines)


# --------------------------------------------------------------------------- 2: measuring


def _load(start: int, end: int, ident: str | None, number: int) -> dict:
    """An item from the scratch file, with its id in the list and its citation number."""
    item = pickle.loads(os.pread(_WORKER["items"], end - start, start))
    if ident is not None:
        item["id"] = ident
    item["citation-number"] = number
    return item


def _measure_task(task: tuple[int, list[tuple]]) -> list[tuple]:
    """(item, failure, sort values, cite key, plain text, the number it was rendered with: 0 for
    none) of each item of ``task`` (in a worker)."""
    levels_size, rows = task
    proc, fmt = _WORKER["proc"], _WORKER["fmt"]
    if _WORKER["levels"] is None:
        _WORKER["levels"] = pickle.loads(os.pread(_WORKER["levels_file"], levels_size, 0))
    levels = _WORKER["levels"]
    style = proc.style
    sort = style.bibliography.sort
    positions = key_positions(style) if disambiguates(style) else None
    out = []
    with _no_gc():
        for i, start, end, ident, place in rows:
            # numbered as in an unsorted list where nothing fails: the number the entry most
            # likely gets (rendered again if not, see _render)
            guess = 0 if sort else place + 1
            item = _load(start, end, ident, guess or 1)
            try:
                values = tuple(sort_values(sort, style, proc.locale, item, "bibliography")) if sort else ()
                key = cite_key(proc, item, levels, positions) if positions else None
                entry, _ = proc.bibliography_entry(item, DisState(), None, max(guess - 1, 0))
                text = proc._out(entry, fmt, strip=True) if entry is not None else None
            except Exception as exc:  # noqa: BLE001 - as Processor._isolated reports it
                found: list = []
                _record(found, item["id"], exc)
                out.append((i, found[0], None, None, None, 0))
                continue
            out.append((i, None, values, key, text, guess))
    return out


def _measure(workers, scratch, ids, renames, failures) -> list[tuple]:
    """(item, sort values, cite key) of each item the engine renders; plain texts to the scratch."""
    levels_size = os.fstat(_WORKER["levels_file"]).st_size
    at = scratch.item_at

    def tasks():
        for start in range(0, len(ids), CHUNK):
            yield levels_size, [(i, at[i], at[i + 1], renames.get(i), place)
                                for place, i in enumerate(ids[start:start + CHUNK], start)]
    measured = []
    for rows in workers.map("_measure_task", tasks()):
        for i, failure, values, key, text, guess in rows:
            if failure is not None:
                failures[i] = failure
                continue
            scratch.add_text(i, text, guess)
            measured.append((i, values, key))
    scratch.flush()
    return measured


# --------------------------------------------------------------------------- 3: deciding


class _Items:
    """Items by index, read from the scratch only when disambiguation needs one (the last few
    kept: a colliding group's are read again and again)."""

    def __init__(self, scratch, renames, numbers):
        self.scratch, self.renames, self.numbers = scratch, renames, numbers
        self.cache: dict[int, dict] = {}

    def __getitem__(self, i: int) -> dict:
        item = self.cache.get(i)
        if item is None:
            if len(self.cache) > 4096:
                self.cache.clear()
            at = self.scratch.item_at
            item = self.cache[i] = _load(at[i], at[i + 1], self.renames.get(i), self.numbers[i])
        return item


def _decide(proc, scratch, measured, renames, levels):
    """The output order, each entry's citation number and the bibliography's disambiguation
    of the entries whose cites collide."""
    style = proc.style
    sort = style.bibliography.sort
    numbers = array("q", [0]) * len(scratch.item_at)
    for n, (i, _, _) in enumerate(measured):  # numbered in the order they are cited: the file's
        numbers[i] = n + 1
    order = [i for i, _, _ in measured]
    if sort:
        cn = [n for n, key in enumerate(sort) if key.variable == "citation-number"]
        values = []
        for i, row, _ in measured:
            if cn:
                row = list(row)
                for n in cn:
                    row[n] = numbers[i]
            values.append(row)
        order = [order[n] for n in sorted_by_values(sort, values)]
        del values
        if proc.numbered_by_sort():
            for n, i in enumerate(order):
                numbers[i] = n + 1
    touched: dict[int, DisState] = {}
    if disambiguates(style):
        keys = {i: key for i, _, key in measured}
        dis_map = disambiguate(proc, _Items(scratch, renames, numbers), order, [], keys=keys, levels=levels)
        del keys
        for i, dis in dis_map.items():
            if (dis.add_names or dis.year_suffix is not None or dis.condition or dis.expand_all
                    or (dis.name_levels and dis.name_levels is not levels)):
                touched[i] = bibliography_dis(dis, style)
    return array("q", order), numbers, touched


# --------------------------------------------------------------------------- 4: rendering


def _render_task(task: tuple[list[tuple], list[tuple]]) -> list[str | None]:
    """The entries of one span of the list (in a worker): each rendered again (``("render",
    start, end, id, number, dis, place)``) or read as measured (``("text", start, end)``);
    ``before``: the entries before the span, nearest first, whose names
    subsequent-author-substitute compares the first one's with."""
    rows, before = task
    proc, fmt = _WORKER["proc"], _WORKER["fmt"]
    prev = None
    unset = ("\x00", ["\x00"])  # names no entry has: substitutes nothing, comes back if passed on
    for _, start, end, ident, number, dis, place in before:
        _, names = proc.bibliography_entry(_load(start, end, ident, number), dis or DisState(), unset, place)
        if names is not unset:  # an entry without names passes the one before it on
            prev = names
            break
    else:
        if len(before) == _BEFORE:
            raise NotStreamable("a long run of entries without names before subsequent-author-substitute")
    out = []
    with _no_gc():
        for row in rows:
            if row[0] == "text":
                _, start, end = row
                out.append(os.pread(_WORKER["texts"], end - start, start).decode("utf-8") if start >= 0 else None)
                continue
            _, start, end, ident, number, dis, place = row
            entry, prev = proc.bibliography_entry(_load(start, end, ident, number), dis or DisState(), prev, place)
            out.append(proc._out(entry, fmt, strip=True) if entry is not None else None)
    return out


#: entries before a span looked at for subsequent-author-substitute's names
_BEFORE = 32


def _render(workers, proc, scratch, order, numbers, renames, touched) -> Iterator[list[str | None]]:
    """Each span's entries, in output order: rendered again where a decision changes them
    (a citation number or place other than measured, a disambiguated cite,
    subsequent-author-substitute), else the measured text."""
    bib = proc.style.bibliography
    sas = bib.attrs.get("subsequent-author-substitute") is not None
    numbered = prints_variable(bib.layout, "citation-number", proc.style.macros)
    numeric = proc._numeric_citations()  # an entry that prints nothing shows its place
    at = scratch.item_at

    def job(place: int) -> tuple:
        i = order[place]
        guess = scratch.guess[i]
        if (sas or i in touched or (numbered and numbers[i] != guess)
                or (numeric and (place + 1 != guess or scratch.text_at[i] < 0))):
            return "render", at[i], at[i + 1], renames.get(i), numbers[i], touched.get(i), place
        return "text", scratch.text_at[i], scratch.text_end[i]

    def tasks():
        for start in range(0, len(order), CHUNK):
            rows = [job(place) for place in range(start, min(start + CHUNK, len(order)))]
            before = []
            if sas:
                for place in range(start - 1, max(start - 1 - _BEFORE, -1), -1):
                    i = order[place]
                    before.append(("render", at[i], at[i + 1], renames.get(i), numbers[i], touched.get(i), place))
            yield rows, before
    yield from workers.map("_render_task", tasks())


# --------------------------------------------------------------------------- the workers


_TASKS = {"_measure_task": _measure_task, "_render_task": _render_task}


class _Workers:
    """Forked processes that run tasks in order (task n on worker n modulo their number, two
    in flight each); a task carries what it needs besides :data:`_WORKER`. With fewer than two
    jobs, or where forking is unsafe, the tasks run here."""

    def __init__(self, count: int):
        self.count = count if count >= 2 and fork_is_safe() else 0
        self.conns: list = []
        self.procs: list = []

    def __enter__(self) -> "_Workers":
        ctx = multiprocessing.get_context("fork")
        for _ in range(self.count):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_serve, args=(child,), daemon=True)
            if not started(proc):  # the tasks go to the workers there are, or run here
                parent.close()
                child.close()
                break
            child.close()
            self.conns.append(parent)
            self.procs.append(proc)
        return self

    def __exit__(self, *exc) -> None:
        for conn in self.conns:
            try:
                conn.send(None)
            except (OSError, ValueError):
                pass
        for proc, conn in zip(self.procs, self.conns):
            proc.join(5)
            if proc.is_alive():  # pragma: no cover - a stuck child
                proc.kill()
            conn.close()

    def map(self, name: str, tasks: Iterator) -> Iterator:
        if not self.conns:
            yield from map(_TASKS[name], tasks)
            return
        inflight: deque = deque()
        sent = 0

        def submit() -> None:
            nonlocal sent
            task = next(tasks, None)
            if task is not None:
                conn = self.conns[sent % len(self.conns)]
                conn.send((name, task))
                inflight.append(conn)
                sent += 1
        for _ in range(2 * len(self.conns)):
            submit()
        while inflight:
            status, value = inflight.popleft().recv()
            if status == "not-streamable":
                raise NotStreamable(value)
            if status != "ok":
                raise NotStreamable(f"a worker failed:\n{value}")
            submit()
            yield value


def _serve(conn) -> None:
    """A worker: run each task sent until None comes."""
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        name, task = message
        try:
            reply = ("ok", _TASKS[name](task))
        except NotStreamable as exc:
            reply = ("not-streamable", str(exc))
        except Exception:  # noqa: BLE001 - the parent reads the file whole instead
            reply = ("error", traceback.format_exc())
        try:
            conn.send(reply)
        except OSError:  # the parent is gone
            return
