"""The table schema: the columns of letters, items, mentions and errors, and their types.

Every writer and reader takes the column order and types from here, so an empty table still
has its columns and every format (Parquet, CSV, JSONL, Spark) agrees on them.
"""

LETTER_COLUMNS = {
    "doc_id": "string", "path": "string", "format": "string", "pages": "int64",
    "first_page": "int64", "last_page": "int64", "letter_in_file": "int64", "ocr": "bool",
    "ocr_confidence": "float64",
    "text_backend": "string", "layout": "string", "case_number": "string",
    "injury_date": "string", "ur_denial_date": "string", "assigned_date": "string",
    "decision_date": "string", "application_received_date": "string", "priority": "string",
    "reviewer_licensure": "string", "reviewer_specialties": "string", "patient_age": "int64",
    "patient_sex": "string", "diagnoses": "string", "icd10_codes": "string", "work_status": "string",
    "pain_scores": "string", "n_items": "int64", "n_upheld": "int64", "n_overturned": "int64",
    "n_mentions": "int64", "warnings": "string", "text_chars": "int64",
}
ITEM_COLUMNS = {
    "doc_id": "string", "case_number": "string", "index": "int64", "service": "string",
    "category": "string", "body_region": "string", "laterality": "string", "quantity": "string",
    "quantity_total": "int64", "quantity_unit": "string", "frequency": "string", "duration": "string",
    "refills": "int64", "decision": "string", "medically_necessary": "bool",
    "claims_administrator_guideline": "string", "maximus_guideline": "string",
    "guideline_sources": "string", "guideline_sections": "string", "rationale": "string",
    "evidence_start": "int64", "evidence_end": "int64", "evidence_page": "int64",
}
MENTION_COLUMNS = {
    "doc_id": "string", "label": "string", "text": "string", "normalized": "string",
    "kind": "string", "start": "int64", "end": "int64", "page": "int64", "section": "string",
    "date": "string", "negated": "bool", "normal": "bool", "historical": "bool",
    "hypothetical": "bool", "uncertain": "bool", "family": "bool",
    "strength": "string", "quantity": "string", "icd10": "string",
}
ERROR_COLUMNS = {
    "path": "string", "doc_id": "string", "stage": "string", "error": "string", "message": "string",
}
TABLES = {
    "letters": LETTER_COLUMNS,
    "items": ITEM_COLUMNS,
    "mentions": MENTION_COLUMNS,
    "errors": ERROR_COLUMNS,
}

