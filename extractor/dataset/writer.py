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
from typing import Any, Iterable

import pandas as pd
import pyarrow.parquet as pq

from ..options import FORMATS
from .csv_safe import safe_cell
from .reader import read_table
from .schema import COLUMNS, TABLES, column_type
from .state import commit_part
from .values import arrow_schema, arrow_table, to_cell
from .version import DatasetError, write_marker

__all__ = ["FORMATS", "DatasetError", "DatasetWriter", "read_table", "schema", "write_empty_part"]


def schema(table: str):
    """The Arrow schema of a table."""
    return arrow_schema(table)


class DatasetWriter:
    """Buffers rows per table and flushes them as numbered part files."""

    def __init__(self, out: Path, fmt: str = "parquet", batch_size: int = 500, start_part: int = 0, *,
                 csv_raw: bool = False, tables: Iterable[str] = tuple(TABLES)) -> None:
        """Write ``tables`` into ``out`` in format ``fmt``; flush every ``batch_size`` letters.

        Rows of other tables given to :meth:`add` are dropped (``texts`` unless asked for).

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
        self.tables = tuple(tables)
        self.buffer = _empty_buffer(self.tables)
        self.letters_in_buffer = 0
        self.paths: list[str] = []  # inputs in the buffered batch, for the run state
        self.doc_ids: list[str] = []
        for table in self.tables:
            (self.out / table).mkdir(parents=True, exist_ok=True)
        write_marker(self.out)

    def add(self, rows: dict[str, list[dict[str, Any]]], path: str = "", doc_id: str = "") -> bool:
        """Add one input's rows; return True when this flushed a batch."""
        for table, table_rows in rows.items():
            columns = self.buffer.get(table)
            if columns is None:
                continue
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
                if self.fmt == "csv":
                    columns = _csv_cells(columns, table, self.csv_raw)
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
        self.buffer = _empty_buffer(self.tables)
        self.letters_in_buffer = 0
        self.paths, self.doc_ids = [], []
        return written

    def close(self) -> None:
        """Flush what is left."""
        if self.letters_in_buffer or self.part == 0:
            self.flush()


def _empty_buffer(tables: tuple[str, ...]) -> dict[str, dict[str, list]]:
    # Rows are buffered as one list per column: a dict per row takes ~3x the memory of a slot
    # per column, and a freed buffer's pages stay with the process (and the workers it forks).
    return {table: {name: [] for name in COLUMNS[table]} for table in tables}


def write_empty_part(table: str, path: Path, fmt: str) -> None:
    """Write ``path``: a part of ``table`` with its columns and no rows (moved into place atomically)."""
    _write({name: [] for name in COLUMNS[table]}, table, path, fmt)


def _csv_cells(columns: dict[str, list], table: str, csv_raw: bool) -> dict[str, list]:
    """CSV stays flat: lists and structs as their JSON text, strings made inert unless ``csv_raw``."""
    cells = {}
    for name, kind in COLUMNS[table].items():
        parsed = column_type(kind)
        if parsed.nested:
            cells[name] = [to_cell(v, parsed) for v in columns[name]]
        elif parsed.kind == "string" and not csv_raw:
            cells[name] = [safe_cell(v) for v in columns[name]]
        else:
            cells[name] = columns[name]
    return cells


def _write(columns: dict[str, list], table: str, path: Path, fmt: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    names = list(COLUMNS[table])
    try:
        if fmt == "parquet":
            pq.write_table(arrow_table(columns, table), tmp)
        elif fmt == "csv":
            # Object cells: an int column with nulls stays "12", never "12.0".
            pd.DataFrame(columns, columns=names, dtype=object).to_csv(tmp, index=False)
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
