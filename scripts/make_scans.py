"""Turn letter PDFs into scans: ``python scripts/make_scans.py SRC DEST [--fax] [--dpi 200]``.

Every ``*.pdf`` under SRC becomes ``DEST/<same name>.pdf``: its pages rendered to grayscale
images with a slight skew and speckle, packed into a PDF with no text layer. ``--fax`` writes
1-bit multi-page TIFFs with G4 compression instead (``<name>.tif``). DEST must lie outside the
repository (or in an ignored folder): the scans of real letters are never committed.
"""

import argparse
import zlib
from pathlib import Path

from extractor.synth.scan import ScanStyle, scan_pages, to_pdf, to_tiff

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", type=Path)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--fax", action="store_true", help="1-bit G4 TIFFs instead of PDFs")
    args = parser.parse_args()
    args.dest.mkdir(parents=True, exist_ok=True)
    style = ScanStyle(dpi=args.dpi, bilevel=args.fax)
    files = sorted(args.src.rglob("*.pdf"))
    for path in files:
        # Each letter's seed comes from its name, so one letter's scan does not depend on the others.
        images = scan_pages(path.read_bytes(), style, seed=zlib.crc32(path.name.encode()))
        if args.fax:
            (args.dest / f"{path.stem}.tif").write_bytes(to_tiff(images, "group4", args.dpi))
        else:
            (args.dest / path.name).write_bytes(to_pdf(images, args.dpi))
    print(f"wrote {len(files)} scans to {args.dest}")
