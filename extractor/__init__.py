"""imr-extractor: California IMR Final Determination letters (PDF or text) become records.

>>> import extractor
>>> record = extractor.extract_file("letter.pdf")       # doctest: +SKIP
>>> records = extractor.extract_letters(data)           # doctest: +SKIP
>>> nlp = extractor.load()                              # the spaCy Language
>>> [d._.imr_record for d in nlp.pipe(texts)]           # doctest: +SKIP
>>> extractor.context_flags("Denies chest pain.", [(7, 17)])  # doctest: +SKIP
>>> items = extractor.read_table("out", "items")       # a dataset's table, typed  # doctest: +SKIP

The names below are imported on first use: importing a submodule (a worker process starting,
``extractor.options``) does not load spaCy and the rules. The spaCy components register
through the package's entry points, and on import of ``extractor.pipeline``.
"""

from importlib import import_module

# Public name -> the module that defines it.
_EXPORTS = {
    "ExtractionError": "errors",
    "Item": "types",
    "Mention": "types",
    "Record": "types",
    "RunOptions": "options",
    "build": "pipeline",
    "context_cues": "context_flags",
    "context_flags": "context_flags",
    "context_pipeline": "context_flags",
    "extract_bytes": "extract",
    "extract_doc": "extract",
    "extract_file": "extract",
    "extract_letters": "extract",
    "extract_text": "extract",
    "load": "pipeline",
    "read_table": "dataset.reader",
}

__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"


def __getattr__(name: str):
    """Import a public name's module when the name is first used (PEP 562)."""
    if name in _EXPORTS:
        module = import_module(f".{_EXPORTS[name]}", __name__)
        # Every name of that module at once: importing extractor.context_flags sets the package's
        # attribute "context_flags" to the module, which must not hide the function of that name.
        for other, source in _EXPORTS.items():
            if source == _EXPORTS[name]:
                globals()[other] = getattr(module, other)  # later uses skip this function
        return globals()[name]
    raise AttributeError(f"module 'extractor' has no attribute '{name}'")


def __dir__() -> list[str]:  # noqa: D105 - the lazy names are listed too
    return sorted(set(globals()) | set(_EXPORTS))
