"""The local engine: worker processes, streaming input, batched part files, a summary.

Every input ends as a ``letters`` row or an ``errors`` row; a letter that fails never stops
the run. Inputs come from :mod:`.inputs`, each file's job from :mod:`.letter_job`, and the
supervised workers from :mod:`.pool`.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from ..dataset import DatasetWriter
from ..dataset.rows import error_row
from ..dataset.schema import written_tables
from ..dataset.state import clear as clear_state
from ..dataset.state import load_state, run_lock, written_format
from ..dataset.version import check_version, write_marker
from ..options import RunOptions
from .inputs import expand_inputs
from .letter_job import process_path
from .pool import pool_results
from .summary import RunSummary, count_file

log = logging.getLogger("extractor")


class OutFolderRefused(RuntimeError):
    """The output folder cannot take this run: its old tables cannot be removed, or are in another format."""


def run_local(
    inputs: Iterable[str],
    out: Path,
    options: Optional[RunOptions] = None,
    *,
    on_result: Optional[Callable[[RunSummary], None]] = None,
    **changes,
) -> RunSummary:
    """Extract every input into the dataset folder ``out``; return the summary.

    ``options`` (default ``RunOptions()``) says how; keywords change single options, so
    ``run_local(paths, out, workers=2)`` is ``run_local(paths, out, RunOptions(workers=2))``.
    With ``resume`` the inputs already committed by an earlier run of the same folder are
    skipped; without it, an earlier run's tables in ``out`` are replaced. The time and memory
    limits cost a letter that breaks them, never the run. ``in_process`` runs the letters in
    this process instead (for debugging and profiling): the limits still apply, but a crash
    inside a C library, or a hang where the time limit's signal cannot reach, stops the run.
    ``on_result`` is called with the summary after every file.
    """
    options = (options or RunOptions()).replace(**changes).check()
    with run_lock(out):
        return _run(inputs, Path(out), options, on_result)


def _run(inputs: Iterable[str], out: Path, options: RunOptions,
         on_result: Optional[Callable[[RunSummary], None]]) -> RunSummary:
    started = time.perf_counter()
    summary = RunSummary()
    done_paths, seen, first_part = open_state(out, options)
    summary.resumed = len(done_paths) if options.resume else 0
    writer = DatasetWriter(out, fmt=options.fmt, batch_size=options.batch_size, start_part=first_part,
                           csv_raw=options.csv_raw, tables=written_tables(options.with_text))

    def tasks() -> Iterator[str]:
        for path, problem in expand_inputs(inputs, options.max_file_mb, exclude=out):
            if path in done_paths:
                continue
            summary.inputs += 1
            if problem:
                row = error_row(path, "read", problem.code, problem.message)
                _account(summary, writer, seen, (path, None, {"errors": [row]}))
                if on_result:
                    on_result(summary)
                continue
            yield path

    peak: list = [None]
    letter = options.letter
    results = (
        (process_path(p, letter) for p in tasks())
        if options.in_process
        else pool_results(tasks(), options.worker_count, letter, options.start, options.letters_per_worker, peak)
    )
    for result in results:
        _account(summary, writer, seen, result)
        if on_result:
            on_result(summary)
    writer.close()
    summary.worker_peak_mb = peak[0]
    summary.seconds = time.perf_counter() - started
    return summary


def open_state(out: Path, options: RunOptions) -> tuple[set[str], set[str], int]:
    """Where a run into ``out`` starts: the paths and doc ids committed, and the next part number.

    With ``resume``, the committed state (in the dataset's own format only); without it, the
    previous run's tables are removed first (manifests first, see ``dataset.state.clear``).
    Every engine starts through here.
    """
    if options.resume:
        # Rows of two schema versions would make tables no reader can read.
        check_version(out, action="run it again without --resume, which rewrites it")
        found = written_format(out)
        if found and found != options.fmt:  # parts of two formats would make one unreadable table
            raise OutFolderRefused(f"{out} holds a {found} dataset; resume it with --format {found}")
        has_text = any((out / "texts").glob("part-*"))
        if found and has_text != options.with_text:  # a texts table missing the letters of one run
            raise OutFolderRefused(f"{out} {'holds' if has_text else 'has no'} texts table; resume it "
                                   f"{'with' if has_text else 'without'} --with-text")
        state = load_state(out)
        write_marker(out)
        return state
    try:
        clear_state(out)
    except OSError as exc:
        raise OutFolderRefused(f"cannot remove the previous run's tables in {out}: {exc.strerror} "
                               f"({exc.filename}); nothing was written: fix the folder and run again") from exc
    write_marker(out)
    return set(), set(), 0


def _account(summary: RunSummary, writer: DatasetWriter, seen: set[str], result) -> None:
    path, doc_id, rows = result
    if not count_file(summary, seen, doc_id, rows):
        writer.add({}, path, "")  # identical bytes: the same file filed twice
        return
    writer.add({table: rows.get(table, []) for table in writer.tables}, path, doc_id or "")
