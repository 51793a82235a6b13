"""How a run goes: one frozen ``RunOptions`` that the CLI builds and every engine takes whole.

The defaults live here and nowhere else: the command line, the Python API, ``bench`` and
``fuzz`` all start from ``RunOptions()``, so an option cannot be dropped or defaulted
differently on one path. ``LetterOptions`` is the part a single letter needs (it travels to
the worker process with each task).
"""

from __future__ import annotations

import multiprocessing as mp
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Optional

FORMATS = ("parquet", "csv", "jsonl")
PDF_BACKENDS = ("pypdfium2", "pdfplumber")
START_METHODS = ("fork", "forkserver", "spawn")

# Letters a worker process handles before it is replaced by a fresh one. spaCy adds every new
# word to the vocabulary and never frees it, so without replacement a worker's memory grows
# with the archive; a fresh worker costs about half a second (the pipeline is rebuilt).
LETTERS_PER_WORKER = 5000

# How ``imr-extract run`` (and ``bench``, which times it) starts workers: forked from a server
# that built the pipeline once, so workers carry neither a second build nor the main process's
# memory, which grows with the archive (the doc ids seen). Like ``spawn`` it re-imports the
# main module, which the command's entry point allows; Python scripts keep ``fork``.
SERVER_START: Optional[str] = "forkserver" if "forkserver" in mp.get_all_start_methods() else None


@dataclass(frozen=True)
class LetterOptions:
    """What reading and extracting one file needs; 0 turns a limit off."""

    pdf_backend: str = "pypdfium2"
    ocr: bool = True
    time_limit: float = 120.0  # seconds one file may take
    memory_limit: float = 2048.0  # MB of address space reading one file may add to a worker
    max_file_mb: float = 200.0  # larger files are refused before they are read
    # The password of encrypted PDFs; kept out of repr so it never reaches a log or a message.
    pdf_password: Optional[str] = field(default=None, repr=False)
    # The letter's text goes with its rows (the texts table) only when asked for: ~10 KB a
    # letter that would otherwise travel from the worker for nothing.
    with_text: bool = False


@dataclass(frozen=True)
class RunOptions:
    """Every option of a run, with its default; engines refuse what they cannot honour.

    Build one with keywords (``RunOptions(workers=4, time_limit=60)``) and derive variants
    with :meth:`replace`. :meth:`check` names the first bad value.
    """

    fmt: str = "parquet"
    workers: int = 0  # 0: one per core
    workers_force: bool = False  # allow more workers than cores
    batch_size: int = 500  # letters per part file
    pdf_backend: str = "pypdfium2"
    ocr: bool = True
    time_limit: float = 120.0
    memory_limit: float = 2048.0
    # A published determination is a few MB even scanned; a larger file is another document
    # (or a sparse file, or a link to a device) and is refused before a byte is read.
    max_file_mb: float = 200.0
    resume: bool = False
    in_process: bool = False  # letters run in the calling process (debugging, profiling)
    start_method: Optional[str] = None  # None: fork where the system has it, else spawn
    letters_per_worker: int = LETTERS_PER_WORKER  # 0: workers are never replaced
    csv_raw: bool = False  # CSV cells written as extracted, formula-like ones unquoted (see dataset.csv_safe)
    with_text: bool = False  # also write the texts table (each letter's text, for its offsets)
    pdf_password: Optional[str] = field(default=None, repr=False)  # see :func:`pdf_password`

    @property
    def letter(self) -> LetterOptions:
        """The options one letter's job needs."""
        return LetterOptions(self.pdf_backend, self.ocr, self.time_limit, self.memory_limit, self.max_file_mb,
                             self.pdf_password, self.with_text)

    @property
    def worker_count(self) -> int:
        """Worker processes to start: ``workers`` (0: one per core), at most one per core.

        Each worker holds a pipeline (~250 MB) and a letter's reading budget: more workers
        than cores add memory, not speed. ``workers_force`` lifts the cap.
        """
        cores = os.cpu_count() or 1
        wanted = self.workers or cores
        return max(1, wanted if self.workers_force else min(wanted, cores))

    @property
    def start(self) -> str:
        """How worker processes start (see :func:`extractor.engines.pool.pool_context`).

        ``start_method``, or ``fork`` where the system has it: workers are children of this
        process, started at once, so a script needs no ``if __name__ == "__main__":`` guard.
        """
        if self.start_method:
            return self.start_method
        return "fork" if "fork" in mp.get_all_start_methods() else "spawn"

    def replace(self, **changes) -> "RunOptions":
        """A copy with ``changes``; an unknown option name raises TypeError."""
        return replace(self, **changes)

    def changed(self) -> list[str]:
        """Names of the options that differ from their defaults."""
        default = RunOptions()
        return [f.name for f in fields(self) if getattr(self, f.name) != getattr(default, f.name)]

    def check(self) -> "RunOptions":
        """Return self, or raise ValueError naming the option and what it allows."""
        if self.fmt not in FORMATS:
            raise ValueError(f"unknown format '{self.fmt}'; choose one of {', '.join(FORMATS)}")
        if self.pdf_backend not in PDF_BACKENDS:
            raise ValueError(f"unknown PDF backend '{self.pdf_backend}'; choose one of {', '.join(PDF_BACKENDS)}")
        if self.start_method is not None and self.start_method not in START_METHODS:
            raise ValueError(f"unknown start method '{self.start_method}'; choose one of {', '.join(START_METHODS)}")
        for name in ("workers", "batch_size", "letters_per_worker", "time_limit", "memory_limit", "max_file_mb"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be 0 or more, not {getattr(self, name)}")
        if self.batch_size == 0:
            raise ValueError("batch_size must be at least 1")
        return self


DEFAULTS = RunOptions()

# The environment variable that may hold the password of encrypted PDFs.
PASSWORD_ENV = "IMR_PDF_PASSWORD"


def pdf_password(password_file: Optional[Path] = None, environ: Optional[dict] = None) -> Optional[str]:
    """The PDF password: the first line of ``password_file``, else ``$IMR_PDF_PASSWORD``, else None.

    Never a command-line value, which would stay in the shell's history and in process lists.
    Raises ValueError (without the password) when the file cannot be read or is empty.
    """
    if password_file is not None:
        try:
            lines = Path(password_file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"cannot read the password file {password_file}: {type(exc).__name__}") from None
        if not lines or not lines[0]:
            raise ValueError(f"the password file {password_file} is empty (its first line is the password)")
        return lines[0]
    value = (os.environ if environ is None else environ).get(PASSWORD_ENV)
    return value or None
