"""The page images of a PDF letter, rendered at review time to sit beside its text.

Each page of the letter (a bundle's letter: its own pages of the file) becomes one grayscale
PNG in the site folder, ``letter-<id>-p<page>.png``, page numbers counting in the file as the
record's do. Text letters have no image.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..types import Record

logger = logging.getLogger(__name__)

# 1.5 x 72 dpi = 108 dpi: the letter's type reads at a column's width; grayscale keeps a page ~70 KB.
SCALE = 1.5


@dataclass(frozen=True)
class PageImage:
    """One page image written into the site: its page number in the file, file name and size in pixels."""

    page: int
    name: str
    width: int
    height: int


def base_name(record: Record) -> str:
    """The file name stem of a letter's page and images."""
    # A bundle's letters have ids like "<file id>#2"; "#" would start a URL fragment.
    return f"letter-{record.doc_id.replace('#', '-')}"


def page_numbers(record: Record) -> list[int]:
    """The file's page numbers of the letter, for a PDF letter (none for a text letter)."""
    if record.source.format != "pdf":
        return []
    first = record.source.first_page
    last = record.source.last_page or first + max(record.source.pages, 1) - 1
    return list(range(first, last + 1))


def image_name(record: Record, page: int) -> str:
    """The PNG file name of page ``page`` (counted in the file) of the letter."""
    return f"{base_name(record)}-p{page}.png"


def image_names(record: Record) -> list[str]:
    """The PNG names the site holds for the letter: one per page of a PDF letter."""
    return [image_name(record, page) for page in page_numbers(record)]


def render_pages(record: Record, out: Path, scale: float = SCALE) -> list[PageImage]:
    """Write the letter's page images into ``out``; return those written, in page order.

    A PDF that is gone or cannot be read since the record was made gives no images (logged
    without its text); the page then shows the text alone.
    """
    pages = page_numbers(record)
    if not pages or not record.source.path:
        return []
    import pypdfium2 as pdfium

    written: list[PageImage] = []
    document: Optional[pdfium.PdfDocument] = None
    try:
        document = pdfium.PdfDocument(record.source.path)
        for number in pages:
            if number > len(document):
                break
            image = document[number - 1].render(scale=scale, grayscale=True).to_pil()
            name = image_name(record, number)
            image.save(Path(out) / name, format="PNG")
            written.append(PageImage(number, name, image.width, image.height))
    except (OSError, pdfium.PdfiumError) as exc:
        logger.warning("no page images for letter %s: %s", record.doc_id, type(exc).__name__)
    finally:
        if document is not None:
            document.close()
    return written
