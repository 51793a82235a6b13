"""DuckDB over a dataset folder: each table is a view over its part files, as written.

``imr-extract query`` runs SQL given on the command line, perhaps by a script that passes on
someone else's input, and DuckDB can read, write and download files anywhere. So by default the
connection may read only the part files its views are over, may load no extension, cannot
change that back, and runs only statements that read (see :func:`run_query`).
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from .schema import TABLES
from .state import readable_parts

# Statement types a sandboxed query may run: SELECT (which DESCRIBE, SHOW, SUMMARIZE, PIVOT in a
# subquery and PRAGMA table_info parse to) and EXPLAIN. Writing ones (COPY, EXPORT, ATTACH,
# INSTALL, CREATE, SET, ...) are refused: DuckDB may write wherever it may read.
READ_STATEMENTS = ("SELECT", "EXPLAIN")
ALLOW_FILES_HINT = "imr-extract query reads the dataset's tables and no other file; --allow-files lifts this"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect(dataset: Path, *, allow_files: bool = False):
    """An in-memory DuckDB connection with views ``letters``, ``items``, ``mentions``, ``errors``.

    A ``features`` view is added when the dataset has one (``run --features``). Unless
    ``allow_files``, the connection is then locked down: it may read the views' part files and
    no other file, neither write nor download, load no extension, and its configuration is
    locked so SQL cannot lift any of this.
    """
    import duckdb

    dataset = Path(dataset)
    con = duckdb.connect()
    files: list[Path] = []
    for table in (*TABLES, "features"):
        # Committed parts only: a batch in flight (or lost to a crash) is not half-visible.
        parts = readable_parts(dataset, table) if table != "features" else sorted((dataset / table).glob("part-*"))
        if not parts and table == "features":
            continue
        if not parts:
            raise FileNotFoundError(f"dataset {dataset} has no '{table}' table (no part files in {dataset / table})")
        # Absolute, canonical names: the sandbox below allows exactly these strings.
        parts = [p.resolve() for p in parts]
        kind = parts[0].suffix.lstrip(".")
        reader = {"parquet": "read_parquet", "csv": "read_csv_auto", "jsonl": "read_json_auto"}[kind]
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM {reader}([{', '.join(_literal(str(p)) for p in parts)}])")
        files += parts
    if not allow_files:
        _sandbox(con, files)
    return con


def _sandbox(con, files: list[Path]) -> None:
    # The part files themselves, not the dataset folder: the folder may hold other files, and
    # DuckDB lets a query write wherever it may read.
    allowed = ", ".join(_literal(str(p)) for p in files)
    # DuckDB always allows its spill folder (default: .tmp in the working directory, which may
    # hold someone's files): point it at a fresh, empty name of our own.
    spill = Path(tempfile.gettempdir()) / f"imr-query-{uuid.uuid4().hex}"
    con.execute(f"SET temp_directory = {_literal(str(spill))}")
    con.execute(f"SET allowed_paths = [{allowed}]")
    con.execute("SET enable_external_access = false")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute("SET lock_configuration = true")  # last: the SQL cannot SET any of the above back


def check_read_only(sql: str) -> None:
    """Raise ValueError naming the first statement of ``sql`` that is not a read (SELECT, EXPLAIN)."""
    import duckdb

    for statement in duckdb.extract_statements(sql):
        if statement.type.name not in READ_STATEMENTS:
            name = "INSTALL or LOAD" if statement.type.name == "LOAD" else statement.type.name
            raise ValueError(f"{name} statement refused: a query may only read (SELECT, DESCRIBE, SHOW, "
                             f"SUMMARIZE, EXPLAIN). {ALLOW_FILES_HINT}")


def run_query(dataset: Path, sql: str, *, allow_files: bool = False):
    """The result of ``sql`` over the dataset's views, as a DataFrame.

    Unless ``allow_files``, the SQL runs on a locked-down connection (see :func:`connect`) and
    may only read: a statement that writes raises ValueError, and reading a file other than the
    dataset's part files raises ``duckdb.PermissionException``.
    """
    con = connect(dataset, allow_files=allow_files)
    if not allow_files:
        check_read_only(sql)
    return con.execute(sql).df()
