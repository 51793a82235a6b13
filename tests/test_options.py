"""RunOptions: one home for a run's options and their defaults, taken whole by every engine."""

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.engines import run_local
from extractor.options import DEFAULTS, RunOptions


def test_options_defaults_are_the_command_lines():
    # The command line reads its defaults from RunOptions: changing one changes both.
    assert (DEFAULTS.time_limit, DEFAULTS.memory_limit, DEFAULTS.fmt) == (120.0, 2048.0, "parquet")
    help_text = CliRunner().invoke(app, ["run", "--help"], env={"COLUMNS": "200"}).output
    assert "default: 120.0" in help_text and "default: 2048.0" in help_text


def test_options_unknown_name_is_refused():
    with pytest.raises(TypeError):
        RunOptions().replace(time_limt=5)  # a typo never passes silently
    with pytest.raises(TypeError):
        run_local(["nothing"], "out", time_limt=5)


@pytest.mark.parametrize("changes, message", [
    ({"fmt": "xlsx"}, "unknown format 'xlsx'"),  # why: a format no writer has
    ({"pdf_backend": "poppler"}, "unknown PDF backend 'poppler'"),  # why: not a backend we ship
    ({"start_method": "thread"}, "unknown start method 'thread'"),  # why: not a multiprocessing method
    ({"time_limit": -1}, "time_limit must be 0 or more"),  # why: a negative limit means nothing
    ({"batch_size": 0}, "batch_size must be at least 1"),  # why: a part file holds letters
])
def test_options_check_names_the_bad_option(changes, message):
    with pytest.raises(ValueError, match=message):
        RunOptions(**changes).check()


def test_options_letter_part_and_changes():
    options = RunOptions(ocr=False, time_limit=5, workers=3)
    assert options.letter.ocr is False and options.letter.time_limit == 5
    assert RunOptions(workers=3, workers_force=True).worker_count == 3 and RunOptions(workers=0).worker_count >= 1
    assert options.changed() == ["workers", "ocr", "time_limit"]


def test_options_cli_refuses_a_bad_option_before_any_work(tmp_path):
    result = CliRunner().invoke(app, ["run", str(tmp_path), "--out", str(tmp_path / "o"), "--pdf-backend", "x"])
    assert result.exit_code == 2 and "unknown PDF backend 'x'" in result.output
    assert not (tmp_path / "o").exists()


def test_options_spark_refuses_what_it_cannot_honour(tmp_path):
    pytest.importorskip("pyspark")
    from extractor.engines.spark import run_spark

    # Refused before a Spark session starts: no Java needed for this check.
    with pytest.raises(ValueError, match="cannot honour: workers"):
        run_spark([str(tmp_path)], tmp_path / "out", RunOptions(workers=2, resume=True))


def test_options_workers_are_capped_at_the_cores_unless_forced():
    import os

    cores = os.cpu_count() or 1
    assert RunOptions(workers=cores * 16).worker_count == cores  # more workers add memory, not speed
    assert RunOptions(workers=cores * 16, workers_force=True).worker_count == cores * 16
