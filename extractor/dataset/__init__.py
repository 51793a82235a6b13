"""Dataset: writing table rows to Parquet, CSV or JSONL, and reading datasets back."""

from .writer import FORMATS, DatasetError, DatasetWriter, read_table

__all__ = ["FORMATS", "DatasetError", "DatasetWriter", "read_table"]
