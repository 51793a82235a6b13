"""Synthetic IMR letters with gold annotations (``imr-extract synth``), and rendering them to PDF.

Modules, in the order a letter is made: :mod:`.archive` writes an archive of letters;
:mod:`.composer` composes one letter from :mod:`.templates` in steps: :mod:`.case` (the drawn
case), :mod:`.summary` (the clinical summary), :mod:`.layouts` and :mod:`.guidelines` (the text
of each layout), :mod:`.gold` (its gold annotation). :mod:`.render` prints a text letter to a PDF.
"""

from .archive import SynthError, check_rates, generate, parse_layouts, parse_uphold_rates
from .render import render_folder, render_pdf
from .templates import CATEGORIES, LAYOUTS, load_data

__all__ = [
    "CATEGORIES",
    "LAYOUTS",
    "SynthError",
    "check_rates",
    "generate",
    "load_data",
    "parse_layouts",
    "parse_uphold_rates",
    "render_folder",
    "render_pdf",
]
