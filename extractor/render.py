"""Render a text letter to a PDF like the published ones: running header, wrapped lines, page footer.

Used to test the PDF path on every corpus letter and by the benchmark. Needs reportlab
(installed with the ``dev`` extra).
"""

from __future__ import annotations

import textwrap
from io import BytesIO
from pathlib import Path
from typing import Optional

# US Letter with one-inch margins, 10.5 pt Helvetica: about 95 characters a line, as published.
_PAGE_W, _PAGE_H = 612, 792
_MARGIN = 72
_FONT, _SIZE, _LEADING = "Helvetica", 10.5, 13.5
_WRAP = 95


def render_pdf(text: str, title: Optional[str] = None, encrypt: bool = False, invariant: bool = False) -> bytes:
    """Return the bytes of a PDF that prints ``text`` (wrapped) with a running header and footer.

    ``invariant`` leaves out the creation time and random document id, so the same text gives
    the same bytes (``imr-extract synth --pdf`` is reproducible from its seed).
    """
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        raw = raw.rstrip()
        lines += textwrap.wrap(raw, _WRAP, break_long_words=True, break_on_hyphens=False) or [""]
    per_page = int((_PAGE_H - 2 * _MARGIN - 30) // _LEADING)
    pages = [lines[i:i + per_page] for i in range(0, len(lines), per_page)] or [[]]
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
        for line in page:
            pdf.drawString(_MARGIN, y, line)
            y -= _LEADING
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def render_folder(src: Path, dest: Path) -> list[Path]:
    """Render every ``*.txt`` letter under ``src`` to ``dest`` (same relative paths, ``.pdf``)."""
    written = []
    for path in sorted(Path(src).rglob("*.txt")):
        target = Path(dest) / path.relative_to(src).with_suffix(".pdf")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(render_pdf(path.read_text(encoding="utf-8"), title=path.stem))
        written.append(target)
    return written
