"""The record: everything the earlier components found, as the contract's dict on the Doc."""


import hashlib
from bisect import bisect_right

from spacy.language import Language
from spacy.tokens import Doc

from .._extensions import RECORD_KEY
from ..types import Record

# Keys kept out of user_data so Docs stay serializable across processes (medspaCy stores
# Python objects there: sections, ConText graphs, rule objects).
_PLAIN = (str, int, float, bool, type(None), list, dict, tuple)


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
        doc_id = source.pop("doc_id", None) or text_id(doc.text)
        source.setdefault("format", "text")
        source.setdefault("pages", len(pages))
        warnings = list(source.pop("warnings", [])) + fields["warnings"]
        items = []
        for row in fields["items"]:
            item = {k: v for k, v in row.items() if k != "rationale_span"}
            start = row["evidence"]["start"]
            item["evidence"] = {**row["evidence"], "page": max(1, bisect_right(pages, start))}
            items.append(item)
        record = Record(doc_id=doc_id).to_dict()
        record.update({
            "source": {**record["source"], **source},
            "layout": fields["layout"],
            "case_number": fields["case_number"],
            "dates": fields["dates"],
            "priority": fields["priority"],
            "reviewer": fields["reviewer"],
            "patient": fields["patient"],
            "diagnoses": fields["diagnoses"],
            "work_status": fields["work_status"],
            "pain_scores": fields["pain_scores"],
            "items": items,
            "mentions": fields["mentions"],
            "warnings": warnings,
            "text": doc.text,
        })
        doc.user_data[RECORD_KEY] = record
        for key in [k for k, v in doc.user_data.items() if not isinstance(v, _PLAIN)]:
            del doc.user_data[key]
        return doc
