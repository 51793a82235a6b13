"""The table schema: the columns of letters, items, mentions and errors, and their types.

Every writer and reader takes the column order and types from here, so an empty table still
has its columns and every format (Parquet, CSV, JSONL, Spark) agrees on them.
"""

LETTER_COLUMNS = {
    "doc_id": "string", "path": "string", "format": "string", "pages": "int64",
    "first_page": "int64", "last_page": "int64", "letter_in_file": "int64", "ocr": "bool",
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
