"""Supervised worker processes: results in input order, a crash or a hang costs one letter.

The workers run :func:`extractor.engines.letter_job.process_paths`. Each worker registers its
pid when it starts and reports its peak memory with every task, so the supervisor can stop a
stuck one and report memory without reaching into the executor's internals.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import multiprocessing as mp
import os
import queue
import signal
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import Iterable, Iterator, Optional

from ..dataset.rows import display_path, error_row
from ..errors import STEPS, Errors, ExtractionError
from ..options import LetterOptions, RunOptions
from .letter_job import FileResult, extract_path, process_path, process_paths

log = logging.getLogger("extractor")

# Letters sent to a worker in one task: each task costs the main process a round of pickling,
# queueing and thread hand-offs, which at ~10 ms a letter is worth sharing between letters.
LETTERS_PER_TASK = 4

# How long past its time limit a letter may run before its worker counts as stuck: the
# limit's own signal ends a letter in Python code at once, so this is only for C code.
_STUCK_GRACE = 30.0


def pool_context(start_method: str):
    """The ``multiprocessing`` context workers start from (see ``RunOptions.start``).

    With ``forkserver`` the server preloads :mod:`extractor.engines.worker`, which builds the
    pipeline once; every worker forks from it with the pipeline built.
    """
    context = mp.get_context(start_method)
    _quiet_resource_tracker()
    if start_method == "forkserver":
        from .deathsig import RUN_PID

        os.environ[RUN_PID] = str(os.getpid())  # the server checks it was started by this run
        context.set_forkserver_preload(["extractor.engines.worker"])
    return context


# After a run is killed, multiprocessing's resource tracker frees the run's semaphores and warns
# that they "leaked": they were freed, and the warning only alarms users. The tracker is a new
# interpreter started later with this environment, so the filter reaches it (and nothing else).
_TRACKER_WARNING = "ignore:resource_tracker:UserWarning"


def _quiet_resource_tracker() -> None:
    current = os.environ.get("PYTHONWARNINGS", "")
    if _TRACKER_WARNING not in current:
        os.environ["PYTHONWARNINGS"] = ",".join(filter(None, [current, _TRACKER_WARNING]))


def _worker_init(pids, log_level: int = logging.WARNING) -> None:
    from ..pipeline import load
    from .deathsig import die_with_parent

    die_with_parent()  # a killed run leaves no worker behind
    pids.put(os.getpid())
    # A worker from the fork server has no logging set up: it logs as the run does (-v: each
    # failed letter, by path and reason).
    logging.basicConfig(level=log_level, format="%(levelname)s %(message)s")
    log.setLevel(log_level)
    load()


class WorkerPool:
    """A process pool whose workers' pids and peak memory come from the workers themselves."""

    def __init__(self, workers: int, context, build_pipeline: bool = True) -> None:
        """Start ``workers`` processes in ``context``; they build the pipeline unless ``build_pipeline`` is false."""
        if context.get_start_method() == "fork":
            # Garbage the caller left (a closed DuckDB connection, say) is freed here, not in a
            # forked child, where a library's destructor may wait on threads that were not forked.
            gc.collect()
        self._pids = context.Queue()
        self._known: set[int] = set()
        self.peak_mb: Optional[float] = None
        init, args = ((_worker_init, (self._pids, log.getEffectiveLevel())) if build_pipeline
                      else (_register_only, (self._pids,)))
        self.executor = ProcessPoolExecutor(workers, mp_context=context, initializer=init, initargs=args)

    def submit(self, fn, *args) -> Future:
        """Submit a task; a ``process_paths`` result also updates the peak memory figure."""
        future = self.executor.submit(fn, *args)
        if fn is process_paths:
            future.add_done_callback(self._note)
        return future

    def _note(self, future: Future) -> None:
        if future.cancelled() or future.exception() is not None:
            return
        _, pid, peak = future.result()
        self._known.add(pid)
        if peak is not None:
            self.peak_mb = max(self.peak_mb or 0.0, peak)

    def pids(self) -> set[int]:
        """Every worker pid registered so far (live or not)."""
        while True:
            try:
                self._known.add(self._pids.get_nowait())
            except (queue.Empty, OSError, ValueError):
                return self._known

    def kill(self) -> None:
        """Stop now, killing the workers (one may be stuck and never take a stop request)."""
        for pid in self.pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass  # gone already (a recycled pid is not ours to touch: it is not a child)
        self.executor.shutdown(wait=False, cancel_futures=True)
        self._close()

    def shutdown(self) -> None:
        """Finish the tasks in flight and stop the workers."""
        self.executor.shutdown(wait=True, cancel_futures=True)
        self._close()

    def _close(self) -> None:
        self._pids.close()
        self._pids.cancel_join_thread()  # never wait on a queue whose reader is gone


def _register_only(pids) -> None:
    from .deathsig import die_with_parent

    die_with_parent()
    pids.put(os.getpid())


def stuck_after(time_limit: float) -> Optional[float]:
    """Seconds to wait for a worker's answer before it counts as stuck (None: wait for ever)."""
    return time_limit + max(_STUCK_GRACE, time_limit / 4) if time_limit > 0 else None


