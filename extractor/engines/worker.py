"""What a worker process starts with: imported once by the fork server, it builds the pipeline.

Workers are forked from that server, not from the run's main process, so they start with the
pipeline built (shared pages, no second build) and without the main process's memory (the
doc ids seen so far, the writer's buffers), which grows with the archive.
"""

from ..pipeline import load

load()
