"""A Spark task's body: a letter that crashes or hangs its worker costs that letter, and the task goes on.

Monkeypatching does not reach Spark's Python workers, so these tests call the ``mapInPandas``
body itself, in this process, with the batches Spark would hand it.
"""

import json
import os
import signal
import time

import pandas as pd
from test_spark import _distinct_letters

from extractor.engines import letter_job, pool
from extractor.engines.spark_tasks import extract_partition
from extractor.options import LetterOptions


def test_spark_tasks_crash_and_hang_cost_one_letter_each(tmp_path, monkeypatch):
    letters = sorted(_distinct_letters(tmp_path / "letters", 6).iterdir())
    crash, hang = str(letters[1]), str(letters[3])
    real = letter_job.extract_letters

    def broken(data, path=None, **kwargs):
        if path == crash:
            os._exit(11)  # what a segfault in a C library looks like from Python
        if path == hang:  # stuck as in a C library's loop: the time limit's signal never lands
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(600)
        return real(data, path=path, **kwargs)

    monkeypatch.setattr(letter_job, "extract_letters", broken)
    # A worker counts as stuck after 10 s, far above what a task of 4 letters takes under load.
    monkeypatch.setattr(pool, "stuck_after", lambda time_limit: 10.0 if time_limit > 0 else None)
    shown = [f"s3a://bucket/letters/{p.name}" for p in letters]
    # Spark's batches: files read by path, and the last one by its bytes (as from object storage).
    batch = pd.DataFrame({"file": range(6), "shown": shown,
                          "local": [os.fsencode(p) for p in letters[:5]] + [None],
                          "content": [None] * 5 + [letters[5].read_bytes()]})

    out = pd.concat(extract_partition(LetterOptions(time_limit=300))(iter([batch[:3], batch[3:]])))

    rows = {table: [json.loads(r) for r in group["row"]] for table, group in out.groupby("table")}
    assert [row["path"] for row in rows["letters"]] == [shown[i] for i in (0, 2, 4, 5)]
    errors = {row["path"]: row for row in rows["errors"]}
    assert set(errors) == {shown[1], shown[3]}
    assert errors[shown[1]]["error"] == "E012"
    assert errors[shown[3]]["error"] == "E010" and "stuck inside a library call" in errors[shown[3]]["message"]
    assert list(out.loc[out["table"] == "file", "file"]) == list(range(6))  # in input order
    (task,) = rows["task"]
    assert task["task_peak_mb"] > 0  # the letter workers here all ended early: only the task's own figure
