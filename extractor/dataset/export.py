"""``imr-extract export DIR --duckdb FILE``: a dataset as one DuckDB database file.

The file holds the tables, typed as ``docs/schema.md`` says (copied, not views over the part
files: it can be moved and shared alone), and the views of :data:`.query.VIEWS`. It is written
under a temporary name and moved into place, so a failed export leaves no half-written file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Union

from .query import VIEWS, dataset_parts, table_sql
from .schema import COLUMNS


class ExportRefused(FileExistsError):
    """The target file exists (and ``force`` was not given), or is a folder."""


def export_duckdb(dataset: Union[str, Path], target: Union[str, Path], *, force: bool = False) -> dict[str, int]:
    """Write the tables and views of ``dataset`` into the DuckDB database file ``target``.

    Args:
        dataset: a dataset folder written by ``imr-extract run`` (any format, either engine).
        target: the database file to write (``.duckdb``).
        force: replace ``target`` when it exists.

    Returns:
        The rows of each table written.

    Raises:
        ExportRefused: ``target`` exists and ``force`` is not set, or it is a folder.
        FileNotFoundError: ``dataset`` is not a dataset folder (no such folder, a table missing).
        SchemaVersionError: the dataset was written with another schema version (E023).
    """
    import duckdb

    dataset, target = Path(dataset), Path(target)
    if target.is_dir():
        raise ExportRefused(f"{target} is a folder; name the database file to write (e.g. {target / 'imr.duckdb'})")
    if target.exists() and not force:
        raise ExportRefused(f"{target} exists; --force replaces it")
    parts = dataset_parts(dataset)  # before anything is written: a bad dataset costs nothing
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    counts = {}
    try:
        con = duckdb.connect(str(tmp))
        try:
            for table, files in parts.items():
                if table in COLUMNS:
                    con.execute(f'CREATE TABLE "{table}" AS {table_sql(table, files)}')
                else:  # the features table, as written
                    reader = {"parquet": "read_parquet", "csv": "read_csv_auto", "jsonl": "read_json_auto"}[
                        files[0].suffix.lstrip(".")]
                    listed = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
                    con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM {reader}([{listed}])')
                counts[table] = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for name, sql in VIEWS.items():
                con.execute(f'CREATE VIEW "{name}" AS {sql}')
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    return counts
