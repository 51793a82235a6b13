"""Run state for ``--resume``: a manifest per committed part, written after the part's files.

A part is committed when ``_state/part-NNNNN.json`` exists. Part files without a manifest were
in flight when a run died; resume deletes them and extracts their letters again, so a killed
and resumed run gives the same rows as an uninterrupted one: none lost, none twice.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..record import TABLES

STATE_DIR = "_state"


def commit_part(out: Path, part: int, paths: list[str], doc_ids: list[str]) -> None:
    """Record that part ``part`` holds the letters read from ``paths``."""
    folder = Path(out) / STATE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"part-{part:05d}.json"
    tmp = folder / f".part-{part:05d}.json.tmp"
    tmp.write_text(json.dumps({"part": part, "paths": paths, "doc_ids": doc_ids}), encoding="utf-8")
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, target)


def load_state(out: Path) -> tuple[set[str], set[str], int]:
    """Paths and doc ids already committed, and the next part number; drops uncommitted parts."""
    out = Path(out)
    done_paths: set[str] = set()
    done_ids: set[str] = set()
    committed: set[int] = set()
    for manifest in sorted((out / STATE_DIR).glob("part-*.json")):
        data = json.loads(manifest.read_text(encoding="utf-8"))
        committed.add(data["part"])
        done_paths.update(data["paths"])
        done_ids.update(i for i in data["doc_ids"] if i)
    for table in TABLES:
        for part_file in (out / table).glob("*part-*"):
            number = int(part_file.name.split("part-")[1].split(".")[0])
            if number not in committed or part_file.name.startswith("."):
                part_file.unlink()  # written by a run that died before committing it
    return done_paths, done_ids, (max(committed) + 1) if committed else 0


def clear(out: Path) -> None:
    """Remove a previous run's tables and state (a fresh run into the same folder)."""
    out = Path(out)
    for table in TABLES:
        for part_file in (out / table).glob("*part-*"):
            part_file.unlink()
    for manifest in (out / STATE_DIR).glob("*part-*"):
        manifest.unlink()
