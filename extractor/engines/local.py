"""The local engine: worker processes, streaming input, batched part files, a summary.

Every input ends as a ``letters`` row or an ``errors`` row; a letter that fails never stops
the run. Workers build the pipeline once each (``load`` is cached per process).
"""

from __future__ import annotations

import ctypes
import gc
import glob
import logging
import multiprocessing as mp
import os
import signal
import time
from collections import Counter, deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from ..dataset import DatasetWriter
from ..dataset.state import clear as clear_state
from ..dataset.state import load_state
from ..errors import STEPS, Errors, ExtractionError
from ..extract import bytes_id, extract_letters
from ..record import error_row, rows_of
from ..types import Record

log = logging.getLogger("extractor")

# Letters a worker process handles before it is replaced by a fresh one. spaCy adds every new
# word to the vocabulary and never frees it, so without replacement a worker's memory grows
# with the archive; a fresh worker costs about half a second (the pipeline is rebuilt).
LETTERS_PER_WORKER = 5000

# Letters sent to a worker in one task: each task costs the main process a round of pickling,
# queueing and thread hand-offs, which at ~10 ms a letter is worth sharing between letters.
LETTERS_PER_TASK = 4

# Files that are never letters and are skipped without an error row (gold files, notes).
_SKIP_SUFFIXES = (".gold.json", ".md", ".py", ".json", ".jsonl")  # annotations and notes beside letters


@dataclass
class RunSummary:
    """What a run did, for the terminal summary and for callers."""

    inputs: int = 0
    letters: int = 0
    duplicates: int = 0
    errors: int = 0
    items: int = 0
    upheld: int = 0
    overturned: int = 0
    mentions: int = 0
    seconds: float = 0.0
    resumed: int = 0  # inputs skipped because an earlier run committed them
    bundles: int = 0  # files that held several letters (one record each)
    worker_peak_mb: Optional[float] = None  # the largest worker's peak resident memory (Linux)
    layouts: Counter = field(default_factory=Counter)
    error_stages: Counter = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        """Letters per second."""
        return (self.letters + self.errors) / self.seconds if self.seconds else 0.0


def expand_inputs(inputs: Iterable[str]) -> Iterator[tuple[str, Optional[str]]]:
    """Yield ``(path, problem)`` for every file named by paths, folders and globs, lazily.

    ``problem`` is set when an input names nothing, so it can be reported as an error row.
    """
    for spec in inputs:
        path = Path(spec)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    if not name.startswith(".") and not name.endswith(_SKIP_SUFFIXES):
                        yield os.path.join(root, name), None
        elif path.is_file():
            yield str(path), None
        elif any(ch in spec for ch in "*?["):
            matches = sorted(glob.iglob(spec, recursive=True))
            if not matches:
                yield spec, "no file matches this pattern"
            for match in matches:
                if os.path.isfile(match) and not match.endswith(_SKIP_SUFFIXES):
                    yield match, None
        else:
            yield spec, "file not found"


class LetterTimeout(BaseException):
    """A letter that ran past the per-letter time limit.

    A BaseException, like KeyboardInterrupt, so that the ``except Exception`` guards of the
    reading and NLP steps (which turn a library's bug into an explained error) let it through.
    """


def _on_alarm(signum, frame):  # pragma: no cover - called by the OS
    raise LetterTimeout()


def process_path(path: str, pdf_backend: str = "pypdfium2", time_limit: float = 0,
                 ocr: bool = True, memory_limit: float = 0) -> tuple[str, Optional[str], dict]:
    """Read and extract one file; return ``(path, doc_id, rows)`` and never raise."""
    return process_path_bytes(path, None, pdf_backend, time_limit, ocr, memory_limit)


