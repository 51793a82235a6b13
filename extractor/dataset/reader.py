"""Reading a table of a dataset folder back, typed, from any format a run writes.

>>> import extractor
>>> items = extractor.read_table("out", "items")   # doctest: +SKIP

The same DataFrame comes back from Parquet, CSV and JSONL parts, written by the local engine
or by Spark: integers nullable ``Int64``, dates ``datetime64[s]``, lists Python lists (see
``docs/schema.md``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Union

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .csv_safe import restore_cell
from .schema import COLUMNS, OPTIONAL_TABLES, column_type
from .state import readable_parts
from .values import arrow_schema, arrow_table, from_cell, to_frame
from .version import DatasetError, check_version


def read_table(folder: Union[str, Path], table: str, require: tuple[str, ...] = ()) -> pd.DataFrame:
    """One table of a dataset folder written by ``imr-extract run`` (all its parts), as a typed DataFrame.

    Args:
        folder: the dataset folder (``--out`` of the run).
        table: ``letters``, ``items``, ``mentions`` or ``errors``.
        require: columns the caller needs; a table without them raises :class:`DatasetError`.

    Returns:
        The rows of every committed part, in the columns of ``docs/schema.md``: integers
        ``Int64`` and booleans ``boolean`` (nullable), dates ``datetime64[s]`` (NaT when not
        stated), strings ``object``, lists and structs as Python lists and dicts.

    Raises:
        DatasetError: no such folder or table, or a part that cannot be read as the schema says;
            ``SchemaVersionError`` (E023) for a dataset of another schema version.
    """
    out = Path(folder)
    if not out.is_dir():
        raise DatasetError(f"dataset {out} does not exist (expected a folder written by 'imr-extract run')")
    if table not in COLUMNS:
        raise DatasetError(f"unknown table '{table}'; the tables are {', '.join(COLUMNS)}")
    if not (out / table).is_dir():
        hint = " (it is written by 'imr-extract run --with-text')" if table in OPTIONAL_TABLES else ""
        raise DatasetError(f"dataset {out} has no '{table}' table{hint} (expected folder {out / table})")
    check_version(out)
    # Part files of this engine ("part-00003.parquet", committed ones only) or of Spark
    # ("part-00000-<uuid>.snappy.parquet", "part-00000-00001.csv").
    parts = [p for p in readable_parts(out, table) if p.stat().st_size]
    data = [_read_part(part, table) for part in parts]
    frame = to_frame(pa.concat_tables(data) if data else arrow_schema(table).empty_table(), table)
    missing = [c for c in require if c not in frame.columns]
    if missing:
        raise DatasetError(f"dataset {out}: table '{table}' lacks column(s) {', '.join(repr(c) for c in missing)}")
    return frame


def _read_part(part: Path, table: str) -> pa.Table:
    names = list(COLUMNS[table])
    try:
        if part.name.endswith(".parquet"):
            found = pq.read_table(part)
            _check_columns(part, found.column_names, names)
            return found.select(names).cast(arrow_schema(table))
        if part.name.endswith(".csv"):
            # Every cell as text, empty cells as null ("NA" or "null" are a letter's words).
            frame = pd.read_csv(part, dtype=str, keep_default_na=False, na_values=[""])
            _check_columns(part, list(frame.columns), names)
            columns = {}
            for name, kind in COLUMNS[table].items():
                parsed = column_type(kind)
                cells = [None if isinstance(v, float) else v for v in frame[name].tolist()]
                if parsed.kind == "string":  # cells quoted against formula injection, as extracted
                    columns[name] = [restore_cell(v) for v in cells]
                else:
                    columns[name] = [from_cell(v, parsed) for v in cells]
            return arrow_table(columns, table)
        rows = [json.loads(line) for line in part.read_text(encoding="utf-8").splitlines() if line.strip()]
        if rows:
            _check_columns(part, list(rows[0]), names)
        return arrow_table({name: [row.get(name) for row in rows] for name in names}, table)
    except (ValueError, TypeError, KeyError, pa.ArrowException) as exc:
        if isinstance(exc, DatasetError):
            raise
        raise DatasetError(f"{part}: cannot be read as the '{table}' table of schema docs/schema.md: {exc}") from exc


def _check_columns(part: Path, found: list[str], names: list[str]) -> None:
    missing = [n for n in names if n not in found]
    if missing:
        raise DatasetError(f"dataset {part.parent.parent}: table '{part.parent.name}' lacks column(s) "
                           f"{', '.join(repr(c) for c in missing)} (in {part.name})")
