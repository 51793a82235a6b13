"""The schema version a dataset folder was written with, in ``_schema.json`` beside its tables.

Readers (``read_table``, ``query``, ``export``) and ``run --resume`` check it first: a dataset
of another version would be misread (dates as text, lists split on ``; ``), so it is refused
with error E023, naming both versions and what to do.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..errors import Errors
from .schema import COLUMNS, SCHEMA_VERSION, TABLES

SCHEMA_FILE = "_schema.json"
# A dataset written before the schema was versioned has tables but no marker.
UNMARKED_VERSION = "1"


class DatasetError(ValueError):
    """A dataset folder that lacks a table or a column a command needs, or is of another schema version."""


class SchemaVersionError(DatasetError):
    """A dataset folder written with another version of the table schema (E023)."""

    def __init__(self, dataset: Path, found: str, action: str) -> None:
        """Name the folder, the version found, this package's version and ``action`` (what to do)."""
        super().__init__(Errors.E023.format(dataset=dataset, found=found, expected=SCHEMA_VERSION, action=action))
        self.found = found


def write_marker(out: Path) -> None:
    """Record in ``out`` that its tables follow this package's schema (atomically; tables listed for people)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    data = {"schema_version": SCHEMA_VERSION, "tables": COLUMNS}
    tmp = out / f".{SCHEMA_FILE}.tmp"
    tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, out / SCHEMA_FILE)


def dataset_version(out: Path) -> str | None:
    """The schema version of the dataset in ``out``: its marker's, ``"1"`` for tables without one, None for none."""
    out = Path(out)
    marker = out / SCHEMA_FILE
    if marker.is_file():
        try:
            found = json.loads(marker.read_text(encoding="utf-8")).get("schema_version")
        except (ValueError, AttributeError):
            found = None
        return str(found) if found else "unknown"
    if any((out / table).is_dir() and any((out / table).glob("part-*")) for table in TABLES):
        return UNMARKED_VERSION
    return None


def check_version(out: Path, action: str = "write it again with 'imr-extract run' on its letters") -> None:
    """Raise :class:`SchemaVersionError` when ``out`` holds tables of another schema version.

    A folder with no tables yet passes (a first run, an empty folder).
    """
    found = dataset_version(out)
    if found is not None and found != SCHEMA_VERSION:
        raise SchemaVersionError(Path(out), found, action)
