"""Work on several cores gives what one process gives: forked slices and the parallel writer."""
from __future__ import annotations

import os
import threading

import bibkit
from bibkit import parallel
from bibkit.formats.bibtex import BibTeXWriter
from bibkit.parallel import map_forked, slices

from .conftest import require_shared


def _square_with_pid(numbers):
    return [(n * n, os.getpid()) for n in numbers]


def test_slices_are_consecutive_and_cover_everything():
    items = list(range(10))
    cut = slices(items, 3)
    assert [len(s) for s in cut] == [4, 3, 3] and [x for s in cut for x in s] == items
    assert slices([], 2) == [[], []]


def test_map_forked_keeps_order_and_uses_other_processes(monkeypatch):
    # idle server threads of earlier tests may linger; this function takes no locks, so fork here
    monkeypatch.setattr(parallel, "fork_is_safe", lambda: True)
    results = map_forked(_square_with_pid, slices(list(range(9)), 3))
    assert [v for part in results for v, _ in part] == [n * n for n in range(9)]
    pids = {pid for part in results for _, pid in part}
    assert os.getpid() in pids and len(pids) == 3


def _fails_in_children(numbers, parent=os.getpid()):
    if os.getpid() != parent:
        raise RuntimeError("child failure")
    return sum(numbers)


def test_a_failing_child_costs_time_not_the_result(monkeypatch):
    monkeypatch.setattr(parallel, "fork_is_safe", lambda: True)
    assert map_forked(_fails_in_children, [[1, 2], [3], [4, 5]]) == [3, 3, 9]


def test_beside_other_threads_the_work_stays_in_this_process():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not parallel.fork_is_safe()
        results = map_forked(_square_with_pid, [[1], [2]])
        assert {pid for part in results for _, pid in part} == {os.getpid()}
    finally:
        stop.set()
        other.join()


def test_the_parallel_writer_writes_what_one_process_writes(monkeypatch):
    path = require_shared("corpus", "large", "jgrey-main.bib")
    library = bibkit.load(path, jobs=1)
    library.blocks[3:3] = bibkit.loads("@string{jn = {J. Tests}}\n% a comment\n@preamble{{x}}", "bibtex").blocks
    monkeypatch.setattr(parallel, "fork_is_safe", lambda: True)  # as above: lingering idle threads
    for flavour in ("bibtex", "biblatex"):
        serial = BibTeXWriter(flavour, jobs=1).dump(library)
        with monkeypatch.context() as patch:
            patch.setattr(BibTeXWriter, "PARALLEL_MIN_BLOCKS", 10)
            forked = [BibTeXWriter(flavour, jobs=n).dump(library) for n in (2, 3)]
        assert forked == [serial, serial]


def test_the_writer_output_of_empty_and_comment_only_libraries_is_unchanged(monkeypatch):
    monkeypatch.setattr(BibTeXWriter, "PARALLEL_MIN_BLOCKS", 1)
    assert BibTeXWriter(jobs=2).dump(bibkit.loads("", "bibtex")) == ""
    lib = bibkit.loads("@comment{one}\n\n@comment{two}\n", "bibtex")
    assert BibTeXWriter(jobs=2).dump(lib) == BibTeXWriter(jobs=1).dump(lib) == "@comment{one}\n\n@comment{two}\n"


def _square_or_fail(n):
    if n == 5 and os.getpid() != _PARENT[0]:
        raise RuntimeError("only in a worker")
    return n * n, os.getpid()


_PARENT = [os.getpid()]


def test_forked_workers_keep_order_read_lazily_and_redo_a_failed_item(monkeypatch):
    monkeypatch.setattr(parallel, "fork_is_safe", lambda: True)
    _PARENT[0] = os.getpid()
    handed = []

    def items():
        for n in range(12):
            handed.append(n)
            yield n
    with parallel.ForkedWorkers(_square_or_fail, jobs=2) as workers:
        results = workers.imap(items())
        first = next(results)
        assert first[0] == 0 and len(handed) <= 3  # one item per worker, and the next one
        rest = list(results)
        assert [v for v, _ in [first, *rest]] == [n * n for n in range(12)]
        pids = {pid for _, pid in [first, *rest]}
        assert os.getpid() in pids and len(pids) == 3  # item 5 was redone here
        assert [v for v, _ in workers.imap(range(4))] == [0, 1, 4, 9]  # the same workers, again
