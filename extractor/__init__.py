"""imr-extractor: California IMR Final Determination letters (PDF or text) become records.

>>> import extractor
>>> record = extractor.extract_file("letter.pdf")       # doctest: +SKIP
>>> records = extractor.extract_letters(data)           # doctest: +SKIP
>>> nlp = extractor.load()                              # the spaCy Language
>>> [d._.imr_record for d in nlp.pipe(texts)]           # doctest: +SKIP
>>> extractor.context_flags("Denies chest pain.", [(7, 17)])  # doctest: +SKIP
"""

from .context_flags import context_flags, context_pipeline
from .errors import ExtractionError
from .extract import extract_bytes, extract_doc, extract_file, extract_letters, extract_text
from .pipeline import build, load
from .types import Item, Mention, Record

__all__ = [
    "ExtractionError",
    "Item",
    "Mention",
    "Record",
    "build",
    "context_flags",
    "context_pipeline",
    "extract_bytes",
    "extract_doc",
    "extract_file",
    "extract_letters",
    "extract_text",
    "load",
]
__version__ = "0.1.0"
