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
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from ..dataset import DatasetWriter
from ..dataset.state import clear as clear_state
from ..dataset.state import load_state
from ..errors import Errors, ExtractionError
from ..extract import bytes_id, extract_bytes
from ..record import error_row, rows_of

log = logging.getLogger("extractor")

# Letters a worker process handles before it is replaced by a fresh one. spaCy adds every new
# word to the vocabulary and never frees it, so without replacement a worker's memory grows
# with the archive; a fresh worker costs about half a second (the pipeline is rebuilt).
LETTERS_PER_WORKER = 5000

# Files that are never letters and are skipped without an error row (gold files, notes).
_SKIP_SUFFIXES = (".gold.json", ".md", ".py", ".json")


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


class LetterTimeout(Exception):
    """A letter that ran past the per-letter time limit."""


def _on_alarm(signum, frame):  # pragma: no cover - called by the OS
    raise LetterTimeout()


def process_path(path: str, pdf_backend: str = "pypdfium2", time_limit: float = 0,
                 ocr: bool = True) -> tuple[str, Optional[str], dict]:
    """Read and extract one file; return ``(path, doc_id, rows)`` and never raise."""
    return process_path_bytes(path, None, pdf_backend, time_limit, ocr)


def process_path_bytes(path: str, data: Optional[bytes], pdf_backend: str = "pypdfium2",
                       time_limit: float = 0, ocr: bool = True) -> tuple[str, Optional[str], dict]:
    """Extract one letter (bytes given, or read from ``path``); return its rows and never raise."""
    doc_id = None
    use_alarm = time_limit > 0 and hasattr(signal, "setitimer")
    if use_alarm:
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, time_limit)
    try:
        data = Path(path).read_bytes() if data is None else data
        doc_id = bytes_id(data) if data else None
        record = extract_bytes(data, path=path, pdf_backend=pdf_backend, ocr=ocr)
        return path, record.doc_id, rows_of(record)
    except ExtractionError as exc:
        log.info("letter failed: path=%s stage=%s error=%s", path, exc.stage, exc.code)
        return path, doc_id, {"errors": [error_row(path, exc.stage, exc.code, exc.message, doc_id)]}
    except LetterTimeout:
        log.warning("letter timed out: path=%s", path)
        message = Errors.E010.format(seconds=time_limit)
        return path, doc_id, {"errors": [error_row(path, "extract", "E010", message, doc_id)]}
    except OSError as exc:
        return path, doc_id, {"errors": [error_row(path, "read", "E002", f"cannot read file: {exc.strerror}", doc_id)]}
    except Exception as exc:  # a bug must cost one letter, never the run
        log.exception("unexpected failure: path=%s", path)
        message = f"unexpected failure: {type(exc).__name__}"
        return path, doc_id, {"errors": [error_row(path, "extract", "E009", message, doc_id)]}
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)


def _worker_init() -> None:
    from ..pipeline import load

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
    letters_per_worker: int = LETTERS_PER_WORKER,
) -> RunSummary:
    """Extract every input into the dataset folder ``out``; return the summary.

    With ``resume`` the inputs already committed by an earlier run of the same folder are
    skipped; without it, an earlier run's tables in ``out`` are replaced. With several workers,
    the worker processes are replaced after about ``letters_per_worker`` letters each (0: never).
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

    results = (
        (process_path(p, pdf_backend, time_limit, ocr) for p in tasks())
        if workers <= 1
        else _pool_results(tasks(), workers, pdf_backend, time_limit, ocr, letters_per_worker)
    )
    for result in results:
        _account(summary, writer, seen, result)
        if on_result:
            on_result(summary)
    writer.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _pool_results(paths: Iterator[str], workers: int, pdf_backend: str, time_limit: float, ocr: bool = True,
                  letters_per_worker: int = LETTERS_PER_WORKER):
    """Results in input order from worker processes, a bounded number in flight (flat memory).

    A worker that dies (a crash inside a C library) breaks the pool: the letters in flight are
    retried one by one in a fresh worker, and the one that kills it again becomes an error row.
    After ``letters_per_worker`` letters per worker the pool is drained and replaced: spaCy's
    vocabulary keeps every new word it meets, so a long-lived worker grows with the archive.
    """
    context = mp.get_context("fork" if hasattr(os, "fork") else "spawn")
    window = workers * 4
    pending: deque = deque()  # (path, future), in input order
    state = {"pool": ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init), "submitted": 0}

    def recover(extra: list[str]) -> None:
        in_flight = [p for p, _ in pending] + extra
        pending.clear()
        state["pool"].shutdown(wait=False, cancel_futures=True)
        for path in in_flight:
            done: Future = Future()
            done.set_result(_isolated(path, context, pdf_backend, time_limit, ocr))
            pending.append((path, done))
        state["pool"] = ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init)

    def next_result():
        try:
            result = pending[0][1].result()
        except BrokenProcessPool:
            recover([])
            result = pending[0][1].result()
        pending.popleft()
        return result

    try:
        for path in paths:
            if letters_per_worker and state["submitted"] >= letters_per_worker * workers:
                while pending:  # finish the letters in flight, then start fresh workers
                    yield next_result()
                state["pool"].shutdown(wait=True)
                _trim_memory()  # the fresh workers are forked from this process: keep it small
                state["pool"] = ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init)
                state["submitted"] = 0
            try:
                pending.append((path, state["pool"].submit(process_path, path, pdf_backend, time_limit, ocr)))
            except BrokenProcessPool:
                recover([path])
            state["submitted"] += 1
            while len(pending) >= window:
                yield next_result()
        while pending:
            yield next_result()
    finally:
        state["pool"].shutdown(wait=True, cancel_futures=True)


def _trim_memory() -> None:
    """Return freed heap pages to the OS (glibc keeps them), so forked workers do not count them."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def _isolated(path: str, context, pdf_backend: str, time_limit: float, ocr: bool = True):
    """Run one letter alone in a fresh worker; a crash there is that letter's fault."""
    with ProcessPoolExecutor(1, mp_context=context) as solo:
        try:
            return solo.submit(process_path, path, pdf_backend, time_limit, ocr).result()
        except BrokenProcessPool:
            log.warning("worker crashed: path=%s", path)
            return path, None, {"errors": [error_row(path, "extract", "E012", Errors.E012)]}


def _account(summary: RunSummary, writer: DatasetWriter, seen: set[str], result) -> None:
    path, doc_id, rows = result
    if rows.get("letters"):
        if doc_id in seen:
            summary.duplicates += 1  # identical bytes: the same letter filed twice
            writer.add({}, path, "")
            return
        seen.add(doc_id)
        letter = rows["letters"][0]
        summary.letters += 1
        summary.items += letter["n_items"]
        summary.upheld += letter["n_upheld"]
        summary.overturned += letter["n_overturned"]
        summary.mentions += letter["n_mentions"]
        summary.layouts[letter["layout"]] += 1
    else:
        summary.errors += 1
        summary.error_stages[rows["errors"][0]["stage"]] += 1
    writer.add({table: rows.get(table, []) for table in ("letters", "items", "mentions", "errors")}, path, doc_id or "")