# What each column holds: docs/schema.md is written from this table and the column types
# (``python scripts/write_schema_doc.py``; a test fails when the file is out of date).
COLUMN_DOCS = {
    "letters": {
        "doc_id": "stable id of the letter: the first 16 hex digits of the SHA-256 of the file's bytes "
                  "(a file holding several letters: `<id>#2`, `<id>#3`, ...)",
        "path": "the input file, as named",
        "format": "`pdf`, `image` (TIFF, PNG, JPEG: read by OCR) or `text` (an HTML file is read as text)",
        "pages": "pages of this letter",
        "first_page": "first page of the file this letter is on (1-based)",
        "last_page": "last page of the file this letter is on",
        "letter_in_file": "which letter of the file this is (1-based)",
        "ocr": "whether any page was read with OCR",
        "ocr_confidence": "mean Tesseract word confidence (0-100) of the letter's OCRed pages (null without OCR)",
        "text_backend": "PDFs: `pypdfium2` or `pdfplumber` (null for text)",
        "layout": "`case_number_header` (2015+), `maximus_letterhead` (2013-14), `professional_review`, or `unknown`",
        "case_number": "IMR case number as printed (`CM15-0194937`)",
        "injury_date": "date of injury, ISO `YYYY-MM-DD`",
        "ur_denial_date": "date of the utilization review denial",
        "assigned_date": "date the case was assigned to the reviewer",
        "decision_date": "date of the final determination",
        "application_received_date": "date the IMR application was received",
        "priority": "`standard` or `expedited`",
        "reviewer_licensure": "states of licensure, `; `-joined",
        "reviewer_specialties": "specialties, normalized, `; `-joined",
        "patient_age": "age as stated (null when not stated)",
        "patient_sex": "`female` or `male`, as stated",
        "diagnoses": "diagnoses as written, de-duplicated, `; `-joined",
        "icd10_codes": "ICD-10-CM codes of the diagnoses, first-seen order, `; `-joined",
        "work_status": "JSON list of `{status, text, date}`; status normalized (`ttd`, `modified_duty`, ...)",
        "pain_scores": "JSON list of `{score, scale, date, text}`",
        "n_items": "disputed items",
        "n_upheld": "items upheld (not medically necessary)",
        "n_overturned": "items overturned (medically necessary)",
        "n_mentions": "clinical mentions",
        "warnings": "what could not be read cleanly, `; `-joined",
        "text_chars": "characters of the cleaned letter text",
    },
    "items": {
        "doc_id": "the letter (joins `letters.doc_id`)",
        "case_number": "the letter's case number",
        "index": "the item's place in the letter (1-based)",
        "service": "the requested service as written",
        "category": "`medication`, `imaging`, `physical_therapy`, `chiropractic`, `acupuncture`, `injection`, "
                    "`surgery`, `dme`, `lab`, `consultation`, `program`, `home_health` or `other`",
        "body_region": "body region of the service (`lumbar spine`, `knee`, ...)",
        "laterality": "`left`, `right` or `bilateral`",
        "quantity": "the quantity as written (`#60`, `2x4`, `12 sessions`)",
        "quantity_total": "units requested in all (a range counts its upper bound)",
        "quantity_unit": "unit of `quantity_total` (`count`, `sessions`, `visits`, `days`, ...)",
        "frequency": "how often (`2 per week`)",
        "duration": "for how long (`4 weeks`)",
        "refills": "refills requested",
        "decision": "`upheld` or `overturned`",
        "medically_necessary": "false when upheld, true when overturned",
        "claims_administrator_guideline": "the guideline line the claims administrator cited",
        "maximus_guideline": "the guideline line the reviewer used",
        "guideline_sources": "guideline sources (`MTUS`, `ACOEM`, `ODG`, `Other`), `; `-joined",
        "guideline_sections": "guideline sections cited, `; `-joined",
        "rationale": "the decision's rationale, whole",
        "evidence_start": "where the decision line starts in the letter text (character offset)",
        "evidence_end": "where the decision line ends",
        "evidence_page": "page of the decision line",
    },
    "mentions": {
        "doc_id": "the letter (joins `letters.doc_id`)",
        "label": "`FINDING`, `SYMPTOM`, `DIAGNOSIS`, `TREATMENT` or `SERVICE`",
        "text": "the words as written",
        "normalized": "the normalized name (`hydrocodone/acetaminophen` for Norco)",
        "kind": "vocabulary group (`opioid`, `exam`, `imaging`, ...)",
        "start": "character offset in the letter text",
        "end": "end offset in the letter text",
        "page": "page of the mention",
        "section": "section it is in (`case_summary`, `rationale`, ...)",
        "date": "the date its sentence ties it to",
        "negated": "stated absent (\"denies chest pain\", \"exam normal\")",
        "normal": "stated normal; a normal finding is also negated (absent)",
        "historical": "in the past (\"history of\", a study or treatment already done)",
        "hypothetical": "planned, recommended or conditional (\"if pain persists\")",
        "uncertain": "possible, not certain (\"possible radiculopathy\")",
        "family": "about a relative, not the patient",
        "strength": "medications: strength (`10/325mg`)",
        "quantity": "medications: quantity (`#60`)",
        "icd10": "diagnoses: ICD-10-CM code of the diagnosis named",
    },
    "errors": {
        "path": "the input that did not become a record",
        "doc_id": "its id, when its bytes could be read",
        "stage": "where it failed: `read`, `clean`, `nlp`, `record` or `extract`",
        "error": "error code (`E001` ...; see docs/errors.md)",
        "message": "what went wrong, in words",
    },
}
_TYPE_NAMES = {"string": "string", "int64": "integer", "bool": "boolean", "float64": "number"}


def schema_markdown() -> str:
    """``docs/schema.md``: the tables, their columns, types and meaning, from this module."""
    lines = [
        "# The record contract: tables and columns",
        "",
        "<!-- Written by scripts/write_schema_doc.py from extractor/dataset/schema.py; do not edit. -->",
        "",
        "A run writes four tables, joinable on `doc_id`. A value the letter does not state is null",
        "(never a guess); dates are ISO `YYYY-MM-DD`. An input is in `letters` or in `errors`, never",
        "in neither. `imr-extract show FILE` prints one letter's record as JSON: the same fields,",
        "with the lists as lists and the dates, reviewer, patient and source as objects.",
    ]
    for table, columns in TABLES.items():
        lines += ["", f"## {table}", "", "| column | type | meaning |", "|---|---|---|"]
        for name, kind in columns.items():
            lines.append(f"| `{name}` | {_TYPE_NAMES[kind]} | {COLUMN_DOCS[table][name]} |")
    return "\n".join(lines) + "\n"
