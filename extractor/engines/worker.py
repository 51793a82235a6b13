"""What a worker process starts with: imported once by the fork server, it builds the pipeline.

Workers are forked from that server, not from the run's main process, so they start with the
pipeline built (shared pages, no second build) and without the main process's memory (the
doc ids seen so far), which grows with the archive.
"""

import os
import sys

from .deathsig import RUN_PID, die_with_parent

# The fork server (``python -c "from multiprocessing.forkserver import main; ..."``) preloads this
# module; workers call die_with_parent() themselves (the setting does not survive a fork).
# This runs before the pipeline is imported (the package's names load lazily), so a run killed
# at any moment of start-up leaves no server behind.
if sys.argv[:1] == ["-c"] and "multiprocessing.forkserver" in sys.modules:
    die_with_parent()
    expected = os.environ.get(RUN_PID)
    if expected and os.getppid() != int(expected):  # the run died before the signal was set
        os._exit(0)

from ..pipeline import load  # noqa: E402 - imported after the parent-death signal is set

load()