def process_path_bytes(path: str, data: Optional[bytes], pdf_backend: str = "pypdfium2",
                       time_limit: float = 0, ocr: bool = True,
                       memory_limit: float = 0) -> tuple[str, Optional[str], dict]:
    """Extract the letters of one file (bytes given, or read from ``path``); never raise.

    Returns ``(path, doc_id of the file, rows)``: one ``letters`` row per letter the file holds,
    or ``errors`` rows. ``memory_limit`` (MB) caps what reading the file may map (see
    :mod:`extractor.limits`); ``time_limit`` (s) caps the whole file.
    """
    doc_id = None
    stage = {"now": "read"}
    use_alarm = time_limit > 0 and hasattr(signal, "setitimer")
    if use_alarm:
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, time_limit)
    try:
        data = Path(path).read_bytes() if data is None else data
        doc_id = bytes_id(data) if data else None
        letters = extract_letters(data, path=path, pdf_backend=pdf_backend, ocr=ocr,
                                  memory_limit=memory_limit, on_stage=lambda name: stage.update(now=name))
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
        return path, doc_id, _rows(path, letters)
    except ExtractionError as exc:
        log.info("letter failed: path=%s stage=%s error=%s", path, exc.stage, exc.code)
        return path, doc_id, {"errors": [error_row(path, exc.stage, exc.code, exc.message, doc_id)]}
    except LetterTimeout:
        step = stage["now"]
        log.warning("letter timed out: path=%s step=%s", path, step)
        message = Errors.E010.format(seconds=time_limit, step=STEPS[step])
        # OCR is part of reading the file; the stage column says read or nlp.
        where = "nlp" if step == "nlp" else "read"
        return path, doc_id, {"errors": [error_row(path, where, "E010", message, doc_id)]}
    except OSError as exc:
        return path, doc_id, {"errors": [error_row(path, "read", "E002", f"cannot read file: {exc.strerror}", doc_id)]}
    except Exception as exc:  # a bug must cost one letter, never the run
        log.exception("unexpected failure: path=%s", path)
        message = f"unexpected failure: {type(exc).__name__}"
        return path, doc_id, {"errors": [error_row(path, "extract", "E009", message, doc_id)]}
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)


def process_paths(paths: list[str], *options) -> list[tuple[str, Optional[str], dict]]:
    """``process_path`` for several files, in order: one task for a worker process."""
    return [process_path(path, *options) for path in paths]


def _rows(path: str, letters: list) -> dict[str, list[dict]]:
    """The table rows of a file's letters: records as rows, a bundle's failed letter as an error."""
    rows: dict[str, list[dict]] = {"letters": [], "items": [], "mentions": [], "errors": []}
    for letter in letters:
        if isinstance(letter, Record):
            part = rows_of(letter)
        else:
            part = {"errors": [error_row(path, letter.stage, letter.code, letter.message, letter.doc_id)]}
        for table, table_rows in part.items():
            rows[table].extend(table_rows)
    return rows


def _worker_init() -> None:
    from ..pipeline import load
    from .worker import die_with_parent

    die_with_parent()  # a killed run leaves no worker behind
    load()


def count_inputs(inputs: Iterable[str]) -> int:
    """How many files the inputs name (listing names is cheap next to parsing them)."""
    return sum(1 for _ in expand_inputs(inputs))


