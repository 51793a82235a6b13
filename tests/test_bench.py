"""The benchmark command runs every scenario on generated letters and prints the ratios."""

from typer.testing import CliRunner

from extractor.bench import synthetic_texts
from extractor.cli import app


def test_synthetic_texts_are_distinct_letters_of_realistic_length():
    texts = synthetic_texts(4, seed=2)
    assert len(set(texts)) == 4
    assert all(3000 <= len(t) <= 8500 for t in texts)


def test_bench_prints_scenarios_and_ratios():
    result = CliRunner().invoke(app, ["bench", "--n", "6", "--workers", "1"])
    assert result.exit_code == 0, result.output
    for name in ("spaCy tokenizer only", "pypdfium2 text only", "medspaCy default pipeline",
                 "text -> record", "PDF -> record", "PDF->record / (pypdfium2 text + tokenizer)"):
        assert name in result.output
    assert "synth letters per scenario" in result.output
