"""Finding the files a run reads: paths, folders and globs expanded lazily, in a stable order.

Every name an input gives ends as a file to read or as a problem to report (an ``errors``
row): a folder that cannot be listed, a FIFO, a device or socket, a file over the size limit,
a name that matches nothing. Nothing is skipped silently except notes and gold files.
"""

from __future__ import annotations

import glob
import os
import stat
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple, Optional

from ..dataset.rows import display_path
from ..errors import Errors

# Files that are never letters and are skipped without an error row (gold files, notes).
SKIP_SUFFIXES = (".gold.json", ".md", ".py", ".json", ".jsonl")
_KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}


class Problem(NamedTuple):
    """Why a named input cannot be read: an error code of ``Errors`` and its message."""

    code: str
    message: str


def check_file(path: str, max_file_mb: float = 0) -> Optional[Problem]:
    """Why ``path`` cannot be read as a letter (following links), or None when it can."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return Problem("E002", Errors.E002.format(path=display_path(path)))
    except OSError as exc:
        return Problem("E002", f"cannot read file: {exc.strerror}")
    if not stat.S_ISREG(info.st_mode):
        return Problem("E017", Errors.E017.format(kind=_KINDS.get(stat.S_IFMT(info.st_mode), "not a file")))
    if max_file_mb > 0 and info.st_size > max_file_mb * 2**20:
        return Problem("E018", Errors.E018.format(size_mb=info.st_size / 2**20, limit_mb=max_file_mb))
    return None


def expand_inputs(inputs: Iterable[str], max_file_mb: float = 0,
                  exclude: Optional[Path] = None) -> Iterator[tuple[str, Optional[Problem]]]:
    """Yield ``(path, problem)`` for every file named by paths, folders and globs, lazily.

    ``problem`` is set when an input cannot be read (see :func:`check_file`), so it can be
    reported as an error row. ``exclude`` is a folder never read (the run's own output).
    """
    skip = os.path.realpath(exclude) if exclude is not None else None
    for spec in inputs:
        path = Path(spec)
        if path.is_dir():
            yield from _walk(spec, max_file_mb, skip)
        elif os.path.lexists(spec):
            yield spec, check_file(spec, max_file_mb)
        elif any(ch in spec for ch in "*?["):
            matches = sorted(glob.iglob(spec, recursive=True))
            if not matches:
                yield spec, Problem("E002", "no file matches this pattern")
            for match in matches:
                if not os.path.isdir(match) and not match.endswith(SKIP_SUFFIXES):
                    yield match, check_file(match, max_file_mb)
        else:
            yield spec, Problem("E002", Errors.E002.format(path=display_path(spec)))


def _walk(top: str, max_file_mb: float, skip: Optional[str]) -> Iterator[tuple[str, Optional[Problem]]]:
    """Files under ``top``, sorted; folders that cannot be listed are reported, not skipped."""
    unreadable: list[OSError] = []
    for root, dirs, files in os.walk(top, onerror=unreadable.append):
        yield from _folder_problems(unreadable)
        dirs[:] = sorted(d for d in dirs if skip is None or os.path.realpath(os.path.join(root, d)) != skip)
        for name in sorted(files):
            if not name.startswith(".") and not name.endswith(SKIP_SUFFIXES):
                full = os.path.join(root, name)
                yield full, check_file(full, max_file_mb)
    yield from _folder_problems(unreadable)


def _folder_problems(errors: list[OSError]) -> Iterator[tuple[str, Problem]]:
    while errors:
        exc = errors.pop(0)
        yield exc.filename, Problem("E021", Errors.E021.format(reason=exc.strerror))


def count_inputs(inputs: Iterable[str], max_file_mb: float = 0, exclude: Optional[Path] = None) -> int:
    """How many files the inputs name (listing names is cheap next to parsing them)."""
    return sum(1 for _ in expand_inputs(inputs, max_file_mb, exclude))