def run_local(
    inputs: Iterable[str],
    out: Path,
    fmt: str = "parquet",
    workers: int = 1,
    batch_size: int = 500,
    pdf_backend: str = "pypdfium2",
    on_result: Optional[Callable[[RunSummary], None]] = None,
    resume: bool = False,
    time_limit: float = 0,
    ocr: bool = True,
    memory_limit: float = 0,
    letters_per_worker: int = LETTERS_PER_WORKER,
    in_process: bool = False,
    start_method: Optional[str] = None,
) -> RunSummary:
    """Extract every input into the dataset folder ``out``; return the summary.

    With ``resume`` the inputs already committed by an earlier run of the same folder are
    skipped; without it, an earlier run's tables in ``out`` are replaced. ``time_limit``
    (seconds) and ``memory_limit`` (MB that reading one file may add) cost a letter that breaks
    them, never the run; 0 turns either off. The worker processes are replaced after about
    ``letters_per_worker`` letters each (0: never). ``in_process`` runs the letters in this
    process instead (for debugging and profiling): the limits still apply, but a crash inside
    a C library, or a hang where the time limit's signal cannot reach, stops the run.
    ``start_method`` picks how workers start (see :func:`pool_context`).
    """
    started = time.perf_counter()
    summary = RunSummary()
    out = Path(out)
    if resume:
        done_paths, seen, first_part = load_state(out)
        summary.resumed = len(done_paths)
    else:
        clear_state(out)
        done_paths, seen, first_part = set(), set(), 0
    writer = DatasetWriter(out, fmt=fmt, batch_size=batch_size, start_part=first_part)

    def tasks() -> Iterator[str]:
        for path, problem in expand_inputs(inputs):
            if path in done_paths:
                continue
            summary.inputs += 1
            if problem:
                _account(summary, writer, seen, (path, None, {"errors": [error_row(path, "read", "E002", problem)]}))
                if on_result:
                    on_result(summary)
                continue
            yield path

    options = (pdf_backend, time_limit, ocr, memory_limit)
    results = (
        (process_path(p, *options) for p in tasks())
        if in_process
        else _pool_results(tasks(), max(1, workers), options, letters_per_worker, start_method, summary)
    )
    for result in results:
        _account(summary, writer, seen, result)
        if on_result:
            on_result(summary)
    writer.close()
    summary.seconds = time.perf_counter() - started
    return summary


def pool_context(start_method: Optional[str] = None):
    """How worker processes start (``multiprocessing`` start methods).

    ``fork`` (the default where there is one): children of this process, started at once,
    seeing its state, so a script needs no ``if __name__ == "__main__"`` guard. ``forkserver``
    (what ``imr-extract run`` uses): forked from a server that built the pipeline once
    (:mod:`extractor.engines.worker`), so workers do not carry this process's memory, which
    grows with the archive (the doc ids seen); like ``spawn``, it re-imports the main module.
    """
    methods = mp.get_all_start_methods()
    method = start_method or ("fork" if "fork" in methods else "spawn")
    context = mp.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(["extractor.engines.worker"])
    return context


def _pool_results(paths: Iterator[str], workers: int, options: tuple,
                  letters_per_worker: int = LETTERS_PER_WORKER, start_method: Optional[str] = None,
                  summary: Optional[RunSummary] = None):
    """Results in input order from worker processes, a bounded number in flight (flat memory).

    A worker that dies (a crash inside a C library) breaks the pool: the letters in flight are
    retried one by one in a fresh worker, and the one that kills it again becomes an error row.
    A worker stuck where the time limit's signal cannot reach it (a loop inside a C library,
    which holds on past ``--time-limit``) is stopped from here the same way.
    After ``letters_per_worker`` letters per worker the pool is drained and replaced: spaCy's
    vocabulary keeps every new word it meets, so a long-lived worker grows with the archive.
    """
    context = pool_context(start_method)
    window = workers * 4  # tasks in flight
    pending: deque = deque()  # (paths, future of their results), in input order

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init)

    state = {"pool": new_pool(), "submitted": 0}

    def alone(paths: list[str]) -> Future:
        done: Future = Future()  # lost with the pool: run again, one letter per fresh worker
        done.set_result([_isolated(path, context, options) for path in paths])
        return done

    def recover(extra: list[str]) -> None:
        in_flight = list(pending) + ([(extra, None)] if extra else [])
        pending.clear()
        _stop(state["pool"])
        for batch, future in in_flight:
            if future is None or not future.done() or future.exception() is not None:
                future = alone(batch)
            pending.append((batch, future))
        state["pool"] = new_pool()

    def next_results() -> list:
        batch, future = pending[0]
        try:
            # Each letter of a task may use its whole time limit before the task counts as stuck.
            results = future.result(timeout=_stuck_after(options[1] * len(batch)))
        except BrokenProcessPool:
            recover([])
            results = pending[0][1].result()
        except FuturesTimeout:  # the oldest task has run far past its letters' time limits
            log.warning("worker stuck: paths=%s", ",".join(batch))
            pending.popleft()
            recover([])
            return alone(batch).result()  # again one by one: the stuck letter becomes an error row
        pending.popleft()
        return results

    try:
        while batch := list(islice(paths, LETTERS_PER_TASK)):
            if letters_per_worker and state["submitted"] >= letters_per_worker * workers:
                while pending:  # finish the letters in flight, then start fresh workers
                    yield from next_results()
                _note_peak(state["pool"], summary)
                state["pool"].shutdown(wait=True)
                if context.get_start_method() == "fork":
                    _trim_memory()  # the fresh workers are forked from this process: keep it small
                state["pool"] = new_pool()
                state["submitted"] = 0
            try:
                pending.append((batch, state["pool"].submit(process_paths, batch, *options)))
            except BrokenProcessPool:
                recover(batch)
            state["submitted"] += len(batch)
            while len(pending) >= window:
                yield from next_results()
        while pending:
            yield from next_results()
    finally:
        _note_peak(state["pool"], summary)
        state["pool"].shutdown(wait=True, cancel_futures=True)


