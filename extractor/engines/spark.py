"""The Spark engine: letters read as binary files, extracted with ``mapInPandas``, tables written.

Each executor's Python worker builds the pipeline once (``load`` is cached per process) and
calls the same per-letter function as the local engine, so both give the same records.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Iterable, Iterator, Optional

from ..dataset.csv_safe import safe_cell
from ..dataset.rows import error_row
from ..dataset.schema import TABLES
from ..dataset.state import run_lock
from ..errors import Errors
from ..options import LetterOptions, RunOptions
from .inputs import expand_inputs
from .summary import RunSummary

log = logging.getLogger("extractor")
_SPARK_TYPES = {"string": "string", "int64": "bigint", "bool": "boolean", "float64": "double"}


def _ddl(table: str) -> str:
    return ", ".join(f"`{name}` {_SPARK_TYPES[kind]}" for name, kind in TABLES[table].items())


# Options a Spark run cannot honour: Spark schedules, batches and retries tasks itself.
UNSUPPORTED = {
    "resume": "Spark runs always write the whole dataset",
    "in_process": "Spark runs letters in its executors",
    "start_method": "Spark starts its own Python workers",
    "letters_per_worker": "Spark starts its own Python workers",
    "workers": "Spark's executors set the parallelism (use --master)",
    "workers_force": "Spark's executors set the parallelism (use --master)",
    "batch_size": "Spark writes one part file per partition",
}


def _extract_batches(options: LetterOptions, quote_csv: bool = False):
    """The mapInPandas body for ``options``: (path, content) rows in, (table, path, doc_id, row JSON) rows out.

    ``quote_csv`` quotes the string cells a spreadsheet would run as formulas (see
    :mod:`extractor.dataset.csv_safe`), for a run that writes CSV.
    """

    def extract(batches: Iterator) -> Iterator:
        return _extract(batches, options, quote_csv)

    return extract


def _cells(row: dict, quote_csv: bool) -> dict:
    return {name: safe_cell(value) for name, value in row.items()} if quote_csv else row


def _extract(batches: Iterator, options: LetterOptions, quote_csv: bool = False) -> Iterator:
    import pandas as pd

    from ..extract import bytes_id
    from .letter_job import process_path_bytes

    for batch in batches:
        out = []
        for path, content in zip(batch["path"], batch["content"]):
            local_path = path[5:] if path.startswith("file:") else path
            _, doc_id, rows = process_path_bytes(local_path, bytes(content), options)
            doc_id = doc_id or (bytes_id(bytes(content)) if content else None)
            for table, table_rows in rows.items():
                for row in table_rows:
                    out.append((table, local_path, doc_id, json.dumps(_cells(row, quote_csv))))
        yield pd.DataFrame(out, columns=["table", "path", "doc_id", "row"])


def run_spark(inputs: Iterable[str], out: Path, options: Optional[RunOptions] = None, *,
              master: str = "local[*]", partitions: int = 0, **changes) -> RunSummary:
    """Extract every input with Spark into ``out`` (one folder of part files per table).

    ``options`` and keyword changes are those of :func:`extractor.engines.run_local`; the
    per-letter ones (PDF backend, OCR, time and memory limits) apply in the executors, and an
    option Spark cannot honour (see ``UNSUPPORTED``) raises ValueError before any work starts.
    """
    options = (options or RunOptions()).replace(**changes).check()
    refused = [f"{name} ({UNSUPPORTED[name]})" for name in options.changed() if name in UNSUPPORTED]
    if refused:
        raise ValueError("the Spark engine cannot honour: " + "; ".join(refused))
    with run_lock(out):
        return _run_spark(inputs, Path(out), options, master, partitions)


def _run_spark(inputs: Iterable[str], out: Path, options: RunOptions, master: str, partitions: int) -> RunSummary:
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    fmt = options.fmt
    # Spark's CSV writer writes cells as they are: quote them in the rows it is given.
    quote_csv = fmt == "csv" and not options.csv_raw
    started = time.perf_counter()
    if master.startswith("local") and "PYSPARK_PYTHON" not in os.environ:
        # Local workers run this interpreter (the one with the package installed).
        os.environ["PYSPARK_PYTHON"] = sys.executable
    spark = (
        SparkSession.builder.master(master).appName("imr-extract")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    paths, problems = [], []
    for path, problem in expand_inputs(inputs, options.max_file_mb, exclude=Path(out)):
        if problem:
            problems.append((path, problem.code, problem.message))
        elif os.path.getsize(path) == 0:
            problems.append((path, "E001", Errors.E001))  # Spark's file reader skips empty files
        else:
            paths.append((path, None))
    summary = RunSummary(inputs=len(paths) + len(problems))
    files = spark.read.format("binaryFile").load([str(Path(p).resolve()) for p, _ in paths]) if paths else None
    if files is not None and partitions:
        files = files.repartition(partitions)
    rows = (
        files.select("path", "content").mapInPandas(
            _extract_batches(options.letter, quote_csv), "table string, path string, doc_id string, row string").cache()
        if files is not None else None
    )
    if problems:
        extra = spark.createDataFrame(
            [("errors", p, None, json.dumps(_cells(error_row(p, "read", code, why), quote_csv)))
             for p, code, why in problems],
            "table string, path string, doc_id string, row string")
        rows = extra if rows is None else rows.unionByName(extra)
    # Identical files: keep the rows of the first path of each doc_id, as the local engine does.
    first = rows.where("table = 'letters'").groupBy("doc_id").agg(F.min("path").alias("path"))
    for table in TABLES:
        selected = rows.where(F.col("table") == table)
        if table != "errors":
            selected = selected.join(first, ["doc_id", "path"], "inner")
        frame = selected.select(F.from_json("row", _ddl(table)).alias("r")).select("r.*")
        writer = frame.write.mode("overwrite")
        target = str(Path(out) / table)
        if fmt == "parquet":
            writer.parquet(target)
        elif fmt == "csv":
            writer.option("header", "true").csv(target)
        else:
            writer.json(target)
    counts = {r["table"]: r["count"] for r in rows.groupBy("table").count().collect()}
    # A file holding several letters gives several rows with the file's doc_id: count files.
    letter_files = rows.where("table = 'letters'").select("doc_id", "path").distinct().count()
    summary.duplicates = letter_files - first.count()
    summary.errors = counts.get("errors", 0)
    summary.error_stages.update({r["stage"]: r["count"] for r in
                                 spark.read.parquet(str(Path(out) / "errors")).groupBy("stage").count().collect()}
                                if fmt == "parquet" else {})
    letters = spark.read.parquet(str(Path(out) / "letters")) if fmt == "parquet" else None
    if letters is not None:
        for r in letters.groupBy("layout").agg(F.count("*").alias("n"), F.sum("n_items").alias("items"),
                                               F.sum("n_upheld").alias("up"), F.sum("n_overturned").alias("over"),
                                               F.sum("n_mentions").alias("mentions")).collect():
            summary.layouts[r["layout"]] += r["n"]
            summary.letters += r["n"]
            summary.items += r["items"] or 0
            summary.upheld += r["up"] or 0
            summary.overturned += r["over"] or 0
            summary.mentions += r["mentions"] or 0
    else:
        summary.letters = rows.where("table = 'letters'").join(first, ["doc_id", "path"], "inner").count()
        summary.items = counts.get("items", 0)
        summary.mentions = counts.get("mentions", 0)
    rows.unpersist()
    summary.seconds = time.perf_counter() - started
    return summary
