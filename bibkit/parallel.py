"""How many processes bibkit may use, and running a pure function over slices on several cores.

Large inputs are the only reason for more than one process: a 100k-entry .bib takes seconds to
read and write in pure Python. Threads would share one interpreter lock, so the work goes to
processes. Reading sends pieces of text out and canonical blocks back
(:mod:`bibkit.formats.bibtex.pieces`); writing forks children that already hold the library in
their (copy-on-write) memory and send back only text (:func:`map_forked`).
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
from collections import deque
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

ENV_JOBS = "BIBKIT_JOBS"

T = TypeVar("T")
R = TypeVar("R")


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def job_count(jobs: int | None = None) -> int:
    """``jobs``, else ``BIBKIT_JOBS`` (``bibkit --jobs`` sets it), else the cores we may use."""
    if jobs is None:
        env = os.environ.get(ENV_JOBS, "").strip()
        jobs = int(env) if env.isdigit() else available_cores()
    return max(1, jobs)


def fork_is_safe() -> bool:
    """fork is fastest (memory is shared, not sent) but unsafe beside other threads."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def started(proc) -> bool:
    """Start the forked ``proc``; False where the system refuses another process (a process
    limit, a sandbox): the caller then does that share of the work itself, as for a child that
    failed."""
    try:
        proc.start()
    except OSError:
        return False
    return True


def slices(items: Sequence[T], parts: int) -> list[Sequence[T]]:
    """``items`` cut into ``parts`` consecutive slices of (nearly) equal length."""
    size, extra = divmod(len(items), parts)
    out, start = [], 0
    for n in range(parts):
        end = start + size + (1 if n < extra else 0)
        out.append(items[start:end])
        start = end
    return out


def _child(conn, func: Callable, arg) -> None:
    import gc

    gc.disable()  # a collection would touch (and so copy) the parent's pages
    try:
        conn.send_bytes(pickle.dumps(("ok", func(arg)), protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException as exc:  # the parent redoes this slice itself
        try:
            conn.send_bytes(pickle.dumps(("error", repr(exc))))
        except Exception:
            pass
    finally:
        conn.close()


def map_forked(func: Callable[[T], R], args: Sequence[T]) -> list[R]:
    """``[func(a) for a in args]``: the first here, the others in forked children at once.

    ``func`` must be pure: a child's side effects stay in the child. A child that fails (or a
    platform without a safe fork) costs time, not correctness: its slice is redone here.
    """
    if len(args) < 2 or not fork_is_safe():
        return [func(a) for a in args]
    ctx = multiprocessing.get_context("fork")
    children = []
    for arg in args[1:]:
        parent_end, child_end = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(child_end, func, arg), daemon=True)
        if not started(proc):
            parent_end.close()
            child_end.close()
            break
        child_end.close()
        children.append((proc, parent_end))
    results = [func(args[0])]
    for (proc, conn), arg in zip(children, args[1:]):
        try:
            status, value = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            status, value = "error", None
        conn.close()
        proc.join(5)
        results.append(value if status == "ok" else func(arg))
    results.extend(func(arg) for arg in args[1 + len(children):])  # those no child could take
    return results


def _serve(conn, func: Callable) -> None:
    """A worker of :class:`ForkedWorkers`: items until told to stop, each answered in turn."""
    import gc

    gc.disable()  # a collection would touch (and so copy) the parent's pages
    try:
        while True:
            item = conn.recv()
            if item is None:
                return
            try:
                reply = ("ok", func(item))
            except BaseException as exc:  # the parent redoes this item itself
                reply = ("error", repr(exc))
            conn.send_bytes(pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL))
    except (EOFError, OSError):
        return
    finally:
        conn.close()


class ForkedWorkers:
    """Worker processes, forked once, that run ``func`` on the items :meth:`imap` hands them.

    For input too large to hold: the items are read as the workers free up, so memory is a few
    items and results whatever the input's length (:func:`map_forked` takes them all at once).
    The workers are forked when the pool is made, so ``func`` sees what the parent held then,
    and nothing made later: a pool made before the parent builds something large (a streamed conversion's
    key plan) does not count it again in each worker's resident memory. Several :meth:`imap`
    runs may share the pool. As in :func:`map_forked`, a worker that fails costs time, not
    correctness: its item is redone here (and an exception it raises is raised here).
    """

    def __init__(self, func: Callable[[T], R], jobs: int | None = None):
        self.func = func
        self.conns: list = []
        self.procs: list = []
        workers = job_count(jobs)
        if workers < 2 or not fork_is_safe():
            return
        ctx = multiprocessing.get_context("fork")
        for _ in range(workers):
            parent_end, child_end = ctx.Pipe()
            proc = ctx.Process(target=_serve, args=(child_end, func), daemon=True)
            if not started(proc):
                parent_end.close()
                child_end.close()
                break
            child_end.close()
            self.conns.append(parent_end)
            self.procs.append(proc)

    def __enter__(self) -> "ForkedWorkers":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def imap(self, items: Iterable[T]) -> Iterator[R]:
        """``map(func, items)`` in order, one item per worker at a time."""
        func, source = self.func, iter(items)
        if not self.conns:
            yield from map(func, source)
            return
        pending: deque = deque()  # (worker, item) in the items' order

        def send(conn) -> None:
            for item in source:
                conn.send(item)
                pending.append((conn, item))
                return

        try:
            for conn in self.conns:
                send(conn)
            while pending:
                conn, item = pending.popleft()
                try:
                    status, value = pickle.loads(conn.recv_bytes())
                except (EOFError, OSError):  # a worker that died: the rest is done here
                    self.close()
                    yield func(item)
                    for _, item in pending:
                        yield func(item)
                    pending.clear()
                    yield from map(func, source)
                    return
                send(conn)
                yield value if status == "ok" else func(item)
        finally:
            if pending:  # left before the end: the workers' answers would be taken for the next run's
                self.close()

    def close(self) -> None:
        for conn in self.conns:
            try:
                conn.send(None)
            except (OSError, ValueError):
                pass
            conn.close()
        for proc in self.procs:
            proc.join(5)
            if proc.is_alive():  # pragma: no cover - a stuck child
                proc.kill()
        self.conns, self.procs = [], []


def in_child(func: Callable[[], R]) -> R:
    """``func()`` run in a forked child, its result (or exception) pickled back.

    Why: what ``func`` allocates on the way (a pass over a large file, its garbage) goes with
    the child, so processes forked afterwards do not start with a copy of it, and it is not
    held while they run. Without a safe fork, ``func`` runs here.
    """
    if not fork_is_safe():
        return func()
    ctx = multiprocessing.get_context("fork")
    parent_end, child_end = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_run_in_child, args=(child_end, func))  # not a daemon: it forks workers
    if not started(proc):
        parent_end.close()
        child_end.close()
        return func()
    child_end.close()
    try:
        status, value = pickle.loads(parent_end.recv_bytes())
    except (EOFError, OSError):
        status, value = "error", RuntimeError("the child process died")
    finally:
        parent_end.close()
        proc.join()
    if status != "ok":
        raise value
    return value


def _run_in_child(conn, func: Callable) -> None:
    try:
        message = ("ok", func())
    except BaseException as exc:
        message = ("error", exc)
    try:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # an exception that does not pickle
        data = pickle.dumps(("error", RuntimeError(repr(message[1]) if message[0] == "error" else repr(exc))))
    conn.send_bytes(data)
    conn.close()
