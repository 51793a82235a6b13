"""What a run did: counts for the terminal summary and for callers, the same for every engine."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Optional


@dataclass
class RunSummary:
    """What a run did, for the terminal summary and for callers."""

    inputs: int = 0
    letters: int = 0
    duplicates: int = 0
    errors: int = 0
    items: int = 0
    upheld: int = 0
    overturned: int = 0
    mentions: int = 0
    seconds: float = 0.0
    resumed: int = 0  # inputs skipped because an earlier run committed them
    bundles: int = 0  # files that held several letters (one record each)
    worker_peak_mb: Optional[float] = None  # the largest worker's peak resident memory
    layouts: Counter = field(default_factory=Counter)
    error_stages: Counter = field(default_factory=Counter)
    error_codes: Counter = field(default_factory=Counter)
    # Per error code: its first message and up to three of the inputs it hit, for the summary.
    error_examples: dict = field(default_factory=dict)

    def note_error(self, row: dict) -> None:
        """Count one ``errors`` row."""
        self.errors += 1
        self.error_stages[row["stage"]] += 1
        self.error_codes[row["error"]] += 1
        message, paths = self.error_examples.setdefault(row["error"], (row["message"], []))
        if len(paths) < 3:
            paths.append(row["path"])

    @property
    def rate(self) -> float:
        """Letters per second."""
        return (self.letters + self.errors) / self.seconds if self.seconds else 0.0


def count_file(summary: RunSummary, seen: set[str], doc_id: Optional[str], rows: dict) -> bool:
    """Count one file's result; False when its letters are a duplicate (rows to drop).

    ``seen`` holds the doc ids of the files kept so far: a file whose bytes match one of them is
    the same letter filed twice. Every engine counts through here, so their summaries agree.
    """
    letters, errors = rows.get("letters", []), rows.get("errors", [])
    if letters:
        if doc_id in seen:
            summary.duplicates += 1
            return False
        seen.add(doc_id)
        if len(letters) + len(errors) > 1:
            summary.bundles += 1
    for letter in letters:
        summary.letters += 1
        summary.items += letter["n_items"]
        summary.upheld += letter["n_upheld"]
        summary.overturned += letter["n_overturned"]
        summary.mentions += letter["n_mentions"]
        summary.layouts[letter["layout"]] += 1
    for error in errors:
        summary.note_error(error)
    return True
