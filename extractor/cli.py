"""The ``imr-extract`` command: each command is a thin wrapper over the Python API."""

from __future__ import annotations

import json
import logging
import shutil
import time
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

from .options import DEFAULTS, PASSWORD_ENV, SERVER_START, RunOptions, pdf_password

PASSWORD_HELP = (f"File whose first line is the password of encrypted PDFs (else ${PASSWORD_ENV} is used); "
                 "never given on the command line, never logged or written to the dataset.")

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn California IMR Final Determination letters (PDF or text) into data.",
)
console = Console(stderr=True)
MIN_FREE_MB = 50  # below this a run would fail on its first batch: refuse before any work
CSV_RAW_HELP = ("Write CSV cells as they are, without the quote put before cells a spreadsheet would run "
                "as formulas (= + - @).")


def _setup_logging(verbose: bool) -> None:
    # Logs name files and reasons only, never letter text (it is medical data).
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        from loguru import logger  # PyRuSH logs through loguru at DEBUG on every document

        logger.remove()
    except ImportError:  # pragma: no cover
        pass


@app.command()
def show(
    file: Path = typer.Argument(..., help="A letter: PDF or text."),
    pdf_backend: str = typer.Option(DEFAULTS.pdf_backend, help="pypdfium2 (fast) or pdfplumber (layout)."),
    text: bool = typer.Option(False, "--text/--no-text", help="Include the cleaned letter text."),
    mentions: bool = typer.Option(True, "--mentions/--no-mentions", help="Include the mentions."),
    ocr: bool = typer.Option(DEFAULTS.ocr, "--ocr/--no-ocr",
                             help="OCR image files and PDF pages without a text layer (Tesseract)."),
    password_file: Optional[Path] = typer.Option(None, "--password-file", metavar="FILE", help=PASSWORD_HELP),
) -> None:
    """Print the record of one letter as JSON (a list when the file holds several letters)."""
    _setup_logging(False)
    from .dataset.rows import display_path
    from .engines.pool import isolated_records
    from .errors import ExtractionError

    if file.is_dir():
        console.print(f"[red]error[/red] {file} is a folder: show prints one letter (run or review read folders)")
        raise typer.Exit(2)
    # The letter runs in a worker under run's limits: a file that hangs or crashes costs a message.
    try:
        password = pdf_password(password_file)
    except ValueError as exc:
        console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2)
    options = DEFAULTS.replace(pdf_backend=pdf_backend, ocr=ocr, pdf_password=password).letter
    (_, letters), = isolated_records([str(file)], options)
    shown = display_path(str(file))
    if len(letters) == 1 and isinstance(letters[0], ExtractionError) and letters[0].doc_id is None:
        exc = letters[0]
        console.print(f"[red]error[/red] {shown}: {exc.message} (stage: {exc.stage}, {exc.code})")
        raise typer.Exit(1)
    records = []
    for letter in letters:
        if isinstance(letter, ExtractionError):  # one letter of a file holding several
            console.print(f"[red]error[/red] {shown} ({letter.doc_id}): {letter.message} "
                          f"(stage: {letter.stage}, {letter.code})")
            continue
        data = letter.to_dict(include_text=text)
        if not mentions:
            data.pop("mentions")
        records.append(data)
    # One letter prints its record; a file holding several prints a list of them.
    typer.echo(json.dumps(records[0] if len(letters) == 1 else records, indent=2, ensure_ascii=False))
    if len(records) < len(letters):
        raise typer.Exit(1)


