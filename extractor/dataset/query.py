"""DuckDB over a dataset folder: each table is a typed view over its part files.

The views have the schema's types whatever the format (``docs/schema.md``): Parquet and JSONL
parts are read with them, and a CSV part's text cells are decoded (JSON lists and structs,
ISO dates, numbers, the quote added against formula injection taken off), so the same SQL
answers on every dataset.

``imr-extract query`` runs SQL given on the command line, perhaps by a script that passes on
someone else's input, and DuckDB can read, write and download files anywhere. So by default the
connection may read only the part files its views are over, may load no extension, cannot
change that back, and runs only statements that read (see :func:`run_query`).
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from .csv_safe import RISKY_CELL
from .schema import COLUMNS, OPTIONAL_TABLES, TABLES, ColumnType, column_type
from .state import readable_parts
from .version import check_version

# Statement types a sandboxed query may run: SELECT (which DESCRIBE, SHOW, SUMMARIZE, PIVOT in a
# subquery and PRAGMA table_info parse to) and EXPLAIN. Writing ones (COPY, EXPORT, ATTACH,
# INSTALL, CREATE, SET, ...) are refused: DuckDB may write wherever it may read.
READ_STATEMENTS = ("SELECT", "EXPLAIN")
ALLOW_FILES_HINT = "imr-extract query reads the dataset's tables and no other file; --allow-files lifts this"


_DUCKDB_SCALARS = {"string": "VARCHAR", "int64": "BIGINT", "bool": "BOOLEAN", "float64": "DOUBLE", "date": "DATE"}
# A CSV cell that csv_safe quoted: one more leading quote than it had (see csv_safe.restore_cell).
_QUOTED_CELL = "^'" + RISKY_CELL.pattern


# Views over the tables, for the questions asked most (docs/analysis.md); in every query
# connection and in a DuckDB file written by export.
VIEWS = {
    # One row per item, with its letter's header fields, decision year and days to decision.
    "items_with_letters": """
        SELECT i.*, i.decision = 'upheld' AS upheld,
               l.layout, l.priority, l.injury_date, l.ur_denial_date, l.assigned_date, l.decision_date,
               l.application_received_date, year(l.decision_date) AS decision_year,
               l.decision_date - l.ur_denial_date AS days_ur_denial_to_decision,
               l.reviewer_licensure, l.reviewer_specialties, l.patient_age, l.patient_sex,
               l.diagnoses, l.icd10_codes
        FROM items AS i JOIN letters AS l USING (doc_id)""",
    # One row per item and reviewer specialty (an item whose letter names none has no row).
    "item_specialties": """
        SELECT doc_id, "index", category, decision, upheld, decision_year,
               unnest(reviewer_specialties) AS specialty
        FROM items_with_letters""",
    # One row per diagnosis of a letter, with its ICD-10-CM code (null when none fits).
    "letter_diagnoses": """
        SELECT doc_id, case_number, decision_date, d.diagnosis, d.code, d.title, d.match, d.score,
               left(d.code, 1) AS code_letter, left(d.code, 3) AS code_category
        FROM letters, unnest(diagnosis_codes) AS u(d)""",
}


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _name(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def duckdb_type(kind: ColumnType) -> str:
    """The DuckDB type of a column type (``STRUCT("date" DATE, "text" VARCHAR)[]``)."""
    if kind.kind == "list":
        return f"{duckdb_type(kind.item)}[]"
    if kind.kind == "struct":
        return "STRUCT(" + ", ".join(f"{_name(name)} {duckdb_type(value)}" for name, value in kind.fields) + ")"
    return _DUCKDB_SCALARS[kind.kind]


def _json_structure(kind: ColumnType) -> str:
    """``from_json``'s structure for a type: ``[{"date": "DATE"}]``."""
    if kind.kind == "list":
        return f"[{_json_structure(kind.item)}]"
    if kind.kind == "struct":
        return "{" + ", ".join(f'"{name}": {_json_structure(value)}' for name, value in kind.fields) + "}"
    return f'"{_DUCKDB_SCALARS[kind.kind]}"'


def _csv_cell(name: str, kind: ColumnType) -> str:
    """SQL decoding the text of a CSV cell of column ``name`` to its type."""
    column = _name(name)
    if kind.nested:
        return f"from_json({column}, {_literal(_json_structure(kind))})"
    if kind.kind == "string":
        return f"CASE WHEN regexp_matches({column}, {_literal(_QUOTED_CELL)}) THEN {column}[2:] ELSE {column} END"
    return f"CAST({column} AS {duckdb_type(kind)})"


def table_sql(table: str, parts: list[Path]) -> str:
    """A SELECT of ``table``'s rows from its part files (one format), in the schema's columns and types."""
    files = "[" + ", ".join(_literal(str(p)) for p in parts) + "]"
    kinds = {name: column_type(kind) for name, kind in COLUMNS[table].items()}
    suffix = parts[0].suffix.lstrip(".")
    if suffix == "parquet":
        select = [f"CAST({_name(n)} AS {duckdb_type(k)}) AS {_name(n)}" for n, k in kinds.items()]
        source = f"read_parquet({files})"
    elif suffix == "csv":
        text = ", ".join(f"{_literal(n)}: 'VARCHAR'" for n in kinds)
        select = [f"{_csv_cell(n, k)} AS {_name(n)}" for n, k in kinds.items()]
        source = (f"read_csv({files}, header = true, delim = ',', quote = '\"', escape = '\"', "
                  f"auto_detect = false, columns = {{{text}}})")
    else:
        typed = ", ".join(f"{_literal(n)}: {_literal(duckdb_type(k))}" for n, k in kinds.items())
        select = [_name(n) for n in kinds]
        source = f"read_json({files}, format = 'newline_delimited', columns = {{{typed}}})"
    return f"SELECT {', '.join(select)} FROM {source}"


