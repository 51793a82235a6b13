"""A worker process ends when the run that started it ends (Linux), even under SIGKILL.

Standard library only: the fork server imports this before anything else of the package.
"""

import ctypes
import signal

_PR_SET_PDEATHSIG = 1
# The pid of the run that starts the fork server (set by the pool before the server starts):
# a server whose run died before it could set its parent-death signal ends itself.
RUN_PID = "IMR_RUN_PID"


def die_with_parent() -> None:
    """End this process when the process that started it ends (Linux; elsewhere nothing).

    A run killed with SIGKILL cannot stop its fork server and workers itself: without this
    they would wait, holding the pipeline's memory, for a run that is gone.
    """
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