@app.command()
def run(
    inputs: List[str] = typer.Argument(..., help="Files, folders and globs of letters."),
    out: Path = typer.Option(..., "--out", "-o", help="Dataset folder to write."),
    fmt: str = typer.Option(DEFAULTS.fmt, "--format", "-f", help="parquet, csv or jsonl."),
    workers: int = typer.Option(DEFAULTS.workers, "--workers", "-w", help="Worker processes (0: all cores)."),
    in_process: bool = typer.Option(
        DEFAULTS.in_process, "--in-process",
        help="Run letters in this process, not in workers (debugging, profiling): "
             "a crash in a C library stops the run."),
    batch_size: int = typer.Option(DEFAULTS.batch_size, help="Letters per part file."),
    pdf_backend: str = typer.Option(DEFAULTS.pdf_backend, help="pypdfium2 (fast) or pdfplumber (layout)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
    resume: bool = typer.Option(DEFAULTS.resume, "--resume", help="Continue an interrupted run into the same --out."),
    time_limit: float = typer.Option(DEFAULTS.time_limit, help="Seconds one letter may take (0: no limit)."),
    memory_limit: float = typer.Option(
        DEFAULTS.memory_limit, metavar="MB",
        help="Memory (address space, MB) reading one file (PDF text, OCR) may add to a worker (0: no limit)."),
    ocr: bool = typer.Option(DEFAULTS.ocr, "--ocr/--no-ocr",
                             help="OCR image files and PDF pages without a text layer (Tesseract)."),
    password_file: Optional[Path] = typer.Option(None, "--password-file", metavar="FILE", help=PASSWORD_HELP),
    max_file_mb: float = typer.Option(
        DEFAULTS.max_file_mb, metavar="MB", help="Larger files are refused (E018) before they are read (0: no limit)."),
    workers_force: bool = typer.Option(
        DEFAULTS.workers_force, "--workers-force", help="Allow more --workers than cores (each holds ~250 MB)."),
    engine: str = typer.Option("local", help="local (worker processes) or spark."),
    master: Optional[str] = typer.Option(
        None, help="Spark master URL for --engine spark [default: spark-submit's or spark-defaults.conf's, "
                   "else local[*]]."),
    spark_conf: List[str] = typer.Option(
        [], "--spark-conf", metavar="KEY=VALUE", help="A Spark setting for --engine spark (repeatable)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log each failed letter."),
    with_features: bool = typer.Option(False, "--features", help="Also write the features table (see 'features')."),
    csv_raw: bool = typer.Option(DEFAULTS.csv_raw, "--csv-raw", help=CSV_RAW_HELP),
    with_text: bool = typer.Option(
        DEFAULTS.with_text, "--with-text", help="Also write the texts table: each letter's text, which every "
                                                 "offset (start, end, evidence) counts in."),
) -> None:
    """Extract letters into a dataset: tables letters, items, mentions, errors (and texts)."""
    _setup_logging(verbose)
    from .dataset import SchemaVersionError
    from .dataset.state import DatasetBusy
    from .engines import count_inputs, run_local
    from .engines.local import OutFolderRefused

    try:
        options = RunOptions(fmt=fmt, workers=workers, batch_size=batch_size, pdf_backend=pdf_backend,
                             ocr=ocr, time_limit=time_limit, memory_limit=memory_limit, resume=resume,
                             in_process=in_process, max_file_mb=max_file_mb,
                             workers_force=workers_force, csv_raw=csv_raw, with_text=with_text,
                             pdf_password=pdf_password(password_file)).check()
    except ValueError as exc:
        console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2)
    if engine not in ("local", "spark"):
        console.print(f"[red]error[/red] unknown engine '{engine}'; choose local or spark")
        raise typer.Exit(2)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        console.print(f"[red]error[/red] cannot write to {out}: {exc.strerror}")
        raise typer.Exit(2)
    free_mb = shutil.disk_usage(out).free / 2**20
    if free_mb < MIN_FREE_MB:
        console.print(f"[red]error[/red] only {free_mb:.0f} MB free on the disk holding {out} "
                      f"(a run needs at least {MIN_FREE_MB} MB); free some space or choose another --out")
        raise typer.Exit(2)

    if engine == "spark":
        from .engines.spark import MasterUnreachable, run_spark

        settings = {}
        for item in spark_conf:
            key, sep, value = item.partition("=")
            if not sep or not key:
                console.print(f"[red]error[/red] --spark-conf takes KEY=VALUE, not '{item}'")
                raise typer.Exit(2)
            settings[key] = value
        try:
            summary = run_spark(inputs, out, options, master=master, conf=settings)
        except (ValueError, DatasetBusy, OutFolderRefused, MasterUnreachable) as exc:
            console.print(f"[red]error[/red] {exc}")
            raise typer.Exit(2)
        _finish_run(summary, out, options, with_features)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    show = progress and console.is_terminal
    bar = Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[rate]:.1f} files/s"), TextColumn("{task.fields[left]}"),
                   console=console, disable=not show)
    total = count_inputs(inputs, max_file_mb, exclude=out) if show else None
    task = bar.add_task("run", total=total, rate=0.0, left="")
    started = time.perf_counter()
    files = {"done": 0}

    def tick(summary) -> None:
        # Called once per input file accounted for (a file may hold several letters): the bar
        # and the time left count files, at the rate of the whole run so far.
        files["done"] += 1
        rate = files["done"] / max(time.perf_counter() - started, 1e-9)
        left = ""
        if total:
            seconds = max(0, total - summary.resumed - files["done"]) / rate
            left = f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d} left"
        bar.update(task, completed=files["done"] + summary.resumed, rate=rate, left=left)

    try:
        with bar:
            summary = run_local(inputs, out, options.replace(start_method=SERVER_START), on_result=tick)
    except (DatasetBusy, OutFolderRefused, SchemaVersionError) as exc:
        console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2)
    except KeyboardInterrupt:
        # Batches are committed as they finish: the folder is a consistent dataset of them.
        console.print(f"[yellow]interrupted[/yellow]: {out} holds every batch finished so far; continue with "
                      "the same command and --resume")
        raise typer.Exit(130)
    except OSError as exc:
        # The writer took back the batch it could not finish: the dataset holds only complete
        # batches, and --resume continues from the last one.
        console.print(f"[red]error[/red] writing {out} failed: {exc.strerror or exc}. The dataset holds every "
                      "batch finished before this; free space (or fix the folder) and continue with --resume")
        raise typer.Exit(2)
    _finish_run(summary, out, options, with_features)


