"""Writes the four tables in batches; each batch is a part file moved into place atomically.

A run writes ``DIR/<table>/part-NNNNN.<ext>`` files: a crash loses at most the batch in
flight, and a reader never sees a half-written part (parts are written to a temporary name
and renamed). Parquet, CSV and JSONL readers (pandas, DuckDB, Spark) read a folder of parts
as one table.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..options import FORMATS
from .csv_safe import restore, safe_cell
from .schema import TABLES
from .state import commit_part, readable_parts

_ARROW = {"string": pa.string(), "int64": pa.int64(), "bool": pa.bool_(), "float64": pa.float64()}


def schema(table: str) -> pa.Schema:
    """The Arrow schema of a table."""
    return pa.schema([(name, _ARROW[kind]) for name, kind in TABLES[table].items()])


class DatasetWriter:
    """Buffers rows per table and flushes them as numbered part files."""

    def __init__(self, out: Path, fmt: str = "parquet", batch_size: int = 500, start_part: int = 0, *,
                 csv_raw: bool = False) -> None:
        """Write into ``out`` in format ``fmt``; flush every ``batch_size`` letters.

        CSV cells a spreadsheet would run as formulas get a leading quote (see
        :mod:`extractor.dataset.csv_safe`) unless ``csv_raw`` is set.
        """
        if fmt not in FORMATS:
            raise ValueError(f"unknown format '{fmt}'; choose one of {', '.join(FORMATS)}")
        self.out = Path(out)
        self.fmt = fmt
        self.csv_raw = csv_raw
        self.batch_size = batch_size
        self.part = start_part
        self.buffer = _empty_buffer()
        self.letters_in_buffer = 0
        self.paths: list[str] = []  # inputs in the buffered batch, for the run state
        self.doc_ids: list[str] = []
        for table in TABLES:
            (self.out / table).mkdir(parents=True, exist_ok=True)

    def add(self, rows: dict[str, list[dict[str, Any]]], path: str = "", doc_id: str = "") -> bool:
        """Add one input's rows; return True when this flushed a batch."""
        for table, table_rows in rows.items():
            columns = self.buffer[table]
            for row in table_rows:
                for name, values in columns.items():
                    values.append(row.get(name))
        self.letters_in_buffer += 1
        self.paths.append(path)
        self.doc_ids.append(doc_id or "")
        if self.letters_in_buffer >= self.batch_size:
            self.flush()
            return True
        return False

    def flush(self) -> list[Path]:
        """Write the buffered rows as the next part of every table (empty tables included)."""
        if self.letters_in_buffer == 0 and self.part > 0:
            return []
        written = []
        try:
            for table, columns in self.buffer.items():
                path = self.out / table / f"part-{self.part:05d}.{self.fmt}"
                if self.fmt == "csv" and not self.csv_raw:
                    columns = {name: [safe_cell(v) for v in values] for name, values in columns.items()}
                _write(columns, table, path, self.fmt)
                written.append(path)
        except BaseException:
            # A full disk mid-batch: take back this batch's parts so no table holds rows
            # whose companions in the other tables were never written.
            for path in written:
                path.unlink(missing_ok=True)
            raise
        # The part counts only once its manifest exists (see dataset.state).
        commit_part(self.out, self.part, self.paths, self.doc_ids)
        self.part += 1
        self.buffer = _empty_buffer()
        self.letters_in_buffer = 0
        self.paths, self.doc_ids = [], []
        return written

    def close(self) -> None:
        """Flush what is left."""
        if self.letters_in_buffer or self.part == 0:
            self.flush()


def _empty_buffer() -> dict[str, dict[str, list]]:
    # Rows are buffered as one list per column: a dict per row takes ~3x the memory of a slot
    # per column, and a freed buffer's pages stay with the process (and the workers it forks).
    return {table: {name: [] for name in columns} for table, columns in TABLES.items()}


def write_empty_part(table: str, path: Path, fmt: str) -> None:
    """Write ``path``: a part of ``table`` with its columns and no rows (moved into place atomically)."""
    _write({name: [] for name in TABLES[table]}, table, path, fmt)


def _write(columns: dict[str, list], table: str, path: Path, fmt: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    names = list(TABLES[table])
    try:
        if fmt == "parquet":
            pq.write_table(pa.Table.from_pydict(columns, schema=schema(table)), tmp)
        elif fmt == "csv":
            pd.DataFrame(columns, columns=names).to_csv(tmp, index=False)
        else:
            with open(tmp, "w", encoding="utf-8") as handle:
                for values in zip(*(columns[name] for name in names)):
                    handle.write(json.dumps(dict(zip(names, values)), ensure_ascii=False) + "\n")
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class DatasetError(ValueError):
    """A dataset folder that lacks a table or a column a command needs."""


def read_table(out: Path, table: str, require: tuple[str, ...] = ()) -> pd.DataFrame:
    """Read one table of a dataset folder (all parts) into a DataFrame.

    ``require`` names columns the caller needs: a table without them raises
    :class:`DatasetError` naming them, rather than failing later on a KeyError.
    """
    folder = Path(out) / table
    if not Path(out).is_dir():
        raise DatasetError(f"dataset {out} does not exist (expected a folder written by 'imr-extract run')")
    if not folder.is_dir():
        raise DatasetError(f"dataset {out} has no '{table}' table (expected folder {folder})")
    # Part files of this engine ("part-00003.parquet", committed ones only) or of Spark
    # ("part-00000-<uuid>.snappy.parquet").
    parts = [p for p in readable_parts(out, table) if p.stat().st_size]
    columns = list(TABLES[table])
    frames: list[pd.DataFrame] = []
    for part in parts:
        if part.name.endswith(".parquet"):
            frames.append(pq.read_table(part).to_pandas())
        elif part.name.endswith(".csv"):
            # Cells quoted against formula injection read back as they were extracted.
            frames.append(restore(pd.read_csv(part)))
        elif part.name.endswith((".jsonl", ".json")):
            frames.append(pd.read_json(part, lines=True) if part.stat().st_size else pd.DataFrame(columns=columns))
    if not frames:
        frame = pd.DataFrame(columns=columns)
    else:
        non_empty = [f for f in frames if len(f)]
        frame = pd.concat(non_empty, ignore_index=True) if non_empty else frames[0]
    missing = [c for c in require if c not in frame.columns]
    if missing:
        raise DatasetError(f"dataset {out}: table '{table}' lacks column(s) {', '.join(repr(c) for c in missing)}")
    return frame
