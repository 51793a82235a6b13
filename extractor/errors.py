"""User-facing error messages, kept in one table so they read alike (after ``spacy/errors.py``)."""

from __future__ import annotations


class Errors:
    """Message templates; each names what went wrong in words a user understands."""

    E001 = "file is empty (0 bytes)"
    E002 = "file not found: {path}"
    E003 = "not a PDF or text letter: the file looks like binary data ({kind})"
    E004 = "PDF could not be opened: {reason}"
    E005 = "PDF is encrypted and needs a password"
    E006 = "PDF has no text layer on any page (a scan) and OCR is turned off (--no-ocr)"
    E007 = "no text found in the file"
    E008 = "not an IMR determination: none of the IMR section titles or decision lines were found"
    E009 = "unexpected failure while {step}: {reason}"
    E010 = "letter timed out after {seconds:.0f} s"
    E014 = "PDF has {pages} pages, more than the {limit} a determination letter can have (split the bundle first)"
    E013 = "a page has no text layer and needs OCR, but the tesseract program is not installed"
    E012 = "the worker process crashed on this letter (the rest of the run went on)"
    E011 = "unsupported PDF backend '{name}'; choose pypdfium2 or pdfplumber"

    W001 = "text was not valid UTF-8; decoded as {encoding}"
    W002 = "no disputed items found"
    W003 = "no decision (Upheld/Overturned) found for item {index}: '{service}'"
    W004 = "layout not recognised; fields were searched without sections"
    W005 = "{field} not found in the header"
    W006 = "guideline line '{label}' missing for item {index}"
    W007 = "file is HTML; its text was read without the markup"
    W008 = ("file holds {count} letters (case numbers {cases}); the header fields and items are the "
            "first letter's: split the file to extract the others")


class ExtractionError(Exception):
    """A letter that cannot become a record: carries the pipeline stage and a clear reason."""

    def __init__(self, stage: str, code: str, message: str) -> None:
        """Create the error for ``stage`` (read, clean, nlp, record) with code ``E0xx``."""
        super().__init__(message)
        self.stage = stage
        self.code = code
        self.message = message

    def __reduce__(self):  # keeps the error picklable across worker processes
        return (ExtractionError, (self.stage, self.code, self.message))


def fail(stage: str, code: str, **values: object) -> ExtractionError:
    """Build an :class:`ExtractionError` from the template ``Errors.<code>``."""
    return ExtractionError(stage, code, getattr(Errors, code).format(**values))
