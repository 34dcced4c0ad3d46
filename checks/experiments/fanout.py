"""Fan independent tasks out over dask.distributed, or run them in this process.

One place for the engine of ``rnn-theorems mutate`` (one ``(claim, mutant)`` pair per task),
``rnn-theorems verify --workers/--scheduler`` (one claim record per task) and ``rnn-theorems sweep``
(one training cell per task, appended to its resumable file as it finishes).  Results come back in the
order of the tasks whatever the engine, so a distributed run prints and stores what a serial run does.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import contextmanager

__all__ = ["FIXED_THREADS", "SCHEDULER_TIMEOUT", "fixed_threads", "interrupts_kept", "map_tasks", "sigint_ignored", "use_fixed_threads"]

FIXED_THREADS = 1
"""torch intra-op threads wherever a result must repeat bit for bit — a fixed-seed profile (ci), every worker
task of this engine, every pytest-xdist worker: one, so every reduction adds in the same order."""

SCHEDULER_TIMEOUT = "20s"
"""How long a connection to a dask scheduler may take before the command gives up with an error."""


def use_fixed_threads() -> None:
    """Put torch on :data:`FIXED_THREADS` threads for the rest of this process (a worker, a fixed-seed session)."""
    import torch

    torch.set_num_threads(FIXED_THREADS)


@contextmanager
def fixed_threads(enabled: bool = True):
    """Run the block with torch on :data:`FIXED_THREADS` threads (when ``enabled``); the count is restored after."""
    import torch

    before = torch.get_num_threads()
    if enabled:
        torch.set_num_threads(FIXED_THREADS)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def map_tasks(
    fn: Callable, tasks: Sequence, *, scheduler: str | None = None, workers: int = 0, progress: Callable | None = None, timeout: str = SCHEDULER_TIMEOUT
) -> list:
    """``[fn(task) for task in tasks]``: serially here (no ``scheduler`` and ``workers == 0``), or one task per
    dask future on a LocalCluster of ``workers`` single-threaded processes, or on the scheduler at ``scheduler``.

    ``fn`` must be importable by the workers (a module-level function).  ``progress(result)`` is called as each
    task finishes (in completion order).  Reaching ``scheduler`` gives up after ``timeout`` (a dask duration such
    as ``"20s"``) with an ``OSError``.  A task that raises re-raises here; the cluster is closed either way.
    """
    if workers < 0:
        raise ValueError(f"workers must be >= 0, got {workers}")
    results: list = [None] * len(tasks)
    if scheduler is None and workers == 0:
        for i, task in enumerate(tasks):
            results[i] = fn(task)
            if progress:
                progress(results[i])
        return results
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if not scheduler:
        with sigint_ignored():  # the workers start with Ctrl-C ignored: this process alone stops them (below)
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        with Client(scheduler or cluster, timeout=timeout) as client:
            futures = {client.submit(fn, task, pure=False): i for i, task in enumerate(tasks)}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if progress:
                    progress(results[futures[future]])
    finally:
        if cluster is not None:
            with sigint_ignored():  # a second Ctrl-C must not cut the closing short (workers left running)
                cluster.close()
    return results


@contextmanager
def sigint_ignored():
    """Ignore Ctrl-C (SIGINT) for the block, in the main thread (elsewhere: nothing changes).  Processes started in
    the block inherit the ignored signal: a LocalCluster's workers, whose Ctrl-C would otherwise print their
    event loop's tracebacks while this process closes them."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def interrupts_kept():
    """Keep a Ctrl-C that Python would swallow: one that lands in a garbage-collector callback (Hypothesis times its
    collections with one) becomes an "Exception ignored" traceback on stderr while the command runs on to the end.
    Within the block such a ``KeyboardInterrupt`` is raised again in the main thread, where it stops the command."""
    import _thread
    import time

    previous = sys.unraisablehook

    def interrupt_later():  # from another thread, once the hook (and the callback it reports) has returned
        time.sleep(0.05)
        _thread.interrupt_main()

    def hook(unraisable):
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            threading.Thread(target=interrupt_later, name="rnn-theorems-interrupt", daemon=True).start()
            return
        previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        if sys.unraisablehook is hook:
            sys.unraisablehook = previous