def _finish_run(summary, out: Path, options: RunOptions, with_features: bool) -> None:
    """Summary, the features table on request, and exit status 1 when some input failed."""
    _print_summary(summary, out)
    if with_features:
        _write_features_table(out, options.fmt, options.csv_raw)
    if summary.errors:
        console.print(f"[yellow]{summary.errors} input(s) failed[/yellow] (every one is a row of {out}/errors; "
                      f"imr-extract query {out} \"select * from errors\" lists them):")
        for code, count in summary.error_codes.most_common():
            message, paths = summary.error_examples.get(code, ("", []))
            names = ", ".join(Path(p).name for p in paths) + (", ..." if count > len(paths) else "")
            console.print(f"  {code} x{count}: {message} [dim]({names})[/dim]")
        raise typer.Exit(1)


@app.command()
def query(
    dataset: Path = typer.Argument(..., help="A dataset folder written by run (Parquet)."),
    sql: str = typer.Argument(..., help="SQL over the views letters, items, mentions, errors."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    csv_raw: bool = typer.Option(False, "--csv-raw", help=CSV_RAW_HELP),
    allow_files: bool = typer.Option(
        False, "--allow-files",
        help="Let the SQL read and write any file, load extensions and download (off: it reads the dataset only)."),
    limit: int = typer.Option(50, help="Rows printed as a table (0: all); csv, json and --out are never cut."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the result to a file (.csv, .parquet, .json)."),
) -> None:
    """Answer SQL over a dataset with DuckDB (the tables are views over the part files)."""
    import duckdb

    from .dataset.csv_safe import to_csv
    from .dataset.query import ALLOW_FILES_HINT, flat_frame, plain_cell, plain_records, run_query

    try:
        frame = run_query(dataset, sql, allow_files=allow_files)
    except (FileNotFoundError, ValueError) as exc:
        console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2)
    except duckdb.PermissionException as exc:
        console.print(f"[red]error[/red] {exc}\n{ALLOW_FILES_HINT}")
        raise typer.Exit(2)
    except duckdb.CatalogException as exc:  # an unknown table or column: say what there is
        tables = [t for t in ("letters", "items", "mentions", "errors", "features") if (dataset / t).is_dir()]
        console.print(f"[red]error[/red] {str(exc).splitlines()[0]}\nthe tables of {dataset}: {', '.join(tables)} "
                      f"(their columns: docs/schema.md, or DESCRIBE letters)")
        raise typer.Exit(2)
    except Exception as exc:  # duckdb's own errors name the column or table that is wrong
        console.print(f"[red]error[/red] {type(exc).__name__}: {exc}")
        raise typer.Exit(2)
    if out is not None:
        if out.suffix == ".csv":
            to_csv(flat_frame(frame), out, csv_raw=csv_raw)
        elif out.suffix == ".parquet":
            frame.to_parquet(out, index=False)
        elif out.suffix == ".json":
            out.write_text(json.dumps(plain_records(frame), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        else:
            console.print(f"[red]error[/red] --out {out}: use a .csv, .parquet or .json file")
            raise typer.Exit(2)
        console.print(f"{len(frame)} row(s) written to {out}")
    elif fmt == "csv":
        typer.echo(to_csv(flat_frame(frame), csv_raw=csv_raw), nl=False)
    elif fmt == "json":
        typer.echo(json.dumps(plain_records(frame), indent=2, ensure_ascii=False))
    else:
        table = Table(show_lines=False)
        for column in frame.columns:
            table.add_column(str(column), overflow="fold")
        shown = flat_frame(frame if not limit else frame.head(limit))
        for row in shown.itertuples(index=False):
            table.add_row(*("" if c is None else str(c) for c in map(plain_cell, row)))
        Console().print(table)
        if len(shown) < len(frame):
            console.print(f"{len(shown)} of {len(frame)} rows shown (--limit 0 shows all; --out FILE or "
                          "--format csv writes all)")


@app.command()
def export(
    dataset: Path = typer.Argument(..., help="A dataset folder written by run (any format, either engine)."),
    duckdb_file: Optional[Path] = typer.Option(None, "--duckdb", help="DuckDB database file to write (.duckdb)."),
    force: bool = typer.Option(False, "--force", help="Replace the database file if it exists."),
) -> None:
    """Write a dataset's tables (typed) and views into one DuckDB database file."""
    from .dataset import DatasetError
    from .dataset.export import ExportRefused, export_duckdb

    if duckdb_file is None:
        console.print("[red]error[/red] name the file to write: imr-extract export DIR --duckdb FILE.duckdb")
        raise typer.Exit(2)
    try:
        counts = export_duckdb(dataset, duckdb_file, force=force)
    except (ExportRefused, FileNotFoundError, DatasetError) as exc:
        console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2)
    rows = ", ".join(f"{table} {n:,}" for table, n in counts.items())
    typer.echo(f"{duckdb_file}: tables {rows}; views items_with_letters, item_specialties, letter_diagnoses "
               f"(duckdb {duckdb_file} opens it)")


@app.command()
def evaluate(
    folders: List[Path] = typer.Argument(..., help="Folders (or files) with NAME.gold.json annotations."),
    letters: Optional[Path] = typer.Option(None, help="Folder of letters that gold files name with 'letter'."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    errors: bool = typer.Option(False, "--errors", help="List every miss: letter, field, expected, got."),
    baseline: bool = typer.Option(True, "--baseline/--no-baseline", help="Also score medspaCy's default pipeline."),
    pdf: bool = typer.Option(False, "--pdf", help="Score the PDF rendering of text letters where it exists."),
) -> None:
    """Score the extractor against gold annotations, per field, split and layout."""
    _setup_logging(False)
    from .quality.evaluate import evaluate as run_evaluation

    report = run_evaluation(folders, letters_dir=letters, baseline=baseline, pdf=pdf)
    data = report.to_dict()
    if as_json:
        typer.echo(json.dumps(data, indent=2))
    else:
        _print_report(data)
    if errors:
        for miss in report.misses():
            about = f"\t({miss.about})" if miss.about else ""
            typer.echo(f"{miss.letter}\t{miss.field}\texpected={json.dumps(miss.expected)}\tgot={json.dumps(miss.got)}{about}")
    for failed in data["failed"]:
        console.print(f"[red]not scored[/red] {failed['letter']}: {failed['error']}")


@app.command("evaluate-context")
def evaluate_context_cli(
    paths: List[Path] = typer.Argument(..., help="JSONL files (or folders) of sentences with one target each."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    errors: bool = typer.Option(False, "--errors", help="List every wrong flag: id, flag, expected, got."),
    baseline: bool = typer.Option(True, "--baseline/--no-baseline",
                                  help="Also score medspaCy's default ConText rules."),
) -> None:
    """Score ConText alone on sentences whose target spans are given (precision, recall, F1 per flag)."""
    _setup_logging(False)
    from .quality.evaluate_context import evaluate_context

    try:
        report = evaluate_context(paths, baseline=baseline)
    except (ValueError, OSError) as exc:
        console.print(f"[red]cannot score[/red]: {exc}")
        raise typer.Exit(2)
    if as_json:
        typer.echo(json.dumps(report, indent=2))
    else:
        table = Table(title=f"ConText on {report['sentences']} sentences, same targets (F1; precision/recall)")
        table.add_column("flag")
        for name in report["systems"]:
            table.add_column(name, justify="right")
        for flag in next(iter(report["systems"].values()))["all"]:
            cells = []
            for scores in report["systems"].values():
                s = scores["all"][flag]
                cells.append(f"{s['f1']:.3f} ({s['precision']:.2f}/{s['recall']:.2f}) n={s['n']}")
            table.add_row(flag, *cells)
        Console().print(table)
    if errors:
        for miss in report["misses"]:
            typer.echo(f"{miss['id']}\t{miss['flag']}\texpected={miss['expected']}\tgot={miss['got']}")


@app.command("agreement")
def agreement_cli(
    second: Path = typer.Argument(..., help="Folder of the second annotator's files."),
    first: List[Path] = typer.Argument(..., help="Folders of the first annotators' blind NAME.gold.json files."),
    letters: Optional[Path] = typer.Option(None, help="Folder of letters that gold files name with 'letter'."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Agreement of two annotators on the same letters (the second scored against the first)."""
    _setup_logging(False)
    from .quality.evaluate import agreement

    data = agreement(first, second, letters_dir=letters).to_dict()
    if as_json:
        typer.echo(json.dumps(data, indent=2))
    else:
        _print_report(data)


def _print_report(data: dict) -> None:
    groups = data["groups"]
    names = [g for g in groups if g.startswith("split:")] + [g for g in groups if g.startswith("layout:")]
    if "all" in groups:
        names.append("all")
    out = Console(width=max(Console().width, 48 + 24 * len(names)))  # one column per split/layout
    fields = sorted({f for g in names for f in groups[g]})
    table = Table(title=f"imr-extract evaluate: {data['letters']} letters (micro; macro in brackets)")
    table.add_column("field")
    for name in names:
        table.add_column(name.replace("split:", "").replace("layout:", ""), justify="right")
    for f in fields:
        kind = next(groups[g][f]["kind"] for g in names if f in groups[g])
        suffix = {"accuracy": " (acc)", "f1": " (F1)"}.get(kind, "")
        row = [f + suffix]
        for name in names:
            cell = groups[name].get(f)
            row.append(f"{cell['micro']:.3f} [{cell['macro']:.2f}] n={cell['n']}" if cell else "")
        table.add_row(*row)
    out.print(table)
    if data["baseline"]:
        base = Table(title="medspaCy default pipeline on the same gold mentions (all letters)")
        base.add_column("field")
        base.add_column("medspaCy default", justify="right")
        base.add_column("imr-extractor", justify="right")
        ours = groups.get("all", {})
        for key, value in data["baseline"].items():
            if key == "description":
                continue
            mine = ours.get(key)
            value_text = f"{value['micro']:.3f}"
            mine_text = f"{mine['micro']:.3f}" if mine else ""
            base.add_row(key, value_text, mine_text)
        out.print(base)


@app.command()
def bench(
    letters: str = typer.Option("synth", help="synth (N generated letters, all layouts) or corpus."),
    corpus: Optional[Path] = typer.Option(
        None, help="Folder of text letters for --letters corpus and --rss-sizes [default: ./corpora when there is "
                   "one, else synthetic letters]."),
    n: int = typer.Option(200, help="Letters per scenario (the corpus is repeated as needed)."),
    real: Optional[Path] = typer.Option(None, help="Folder of real PDF letters to time as well."),
    workers: str = typer.Option("1,2", help="Worker counts for the run scenario."),
    run_n: int = typer.Option(1000, help="PDFs for the run scenarios (at least N): a short run counts "
                              "worker start-up against the workers."),
    rss_sizes: str = typer.Option("", help="Archive sizes (e.g. 1000,10000,100000) for peak memory per "
                                  "worker [default: N]."),
    engine: str = typer.Option("local", help="local (stages, baselines, worker processes) or spark (a standalone "
                               "cluster on this machine: letters/s per worker count, driver and executor memory)."),
    scans: int = typer.Option(4, help="Letters also timed as 200-dpi scans read by OCR (pages/s against Tesseract "
                              "alone; 0: none)."),
) -> None:
    """Benchmark letters/s against baselines measured in the same run, and peak memory."""
    _setup_logging(False)
    if engine == "spark":
        _bench_spark(letters, corpus, n, workers, rss_sizes)
        return
    if engine != "local":
        console.print(f"[red]error[/red] unknown engine '{engine}'; choose local or spark")
        raise typer.Exit(2)
    from .quality.bench import run_benchmark

    if corpus is None and Path("corpora").is_dir():
        corpus = Path("corpora")
    if corpus is not None and not corpus.is_dir():
        console.print(f"[red]error[/red] --corpus {corpus} is not a folder of text letters")
        raise typer.Exit(2)
    if letters == "corpus" and corpus is None:
        console.print("[red]error[/red] --letters corpus needs --corpus FOLDER (there is no ./corpora here)")
        raise typer.Exit(2)
    result = run_benchmark(corpus, n=n, real=real, workers=tuple(int(w) for w in workers.split(",")),
                           letters=letters, run_n=run_n, scans=scans)
    out = Console()
    table = Table(title=f"imr-extract bench ({result['letters']} {letters} letters per scenario)")
    for column in ("scenario", "letters", "seconds", "letters/s", "pages/s"):
        table.add_column(column, justify="left" if column == "scenario" else "right")
    for t in result["timings"]:
        table.add_row(t.name, str(t.letters), f"{t.seconds:.2f}", f"{t.rate:.1f}",
                      f"{t.page_rate:.1f}" if t.pages else "")
    out.print(table)
    for name, value in result["ratios"].items():
        out.print(f"{name}: {value:.2f}")
    for name, value in result["peak_rss_mb"].items():
        out.print(f"peak RSS, {name}: {value:.0f} MB")
    from .quality.bench import rss_by_size

    # Workers forked from this process would show its letters and pipelines as their own
    # memory: per-worker figures come from runs in fresh processes.
    for row in rss_by_size(corpus, tuple(int(x) for x in (rss_sizes or str(n)).split(","))):
        out.print(f"run of {row['letters']} letters (2 workers, fresh process): "
                  f"{row['letters'] / row['seconds']:.1f} letters/s, "
                  f"peak RSS main {row['main_mb']:.0f} MB, largest worker {row['worker_mb']:.0f} MB")


def _bench_spark(letters: str, corpus: Path, n: int, workers: str, rss_sizes: str) -> None:
    """``bench --engine spark``: the figures of :func:`extractor.quality.bench_spark.spark_benchmark`."""
    from .quality.bench_spark import spark_benchmark

    sizes = tuple(int(x) for x in rss_sizes.split(",")) if rss_sizes else ()
    result = spark_benchmark(n=n, workers=tuple(int(w) for w in workers.split(",")), sizes=sizes,
                             letters=letters, corpus=corpus)
    out = Console()
    out.print(f"imr-extract bench --engine spark: {n} {letters} PDFs; a standalone cluster on this machine, "
              "1 core and 1 GB per worker; peak memory (VmHWM) in MB")
    for row in result["workers"] + result["sizes"]:
        what = f"Spark, {row['workers']} worker(s), {row['letters']} letters"
        out.print(f"{what}: {row['seconds']:.1f} s, {row['letters'] / row['seconds']:.1f} letters/s; "
                  f"driver Python {row['driver_python_mb']:.0f}, driver JVM {row['driver_jvm_mb']:.0f}, "
                  f"largest executor JVM {row['executor_jvm_mb']:.0f}, "
                  f"largest executor Python {row['executor_python_mb']:.0f}")
    for row in result["local"]:
        out.print(f"local engine, {row['workers']} worker(s), {row['letters']} letters: {row['seconds']:.1f} s, "
                  f"{row['letters'] / row['seconds']:.1f} letters/s")
    rates = {row["workers"]: row["letters"] / row["seconds"] for row in result["workers"]}
    if 1 in rates and 2 in rates:
        out.print(f"Spark 2 workers / 1 worker: {rates[2] / rates[1]:.2f}")


@app.command()
def review(
    inputs: List[str] = typer.Argument(..., help="Letters, folders, globs, or dataset folders written by run."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the HTML site."),
    serve: bool = typer.Option(False, "--serve", help="Serve the site on localhost (its own pages only) and open it."),
    port: int = typer.Option(8765, help="Port for --serve."),
) -> None:
    """Write a static HTML review site: each letter with its extracted evidence highlighted."""
    _setup_logging(False)
    from .review.site import build_site, collect, site_files

    records, failed = collect(inputs)
    index = build_site(records, out, failed)
    Console().print(f"review site: {index} ({len(records)} letters, {len(failed)} failed)")
    if serve:
        import webbrowser

        from .review.serve import ReviewServer

        try:
            server = ReviewServer(out, site_files(records), port)
        except OSError as exc:
            console.print(f"[red]error[/red] cannot serve on 127.0.0.1:{port}: {exc.strerror or exc}; "
                          "choose another --port")
            raise typer.Exit(2)
        with server:
            url = f"http://127.0.0.1:{server.port}/index.html"
            Console().print(f"serving {url} (Ctrl+C to stop)")
            webbrowser.open(url)
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                pass


@app.command("fuzz")
def fuzz_cli(
    corpus: Path = typer.Option(Path("corpora"), help="Folder of letters to mutate."),
    cases: int = typer.Option(1000, help="Mutated letters to run."),
    seed: int = typer.Option(0, help="Random seed (the same seed makes the same cases)."),
    workers: int = typer.Option(2, help="Worker processes."),
    memory_limit: float = typer.Option(DEFAULTS.memory_limit, metavar="MB",
                                       help="Per-file reading memory, as for run."),
) -> None:
    """Fuzz the extractor with mutated letters: no unhandled failure, every input accounted for."""
    _setup_logging(False)
    from .quality.fuzz import FUZZ_OPTIONS, fuzz

    report = fuzz(corpus, cases=cases, seed=seed,
                  options=FUZZ_OPTIONS.replace(workers=workers, memory_limit=memory_limit))
    typer.echo(json.dumps(report, indent=2))
    if report["unexpected"] or report["unaccounted"]:
        raise typer.Exit(1)


@app.command()
def features(
    dataset: Path = typer.Argument(..., help="A dataset folder written by run."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="File to write: .parquet, .csv or .jsonl."),
    describe: bool = typer.Option(False, "--describe", help="List the columns and what each holds."),
    csv_raw: bool = typer.Option(False, "--csv-raw", help=CSV_RAW_HELP),
) -> None:
    """Write the features table: one row per disputed item, only what is known before the decision."""
    _setup_logging(False)
    from .dataset import DatasetError
    from .decision.features import build_features, column_docs

    if describe:
        table = Table(title="features table")
        for column in ("column", "type", "what it holds"):
            table.add_column(column)
        for row in column_docs():
            table.add_row(*row)
        Console().print(table)
        if out is None:
            return
    try:
        frame = build_features(dataset)
    except DatasetError as exc:
        console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2)
    if not _emit_table(frame, out, csv_raw):
        return
    typer.echo(f"features: {out} ({len(frame)} items of {frame['doc_id'].nunique()} letters, "
               f"{frame.shape[1]} columns)")


def _emit_table(frame, out: Optional[Path], csv_raw: bool) -> bool:
    """CSV on standard output when ``out`` is None; else write ``out`` (format by suffix)."""
    from .dataset.csv_safe import to_csv
    from .decision.features import write_features

    if out is None:
        typer.echo(to_csv(frame, csv_raw=csv_raw), nl=False)
        return False
    try:
        write_features(frame, out, csv_raw=csv_raw)
    except ValueError as exc:
        console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2)
    return True


model_app = typer.Typer(no_args_is_help=True, help="Train and apply the decision model (scikit-learn).")
app.add_typer(model_app, name="model")


def _features_or_exit(source: Path):
    from .dataset import DatasetError
    from .decision.features import read_features

    try:
        return read_features(source)
    except DatasetError as exc:
        console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2)


@model_app.command("train")
def model_train(
    dataset: Path = typer.Argument(..., help="A dataset folder written by run, or a features file."),
    out: Path = typer.Option(Path("trained/decision.joblib"), "--out", "-o", help="Model file to write."),
    card: Optional[Path] = typer.Option(None, help="Model card to write (default: beside the model, .md)."),
    estimator: str = typer.Option("logistic", help="logistic (default) or boosting."),
    folds: int = typer.Option(5, help="Cross-validation folds, grouped by case."),
    seed: int = typer.Option(0, help="Seed for the folds and the estimator."),
    about: str = typer.Option("", help="What the dataset is, in words, for the model card "
                                       "(e.g. 'published determinations, 2014-2016')."),
) -> None:
    """Cross-validate (grouped by case), fit, and write the model, its card and a calibration plot."""
    _setup_logging(False)
    from .decision.model import ModelError, beats_baseline, calibration_plot, model_card, save, train

    frame = _features_or_exit(dataset)
    try:
        bundle = train(frame, estimator=estimator, folds=folds, seed=seed,
                       source=f"{dataset} ({about})" if about else str(dataset))
    except ModelError as exc:
        console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2)
    save(bundle, out)
    card = card or out.with_suffix(".md")
    plot = calibration_plot(bundle["oof"]["y"], bundle["oof"]["p"], card.with_name(out.stem + ".calibration.png"))
    card.write_text(model_card(bundle, out, plot), encoding="utf-8")
    if not beats_baseline(bundle):
        m = bundle["metrics"]
        model_auc, base_auc = m["model"]["roc_auc"], m["majority baseline"]["roc_auc"]
        console.print(f"[yellow]warning[/yellow] the model does not beat the baseline (ROC AUC {model_auc:.3f} "
                      f"against {base_auc:.3f}): it has learnt nothing usable from this data; the card says so")
    table = Table(title=f"decision model ({bundle['estimator']}, {bundle['folds']}-fold grouped CV, "
                        f"{bundle['data']['items']} items of {bundle['data']['cases']} cases)")
    for column in ("", "ROC AUC", "balanced accuracy", "Brier", "log loss"):
        table.add_column(column)
    for name, m in bundle["metrics"].items():
        table.add_row(name, f"{m['roc_auc']:.3f}", f"{m['balanced_accuracy']:.3f}", f"{m['brier']:.3f}",
                      f"{m['log_loss']:.3f}")
    Console().print(table)
    typer.echo(f"model: {out}\ncard: {card}\ncalibration plot: {plot}")


@model_app.command("predict")
def model_predict(
    dataset: Path = typer.Argument(..., help="A dataset folder written by run, or a features file."),
    model: Path = typer.Option(Path("trained/decision.joblib"), "--model", "-m", help="Model file from model train."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write predictions (.csv, .parquet, .jsonl)."),
    csv_raw: bool = typer.Option(False, "--csv-raw", help=CSV_RAW_HELP),
) -> None:
    """P(upheld) and the predicted decision for every disputed item."""
    _setup_logging(False)
    from .decision.model import ModelError, load_model, predict

    try:
        bundle = load_model(model)
    except ModelError as exc:
        console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2)
    frame = predict(bundle, _features_or_exit(dataset))
    if not _emit_table(frame, out, csv_raw):
        return
    known = frame["decision"].notna() if "decision" in frame else None
    agree = ""
    if known is not None and known.any():
        share = (frame.loc[known, "predicted"] == frame.loc[known, "decision"]).mean()
        agree = f"; agrees with the letter's decision on {share:.1%} of {int(known.sum())} decided items"
    typer.echo(f"predictions: {out} ({len(frame)} items{agree})")


def _write_features_table(out: Path, fmt: str, csv_raw: bool) -> None:
    from .decision.features import add_features_table

    path = add_features_table(out, fmt, csv_raw=csv_raw)
    typer.echo(f"features table: {path}")


@app.command()
def synth(
    n: int = typer.Argument(..., help="How many letters to write."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the letters, their gold files and synth.json."),
    seed: int = typer.Option(0, help="Random seed (the same seed writes the same letters)."),
    pdf: bool = typer.Option(False, "--pdf", help="Also render each letter to a PDF."),
    uphold_rate: List[str] = typer.Option(
        [], "--uphold-rate", metavar="CATEGORY=RATE",
        help="Share of a category's items that are upheld, e.g. medication=0.9 (repeat, or separate with commas)."),
    default_uphold_rate: float = typer.Option(0.8, help="Uphold rate of the categories not given."),
    layouts: Optional[str] = typer.Option(
        None, help="Layouts to draw from, comma-separated: case_number_header, maximus_letterhead, "
                   "professional_review (default: all three)."),
) -> None:
    """Write a synthetic archive: N letters with gold annotations and known uphold rates."""
    from .synth import SynthError, generate, parse_layouts, parse_uphold_rates

    try:
        rates = parse_uphold_rates(uphold_rate)
        summary = generate(n, out, seed=seed, uphold_rates=rates, default_rate=default_uphold_rate,
                           pdf=pdf, layouts=parse_layouts(layouts))
    except SynthError as exc:
        console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2)
    except OSError as exc:
        console.print(f"[red]error[/red] cannot write to {out}: {exc.strerror}")
        raise typer.Exit(2)
    table = Table(title=f"imr-extract synth → {out} (seed {seed})")
    for column in ("category", "given", "items", "upheld", "observed"):
        table.add_column(column, justify="left" if column == "category" else "right")
    for name, row in summary["categories"].items():
        observed = "" if row["observed_uphold_rate"] is None else f"{row['observed_uphold_rate']:.2f}"
        table.add_row(name, f"{row['uphold_rate']:.2f}", str(row["items"]), str(row["upheld"]), observed)
    out_console = Console()
    out_console.print(table)
    layouts_text = ", ".join(f"{k} {v}" for k, v in summary["letters_per_layout"].items())
    out_console.print(f"{summary['n']} letters ({layouts_text}); {summary['items']['total']} items, "
                      f"{summary['items']['upheld']} upheld / {summary['items']['overturned']} overturned")


def _print_summary(summary, out: Path) -> None:
    table = Table(title=f"imr-extract run → {out}", show_header=False)
    table.add_row("inputs", str(summary.inputs))
    if summary.resumed:
        table.add_row("already done (resumed)", str(summary.resumed))
    table.add_row("letters", str(summary.letters))
    if summary.bundles:
        table.add_row("files holding several letters", str(summary.bundles))
    if summary.duplicates:
        table.add_row("duplicates skipped", str(summary.duplicates))
    table.add_row("errors", str(summary.errors))
    table.add_row("items", str(summary.items))
    decided = summary.upheld + summary.overturned
    rate = f" ({summary.upheld / decided:.0%} upheld)" if decided else ""
    table.add_row("upheld / overturned", f"{summary.upheld} / {summary.overturned}{rate}")
    table.add_row("mentions", str(summary.mentions))
    for name, count in sorted(summary.layouts.items()):
        table.add_row(f"layout {name}", str(count))
    for stage, count in sorted(summary.error_stages.items()):
        table.add_row(f"errors at {stage}", str(count))
    table.add_row("time", f"{summary.seconds:.1f} s ({summary.rate:.1f} letters/s)")
    if getattr(summary, "worker_peak_mb", None):
        table.add_row("largest worker's peak memory", f"{summary.worker_peak_mb:.0f} MB")
    Console().print(table)


def main() -> None:  # pragma: no cover
    """Entry point for ``python -m extractor``."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
