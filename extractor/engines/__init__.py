"""Engines schedule letters and write rows; all of them call the same per-letter job."""

from .inputs import count_inputs, expand_inputs
from .local import run_local
from .summary import RunSummary

__all__ = ["RunSummary", "count_inputs", "expand_inputs", "run_local"]
