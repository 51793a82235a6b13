"""Render a text letter to a PDF like the published ones: running header, wrapped lines, page footer.

Used to test the PDF path on every corpus letter and by the benchmark. Needs reportlab
(installed with the ``dev`` extra). Two options make the layouts that plain text extraction
gets wrong: ``grid_header`` lays the header block out as two label/value columns (drawn a
column at a time, as some PDF writers do), and ``hyphenate`` breaks long words at line ends.
"""

from __future__ import annotations

import re
import textwrap
from io import BytesIO
from pathlib import Path
from typing import Optional

# US Letter with one-inch margins, 10.5 pt Helvetica: about 95 characters a line, as published.
_PAGE_W, _PAGE_H = 612, 792
_MARGIN = 72
_FONT, _SIZE, _LEADING = "Helvetica", 10.5, 13.5
_WRAP = 95
# The published two-column header: label, value, label, value (x in points).
_GRID_X = (72, 179, 329, 427)
_GRID_LABEL_WIDTH = 95
_HEADER_FIELD = re.compile(r"^\s*([A-Z][A-Za-z()/ ]{1,40}:)\s*([^\s:][^:]*?)\s*$")
# Words at least this long may be hyphenated at a line end, keeping this many letters a side.
_HYPHENATE_MIN, _HYPHENATE_KEEP = 8, 3


def render_pdf(text: str, title: Optional[str] = None, encrypt: bool = False,
               grid_header: bool = False, hyphenate: bool = False, invariant: bool = False) -> bytes:
    """Return the bytes of a PDF that prints ``text`` (wrapped) with a running header and footer.

    ``invariant`` leaves out the creation time and random document id, so the same text gives
    the same bytes (``imr-extract synth --pdf`` is reproducible from its seed).
    """
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    lines = text.replace("\r\n", "\n").split("\n")
    before, header, lines = _header_block(lines) if grid_header else ([], [], lines)
    wrap = _wrap_hyphenated if hyphenate else (
        lambda raw: textwrap.wrap(raw, _WRAP, break_long_words=True, break_on_hyphens=False))
    rows: list[Optional[str]] = [row for raw in before for row in wrap(raw.rstrip()) or [""]]
    rows += [None] * _grid_rows(header)  # rows the header grid takes (None: drawn by _draw_grid)
    rows += [row for raw in lines for row in wrap(raw.rstrip()) or [""]]
    per_page = int((_PAGE_H - 2 * _MARGIN - 30) // _LEADING)
    pages = [rows[i:i + per_page] for i in range(0, len(rows), per_page)] or [[]]
    buffer = BytesIO()
    options = {"encrypt": StandardEncryption("", canPrint=1)} if encrypt else {}
    pdf = canvas.Canvas(buffer, pagesize=(_PAGE_W, _PAGE_H), invariant=int(invariant), **options)
    pdf.setTitle(title or "IMR Final Determination")
    for number, page in enumerate(pages, start=1):
        pdf.setFont(_FONT, 8)
        pdf.drawString(_MARGIN, _PAGE_H - 40, "Independent Medical Review - Final Determination Letter")
        pdf.drawRightString(_PAGE_W - _MARGIN, 30, f"Page {number} of {len(pages)}")
        pdf.setFont(_FONT, _SIZE)
        y = _PAGE_H - _MARGIN
        for row, line in enumerate(page):
            if line is not None:
                pdf.drawString(_MARGIN, y, line)
            elif row == 0 or page[row - 1] is not None:
                _draw_grid(pdf, header, y)
            y -= _LEADING
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _header_block(lines: list[str]) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """Lines before the header block, its ``(label, value)`` fields, and the lines after it.

    The block is the first run of two or more "Label: value" lines, among them a case number or
    a date, within the first 20 lines.
    """
    for start in range(min(20, len(lines) - 1)):
        if _HEADER_FIELD.match(lines[start]) and _HEADER_FIELD.match(lines[start + 1]):
            end = start
            while end < len(lines) and _HEADER_FIELD.match(lines[end]):
                end += 1
            fields = [_HEADER_FIELD.match(line).groups() for line in lines[start:end]]
            if any(word in label for label, _ in fields for word in ("Case", "Date")):
                return lines[:start], fields, lines[end:]
    return [], [], lines


def _grid_cells(fields: list[tuple[str, str]]) -> tuple[list[tuple[int, int, str]], int]:
    """Header fields two pairs a row as ``(row, column, text)`` cells, and the rows they take."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    cells = []
    row = 0
    for i in range(0, len(fields), 2):
        height = 1
        for side, (label, value) in enumerate(fields[i:i + 2]):
            # A long label wraps inside its column ("Application" / "Received:").
            label_lines = [""]
            for word in label.split():
                trial = f"{label_lines[-1]} {word}".strip()
                if label_lines[-1] and stringWidth(trial, _FONT, _SIZE) > _GRID_LABEL_WIDTH:
                    label_lines.append(word)
                else:
                    label_lines[-1] = trial
            for offset, part in enumerate(label_lines):
                cells.append((row + offset, 2 * side, part))
            cells.append((row, 2 * side + 1, value))
            height = max(height, len(label_lines))
        row += height
    return cells, row


def _grid_rows(fields: list[tuple[str, str]]) -> int:
    return _grid_cells(fields)[1] + 1 if fields else 0


def _draw_grid(pdf, fields: list[tuple[str, str]], top: float) -> None:
    """Draw the header grid a column at a time (all labels, then all values), as some writers do."""
    cells, _ = _grid_cells(fields)
    for column in range(4):  # plain text extraction then loses which value is whose
        for cell_row, cell_column, text in cells:
            if cell_column == column:
                pdf.drawString(_GRID_X[column], top - cell_row * _LEADING, text)


def _wrap_hyphenated(line: str) -> list[str]:
    """Wrap at ``_WRAP`` characters, breaking a long word with a hyphen when it does not fit."""
    out: list[str] = []
    current = ""
    words = line.split()
    while words:
        word = words.pop(0)
        room = _WRAP - len(current) - (1 if current else 0)
        if len(word) <= room:
            current = f"{current} {word}" if current else word
            continue
        cut = _hyphen_point(word, room)
        if cut:
            head, tail = cut
            out.append(f"{current} {head}" if current else head)
            current = ""
            words.insert(0, tail)
            continue
        if current:
            out.append(current)
        current = word
    if current:
        out.append(current)
    return out


def _hyphen_point(word: str, room: int) -> Optional[tuple[str, str]]:
    """Where to break ``word`` so its head (with the hyphen) fits in ``room`` characters."""
    if "-" in word[:room]:  # a compound breaks after its own hyphen ("follow-" / "up")
        at = word[:room].rindex("-") + 1
        if at < len(word):
            return word[:at], word[at:]
    letters = re.match(r"[A-Za-z]+", word)
    if not letters or letters.end() < _HYPHENATE_MIN:
        return None
    at = min(room - 1, letters.end() - _HYPHENATE_KEEP)
    if at < _HYPHENATE_KEEP:
        return None
    return word[:at] + "-", word[at:]


def render_folder(src: Path, dest: Path) -> list[Path]:
    """Render every ``*.txt`` letter under ``src`` to ``dest`` (same relative paths, ``.pdf``)."""
    written = []
    for path in sorted(Path(src).rglob("*.txt")):
        target = Path(dest) / path.relative_to(src).with_suffix(".pdf")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(render_pdf(path.read_text(encoding="utf-8"), title=path.stem))
        written.append(target)
    return written
