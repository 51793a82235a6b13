"""CSV cells a spreadsheet would run as formulas, made inert with a leading single quote.

Letter text ends up in string cells, and a spreadsheet opening a CSV runs a cell that starts
with ``=``, ``+``, ``-`` or ``@`` as a formula (``=HYPERLINK(...)`` becomes a live link; tab
and carriage return can hide such a cell's start), after OWASP's "CSV Injection" advice.
Every CSV this package writes goes through :func:`safe_cell` (:func:`neutralize`, :func:`to_csv`
for a DataFrame) unless the caller asks for raw cells (``csv_raw``); :func:`restore` undoes it
exactly when the package reads its CSV back.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional, Union

import pandas as pd

# A cell starting with one of these, possibly after quotes that were already there: quoting
# those too (one more quote) keeps restore() the exact inverse of neutralize().
RISKY_CELL = re.compile(r"'*[=+\-@\t\r]")
_NEUTRALIZED = re.compile(r"'+[=+\-@\t\r]")


def safe_cell(value: Any) -> Any:
    """``value`` with a single quote in front when it is a string a spreadsheet would run.

    Only strings change: numbers (negative ones included), booleans and missing values are
    returned as they are.
    """
    if isinstance(value, str) and RISKY_CELL.match(value):
        return "'" + value
    return value


def restore_cell(value: Any) -> Any:
    """The value :func:`safe_cell` was given, from what it returned."""
    if isinstance(value, str) and _NEUTRALIZED.match(value):
        return value[1:]
    return value


def neutralize(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with :func:`safe_cell` applied to every string cell and column name."""
    return _map_strings(frame, safe_cell)


def restore(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` as it was before :func:`neutralize` (for reading this package's CSV)."""
    return _map_strings(frame, restore_cell)


def to_csv(frame: pd.DataFrame, target: Optional[Union[str, Path]] = None, *, csv_raw: bool = False) -> Optional[str]:
    """Write ``frame`` as CSV without its index, neutralized unless ``csv_raw``.

    Returns the CSV text when ``target`` is None (as ``DataFrame.to_csv`` does).
    """
    return (frame if csv_raw else neutralize(frame)).to_csv(target, index=False)


def _map_strings(frame: pd.DataFrame, cell) -> pd.DataFrame:
    out = frame.copy()
    for position, name in enumerate(frame.columns):
        column = frame.iloc[:, position]
        # Numeric and boolean columns cannot hold strings; object and string columns can.
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            out.isetitem(position, column.map(cell, na_action="ignore"))
    out.columns = [cell(name) for name in frame.columns]
    return out