def _supervised(pool: "WorkerPool", job, path: str, options: LetterOptions):
    """``job(path, options)`` in ``pool``'s worker; a crash or a hang there becomes an ``ExtractionError``.

    A hung worker is killed here; after either failure the pool is spent and the caller starts
    another.
    """
    try:
        return pool.submit(job, path, options).result(timeout=stuck_after(options.time_limit))
    except BrokenProcessPool:
        log.warning("worker crashed: path=%s", display_path(path))
        return ExtractionError("extract", "E012", Errors.E012)
    except FuturesTimeout:
        log.warning("worker stuck: path=%s", display_path(path))
        pool.kill()
        return ExtractionError("extract", "E010",
                               Errors.E010.format(seconds=stuck_after(options.time_limit), step=STEPS["stuck"]))


def _isolated(path: str, context, options: LetterOptions) -> FileResult:
    """Run one letter alone in a fresh worker; a crash or a hang there is that letter's fault."""
    solo = WorkerPool(1, context, build_pipeline=False)
    result = _supervised(solo, process_path, path, options)
    if isinstance(result, ExtractionError):
        solo.kill()
        return path, None, {"errors": [error_row(path, result.stage, result.code, result.message)]}
    solo.shutdown()
    return result


def trim_memory() -> None:
    """Return freed heap pages to the OS (glibc keeps them), so forked workers do not count them."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def pool_results(paths: Iterator[str], workers: int, options: LetterOptions, start_method: str,
                 letters_per_worker: int, peak: Optional[list] = None) -> Iterator[FileResult]:
    """Results in input order from worker processes, a bounded number in flight (flat memory).

    A worker that dies (a crash inside a C library) breaks the pool: the letters in flight are
    retried one by one in a fresh worker, and the one that kills it again becomes an error row.
    A worker stuck where the time limit's signal cannot reach it (a loop inside a C library,
    which holds on past the time limit) is stopped from here the same way.
    After ``letters_per_worker`` letters per worker the pool is drained and replaced: spaCy's
    vocabulary keeps every new word it meets, so a long-lived worker grows with the archive.
    ``peak`` (a one-element list) receives the largest worker peak memory in MB.
    """
    context = pool_context(start_method)
    window = workers * 4  # tasks in flight
    pending: deque = deque()  # (paths, future of their results), in input order
    state = {"pool": WorkerPool(workers, context), "submitted": 0}

    def note_peak() -> None:
        if peak is not None and state["pool"].peak_mb is not None:
            peak[0] = max(peak[0] or 0.0, state["pool"].peak_mb)

    def alone(batch: list[str]) -> Future:
        done: Future = Future()  # lost with the pool: run again, one letter per fresh worker
        done.set_result(([_isolated(path, context, options) for path in batch], None, None))
        return done

    def recover(extra: list[str]) -> None:
        in_flight = list(pending) + ([(extra, None)] if extra else [])
        pending.clear()
        note_peak()
        state["pool"].kill()
        for batch, future in in_flight:
            if future is None or not future.done() or future.exception() is not None:
                future = alone(batch)
            pending.append((batch, future))
        state["pool"] = WorkerPool(workers, context)

    def next_results() -> list[FileResult]:
        batch, future = pending[0]
        try:
            # Each letter of a task may use its whole time limit before the task counts as stuck.
            results = future.result(timeout=stuck_after(options.time_limit * len(batch)))[0]
        except BrokenProcessPool:
            recover([])
            results = pending[0][1].result()[0]
        except FuturesTimeout:  # the oldest task has run far past its letters' time limits
            log.warning("worker stuck: paths=%s", ",".join(batch))
            pending.popleft()
            recover([])
            return alone(batch).result()[0]  # again one by one: the stuck letter becomes an error row
        pending.popleft()
        return results

    try:
        while batch := list(islice(paths, LETTERS_PER_TASK)):
            if letters_per_worker and state["submitted"] >= letters_per_worker * workers:
                while pending:  # finish the letters in flight, then start fresh workers
                    yield from next_results()
                note_peak()
                state["pool"].shutdown()
                if context.get_start_method() == "fork":
                    trim_memory()  # the fresh workers are forked from this process: keep it small
                state["pool"] = WorkerPool(workers, context)
                state["submitted"] = 0
            try:
                pending.append((batch, state["pool"].submit(process_paths, batch, options)))
            except BrokenProcessPool:
                recover(batch)
            state["submitted"] += len(batch)
            while len(pending) >= window:
                yield from next_results()
        while pending:
            yield from next_results()
    finally:
        note_peak()
        state["pool"].shutdown()


def isolated_records(paths: Iterable[str], options: LetterOptions, start_method: Optional[str] = None) -> Iterator:
    """``(path, letters)`` for each file, read in a worker process under ``options``' limits.

    For ``show`` and ``review``: a letter that crashes its worker or hangs where the time
    limit's signal cannot reach costs that letter (an ``ExtractionError`` in place of its
    letters), as in a run; the worker is replaced and the next file goes on.
    """
    context = pool_context(RunOptions(start_method=start_method).start)  # the start method's one home
    pool = WorkerPool(1, context)
    try:
        for path in paths:
            letters = _supervised(pool, extract_path, path, options)
            if isinstance(letters, ExtractionError):
                letters = [letters]
                pool.kill()
                pool = WorkerPool(1, context)
            yield path, letters
    finally:
        pool.shutdown()
