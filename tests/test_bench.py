"""The benchmark command: every scenario on generated letters, the ratios, and memory figures
that are the run's own peak, not the peak of the process that started it."""

from pathlib import Path

from typer.testing import CliRunner

from extractor.cli import app
from extractor.quality.bench import iter_corpus_texts, rss_by_size, synthetic_texts

ROOT = Path(__file__).resolve().parents[1]


def test_synthetic_texts_are_distinct_letters_of_realistic_length():
    texts = synthetic_texts(4, seed=2)
    assert len(set(texts)) == 4
    assert all(3000 <= len(t) <= 8500 for t in texts)


def test_bench_prints_scenarios_and_ratios():
    result = CliRunner().invoke(app, ["bench", "--n", "6", "--workers", "1", "--run-n", "9", "--scans", "1"])
    assert result.exit_code == 0, result.output
    for name in ("spaCy tokenizer only", "pypdfium2 text only", "medspaCy default pipeline",
                 "text -> record", "PDF -> record", "PDF->record / (pypdfium2 text + tokenizer)"):
        assert name in result.output
    assert "synth letters per scenario" in result.output
    run_row = next(line for line in result.output.splitlines() if "run, PDF, 1 worker" in line)
    assert "│       9 │" in run_row  # the run scenario reads its own, larger set of letters
    assert "run of 6 letters (2 workers, fresh process)" in result.output and "largest worker" in result.output
    # The scanned letter: its pages timed through Tesseract alone, the record path and run.
    for name in ("scans: Tesseract alone, 300 dpi", "scans: scanned PDF -> record", "scans: run, 1 worker",
                 "scans: PDF->record / Tesseract alone (pages/s): ", "scans: run, pages/s per worker"):
        assert name in result.output


def test_rss_by_size_reports_the_runs_own_memory():
    # 400 MB held here: ru_maxrss would carry it into the child across exec; VmHWM does not.
    ballast = bytearray(400 * 2**20)
    ballast[:: 4096] = b"\1" * len(ballast[:: 4096])
    row = rss_by_size(ROOT / "corpora", (30,), workers=2)[0]
    assert row["letters"] == 30
    assert 50 < row["worker_mb"] < 400
    assert row["main_mb"] < 380  # the run's own main process, not this one's 400 MB ballast
    del ballast


def test_corpus_texts_are_distinct_and_streamed():
    texts = iter_corpus_texts(ROOT / "corpora", 200)
    assert not isinstance(texts, list)
    assert len(set(texts)) == 200
