"""The table schema: the columns of letters, items, mentions and errors, and their types.

Every writer and reader takes the column order and types from here, so an empty table still
has its columns and every format (Parquet, CSV, JSONL, Spark, DuckDB) agrees on them.

A column type is a short text: a scalar (``string``, ``int64``, ``bool``, ``float64``,
``date``), ``list<T>`` or ``struct<name:T,...>``. :func:`column_type` parses it; each writer
and reader maps the parsed type to its own (Arrow, Spark DDL, DuckDB), so a column added here
needs no code anywhere else.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

# Bumped whenever a column changes its name, place or type. A dataset records the version it
# was written with (``_schema.json``); one of another version is refused, not misread.
# Version 1 (no marker) held dates as text and lists as '; '-joined text; version 2 had no
# field evidence, mention sentences or item links, and no texts table.
SCHEMA_VERSION = "3"

DATE = "date"
STRINGS = "list<string>"
WORK_STATUS = "list<struct<status:string,text:string,date:date,start:int64,end:int64>>"
PAIN_SCORES = "list<struct<score:float64,scale:int64,date:date,text:string,start:int64,end:int64>>"
FIELD_EVIDENCE = "list<struct<field:string,start:int64,end:int64,page:int64>>"
DIAGNOSIS_CODES = "list<struct<diagnosis:string,code:string,title:string,match:string,score:float64>>"

LETTER_COLUMNS = {
    "doc_id": "string", "path": "string", "format": "string", "pages": "int64",
    "first_page": "int64", "last_page": "int64", "letter_in_file": "int64", "ocr": "bool",
    "ocr_confidence": "float64",
    "text_backend": "string", "layout": "string", "case_number": "string",
    "injury_date": DATE, "ur_denial_date": DATE, "assigned_date": DATE,
    "decision_date": DATE, "application_received_date": DATE, "priority": "string",
    "reviewer_licensure": STRINGS, "reviewer_specialties": STRINGS, "patient_age": "int64",
    "patient_sex": "string", "diagnoses": STRINGS, "icd10_codes": STRINGS, "diagnosis_codes": DIAGNOSIS_CODES,
    "work_status": WORK_STATUS, "pain_scores": PAIN_SCORES, "n_items": "int64", "n_upheld": "int64",
    "n_overturned": "int64", "n_mentions": "int64", "warnings": STRINGS, "text_chars": "int64",
    "evidence": FIELD_EVIDENCE,
}
ITEM_COLUMNS = {
    "doc_id": "string", "case_number": "string", "index": "int64", "service": "string",
    "category": "string", "body_region": "string", "laterality": "string", "quantity": "string",
    "quantity_total": "int64", "quantity_unit": "string", "frequency": "string", "duration": "string",
    "refills": "int64", "decision": "string", "medically_necessary": "bool",
    "claims_administrator_guideline": "string", "maximus_guideline": "string",
    "guideline_sources": STRINGS, "guideline_sections": STRINGS, "rationale": "string",
    "evidence_start": "int64", "evidence_end": "int64", "evidence_page": "int64",
}
MENTION_COLUMNS = {
    "doc_id": "string", "label": "string", "text": "string", "normalized": "string",
    "kind": "string", "start": "int64", "end": "int64", "page": "int64", "section": "string",
    "date": DATE, "negated": "bool", "normal": "bool", "historical": "bool",
    "hypothetical": "bool", "uncertain": "bool", "family": "bool",
    "strength": "string", "quantity": "string", "icd10": "string", "sentence": "string",
    "item_index": "int64",
}
ERROR_COLUMNS = {
    "path": "string", "doc_id": "string", "stage": "string", "error": "string", "message": "string",
}
TEXT_COLUMNS = {"doc_id": "string", "text": "string"}
# Every run writes these.
TABLES = {
    "letters": LETTER_COLUMNS,
    "items": ITEM_COLUMNS,
    "mentions": MENTION_COLUMNS,
    "errors": ERROR_COLUMNS,
}
# Written on request: the letters' text (``run --with-text``), so every offset can be used.
OPTIONAL_TABLES = {"texts": TEXT_COLUMNS}
# The columns of every table a dataset may hold.
COLUMNS = {**TABLES, **OPTIONAL_TABLES}


def written_tables(with_text: bool = False) -> tuple[str, ...]:
    """The tables a run writes."""
    return (*TABLES, "texts") if with_text else tuple(TABLES)

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
        "reviewer_licensure": "states of licensure, as named (`California`)",
        "reviewer_specialties": "specialties, normalized",
        "patient_age": "age as stated (null when not stated)",
        "patient_sex": "`female` or `male`, as stated",
        "diagnoses": "diagnoses as written, de-duplicated",
        "icd10_codes": "ICD-10-CM codes of the diagnoses, de-duplicated, first-seen order",
        "diagnosis_codes": "one per diagnosis, in order: the diagnosis as written, its ICD-10-CM `code` and `title` "
                           "(null when none fits), how it `match`ed (`synonym`, `title`, `words`) and a `score` (0-1)",
        "work_status": "work status statements: `status` normalized (`ttd`, `modified_duty`, ...), `text` as "
                       "written, the `date` it is tied to, and its `start`/`end` offsets in the letter text",
        "pain_scores": "pain ratings: `score` on a 0-`scale` scale, the `date` it is tied to, `text` as written, "
                       "`start`/`end` offsets",
        "n_items": "disputed items",
        "n_upheld": "items upheld (not medically necessary)",
        "n_overturned": "items overturned (medically necessary)",
        "n_mentions": "clinical mentions",
        "warnings": "what could not be read cleanly, one message each (docs/errors.md#warnings)",
        "text_chars": "characters of the cleaned letter text",
        "evidence": "where each letter-level field was read: `{field, start, end, page}`, the field a record path "
                    "(`case_number`, `dates.injury`, `priority`, `reviewer.specialties`, `patient.age`, "
                    "`diagnoses.1`, ...), the span its label and value in the letter text (`texts.text`); a value "
                    "whose span was not found has none",
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
        "guideline_sources": "guideline sources (`MTUS`, `ACOEM`, `ODG`, `Other`)",
        "guideline_sections": "guideline sections cited",
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
        "sentence": "its sentence, whitespace collapsed (a longer sentence: a window of at most 200 characters "
                    "around the mention, whole words)",
        "item_index": "the item (joins `items.doc_id` + `items.index`) whose decision line or rationale it sits "
                      "in, or the disputed service it names; null for the rest of the letter",
    },
    "errors": {
        "path": "the input that did not become a record",
        "doc_id": "its id, when its bytes could be read",
        "stage": "where it failed: `read`, `clean`, `nlp`, `record` or `extract`",
        "error": "error code (`E001` ...; see docs/errors.md)",
        "message": "what went wrong, in words",
    },
    "texts": {
        "doc_id": "the letter (joins `letters.doc_id`)",
        "text": "the cleaned letter text every offset (`start`, `end`, `evidence_*`) counts in",
    },
}


class ColumnType(NamedTuple):
    """A parsed column type: ``kind`` is a scalar name, ``list`` (of ``item``) or ``struct`` (of ``fields``)."""

    kind: str
    item: "ColumnType | None" = None
    fields: tuple[tuple[str, "ColumnType"], ...] = ()

    @property
    def nested(self) -> bool:
        """Whether values are lists or structs (JSON text in a CSV cell)."""
        return self.kind in ("list", "struct")


SCALARS = ("string", "int64", "bool", "float64", "date")
_TOKEN = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*|[<>:,])")


@lru_cache(maxsize=None)
def column_type(text: str) -> ColumnType:
    """Parse a column type (``list<struct<date:date,text:string>>``); raise ValueError on a bad one."""
    tokens = _TOKEN.findall(text)
    if "".join(tokens) != re.sub(r"\s+", "", text):
        raise ValueError(f"bad column type {text!r}")
    parsed, rest = _parse(tokens, text)
    if rest:
        raise ValueError(f"bad column type {text!r}: {''.join(rest)!r} left over")
    return parsed


def _parse(tokens: list[str], text: str) -> tuple[ColumnType, list[str]]:
    if not tokens:
        raise ValueError(f"bad column type {text!r}: it ends too soon")
    head, rest = tokens[0], tokens[1:]
    if head in SCALARS:
        return ColumnType(head), rest
    if head not in ("list", "struct") or rest[:1] != ["<"]:
        raise ValueError(f"bad column type {text!r}: unknown type {head!r}")
    rest = rest[1:]
    if head == "list":
        item, rest = _parse(rest, text)
        parsed = ColumnType("list", item=item)
    else:
        fields = []
        while True:
            if len(rest) < 2 or rest[1] != ":":
                raise ValueError(f"bad column type {text!r}: a struct field needs 'name:type'")
            name = rest[0]
            value, rest = _parse(rest[2:], text)
            fields.append((name, value))
            if rest[:1] != [","]:
                break
            rest = rest[1:]
        parsed = ColumnType("struct", fields=tuple(fields))
    if rest[:1] != [">"]:
        raise ValueError(f"bad column type {text!r}: '>' expected")
    return parsed, rest[1:]


_TYPE_NAMES = {"string": "string", "int64": "integer", "bool": "boolean", "float64": "number", "date": "date"}


def type_name(kind: ColumnType) -> str:
    """How docs/schema.md names a type: ``list of string``, ``list of {date: date, text: string}``."""
    if kind.kind == "list":
        return f"list of {type_name(kind.item)}"
    if kind.kind == "struct":
        return "{" + ", ".join(f"{name}: {type_name(value)}" for name, value in kind.fields) + "}"
    return _TYPE_NAMES[kind.kind]


def schema_markdown() -> str:
    """``docs/schema.md``: the tables, their columns, types and meaning, from this module."""
    lines = [
        "# The record contract: tables and columns",
        "",
        "<!-- Written by scripts/write_schema_doc.py from extractor/dataset/schema.py; do not edit. -->",
        "",
        f"Schema version **{SCHEMA_VERSION}**. A run writes four tables (five with `--with-text`), joinable on",
        "`doc_id`, and records the",
        "version in `_schema.json` beside them; a dataset of another version is refused with error `E023`",
        "(write it again with `imr-extract run`). A value the letter does not state is null (never a",
        "guess); a list the letter states nothing for is empty. An input is in `letters` or in `errors`,",
        "never in neither. `imr-extract show FILE` prints one letter's record as JSON: the same fields.",
        "",
        "## Types in each format",
        "",
        "| type | Parquet, DuckDB (`query`, `export --duckdb`) | JSONL | CSV cell | `extractor.read_table` (pandas) |",
        "|---|---|---|---|---|",
        "| string | `VARCHAR` | string | text | `object` (str, None) |",
        "| integer | `BIGINT` | number | digits | `Int64` (nullable, never float) |",
        "| boolean | `BOOLEAN` | true/false | `True`/`False` (Spark: `true`/`false`) | `boolean` (nullable) |",
        "| date | `DATE` | `\"YYYY-MM-DD\"` | `YYYY-MM-DD` | `datetime64[s]` (NaT for null) |",
        "| list of ... | `LIST` (`VARCHAR[]`, `STRUCT(...)[]`) | JSON array | JSON array, as text | Python list |",
        "| {field: ...} | `STRUCT` | JSON object | JSON object, as text | Python dict |",
        "",
        "Inside lists and structs, dates are ISO text in JSON and CSV, and `datetime.date` in pandas.",
        "A CSV part stays flat: a list cell holds its JSON text (`[\"MTUS\", \"ODG\"]`), so any CSV",
        "reader opens it; `extractor.read_table(folder, \"items\")` and `imr-extract query` decode it back.",
        "A CSV string cell that a spreadsheet would run as a formula starts with an added `'`",
        "(`--csv-raw` turns this off); both readers remove it.",
    ]
    for table, columns in COLUMNS.items():
        lines += ["", f"## {table}", ""]
        if table in OPTIONAL_TABLES:
            lines += ["Written only by `run --with-text` (letters are ~10 KB of text each).", ""]
        lines += ["| column | type | meaning |", "|---|---|---|"]
        for name, kind in columns.items():
            lines.append(f"| `{name}` | {type_name(column_type(kind))} | {COLUMN_DOCS[table][name]} |")
    return "\n".join(lines) + "\n"
