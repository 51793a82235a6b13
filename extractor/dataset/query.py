"""DuckDB over a dataset folder: each table is a view over its part files, as written."""

from __future__ import annotations

from pathlib import Path

from .schema import TABLES
from .state import readable_parts


def connect(dataset: Path):
    """An in-memory DuckDB connection with views ``letters``, ``items``, ``mentions``, ``errors``.

    A ``features`` view is added when the dataset has one (``run --features``).
    """
    import duckdb

    dataset = Path(dataset)
    con = duckdb.connect()
    for table in (*TABLES, "features"):
        # Committed parts only: a batch in flight (or lost to a crash) is not half-visible.
        parts = readable_parts(dataset, table) if table != "features" else sorted((dataset / table).glob("part-*"))
        if not parts and table == "features":
            continue
        if not parts:
            raise FileNotFoundError(f"dataset {dataset} has no '{table}' table (no part files in {dataset / table})")
        kind = parts[0].suffix.lstrip(".")
        files = ", ".join("'" + str(p).replace("'", "''") + "'" for p in parts)
        reader = {"parquet": "read_parquet", "csv": "read_csv_auto", "jsonl": "read_json_auto"}[kind]
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM {reader}([{files}])")
    return con
