"""Render the corpus text letters to PDFs: ``python scripts/render_pdf.py corpora corpora/pdf``."""

import sys
from pathlib import Path

from extractor.synth.render import render_folder

if __name__ == "__main__":
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "corpora")
    dest = Path(sys.argv[2] if len(sys.argv) > 2 else "corpora/pdf")
    written = render_folder(src, dest)
    print(f"rendered {len(written)} letters to {dest}")
