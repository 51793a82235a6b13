"""The Spark engine: the local engine's inputs, per-letter job and tables, with Spark's executors doing the work.

The driver lists the inputs as the local engine does (the same order, the same ``errors`` rows
for names that cannot be read); each Spark task runs its files through the local engine's job
in a supervised worker process (:mod:`.spark_tasks`); the driver writes the four tables and
commits them as the local engine's writer does (``_state/part-N.json``), one part for every
``FILES_PER_COMMIT`` files, so readers see whole parts only and ``resume`` skips what is
committed. Local paths and ``file:`` URIs are read by the executors themselves (a file one
cannot read is an ``errors`` row); other URIs (``s3a://``, ``gs://``, ``hdfs://``) are listed
through Hadoop's file systems and read by Spark.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import shutil
import socket
import sys
import time
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple, Optional
from urllib.parse import unquote, urlsplit

from ..dataset.csv_safe import RISKY_CELL
from ..dataset.rows import display_path, error_row
from ..dataset.schema import COLUMNS, ColumnType, column_type, written_tables
from ..dataset.state import STATE_DIR, commit_part, run_lock
from ..dataset.writer import DatasetWriter, write_empty_part
from ..errors import Errors
from ..options import RunOptions
from .inputs import SKIP_SUFFIXES, Problem, expand_inputs
from .spark_tasks import INPUT_SCHEMA, OUTPUT_SCHEMA, extract_partition
from .summary import RunSummary, count_file

log = logging.getLogger("extractor")
_SPARK_TYPES = {"string": "string", "int64": "bigint", "bool": "boolean", "float64": "double", "date": "date"}

# Files per committed part: a run killed mid-way loses at most this many files' work, and the
# driver holds this many files' names and counts at a time. Each part costs a few Spark jobs.
FILES_PER_COMMIT = 20_000
# Files whose rows go to one part file of each table (the mentions of 5,000 letters are ~50 MB).
FILES_PER_PART_FILE = 5_000
# How long the master's port may take to answer before the run is refused.
MASTER_TIMEOUT = 10.0
# A part in the making: Spark writes its tables here, the driver moves them into place.
STAGING_PREFIX = ".spark-"
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_DEFAULT_PORTS = {"spark": 7077, "k8s": 443}

# Options a Spark run cannot honour: Spark schedules, batches and retries tasks itself.
UNSUPPORTED = {
    "in_process": "Spark runs letters in its executors",
    "start_method": "Spark starts its own Python workers",
    "letters_per_worker": "Spark starts its own Python workers",
    "workers": "Spark's executors set the parallelism (use --master)",
    "workers_force": "Spark's executors set the parallelism (use --master)",
    "batch_size": "Spark runs commit every FILES_PER_COMMIT files",
}
# Settings of a session this engine starts (a caller's own session is used as it is).
SESSION_DEFAULTS = {
    "spark.ui.enabled": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    # A task's batches may carry the bytes of letters read from object storage.
    "spark.sql.execution.arrow.maxRecordsPerBatch": "64",
}


class MasterUnreachable(ConnectionError):
    """No address of the Spark master URL answered: the run did not start."""


class Listed(NamedTuple):
    """An input file as the driver lists it."""

    given: str  # the name the run state records (the local engine's path, or the URI as named)
    shown: str  # the name the tables show
    source: str  # where it is read: a local path, or a URI Spark reads
    remote: bool  # read by Spark (object storage, HDFS), not by the executor's Python
    problem: Optional[Problem]


def spark_type(kind: ColumnType) -> str:
    """The Spark DDL type of a column type (``array<struct<`date`:date>>``)."""
    if kind.kind == "list":
        return f"array<{spark_type(kind.item)}>"
    if kind.kind == "struct":
        return "struct<" + ",".join(f"`{name}`:{spark_type(value)}" for name, value in kind.fields) + ">"
    return _SPARK_TYPES[kind.kind]


def _ddl(table: str) -> str:
    return ", ".join(f"`{name}` {spark_type(column_type(kind))}" for name, kind in COLUMNS[table].items())


def run_spark(inputs: Iterable[str], out: Path, options: Optional[RunOptions] = None, *,
              master: Optional[str] = None, partitions: int = 0, conf: Optional[dict] = None,
              **changes) -> RunSummary:
    """Extract every input with Spark into ``out``: the same tables, rows and run state as the local engine.

    ``options`` and keyword changes are those of :func:`extractor.engines.run_local`; the
    per-letter ones (PDF backend, OCR, time and memory limits, largest file) apply in the
    executors, ``resume`` skips the inputs committed by an earlier run, and an option Spark
    cannot honour (see ``UNSUPPORTED``) raises ValueError before any work starts.

    ``master`` is a Spark master URL (default: the one ``spark-submit`` or
    ``spark-defaults.conf`` gives, else ``local[*]``); a ``spark://`` or ``k8s://`` master whose
    port does not answer raises :class:`MasterUnreachable` within ``MASTER_TIMEOUT`` seconds
    per address. ``conf`` holds extra Spark settings for the session this starts (a session
    already active, as under ``spark-submit``, is used as it is); ``spark.pyspark.python``
    there names the executors' Python. ``partitions`` sets the tasks per part (0: twice the
    cores). Inputs are paths, folders and globs as for the local engine, ``file:`` URIs, and
    URIs of the file systems Spark has connectors for (``s3a://bucket/letters``).
    """
    options = (options or RunOptions()).replace(**changes).check()
    refused = [f"{name} ({UNSUPPORTED[name]})" for name in options.changed() if name in UNSUPPORTED]
    if refused:
        raise ValueError("the Spark engine cannot honour: " + "; ".join(refused))
    with run_lock(out):
        return _run_spark(inputs, Path(out), options, master, partitions, dict(conf or {}))


def check_master(master: str, timeout: float = MASTER_TIMEOUT) -> None:
    """Raise :class:`MasterUnreachable` unless an address of a ``spark://`` or ``k8s://`` URL answers.

    Other masters (``local[*]``, ``yarn``) are not checked. A standalone master URL may list
    several addresses (``spark://a:7077,b:7077``); one answering is enough.
    """
    scheme = master.split("://", 1)[0]
    if scheme not in _DEFAULT_PORTS or "://" not in master:
        return
    rest = master.split("://", 1)[1]
    if scheme == "k8s":
        rest = urlsplit(rest if "://" in rest else f"https://{rest}").netloc
    reasons = []
    for address in rest.split(","):
        host, port = _host_port(address.strip(), _DEFAULT_PORTS[scheme])
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            return
        except OSError as exc:
            reasons.append(f"{host}:{port} {exc.strerror or exc}")
    raise MasterUnreachable(Errors.E022.format(master=master, reason="; ".join(reasons)))


def _host_port(address: str, default: int) -> tuple[str, int]:
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or (host.startswith("[") != host.endswith("]")):
        return address.strip("[]"), default
    return host.strip("[]"), int(port)


def _configured_master() -> str:
    """The master ``spark-submit`` (or ``spark-defaults.conf``, or ``PYSPARK_SUBMIT_ARGS``) gives."""
    from pyspark import SparkContext

    SparkContext._ensure_initialized()  # the JVM, without a context yet
    return SparkContext._jvm.org.apache.spark.SparkConf(True).get("spark.master", "local[*]")


def _session(master: Optional[str], conf: dict):
    """The session to run in, and whether this run started it (and stops it)."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    master = master or _configured_master()
    check_master(master)
    if conf.get("spark.pyspark.python"):
        # Executors run the Python the driver names in PYSPARK_PYTHON when the context starts.
        os.environ["PYSPARK_PYTHON"] = conf["spark.pyspark.python"]
    elif master.startswith("local") and "PYSPARK_PYTHON" not in os.environ:
        os.environ["PYSPARK_PYTHON"] = sys.executable  # local workers run this interpreter
    builder = SparkSession.builder.master(master).appName("imr-extract")
    for key, value in {**SESSION_DEFAULTS, **conf}.items():
        builder = builder.config(key, value)
    return builder.getOrCreate(), True


def _run_spark(inputs: Iterable[str], out: Path, options: RunOptions, master: Optional[str], partitions: int,
               conf: dict) -> RunSummary:
    from .local import open_state

    started = time.perf_counter()
    spark, owned = _session(master, conf)  # before the old tables go: a bad master costs nothing
    try:
        summary = RunSummary()
        done_paths, seen, part = open_state(out, options)
        summary.resumed = len(done_paths) if options.resume else 0
        for staging in out.glob(f"{STAGING_PREFIX}*"):
            shutil.rmtree(staging, ignore_errors=True)  # a killed run's part in the making
        # From here on readers see committed parts only, even of a first run killed mid-move.
        for folder in (STATE_DIR, *written_tables(options.with_text)):
            (out / folder).mkdir(parents=True, exist_ok=True)
        listed = (f for f in _listed(spark, inputs, options, out) if f.given not in done_paths)
        peaks: list[float] = []
        while chunk := list(islice(listed, FILES_PER_COMMIT)):
            peaks += _commit(spark, chunk, out, part, options, partitions, seen, summary)
            part += 1
        DatasetWriter(out, fmt=options.fmt, start_part=part,  # no input at all: empty tables
                      tables=written_tables(options.with_text)).close()
        summary.worker_peak_mb = max(peaks) if peaks else None
        summary.seconds = time.perf_counter() - started
        return summary
    finally:
        if owned:
            spark.stop()


def _listed(spark, inputs: Iterable[str], options: RunOptions, out: Path) -> Iterator[Listed]:
    """Every input file, in the local engine's order: paths and ``file:`` URIs locally, other URIs by Hadoop."""
    for spec in inputs:
        local_uri = spec.lower().startswith("file:") and urlsplit(spec).netloc in ("", "localhost")
        if not os.path.lexists(spec) and (_URI.match(spec) or spec.lower().startswith("file:")) and not local_uri:
            yield from _hadoop_listed(spark, spec, options.max_file_mb)
            continue
        prefix, local = ("", spec)
        if local_uri and not os.path.lexists(spec):
            raw = urlsplit(spec).path
            prefix, local = spec[:spec.index(raw)] if raw else spec, unquote(raw)
        for path, problem in expand_inputs([local], options.max_file_mb, exclude=out):
            named = prefix + path  # the file as the user named it: the spec, then the rest of the path
            if problem and prefix:
                problem = problem._replace(message=problem.message.replace(display_path(path), display_path(named)))
            yield Listed(named, display_path(named), os.path.abspath(path), False, problem)


def _hadoop_listed(spark, spec: str, max_file_mb: float) -> Iterator[Listed]:
    """The files a URI names, listed through Hadoop's file system for its scheme (sorted, as folders are)."""
    from py4j.protocol import Py4JJavaError

    pattern = any(ch in spec for ch in "*?[{")
    try:
        path = spark._jvm.org.apache.hadoop.fs.Path(spec)
        fs = path.getFileSystem(spark._jsc.hadoopConfiguration())
        matches = fs.globStatus(path)
    except Py4JJavaError as exc:
        yield Listed(spec, spec, spec, True, Problem("E021", Errors.E021.format(reason=_java_reason(exc))))
        return
    if not matches:
        why = "no file matches this pattern" if pattern else Errors.E002.format(path=spec)
        yield Listed(spec, spec, spec, True, Problem("E002", why))
        return
    for status in sorted(matches, key=lambda s: s.getPath().toString()):
        root = status.getPath().toString()
        if not status.isDirectory():
            if pattern and status.getPath().getName().endswith(SKIP_SUFFIXES):
                continue
            shown = root if pattern else spec
            yield Listed(shown, shown, root, True, _file_problem(status.getPath().getName(), status.getLen(),
                                                                 max_file_mb))
            continue
        found = []
        try:
            files = fs.listFiles(status.getPath(), True)
            while files.hasNext():
                item = files.next()
                found.append((item.getPath().toString(), item.getPath().getName(), item.getLen()))
        except Py4JJavaError as exc:
            yield Listed(root, root, root, True, Problem("E021", Errors.E021.format(reason=_java_reason(exc))))
        base = (root if pattern else spec).rstrip("/")
        for uri, name, size in sorted(found):
            if name.startswith(".") or name.endswith(SKIP_SUFFIXES):
                continue
            shown = base + uri[len(root.rstrip("/")):] if uri.startswith(root) else uri
            yield Listed(shown, shown, uri, True, _file_problem(name, size, max_file_mb))


def _file_problem(name: str, size: int, max_file_mb: float) -> Optional[Problem]:
    if name.startswith("_"):
        return Problem("E002", "cannot read file: Spark skips names that start with '_' (rename the file)")
    if size == 0:
        return Problem("E001", Errors.E001)
    if max_file_mb > 0 and size > max_file_mb * 2**20:
        return Problem("E018", Errors.E018.format(size_mb=size / 2**20, limit_mb=max_file_mb))
    return None


def _java_reason(exc) -> str:
    return str(exc.java_exception.getMessage() or exc.java_exception.toString())


def _commit(spark, chunk: list[Listed], out: Path, part: int, options: RunOptions, partitions: int,
            seen: set[str], summary: RunSummary) -> list[float]:
    """Extract ``chunk``, write its rows as part ``part`` of every table, commit it; return task peaks (MB)."""
    from pyspark.sql import functions as F

    staging = out / f"{STAGING_PREFIX}{part:05d}"
    raw = _file_uri(staging / "raw")
    local = [(i, f.shown, os.fsencode(f.source), None) for i, f in enumerate(chunk) if not f.problem and not f.remote]
    remote = {f.source: (i, f.shown) for i, f in enumerate(chunk) if not f.problem and f.remote}
    tasks = _task_frame(spark, local, remote)
    results, peaks = {}, []
    if tasks is not None:
        count = partitions or max(1, min(len(local) + len(remote), 2 * spark.sparkContext.defaultParallelism))
        tasks.repartition(count).mapInPandas(extract_partition(options.letter), OUTPUT_SCHEMA).write.parquet(raw)
        for row in _read_raw(spark, raw).where(F.col("table").isin("file", "task")).collect():
            data = json.loads(row["row"])
            if row["table"] == "file":
                results[row["file"]] = data
            else:
                peaks += [v for v in (data["worker_peak_mb"], data["task_peak_mb"]) if v is not None]
    extras, paths, doc_ids, dropped = [], [], [], []
    for i, listed in enumerate(chunk):
        if listed.problem or i not in results:
            problem = listed.problem or Problem(
                "E002", "cannot read file: Spark could not read it (missing or unreadable when its task ran)")
            row = error_row(listed.shown, "read", problem.code, problem.message)
            extras.append(("errors", i, json.dumps(row)))
            doc_id, counted = None, {"errors": [row]}
        else:
            doc_id, counted = results[i]["doc_id"], results[i]
        kept = count_file(summary, seen, doc_id, counted)
        if not kept:
            dropped.append((i,))  # identical bytes to a file kept before: none of its rows
        paths.append(listed.given)
        doc_ids.append((doc_id or "") if kept else "")
    summary.inputs += len(chunk)
    rows = _read_raw(spark, raw) if tasks is not None else None
    if extras:
        made = spark.createDataFrame(extras, OUTPUT_SCHEMA)
        rows = made if rows is None else rows.unionByName(made)
    if dropped:
        rows = rows.join(F.broadcast(spark.createDataFrame(dropped, "file bigint")), "file", "left_anti")
    files = max(1, math.ceil(len(chunk) / FILES_PER_PART_FILE))
    tables = written_tables(options.with_text)
    for table in tables:
        frame = rows.where(F.col("table") == table).select(F.from_json("row", _ddl(table)).alias("r")).select("r.*")
        if options.fmt == "csv":
            frame = _flat(frame, table, options.csv_raw)
        _write(frame.coalesce(files), _file_uri(staging / table), options.fmt)
    for table in tables:
        written = sorted((staging / table).glob("part-*"))
        if not written:
            write_empty_part(table, out / table / f"part-{part:05d}.{options.fmt}", options.fmt)
        for j, path in enumerate(written):
            os.replace(path, out / table / f"part-{part:05d}-{j:05d}.{options.fmt}")
    commit_part(out, part, paths, doc_ids)  # the part counts from here on (see dataset.state)
    shutil.rmtree(staging, ignore_errors=True)
    return peaks


def _file_uri(path: Path) -> str:
    """``path`` for Spark's readers and writers: on a cluster a bare path means its default file system (HDFS)."""
    return "file://" + os.path.abspath(path)


def _read_raw(spark, uri: str):
    return spark.read.option("__globPaths__", "false").parquet(uri)  # an --out named "[x]" is not a pattern


def _task_frame(spark, local: list, remote: dict):
    """The tasks' input (``INPUT_SCHEMA``): local files by path, remote ones with their bytes; None for none."""
    import pandas as pd
    from pyspark.sql import functions as F

    frames = []
    if local:
        frames.append(spark.createDataFrame(pd.DataFrame(local, columns=["file", "shown", "local", "content"]),
                                            INPUT_SCHEMA))
    if remote:
        index = spark.createDataFrame(
            pd.DataFrame([(uri, i, shown) for uri, (i, shown) in remote.items()], columns=["path", "file", "shown"]),
            "path string, file bigint, shown string")
        frames.append(_read_remote(spark, list(remote)).join(F.broadcast(index), "path").select(
            "file", "shown", F.lit(None).cast("binary").alias("local"), "content"))
    if not frames:
        return None
    return frames[0] if len(frames) == 1 else frames[0].unionByName(frames[1])


def _read_remote(spark, uris: list[str]):
    """``binaryFile`` rows (path, content) of listed files; one missing or unreadable is left out, not fatal.

    A file left out has no result, and becomes an errors row on the driver.
    """
    from pyspark.errors import AnalysisException

    def load(paths: list[str]):
        # Listed names are names, not patterns ("scan [1].pdf"): Spark's own globbing is off
        # (its "__globPaths__" option, Spark 3.1 and later). recursiveFileLookup makes Spark take
        # each file once (without it, a name Spark skips makes it list the file's folder).
        return (spark.read.format("binaryFile").option("__globPaths__", "false")
                .option("recursiveFileLookup", "true").option("ignoreMissingFiles", "true")
                .option("ignoreCorruptFiles", "true").load(paths))

    try:
        return load(uris)
    except AnalysisException:  # a file gone since it was listed: Spark checks every name first
        jvm, conf = spark._jvm, spark._jsc.hadoopConfiguration()
        present = [u for u in uris if jvm.org.apache.hadoop.fs.Path(u).getFileSystem(conf).exists(
            jvm.org.apache.hadoop.fs.Path(u))]
        return load(present) if present else spark.createDataFrame([], "path string, content binary")


def _flat(frame, table: str, csv_raw: bool):
    """``frame`` as the local engine writes CSV: lists and structs as JSON text.

    Unless ``csv_raw``, string cells a spreadsheet would run get a single quote in front.
    """
    from pyspark.sql import functions as F

    risky = "^" + RISKY_CELL.pattern
    for name, kind in COLUMNS[table].items():
        column = F.col(f"`{name}`")
        if column_type(kind).nested:
            frame = frame.withColumn(name, F.to_json(column))
        elif kind == "string" and not csv_raw:
            frame = frame.withColumn(name, F.when(column.rlike(risky), F.concat(F.lit("'"), column)).otherwise(column))
    return frame


def _write(frame, target: str, fmt: str) -> None:
    writer = frame.write.mode("overwrite")
    if fmt == "parquet":
        writer.parquet(target)
    elif fmt == "csv":
        # As pandas writes CSV (and reads it back): quotes doubled, values not trimmed.
        writer.options(header=True, escape='"', ignoreLeadingWhiteSpace=False,
                       ignoreTrailingWhiteSpace=False).csv(target)
    else:
        writer.option("ignoreNullFields", False).json(target)  # every column on every line
