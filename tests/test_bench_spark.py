"""``bench --engine spark`` prints letters/s per worker count and the memory figures (the cluster runs are faked)."""

from typer.testing import CliRunner

import extractor.quality.bench_spark as bench_spark
from extractor.cli import app


def _figures(workers, letters, seconds):
    return {"workers": workers, "letters": letters, "errors": 0, "seconds": seconds, "driver_python_mb": 270.0,
            "driver_jvm_mb": 450.0, "executor_jvm_mb": 420.0, "executor_python_mb": 300.0, "executors": workers}


def test_bench_spark_prints_rates_memory_and_the_speed_up(monkeypatch):
    asked = {}

    def fake(n, workers, sizes, letters, corpus):
        asked.update(n=n, workers=workers, sizes=sizes)
        return {"workers": [_figures(1, n, 20.0), _figures(2, n, 12.5)],
                "local": [{"workers": 1, "letters": n, "seconds": 10.0}, {"workers": 2, "letters": n, "seconds": 5.0}],
                "sizes": [_figures(2, s, s / 16) for s in sizes]}

    monkeypatch.setattr(bench_spark, "spark_benchmark", fake)
    result = CliRunner().invoke(app, ["bench", "--engine", "spark", "--n", "200", "--rss-sizes", "200,400"])
    assert result.exit_code == 0, result.output
    assert asked == {"n": 200, "workers": (1, 2), "sizes": (200, 400)}
    text = " ".join(result.output.split())
    assert "Spark, 1 worker(s), 200 letters: 20.0 s, 10.0 letters/s; driver Python 270, driver JVM 450" in text
    assert "Spark, 2 worker(s), 400 letters: 25.0 s, 16.0 letters/s" in text
    assert "local engine, 2 worker(s), 200 letters: 5.0 s, 40.0 letters/s" in text
    assert "Spark 2 workers / 1 worker: 1.60" in text


def test_bench_refuses_an_unknown_engine():
    result = CliRunner().invoke(app, ["bench", "--engine", "dask"])
    assert result.exit_code == 2 and "unknown engine 'dask'" in result.output
