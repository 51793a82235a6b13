"""Read the rule and vocabulary files shipped in ``models/`` (installed as ``extractor.models``).

The files are package data, so a run from any directory after ``pip install .`` finds them.
"""

from __future__ import annotations

import csv
import io
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

_PACKAGE = "extractor.models"


def model_path(name: str) -> Path:
    """Return a filesystem path to a file in ``models/`` (for loaders that need a path)."""
    ref = resources.files(_PACKAGE) / name
    with resources.as_file(ref) as path:
        return Path(path)


def read_text(name: str) -> str:
    """Return the text of a file in ``models/``."""
    return (resources.files(_PACKAGE) / name).read_text(encoding="utf-8")


def read_bytes(name: str) -> bytes:
    """Return the bytes of a file in ``models/`` (compressed tables)."""
    return (resources.files(_PACKAGE) / name).read_bytes()


@lru_cache(maxsize=None)
def read_json(name: str) -> Any:
    """Return a parsed JSON file from ``models/`` (cached: rules are read once per process)."""
    return json.loads(read_text(name))


@lru_cache(maxsize=None)
def read_jsonl(name: str) -> tuple[dict[str, Any], ...]:
    """Return the records of a JSON-lines file from ``models/``."""
    rows = []
    for number, line in enumerate(read_text(name).splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("//"):
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ValueError(f"models/{name} line {number}: {exc.msg}") from exc
    return tuple(rows)


@lru_cache(maxsize=None)
def read_csv(name: str) -> tuple[dict[str, str], ...]:
    """Return the rows of a CSV table from ``models/`` as dicts keyed by the header."""
    return tuple(csv.DictReader(io.StringIO(read_text(name))))


def list_models(folder: str = "") -> list[str]:
    """Names of every data file shipped in ``models/`` (or in its sub-folder ``folder``)."""
    root = resources.files(_PACKAGE)
    return sorted(
        entry.name
        for entry in (root / folder if folder else root).iterdir()
        if entry.name.endswith((".json", ".jsonl", ".csv"))
    )
