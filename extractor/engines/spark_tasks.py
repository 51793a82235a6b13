"""What a Spark task runs: its files, each in a supervised worker process, as the local engine runs them.

The task's Python worker builds the pipeline once and forks one letter worker from it
(:mod:`.pool`), which reads the task's files in order. A letter that crashes that worker (a C
library's segfault) or hangs where the time limit's signal cannot reach becomes an ``errors``
row (E012, E010), a fresh worker takes the next file, and the task goes on: Spark never sees a
failed task because of a letter.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import deque
from typing import Iterable, Iterator, NamedTuple, Optional

from ..dataset.rows import display_path
from ..options import LETTERS_PER_WORKER, LetterOptions
from .letter_job import FileResult, peak_memory_mb
from .pool import pool_results

# A task's input: a file's place in the run's input order, the path the tables show, and either
# where this machine reads it (a local path, as bytes: any name the file system allows) or
# its bytes (read by Spark from object storage).
INPUT_SCHEMA = "file bigint, shown string, local binary, content binary"
# A task's output: the rows of every table as JSON, one ``file`` row per file (what the summary
# and the run state need) and one ``task`` row with the peak memory of its Python processes.
OUTPUT_SCHEMA = "table string, file bigint, row string"
# Rows handed back to Spark at a time: a task's output never piles up in the Python worker.
ROWS_PER_BATCH = 512


class TaskFile(NamedTuple):
    """One file of a task (see ``INPUT_SCHEMA``)."""

    file: int
    shown: str
    local: Optional[str] = None
    content: Optional[bytes] = None


def isolated_results(files: Iterable[TaskFile], options: LetterOptions,
                     peak: Optional[list] = None) -> Iterator[tuple[TaskFile, FileResult]]:
    """Each file with its result, in input order, read in a supervised worker forked from this process.

    The rows name the file by its ``shown`` path. A file given by its bytes is written to a
    temporary file first, so every letter runs through the local engine's job
    (:func:`extractor.engines.letter_job.process_path`) under ``options``' limits. ``peak`` (a
    one-element list) receives the letter workers' peak memory in MB.
    """
    staging = tempfile.mkdtemp(prefix="imr-task-")
    sent: deque = deque()  # (file, where it was read), in the order results come back

    def paths() -> Iterator[str]:
        for item in files:
            local = item.local
            if item.content is not None:
                # Its own folder keeps the file's name (and the letter's format hint) intact.
                folder = os.path.join(staging, str(item.file))
                os.mkdir(folder)
                local = os.path.join(folder, os.path.basename(item.shown.rstrip("/")) or "letter")
                with open(local, "wb") as handle:
                    handle.write(item.content)
            sent.append((item, local))
            yield local

    try:
        results = pool_results(paths(), 1, options, "fork", LETTERS_PER_WORKER, peak)
        for _, doc_id, rows in results:
            item, local = sent.popleft()
            if item.content is not None:
                shutil.rmtree(os.path.dirname(local), ignore_errors=True)
            yield item, (item.shown, doc_id, _renamed(rows, display_path(local), item.shown))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _renamed(rows: dict, local: str, shown: str) -> dict:
    """``rows`` with the file named as the user named it, not where the executor read it."""
    for table in ("letters", "errors"):
        for row in rows.get(table, []):
            if row.get("path") == local:
                row["path"] = shown
            if table == "errors" and row.get("message"):
                row["message"] = row["message"].replace(local, shown)  # E002 names the file
    return rows


def file_row(doc_id: Optional[str], rows: dict) -> dict:
    """What the driver needs of a file's result: its doc id and the counted fields of its rows."""
    return {
        "doc_id": doc_id,
        "letters": [{k: letter[k] for k in ("n_items", "n_upheld", "n_overturned", "n_mentions", "layout")}
                    for letter in rows.get("letters", [])],
        "errors": [{k: error[k] for k in ("stage", "error", "message", "path")} for error in rows.get("errors", [])],
    }


def extract_partition(options: LetterOptions):
    """The ``mapInPandas`` body for ``options``: ``INPUT_SCHEMA`` batches in, ``OUTPUT_SCHEMA`` batches out."""

    def extract(batches: Iterator) -> Iterator:
        return _extract(batches, options)

    return extract


def _extract(batches: Iterator, options: LetterOptions) -> Iterator:
    import pandas as pd

    from ..pipeline import load

    load()  # once per Python worker: every letter worker forked from it starts with the pipeline

    def files() -> Iterator[TaskFile]:
        for batch in batches:
            for file, shown, local, content in zip(batch["file"], batch["shown"], batch["local"], batch["content"]):
                yield TaskFile(int(file), shown, os.fsdecode(bytes(local)) if local is not None else None,
                               bytes(content) if content is not None else None)

    def frame(out: list) -> pd.DataFrame:
        return pd.DataFrame(out, columns=["table", "file", "row"])

    peak: list = [None]
    out: list = []
    for item, (_, doc_id, rows) in isolated_results(files(), options, peak):
        for table, table_rows in rows.items():
            out.extend((table, item.file, json.dumps(row)) for row in table_rows)
        out.append(("file", item.file, json.dumps(file_row(doc_id, rows))))
        if len(out) >= ROWS_PER_BATCH:
            yield frame(out)
            out = []
    out.append(("task", -1, json.dumps({"worker_peak_mb": peak[0], "task_peak_mb": peak_memory_mb()})))
    yield frame(out)
