"""Letters as an archive holds them: PDF pages turned into scans or faxes, for tests and measurement.

A scan is each page rendered to a grayscale image (200 dpi by default), turned by a slight
skew and sprinkled with speckle, then packed back into a PDF with no text layer (or saved as
image files). A fax is the same at 1 bit a pixel, saved as a TIFF with CCITT G3 or G4
compression. Only Pillow and pypdfium2 are needed; the seed makes every copy reproducible.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from typing import Optional, Union


@dataclass(frozen=True)
class ScanStyle:
    """How a page is degraded: resolution, skew range (degrees), speckle dots per page, 1-bit."""

    dpi: int = 200
    skew: tuple[float, float] = (0.5, 1.0)
    speckle: int = 1500
    bilevel: bool = False


def scan_pages(pdf: bytes, style: ScanStyle = ScanStyle(), seed: int = 0,
               pages: Optional[int] = None) -> list:
    """The pages of ``pdf`` as degraded PIL images (mode ``L``, or ``1`` for a fax)."""
    import pypdfium2 as pdfium

    rng = random.Random(seed)
    document = pdfium.PdfDocument(pdf)
    images = []
    try:
        for number in range(min(len(document), pages or len(document))):
            page = document[number]
            image = page.render(scale=style.dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            images.append(_degrade(image, style, rng))
    finally:
        document.close()
    return images


def _degrade(image, style: ScanStyle, rng: random.Random):
    from PIL import Image

    low, high = style.skew
    angle = rng.uniform(low, high) * rng.choice((-1, 1))
    image = image.rotate(angle, resample=Image.BILINEAR, expand=False, fillcolor=255)
    pixels = image.load()
    width, height = image.size
    for _ in range(style.speckle):  # dust: dark dots on the paper, a few light ones in the ink
        x, y = rng.randrange(width), rng.randrange(height)
        pixels[x, y] = rng.choice((0, 40, 90, 220))
    if style.bilevel:
        image = image.point(lambda v: 255 if v > 160 else 0).convert("1")
    return image


def to_pdf(images: list, dpi: int = 200) -> bytes:
    """Images as a PDF of image-only pages (no text layer: a reader must OCR them)."""
    buffer = io.BytesIO()
    images = [image.convert("L") if image.mode == "1" else image for image in images]
    images[0].save(buffer, format="PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return buffer.getvalue()


def to_tiff(images: list, compression: str = "group4", dpi: Union[int, tuple[int, int]] = 200) -> bytes:
    """Images as one multi-page TIFF; ``group3``/``group4`` (fax) need 1-bit images.

    ``dpi`` may differ across and down: a fax in standard mode is 204 x 98 dpi.
    """
    buffer = io.BytesIO()
    if compression in ("group3", "group4"):
        images = [image if image.mode == "1" else image.point(lambda v: 255 if v > 160 else 0).convert("1")
                  for image in images]
    images[0].save(buffer, format="TIFF", save_all=True, append_images=images[1:],
                   compression=compression, dpi=dpi if isinstance(dpi, tuple) else (dpi, dpi))
    return buffer.getvalue()


def to_image(image, fmt: str = "PNG", dpi: int = 200) -> bytes:
    """One page as a PNG or JPEG file."""
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, dpi=(dpi, dpi), **({"quality": 85} if fmt == "JPEG" else {}))
    return buffer.getvalue()
