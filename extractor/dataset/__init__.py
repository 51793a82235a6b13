"""Dataset: writing table rows to Parquet, CSV or JSONL, and reading datasets back."""

from .reader import read_table
from .version import SCHEMA_FILE, DatasetError, SchemaVersionError
from .writer import FORMATS, DatasetWriter

__all__ = ["FORMATS", "SCHEMA_FILE", "DatasetError", "DatasetWriter", "SchemaVersionError", "read_table"]