def connect(dataset: Path, *, allow_files: bool = False):
    """An in-memory DuckDB connection with views ``letters``, ``items``, ``mentions``, ``errors`` and :data:`VIEWS`.

    A ``features`` view is added when the dataset has one (``run --features``). Unless
    ``allow_files``, the connection is then locked down: it may read the views' part files and
    no other file, neither write nor download, load no extension, and its configuration is
    locked so SQL cannot lift any of this.
    """
    import duckdb

    dataset = Path(dataset)
    con = duckdb.connect()
    files = add_views(con, dataset)
    if not allow_files:
        _sandbox(con, files)
    return con


def dataset_parts(dataset: Path) -> dict[str, list[Path]]:
    """The committed part files of each table (absolute), ``features`` too when the dataset has it.

    Raises FileNotFoundError for a folder that is not a dataset, and ``SchemaVersionError``
    (E023) for a dataset of another schema version.
    """
    dataset = Path(dataset)
    if not dataset.is_dir():
        raise FileNotFoundError(f"dataset {dataset} does not exist (expected a folder written by 'imr-extract run')")
    check_version(dataset)
    found = {}
    for table in (*TABLES, *OPTIONAL_TABLES, "features"):
        # Committed parts only: a batch in flight (or lost to a crash) is not half-visible.
        parts = readable_parts(dataset, table) if table != "features" else sorted((dataset / table).glob("part-*"))
        if not parts and (table == "features" or table in OPTIONAL_TABLES):
            continue
        if not parts:
            raise FileNotFoundError(f"dataset {dataset} has no '{table}' table (no part files in {dataset / table})")
        # Absolute, canonical names: the sandbox below allows exactly these strings.
        found[table] = [p.resolve() for p in parts]
    return found


def add_views(con, dataset: Path) -> list[Path]:
    """Create a typed view per table of ``dataset``, and :data:`VIEWS`, on ``con``; return the part files read."""
    files: list[Path] = []
    for table, parts in dataset_parts(dataset).items():
        if table in COLUMNS:
            sql = table_sql(table, parts)
        else:  # the features table: its columns follow models/features.json, read as written
            reader = {"parquet": "read_parquet", "csv": "read_csv_auto", "jsonl": "read_json_auto"}[
                parts[0].suffix.lstrip(".")]
            sql = f"SELECT * FROM {reader}([{', '.join(_literal(str(p)) for p in parts)}])"
        con.execute(f"CREATE VIEW {table} AS {sql}")
        files += parts
    for name, sql in VIEWS.items():
        con.execute(f"CREATE VIEW {name} AS {sql}")
    return files


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
    return result_frame(con.execute(sql).fetch_arrow_table())


def result_frame(table):
    """An Arrow result, typed as ``read_table`` types a table.

    Integers and booleans are nullable (never float), dates ``datetime64[s]``, lists and
    structs Python lists and dicts.
    """
    import pandas as pd
    import pyarrow as pa

    def nullable(kind):
        if pa.types.is_integer(kind):
            return pd.Int64Dtype() if pa.types.is_signed_integer(kind) else pd.UInt64Dtype()
        if pa.types.is_boolean(kind):
            return pd.BooleanDtype()
        return None

    frame = table.to_pandas(types_mapper=nullable, date_as_object=False)
    for position, field in enumerate(table.schema):
        if pa.types.is_list(field.type) or pa.types.is_struct(field.type) or pa.types.is_map(field.type):
            frame.isetitem(position, pd.Series(table.column(position).to_pylist(), dtype=object))
        elif pa.types.is_date(field.type):
            frame.isetitem(position, frame.iloc[:, position].astype("datetime64[s]"))
    return frame


def plain_cell(value):
    """A cell of a result as plain JSON data: lists, dicts, ISO dates, Python numbers, None."""
    import datetime

    import numpy as np
    import pandas as pd

    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [plain_cell(v) for v in value]
    if isinstance(value, dict):
        return {k: plain_cell(v) for k, v in value.items()}
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, datetime.datetime):  # pandas' Timestamp too; a DATE comes back as midnight
        midnight = value.time() == datetime.time() and value.tzinfo is None
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


def plain_records(frame) -> list[dict]:
    """The rows of a result as JSON-ready dicts (dates ISO text, lists as lists)."""
    columns = [str(c) for c in frame.columns]
    return [dict(zip(columns, map(plain_cell, row))) for row in frame.itertuples(index=False, name=None)]


def flat_frame(frame):
    """A result with every cell flat, as a dataset's CSV holds it: lists and structs JSON text, dates ISO."""
    import json

    out = frame.copy()
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        if column.dtype == object or str(column.dtype).startswith("datetime64"):
            values = [plain_cell(v) for v in column]
            out.isetitem(position, [json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                                    for v in values])
    return out