def _note_peak(pool: ProcessPoolExecutor, summary: Optional[RunSummary]) -> None:
    """Keep the largest peak resident memory (VmHWM) of the pool's live workers (Linux only)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            with open(f"/proc/{process.pid}/status") as status:
                peak_mb = int(status.read().split("VmHWM:")[1].split()[0]) / 1024
        except (OSError, IndexError, ValueError):
            continue  # not Linux, or the worker has gone
        if summary is not None:
            summary.worker_peak_mb = max(summary.worker_peak_mb or 0.0, peak_mb)


def _trim_memory() -> None:
    """Return freed heap pages to the OS (glibc keeps them), so forked workers do not count them."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


# How long past its time limit a letter may run before its worker counts as stuck: the
# limit's own signal ends a letter in Python code at once, so this is only for C code.
_STUCK_GRACE = 30.0


def _stuck_after(time_limit: float) -> Optional[float]:
    """Seconds to wait for a worker's answer before it counts as stuck (None: wait for ever)."""
    return time_limit + max(_STUCK_GRACE, time_limit / 4) if time_limit > 0 else None


def _stuck(path: str, time_limit: float) -> tuple[str, None, dict]:
    message = Errors.E010.format(seconds=_stuck_after(time_limit), step=STEPS["stuck"])
    return path, None, {"errors": [error_row(path, "extract", "E010", message)]}


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now, killing its workers (one may be stuck and never take the stop request)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def _isolated(path: str, context, options: tuple):
    """Run one letter alone in a fresh worker; a crash or a hang there is that letter's fault."""
    solo = ProcessPoolExecutor(1, mp_context=context)
    try:
        result = solo.submit(process_path, path, *options).result(timeout=_stuck_after(options[1]))
    except BrokenProcessPool:
        log.warning("worker crashed: path=%s", path)
        result = path, None, {"errors": [error_row(path, "extract", "E012", Errors.E012)]}
    except FuturesTimeout:
        log.warning("worker stuck: path=%s", path)
        _stop(solo)
        return _stuck(path, options[1])
    solo.shutdown(wait=True)
    return result


def _account(summary: RunSummary, writer: DatasetWriter, seen: set[str], result) -> None:
    path, doc_id, rows = result
    letters, errors = rows.get("letters", []), rows.get("errors", [])
    if letters:
        if doc_id in seen:
            summary.duplicates += 1  # identical bytes: the same file filed twice
            writer.add({}, path, "")
            return
        seen.add(doc_id)
        if len(letters) + len(errors) > 1:
            summary.bundles += 1
    for letter in letters:
        summary.letters += 1
        summary.items += letter["n_items"]
        summary.upheld += letter["n_upheld"]
        summary.overturned += letter["n_overturned"]
        summary.mentions += letter["n_mentions"]
        summary.layouts[letter["layout"]] += 1
    for error in errors:
        summary.errors += 1
        summary.error_stages[error["stage"]] += 1
    writer.add({table: rows.get(table, []) for table in ("letters", "items", "mentions", "errors")}, path, doc_id or "")
