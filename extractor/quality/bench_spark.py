"""Spark's scale figures: letters/s on a standalone cluster of one worker and of two, and memory.

Every scenario starts its own cluster on this machine (:class:`extractor.engines.standalone.LocalCluster`,
one core per worker) and runs its driver in a fresh process, so each memory figure belongs to
that run alone. The driver first runs two letters untimed (executors and their Python workers
start and build the pipeline), then the timed run; the local engine runs the same letters with
as many workers, for comparison.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..options import SERVER_START, RunOptions

# The driver of one scenario: prints its figures as JSON on its last line.
_DRIVER = r'''
import json, os, sys
from pathlib import Path
from pyspark import SparkContext
from pyspark.sql import SparkSession
from extractor.engines.spark import SESSION_DEFAULTS, run_spark

url, warm, folder, out, package = sys.argv[1:6]
os.environ["PYSPARK_PYTHON"] = sys.executable
settings = {**SESSION_DEFAULTS, "spark.ui.showConsoleProgress": "false", "spark.driver.host": "127.0.0.1",
            "spark.executorEnv.PYTHONPATH": package}
builder = SparkSession.builder.master(url).appName("imr-extract bench")
for key, value in settings.items():
    builder = builder.config(key, value)
spark = builder.getOrCreate()
run_spark([warm], out + "-warm-up")  # the session is this script's: executors stay up between the runs
summary = run_spark([folder], out)

def peak_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            return int(status.read().split("VmHWM:")[1].split()[0]) / 1024
    except (OSError, IndexError):
        return 0.0

def children():
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            found[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            pass
    return found

app = spark.sparkContext.applicationId
executors = []
for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
    try:
        if app.encode() in cmdline.read_bytes() and b"CoarseGrainedExecutorBackend" in cmdline.read_bytes():
            executors.append(int(cmdline.parent.name))
    except OSError:
        pass
parents = children()
python = [pid for pid, parent in parents.items() if parent in executors]
python += [pid for pid, parent in parents.items() if parent in python]
print(json.dumps({
    "letters": summary.letters, "errors": summary.errors, "seconds": summary.seconds,
    "driver_python_mb": peak_mb("self"), "driver_jvm_mb": peak_mb(SparkContext._gateway.proc.pid),
    "executor_jvm_mb": max((peak_mb(p) for p in executors), default=0.0),
    "executor_python_mb": max([peak_mb(p) for p in python] + [summary.worker_peak_mb or 0.0]),
    "executors": len(executors),
}))
spark.stop()
'''


def _letters(folder: Path, count: int, letters: str, corpus: Path, seed: int = 0) -> None:
    from ..synth.render import render_pdf
    from .bench import corpus_texts, synthetic_texts

    texts = synthetic_texts(count, seed=seed) if letters == "synth" else corpus_texts(corpus, count)
    folder.mkdir(parents=True)
    for i, text in enumerate(texts):
        (folder / f"letter-{i:05d}.pdf").write_bytes(render_pdf(text))


def _scenario(workers: int, warm: Path, folder: Path, out: Path) -> dict:
    from ..engines.standalone import LocalCluster

    package = str(Path(__file__).resolve().parents[2])  # executors import this copy of the package
    with LocalCluster(workers=workers, cores=1, memory="1g") as cluster:
        done = subprocess.run([sys.executable, "-c", _DRIVER, cluster.url, str(warm), str(folder), str(out), package],
                              capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"the Spark driver failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def spark_benchmark(n: int = 200, workers: tuple[int, ...] = (1, 2), sizes: tuple[int, ...] = (),
                    letters: str = "synth", corpus: Path = Path("corpora")) -> dict:
    """Time the Spark engine on ``n`` PDFs with each worker count, and the driver's memory for ``sizes`` PDFs.

    Returns ``{"workers": [...], "local": [...], "sizes": [...]}``: one dict of figures per
    scenario (letters, seconds, peak memory in MB of the driver's Python and JVM, of the
    largest executor JVM and of the largest Python process on the executors).
    """
    from ..engines import run_local

    if letters not in ("synth", "corpus"):
        raise ValueError(f"unknown letters '{letters}': use synth or corpus")
    folder = Path(tempfile.mkdtemp(prefix="imr-bench-spark-"))
    try:
        _letters(folder / "letters", max([n, *sizes]), letters, corpus)
        _letters(folder / "warm", 2, "synth", corpus, seed=7)
        timed = folder / "timed"
        timed.mkdir()
        for path in sorted((folder / "letters").iterdir())[:n]:
            (timed / path.name).symlink_to(path)
        result: dict = {"workers": [], "local": [], "sizes": []}
        for count in workers:
            figures = _scenario(count, folder / "warm", timed, folder / f"out-{count}")
            result["workers"].append({"workers": count, **figures})
            options = RunOptions(workers=count, start_method=SERVER_START)
            local = run_local([str(timed)], folder / f"local-{count}", options)
            result["local"].append({"workers": count, "letters": local.letters, "seconds": local.seconds})
        for size in sizes:
            subset = folder / f"size-{size}"
            subset.mkdir()
            for path in sorted((folder / "letters").iterdir())[:size]:
                (subset / path.name).symlink_to(path)
            figures = _scenario(max(workers), folder / "warm", subset, folder / f"out-size-{size}")
            result["sizes"].append({"workers": max(workers), **figures})
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)
