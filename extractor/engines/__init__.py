"""Engines schedule letters and write rows; all of them call the same per-letter job.

Names are imported on first use, so a worker process that imports
``extractor.engines.worker`` loads nothing it does not need before it is set up.
"""

from importlib import import_module

_EXPORTS = {"RunSummary": "summary", "count_inputs": "inputs", "expand_inputs": "inputs", "run_local": "local"}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    """Import a public name's module when the name is first used (PEP 562)."""
    if name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'extractor.engines' has no attribute '{name}'")
