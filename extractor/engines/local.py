"""The local engine: worker processes, streaming input, batched part files, a summary.

Every input ends as a ``letters`` row or an ``errors`` row; a letter that fails never stops
the run. Workers build the pipeline once each (``load`` is cached per process).
"""

from __future__ import annotations

import glob
import logging
import multiprocessing as mp
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from ..dataset import DatasetWriter
from ..errors import ExtractionError
from ..extract import bytes_id, extract_bytes
from ..record import error_row, rows_of

log = logging.getLogger("extractor")

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


def process_path(path: str, pdf_backend: str = "pypdfium2") -> tuple[str, Optional[str], dict]:
    """Read and extract one file; return ``(path, doc_id, rows)`` and never raise."""
    doc_id = None
    try:
        data = Path(path).read_bytes()
        doc_id = bytes_id(data) if data else None
        record = extract_bytes(data, path=path, pdf_backend=pdf_backend)
        return path, record.doc_id, rows_of(record)
    except ExtractionError as exc:
        log.info("letter failed: path=%s stage=%s error=%s", path, exc.stage, exc.code)
        return path, doc_id, {"errors": [error_row(path, exc.stage, exc.code, exc.message, doc_id)]}
    except OSError as exc:
        return path, doc_id, {"errors": [error_row(path, "read", "E002", f"cannot read file: {exc.strerror}", doc_id)]}
    except Exception as exc:  # a bug must cost one letter, never the run
        log.exception("unexpected failure: path=%s", path)
        message = f"unexpected failure: {type(exc).__name__}"
        return path, doc_id, {"errors": [error_row(path, "extract", "E009", message, doc_id)]}


def _worker_init() -> None:
    from ..pipeline import load

    load()


def run_local(
    inputs: Iterable[str],
    out: Path,
    fmt: str = "parquet",
    workers: int = 1,
    batch_size: int = 500,
    pdf_backend: str = "pypdfium2",
    on_result: Optional[Callable[[RunSummary], None]] = None,
) -> RunSummary:
    """Extract every input into the dataset folder ``out``; return the summary."""
    started = time.perf_counter()
    summary = RunSummary()
    writer = DatasetWriter(Path(out), fmt=fmt, batch_size=batch_size)
    seen: set[str] = set()

    def tasks() -> Iterator[str]:
        for path, problem in expand_inputs(inputs):
            summary.inputs += 1
            if problem:
                _account(summary, writer, seen, (path, None, {"errors": [error_row(path, "read", "E002", problem)]}))
                if on_result:
                    on_result(summary)
                continue
            yield path

    if workers <= 1:
        results: Iterable = (process_path(p, pdf_backend) for p in tasks())
        for result in results:
            _account(summary, writer, seen, result)
            if on_result:
                on_result(summary)
    else:
        context = mp.get_context("fork" if hasattr(os, "fork") else "spawn")
        with context.Pool(workers, initializer=_worker_init) as pool:
            jobs = pool.imap(_process_star, ((p, pdf_backend) for p in tasks()), chunksize=4)
            for result in jobs:
                _account(summary, writer, seen, result)
                if on_result:
                    on_result(summary)
    writer.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _process_star(args: tuple[str, str]):
    return process_path(*args)


def _account(summary: RunSummary, writer: DatasetWriter, seen: set[str], result) -> None:
    path, doc_id, rows = result
    if rows.get("letters"):
        if doc_id in seen:
            summary.duplicates += 1  # identical bytes: the same letter filed twice
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
    writer.add({table: rows.get(table, []) for table in ("letters", "items", "mentions", "errors")})
