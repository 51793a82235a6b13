"""One file's job: read it, extract its letters, return table rows; never raise.

Every engine calls these functions (the local engine in worker processes, Spark in its
executors), so both give the same rows and the same error rows for the same file.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from pathlib import Path
from typing import Optional

from ..dataset.rows import display_path, error_row, rows_of
from ..dataset.schema import COLUMNS
from ..errors import STEPS, Errors, ExtractionError
from ..extract import bytes_id, extract_letters
from ..options import LetterOptions
from ..reading.limits import memory_budget
from ..types import Record
from .inputs import check_file

try:
    import resource
except ImportError:  # pragma: no cover - Windows: no peak memory figure
    resource = None

log = logging.getLogger("extractor")

# What one file gives: (path, doc_id of the file, rows by table).
FileResult = tuple[str, Optional[str], dict]


class LetterTimeout(BaseException):
    """A letter that ran past the per-letter time limit.

    A BaseException, like KeyboardInterrupt, so that the ``except Exception`` guards of the
    reading and NLP steps (which turn a library's bug into an explained error) let it through.
    """


def _on_alarm(signum, frame):  # pragma: no cover - called by the OS
    raise LetterTimeout()


def process_path(path: str, options: LetterOptions = LetterOptions()) -> FileResult:
    """Read and extract one file; return ``(path, doc_id of the file, rows)`` and never raise.

    The rows are one ``letters`` row per letter the file holds (with its items and mentions),
    or ``errors`` rows.
    """
    doc_id, letters = _read_and_extract(path, options)
    return path, doc_id, _rows(path, letters, doc_id, options.with_text)


def extract_path(path: str, options: LetterOptions = LetterOptions()) -> list:
    """The letters of one file as records (or ``ExtractionError`` values), under ``options``' limits.

    What ``show`` and ``review`` print: records, not rows. Never raises.
    """
    return _read_and_extract(path, options)[1]


def _read_and_extract(path: str, options: LetterOptions) -> tuple[Optional[str], list]:
    """``(doc_id of the file, its letters)``: records, or ``ExtractionError`` values; never raises.

    ``options.memory_limit`` (MB) caps what reading the file may map (see
    :mod:`extractor.reading.limits`); ``options.time_limit`` (s) caps the whole file.
    """
    doc_id = None
    stage = {"now": "read"}
    shown = display_path(path)
    time_limit = options.time_limit
    # A signal handler can only be set from the main thread (where workers run letters).
    use_alarm = (time_limit > 0 and hasattr(signal, "setitimer")
                 and threading.current_thread() is threading.main_thread())
    if use_alarm:
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, time_limit)
    try:
        problem = check_file(path, options.max_file_mb)
        if problem:
            return None, [ExtractionError("read", problem.code, problem.message)]
        with memory_budget(options.memory_limit):  # reading the bytes counts against the budget
            data = Path(path).read_bytes()
        doc_id = bytes_id(data) if data else None
        letters = extract_letters(data, path=shown, pdf_backend=options.pdf_backend, ocr=options.ocr,
                                  memory_limit=options.memory_limit,
                                  on_stage=lambda name: stage.update(now=name), password=options.pdf_password)
        return doc_id, letters
    except ExtractionError as exc:
        log.info("letter failed: path=%s stage=%s error=%s", shown, exc.stage, exc.code)
        return doc_id, [exc]
    except LetterTimeout:
        step = stage["now"]
        log.warning("letter timed out: path=%s step=%s", shown, step)
        message = Errors.E010.format(seconds=time_limit, step=STEPS[step])
        # OCR is part of reading the file; the stage column says read or nlp.
        return doc_id, [ExtractionError("nlp" if step == "nlp" else "read", "E010", message)]
    except MemoryError:
        limit = f"the --memory-limit of {options.memory_limit:.0f} MB"
        return doc_id, [ExtractionError("read", "E015", Errors.E015.format(step=STEPS["read"], limit=limit))]
    except OSError as exc:
        return doc_id, [ExtractionError("read", "E002", f"cannot read file: {exc.strerror}")]
    except Exception as exc:  # a bug must cost one letter, never the run
        log.exception("unexpected failure: path=%s", shown)
        return doc_id, [ExtractionError("extract", "E009", f"unexpected failure: {type(exc).__name__}")]
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)


def process_paths(paths: list[str],
                  options: LetterOptions = LetterOptions()) -> tuple[list[FileResult], int, Optional[float]]:
    """``process_path`` for several files, in order: one task for a worker process.

    Returns the results with the worker's pid and its peak resident memory (MB) so far, so
    the supervisor learns both from the workers themselves.
    """
    return [process_path(path, options) for path in paths], os.getpid(), peak_memory_mb()


def peak_memory_mb() -> Optional[float]:
    """This process's peak resident memory in MB (``ru_maxrss``), or None where unknown."""
    if resource is None:
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _rows(path: str, letters: list, doc_id: Optional[str], with_text: bool = False) -> dict[str, list[dict]]:
    """The table rows of a file's letters: records as rows, a failed letter (or file) as an error.

    A failed letter of a file holding several has its own doc id; a failed file has the
    file's (when its bytes could be read).
    """
    rows: dict[str, list[dict]] = {table: [] for table in COLUMNS}
    for letter in letters:
        if isinstance(letter, Record):
            part = rows_of(letter, with_text)
        else:
            part = {"errors": [error_row(path, letter.stage, letter.code, letter.message, letter.doc_id or doc_id)]}
        for table, table_rows in part.items():
            rows[table].extend(table_rows)
    return rows

