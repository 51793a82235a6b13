"""Pages read from word positions (pdfplumber), for header blocks laid out as a grid.

Published headers put label/value pairs side by side ("Date Assigned: 11/18/2016   Date of
Injury: 10/10/2016"). Plain text extraction follows the order the PDF drew its text in: when
the writer drew the labels column first, the values end up lines away from their labels, and a
label wrapped inside its cell ("Application" / "Received:") splits from its value. Such a page
is rebuilt from word positions: words into rows, rows into cells at wide gaps, and each label
cell on a line with the value cell to its right. pdfplumber is ~60x slower than pypdfium2, so
the bulk path re-reads only pages whose cheap text looks interleaved (:func:`looks_interleaved`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..rule_files import HeaderRules

# Plain text with this many lines holding header labels and no values is interleaved.
_MIN_LABEL_ONLY_LINES = 2
# Words whose tops differ by less than this (points) sit on one row.
_ROW_TOLERANCE = 3.0
# A gap wider than this many times the text height separates two cells (a space is ~0.3).
_CELL_GAP = 1.2
# A wrapped label's second line starts within this many points of its first.
_COLUMN_TOLERANCE = 3.0


class _Labels:
    """Header labels (``header.json``): case number, the five dates, priority."""

    def __init__(self) -> None:
        header = HeaderRules.load()
        patterns = list(header.case_number.labels) + [header.priority.label]
        patterns += [p for field in header.dates.values() for p in field]
        body = "|".join(f"(?:{p.lstrip('^')})" for p in patterns)  # labels here sit inside lines
        self.any = re.compile(body, re.IGNORECASE)


@lru_cache(maxsize=1)
def _labels() -> _Labels:
    return _Labels()


# Header labels standing alone ("Date IMR Application Received:") are short lines.
_MAX_LABEL_LINE = 60
_COLON_AT_LINE_END = re.compile(r":[ \t]*(?=\r|\n|\Z)")


def _line_start(text: str, position: int) -> int:
    """Where the line holding ``position`` starts."""
    return max(text.rfind("\n", 0, position), text.rfind("\r", 0, position)) + 1


def looks_interleaved(text: str) -> bool:
    """True when a page's plain text has header labels standing on lines without their values."""
    alone = 0
    # Only a line that ends with its colon can be a label without its value: those lines are
    # found with one search, not by splitting every line of the page.
    for m in _COLON_AT_LINE_END.finditer(text):
        start = _line_start(text, m.start())
        if m.start() - start > _MAX_LABEL_LINE:
            continue  # a long line that ends with a colon introduces text; it is not a label
        line = text[start:m.end()].rstrip()
        # A label alone on its line, or wrapped over two ("Date of UR" / "Decision:").
        wrapped = False
        if start > 0:
            before_end = start - 2 if text.startswith("\r\n", start - 2) else start - 1
            before = text[_line_start(text, before_end):before_end]
            wrapped = ":" not in before and _only_labels(f"{before} {line}")
        if _only_labels(line) or wrapped:
            alone += 1
            if alone >= _MIN_LABEL_ONLY_LINES:
                return True
    return False


@lru_cache(maxsize=4096)  # the same label lines recur from letter to letter
def _only_labels(line: str) -> bool:
    """True for a line that holds header labels and nothing else."""
    labels = _labels().any
    return labels.search(line) is not None and not labels.sub("", line).strip(" \t:")


def page_text(page: Any) -> str:
    """The text of a pdfplumber page, rows top to bottom, header cells paired label + value."""
    return rows_text(_rows(page.extract_words(keep_blank_chars=False, use_text_flow=False)))


def rows_text(rows: list[list[dict]]) -> str:
    """Text of rows of words (``text``, ``x0``, ``x1``, ``top``, ``bottom`` in points), grid cells paired.

    Rows come from a PDF's word positions (:func:`page_text`) or from OCR's lines.
    """
    cells = [_cells(row) for row in rows]
    lines: list[str] = []
    for r in range(len(cells)):
        row = [cell for cell in cells[r] if cell]  # a wrapped label's second line is emptied
        below = cells[r + 1] if r + 1 < len(cells) else []
        if not _is_grid_row(row, below):
            lines.append(" ".join(_text(cell) for cell in row))
            continue
        c = 0
        while c < len(row):
            label = _label(row[c], below)
            beside = row[c + 1] if c + 1 < len(row) else None
            value = beside if label and beside and not _label(beside, below, take=False) else None
            lines.append(f"{label} {_text(value)}" if value else label or _text(row[c]))
            c += 2 if value else 1
    return "\n".join(line for line in lines if line.strip())


def _rows(words: list[dict]) -> list[list[dict]]:
    rows: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if rows and abs(word["top"] - rows[-1][0]["top"]) <= _ROW_TOLERANCE:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [sorted(row, key=lambda w: w["x0"]) for row in rows]


def _cells(row: list[dict]) -> list[list[dict]]:
    cells: list[list[dict]] = []
    for word in row:
        height = word["bottom"] - word["top"]
        if cells and word["x0"] - cells[-1][-1]["x1"] <= _CELL_GAP * height:
            cells[-1].append(word)
        else:
            cells.append([word])
    return cells


def _text(cell: list[dict]) -> str:
    return " ".join(w["text"] for w in cell)


def _is_grid_row(row: list[list[dict]], below: list[list[dict]]) -> bool:
    """A header row: several cells, one of them a label ("Priority:") or the top of a wrapped one."""
    if len(row) < 2:
        return False
    labels = _labels().any
    return any(_text(cell).endswith(":") or labels.match(_text(cell)) or _wrapped(cell, below) is not None
               for cell in row)


def _wrapped(cell: list[dict], below: list[list[dict]]) -> int | None:
    """Index of the cell under ``cell`` that completes it as a label ("Application" / "Received:").

    The second line ends with a colon and has no value beside it; the first has no colon and
    no digits (it is no value), and a few words at most.
    """
    text = _text(cell)
    if ":" in text or any(ch.isdigit() for ch in text) or len(cell) > 3:
        return None
    for index, other in enumerate(below):
        if other and abs(other[0]["x0"] - cell[0]["x0"]) <= _COLUMN_TOLERANCE:
            alone = index + 1 == len(below) or _text(below[index + 1]).endswith(":")
            return index if _text(other).endswith(":") and alone else None
    return None


def _label(cell: list[dict], below: list[list[dict]], take: bool = True) -> str | None:
    """The label when ``cell`` is a label cell ("Priority:"); a wrapped one takes its second line."""
    text = _text(cell)
    if text.endswith(":"):
        return text
    index = _wrapped(cell, below)
    if index is None:
        return None
    second = below[index]
    if take:
        below[index] = []  # the second line is used up here
    return f"{text} {_text(second)}"
