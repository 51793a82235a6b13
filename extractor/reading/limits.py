"""A per-letter memory budget for the reading step (PDF text, layout, OCR), set with RLIMIT_AS.

RLIMIT_AS caps *address space*, not resident memory: every mapping counts, touched or not
(thread stacks, malloc arenas, the pipeline's vocab tables). A worker maps ~650-750 MB before it
reads anything and that base differs between machines and with what its parent had loaded
before forking, so the budget is added on top of what the process maps when the letter starts:
one letter's reading may map at most ``mb`` MB more. Past it, allocations fail with MemoryError
(pypdfium2 raises it too when a page bitmap cannot be allocated), which costs that letter only.
"""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from typing import Iterator, Optional

try:
    import resource
except ImportError:  # pragma: no cover - Windows has no rlimits: the budget is not enforced
    resource = None

log = logging.getLogger("extractor")
_MB = 1 << 20


def address_space() -> Optional[int]:
    """Bytes of address space this process maps now (Linux ``/proc``), or None where unknown."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


@contextmanager
def memory_budget(mb: float) -> Iterator[None]:
    """Let the block map at most ``mb`` MB more address space than now (0: no limit).

    The limit is lifted again when the block ends, so the NLP step and the worker's own
    bookkeeping never run short. An outer, lower limit (``ulimit -v``) is kept as it is.
    """
    now = address_space() if mb > 0 and resource is not None else None
    if now is None:
        if mb > 0:
            log.debug("memory limit not enforced: address space unknown on this system")
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = now + int(mb * _MB)
    for outer in (soft, hard):
        if outer != resource.RLIM_INFINITY:
            cap = min(cap, outer)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
