"""A real Spark cluster: a standalone master and two workers on this machine, inputs as file:// URIs."""

import sys
from pathlib import Path

import pytest
from conftest import assert_same_dataset
from test_spark import QUIET, _counts, _distinct_letters, _spark_prerequisites  # noqa: F401 - autouse fixture

from extractor.engines import run_local
from extractor.engines.spark import run_spark
from extractor.engines.standalone import LocalCluster

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def cluster():
    """A master and two workers of one core each; stopped (process groups killed) even when the test fails."""
    running = LocalCluster(workers=2, cores=1, memory="1g")
    try:
        running.start()
        yield running
    finally:
        running.stop()


def test_standalone_cluster_run_equals_the_local_engine(tmp_path, cluster):
    letters = _distinct_letters(tmp_path / "letters", 6)
    (letters / "empty.txt").write_bytes(b"")
    single = _distinct_letters(tmp_path / "single", 1) / "letter-000.txt"
    single.write_text(single.read_text(encoding="utf-8") + "Reference: single\n", encoding="utf-8")
    run_local([str(letters), str(single)], tmp_path / "local", workers=1)
    conf = {
        **QUIET,
        "spark.pyspark.python": sys.executable,  # the executors' Python workers run this interpreter
        "spark.executorEnv.PYTHONPATH": str(ROOT),  # and import this checkout
        "spark.driver.host": "127.0.0.1",
    }

    summary = run_spark([f"file://{letters}", f"file://{single}"], tmp_path / "spark", master=cluster.url,
                        conf=conf, partitions=4)

    assert_same_dataset(tmp_path / "local", tmp_path / "spark", path=lambda p: p.replace("file://", "", 1))
    assert summary.letters == 7 and summary.errors == 1
    # Both workers ran an executor for the run.
    assert all("Asked to launch executor" in cluster._log(f"worker-{n}") for n in range(2))
