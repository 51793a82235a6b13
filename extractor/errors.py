"""User-facing error messages, kept in one table so they read alike (after ``spacy/errors.py``)."""

from __future__ import annotations

from typing import Optional


class Errors:
    """Message templates; each names what went wrong in words a user understands."""

    E001 = "file is empty (0 bytes)"
    E002 = "file not found: {path}"
    E003 = "not a PDF or text letter: the file looks like binary data ({kind})"
    E004 = "PDF could not be opened: {reason}"
    E005 = "PDF is encrypted and {reason}"
    E006 = "PDF has no text layer on any page (a scan) and OCR is turned off (--no-ocr)"
    E007 = "no text found in the file"
    E008 = "not an IMR determination: none of the IMR section titles or decision lines were found"
    E009 = "unexpected failure while {step}: {reason}"
    E010 = "letter timed out after {seconds:.0f} s while {step} (--time-limit)"
    E014 = "PDF has {pages} pages, more than the {limit} a determination letter can have (split the bundle first)"
    E013 = "a page has no text layer and needs OCR, but the tesseract program is not installed"
    E012 = "the worker process crashed on this letter (the rest of the run went on)"
    E011 = "unsupported PDF backend '{name}'; choose pypdfium2 or pdfplumber"
    E017 = "not a regular file ({kind}); only files are read as letters"
    E018 = "file is {size_mb:.0f} MB, over the --max-file-mb limit of {limit_mb:.0f} MB"
    E019 = "text could not be decoded as {encoding}: {reason}"
    E020 = "letter text has {chars:,} characters, over the {limit:,} one letter can have (split the file first)"
    E021 = "cannot read folder: {reason}"
    E016 = "span {index} {span} cannot be given ConText flags: {reason}"
    # A run that cannot start, not an errors row.
    E022 = "cannot reach the Spark master {master}: {reason} (a --master URL must name a running master)"
    # A dataset folder that cannot be read, queried, exported or resumed, not an errors row.
    E023 = ("dataset {dataset} was written with table schema version {found}, and this imr-extractor reads "
            "version {expected} (dates as dates, lists as lists): {action}")
    E015 = ("out of memory while {step}: reading this file needed more than {limit} "
            "(a damaged or oversized PDF or scan)")

    E024 = "{kind} image could not be read: {reason}"
    E025 = "file is an image ({kind}) and is read only by OCR, which is turned off (--no-ocr)"

    W001 = "text was not valid UTF-8; decoded as {encoding}"
    W002 = "no disputed items found"
    W003 = "no decision (Upheld/Overturned) found for item {index}: '{service}'"
    W004 = "layout not recognised; fields were searched without sections"
    W005 = "{field} not found in the header"
    W006 = "guideline line '{label}' missing for item {index}"
    W007 = "file is HTML; its text was read without the markup"
    W008 = ("file seems to hold {count} letters (case numbers {cases}) but was not split (a later letter "
            "lacks its own header or decisions); the header fields are the first letter's")
    W010 = "reviewer specialty '{name}' is not in the list of specialties; kept as printed"
    W011 = ("medspaCy {found} is installed; imr-extractor's copies of its matching and ConText steps "
            "were written for medspaCy {tested}.x and may differ (install the pinned version)")
    W012 = "page {page}: OCR found no text ({why})"
    W013 = "page {page} was upside down: it was turned and read again"
    W014 = "page {page}: OCR confidence is low ({confidence:.0f} of 100); its text may hold misreadings"
    W015 = "{field} was read by OCR as '{read}' and repaired to {value}"
    W016 = "{field} ({value}) is out of order with {other} ({other_value}): one of them may be misread"
    W017 = "case number read by OCR as '{read}' is not CM, 2 digits, a hyphen and 7 digits: it was left out"
    W009 = ("file holds {count} letters; this record is the first (imr-extract run and "
            "extractor.extract_letters give one record per letter)")


# What a letter was doing when it ran out of time or memory (the {step} of E010 and E015).
STEPS = {
    "read": "reading the file",
    "ocr": "reading scanned pages with OCR",
    "nlp": "extracting fields",
    "stuck": "stuck inside a library call that could not be interrupted (its worker was stopped)",
}


class ExtractionError(Exception):
    """A letter that cannot become a record: carries the pipeline stage and a clear reason."""

    def __init__(self, stage: str, code: str, message: str, doc_id: Optional[str] = None) -> None:
        """Create the error for ``stage`` (read, clean, nlp, record) with code ``E0xx``.

        ``doc_id`` is set for one letter of a file holding several (``<file id>#2``).
        """
        super().__init__(message)
        self.stage = stage
        self.code = code
        self.message = message
        self.doc_id = doc_id

    def __reduce__(self):  # keeps the error picklable across worker processes
        """Rebuild the error from its fields when unpickled."""
        return (ExtractionError, (self.stage, self.code, self.message, self.doc_id))


def fail(stage: str, code: str, **values: object) -> ExtractionError:
    """Build an :class:`ExtractionError` from the template ``Errors.<code>``."""
    return ExtractionError(stage, code, getattr(Errors, code).format(**values))
