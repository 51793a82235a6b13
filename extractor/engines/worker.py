"""What a worker process starts with: imported once by the fork server, it builds the pipeline.

Workers are forked from that server, not from the run's main process, so they start with the
pipeline built (shared pages, no second build) and without the main process's memory (the
doc ids seen so far), which grows with the archive.
"""

import ctypes
import signal
import sys

from ..pipeline import load

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """End this process when the process that started it ends (Linux; elsewhere nothing).

    A run killed with SIGKILL cannot stop its fork server and workers itself: without this
    they would wait, holding the pipeline's memory, for a run that is gone.
    """
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


# The fork server (``python -c "from multiprocessing.forkserver import main; ..."``) preloads this
# module; workers call die_with_parent() themselves (the setting does not survive a fork).
if sys.argv[:1] == ["-c"] and "multiprocessing.forkserver" in sys.modules:
    die_with_parent()
load()
