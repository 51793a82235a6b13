"""The record: everything the earlier components found, as the contract's dict on the Doc."""


import hashlib
import json
from bisect import bisect_right
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from .._extensions import RECORD_KEY
from ..recognizers.field_spans import field_spans
from ..recognizers.icd10 import code_diagnosis
from ..types import Record
from .letter_tokenizer import TEXT_KEY, doc_text
from .mention_context import add_context
from .sentences import SENTENCE_BOUNDS_KEY, sentence_bounds
from .targets import ENTITY_SPANS_KEY, ENTITY_TABLE_KEY

TRANSIENT_KEYS = (TEXT_KEY, SENTENCE_BOUNDS_KEY, ENTITY_TABLE_KEY, ENTITY_SPANS_KEY)

# A diagnosis no code fits: its fields are null (never the nearest code).
_NO_CODE = {"code": None, "title": None, "match": None, "score": None}


# Exact scalar types answer with one set lookup; subclasses go on to isinstance.
_SCALARS = frozenset({bool, int, float, str, type(None)})
_KEPT = _SCALARS | {Record}  # a Record has its own msgpack encoder


def _plain(value) -> bool:
    """Plain data only.

    medspaCy registers msgpack encoders for its objects, but some of them (sections) cannot be
    decoded again, so anything that is not plain data is dropped.
    """
    if type(value) in _SCALARS or isinstance(value, (str, int, float, bool, type(None))):
        return True
    if isinstance(value, (list, tuple)):
        return all(map(_plain, value))
    if isinstance(value, dict):
        return all(_plain(k) and _plain(v) for k, v in value.items())
    return False


def text_id(text: str) -> str:
    """A stable id for a letter given as text: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@Language.factory("extractor_record")
class LetterRecord:
    """Assembles the record dict (the contract of ``shared/schema.md``) in ``doc.user_data``."""

    def __init__(self, nlp: Language, name: str = "extractor_record") -> None:
        """Create the component."""
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        """Build the record of ``doc``; read it back as ``doc._.imr_record``."""
        fields = doc._.imr_fields
        source = dict(doc._.imr_source or {})
        pages = doc._.imr_page_starts or [0]
        doc_id = source.pop("doc_id", None) or text_id(doc_text(doc))
        source.setdefault("format", "text")
        source.setdefault("pages", len(pages))
        warnings = list(source.pop("warnings", [])) + fields["warnings"]
        first_page = source.setdefault("first_page", 1)  # a bundle's letter: pages count in the file
        source.setdefault("last_page", first_page + source["pages"] - 1)
        items = []
        for row in fields["items"]:
            item = {k: v for k, v in row.items() if k != "rationale_span"}
            start = row["evidence"]["start"]
            item["evidence"] = {**row["evidence"], "page": max(1, bisect_right(pages, start)) + first_page - 1}
            items.append(item)
        for mention in fields["mentions"]:
            if mention["label"] == "DIAGNOSIS":
                mention["icd10"] = (code_diagnosis(mention["text"]) or _NO_CODE)["code"]
        text = doc_text(doc)
        if fields["mentions"]:
            bounds = sentence_bounds(doc)
            add_context(fields["mentions"], fields["items"], text, bounds.start_chars, bounds.end_chars)
        evidence = [{"field": name, "start": start, "end": end,
                     "page": max(1, bisect_right(pages, start)) + first_page - 1}
                    for name, start, end in field_spans(text, fields)]
        record = _empty_record()
        record["doc_id"] = doc_id
        record.update({
            "source": {**record["source"], **source},
            "layout": fields["layout"],
            "case_number": fields["case_number"],
            "dates": fields["dates"],
            "priority": fields["priority"],
            "reviewer": fields["reviewer"],
            "patient": fields["patient"],
            "diagnoses": fields["diagnoses"],
            "diagnosis_codes": [{"text": d, **(code_diagnosis(d) or _NO_CODE)} for d in fields["diagnoses"]],
            "work_status": fields["work_status"],
            "pain_scores": fields["pain_scores"],
            "items": items,
            "mentions": fields["mentions"],
            "evidence": evidence,
            "warnings": warnings,
            "text": text,
        })
        doc.user_data[RECORD_KEY] = Record.from_dict(record)  # serialized as JSON (_extensions.py)
        doc._.imr_fields = None
        for key in TRANSIENT_KEYS:  # per-Doc caches of the earlier components
            doc.user_data.pop(key, None)
        # medspaCy keeps Python objects in user_data (sections, ConText graphs, rule objects);
        # they are dropped so Docs can travel between processes in nlp.pipe(n_process=...).
        data = doc.user_data
        for key in [k for k, v in data.items() if type(v) not in _KEPT and not _plain(v)]:
            del data[key]
        return doc


@lru_cache(maxsize=1)
def _empty_record_json() -> str:
    return json.dumps(Record(doc_id="").to_dict())


def _empty_record() -> dict:
    """A fresh ``Record().to_dict()``: parsing its JSON costs less than ``dataclasses.asdict``."""
    return json.loads(_empty_record_json())
