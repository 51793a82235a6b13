"""Finding the files a run reads: paths, folders and globs expanded lazily, in a stable order."""

from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import Iterable, Iterator, Optional

# Files that are never letters and are skipped without an error row (gold files, notes).
SKIP_SUFFIXES = (".gold.json", ".md", ".py", ".json", ".jsonl")


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
                    if not name.startswith(".") and not name.endswith(SKIP_SUFFIXES):
                        yield os.path.join(root, name), None
        elif path.is_file():
            yield str(path), None
        elif any(ch in spec for ch in "*?["):
            matches = sorted(glob.iglob(spec, recursive=True))
            if not matches:
                yield spec, "no file matches this pattern"
            for match in matches:
                if os.path.isfile(match) and not match.endswith(SKIP_SUFFIXES):
                    yield match, None
        else:
            yield spec, "file not found"


def count_inputs(inputs: Iterable[str]) -> int:
    """How many files the inputs name (listing names is cheap next to parsing them)."""
    return sum(1 for _ in expand_inputs(inputs))
