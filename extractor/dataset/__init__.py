"""Dataset: writing table rows to Parquet, CSV or JSONL, and reading datasets back."""

from .writer import FORMATS, DatasetWriter, read_table

__all__ = ["FORMATS", "DatasetWriter", "read_table"]
