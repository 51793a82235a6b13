"""Engines schedule letters and write rows; all of them call the same per-letter function."""

from .local import RunSummary, expand_inputs, run_local

__all__ = ["RunSummary", "expand_inputs", "run_local"]
