"""Every Doc/Span extension the package declares, in one table (after ``medspacy/_extensions.py``)."""

from __future__ import annotations

import json

import srsly
from spacy.tokens import Doc, Span

from .types import Record

RECORD_KEY = "imr_record"


def _doc_record(doc: Doc) -> Record | None:
    return doc.user_data.get(RECORD_KEY)


# The record stays a Record on the Doc (no copy on each read); it becomes JSON text only when
# the Doc is serialized (nlp.pipe(n_process=...), Doc.to_bytes). JSON, not a dict: medspaCy's
# msgpack decoder takes any dict with a "section" key for one of its own objects.
@srsly.msgpack_encoders("imr_record")
def _encode_record(obj, chain=None):
    if isinstance(obj, Record):
        return {RECORD_KEY: json.dumps(obj.to_dict())}
    return obj if chain is None else chain(obj)


@srsly.msgpack_decoders("imr_record")
def _decode_record(obj, chain=None):
    if isinstance(obj, dict) and len(obj) == 1 and isinstance(obj.get(RECORD_KEY), str):
        return Record.from_dict(json.loads(obj[RECORD_KEY]))
    return obj if chain is None else chain(obj)


# Values are plain data (dicts, lists, ints) so Docs survive nlp.pipe(n_process=...), which
# sends them between processes as bytes.
_DOC_EXTENSIONS = {
    "imr_record": {"getter": _doc_record},
    "imr_sections": {"default": None},
    "imr_fields": {"default": None},
    "imr_page_starts": {"default": None},
    "imr_source": {"default": None},
}
_SPAN_EXTENSIONS = {
    "is_normal": {"default": False},
    "imr_normalized": {"default": None},
    "imr_kind": {"default": None},
    "imr_group": {"default": None},
}


def set_extensions() -> None:
    """Declare the extensions (idempotent)."""
    for name, kwargs in _DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, **kwargs)
    for name, kwargs in _SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, **kwargs)


set_extensions()
