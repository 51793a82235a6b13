"""Column values between their forms: JSON (rows, JSONL), Python (Arrow), CSV cells, pandas.

Every conversion follows the parsed column type (:func:`.schema.column_type`), never a column
name, so a column added to the schema is written and read in every format as it is.
"""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Any, Optional

import pandas as pd
import pyarrow as pa

from .schema import COLUMNS, ColumnType, column_type

_ARROW_SCALARS = {"string": pa.string(), "int64": pa.int64(), "bool": pa.bool_(), "float64": pa.float64(),
                  "date": pa.date32()}
_TRUE, _FALSE = ("true", "1"), ("false", "0")


def arrow_type(kind: ColumnType) -> pa.DataType:
    """The Arrow type of a column type."""
    if kind.kind == "list":
        return pa.list_(arrow_type(kind.item))
    if kind.kind == "struct":
        return pa.struct([(name, arrow_type(value)) for name, value in kind.fields])
    return _ARROW_SCALARS[kind.kind]


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of a table."""
    return pa.schema([(name, arrow_type(column_type(kind))) for name, kind in COLUMNS[table].items()])


def typed(value: Any, kind: ColumnType) -> Any:
    """A JSON value (ISO date text, lists, dicts) as the Python value Arrow takes for ``kind``.

    Missing struct fields are null; an int written as a float by another JSON writer
    (``7.0``) is an int again.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if kind.kind == "list":
        return [typed(v, kind.item) for v in value]
    if kind.kind == "struct":
        return {name: typed(value.get(name), field) for name, field in kind.fields}
    if kind.kind == "date":
        return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    if kind.kind == "int64":
        return int(value)
    if kind.kind == "float64":
        return float(value)
    if kind.kind == "bool":
        if isinstance(value, str):
            return _cell_bool(value)
        return bool(value)
    return str(value)


def _cell_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE or lowered in _FALSE:
        return lowered in _TRUE
    raise ValueError(f"not a boolean: {text!r}")


def from_cell(text: Optional[str], kind: ColumnType) -> Any:
    """The JSON value of a CSV cell: JSON text for lists and structs, the text itself otherwise."""
    if text is None:
        return None
    if kind.nested:
        return json.loads(text)
    return text


def to_cell(value: Any, kind: ColumnType) -> Any:
    """A row value (JSON value) as a flat CSV cell: lists and structs as their JSON text."""
    if kind.nested and value is not None:
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def arrow_table(columns: dict[str, list], table: str) -> pa.Table:
    """An Arrow table of ``table``'s schema from JSON values, one list per column."""
    arrays = []
    for name, kind in COLUMNS[table].items():
        parsed = column_type(kind)
        arrays.append(pa.array([typed(v, parsed) for v in columns[name]], type=arrow_type(parsed)))
    return pa.Table.from_arrays(arrays, schema=arrow_schema(table))


def to_frame(data: pa.Table, table: str) -> pd.DataFrame:
    """A DataFrame of ``data`` (an Arrow table of ``table``'s schema), typed for analysis.

    Integers ``Int64`` and booleans ``boolean`` (nullable: never float), dates
    ``datetime64[s]``, strings ``object``; lists and structs become Python lists and dicts
    (their dates ``datetime.date``).
    """
    out = {}
    for name, kind in COLUMNS[table].items():
        parsed, column = column_type(kind), data.column(name)
        if parsed.nested:
            out[name] = pd.Series(column.to_pylist(), dtype=object)
        elif parsed.kind == "date":
            out[name] = pd.Series(column.to_pandas(date_as_object=False)).astype("datetime64[s]")
        elif parsed.kind == "int64":
            out[name] = pd.Series(column.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get))
        elif parsed.kind == "bool":
            out[name] = pd.Series(column.to_pandas(types_mapper={pa.bool_(): pd.BooleanDtype()}.get))
        else:
            out[name] = pd.Series(column.to_pandas())
    frame = pd.DataFrame(out, columns=list(COLUMNS[table]))
    return frame.reset_index(drop=True)
