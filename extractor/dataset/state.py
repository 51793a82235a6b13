"""Run state for ``--resume``: a manifest per committed part, written after the part's files.

A part is committed when ``_state/part-NNNNN.json`` exists. Part files without a manifest were
in flight when a run died; resume deletes them and extracts their letters again, so a killed
and resumed run gives the same rows as an uninterrupted one: none lost, none twice.
"""

from __future__ import annotations

import json
import os
import socket
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

from .schema import COLUMNS

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: runs are not locked
    fcntl = None

STATE_DIR = "_state"
# Crash tests kill a run at a point they choose: with this set to N, a run stops doing anything
# once it has committed N parts, and waits to be killed.
HOLD_AFTER_PARTS = "IMR_HOLD_AFTER_PARTS"


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
    hold = os.environ.get(HOLD_AFTER_PARTS)
    if hold and len(list(folder.glob("part-*.json"))) >= int(hold):
        while True:  # pragma: no cover - ended by the test's SIGKILL
            time.sleep(3600)


def part_number(name: str) -> int:
    """The part number in a part file's name (``part-00003.parquet`` -> 3)."""
    return int(name.split("part-")[1].split(".")[0].split("-")[0])


def committed_parts(out: Path) -> Optional[set[int]]:
    """Numbers of the committed parts, or None for a dataset without run state (e.g. Spark's)."""
    folder = Path(out) / STATE_DIR
    if not folder.is_dir():
        return None
    return {part_number(m.name) for m in folder.glob("part-*.json")}


def readable_parts(out: Path, table: str) -> list[Path]:
    """A table's part files that readers should see: committed ones only.

    Parts of a batch still in flight, or of a run that died mid-batch, are left out, so a
    reader never sees letters rows whose items were not written yet.
    """
    folder = Path(out) / table
    if not folder.is_dir():
        return []
    parts = sorted(p for p in folder.iterdir() if p.name.startswith("part-") and not p.name.endswith(".tmp"))
    committed = committed_parts(out)
    return parts if committed is None else [p for p in parts if part_number(p.name) in committed]


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
    for table in COLUMNS:
        for part_file in (out / table).glob("*part-*"):
            number = part_number(part_file.name)
            if number not in committed or part_file.name.startswith("."):
                part_file.unlink()  # written by a run that died before committing it
    return done_paths, done_ids, (max(committed) + 1) if committed else 0


def clear(out: Path) -> None:
    """Remove a previous run's tables and state (a fresh run into the same folder).

    Manifests go first: a clear that fails half-way (a read-only table folder) leaves parts
    that no manifest names, which readers ignore and a later run or resume deletes, never a
    manifest naming letters whose rows are gone.
    """
    out = Path(out)
    for manifest in (out / STATE_DIR).glob("*part-*"):
        manifest.unlink()
    for table in (*COLUMNS, "features"):  # a features table of the old run would describe other letters
        for part_file in (out / table).glob("*part-*"):
            part_file.unlink()


def written_format(out: Path) -> Optional[str]:
    """The format of the committed parts in ``out`` (parquet, csv, jsonl), or None when there are none."""
    for part in sorted((Path(out) / "letters").glob("part-*")):
        return part.suffix.lstrip(".")
    return None


LOCK_FILE = ".imr-run.lock"


class DatasetBusy(RuntimeError):
    """Another run holds the dataset folder."""


@contextmanager
def run_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on the dataset folder ``out`` for a whole run.

    Two runs into one folder would interleave their part numbers and manifests and lose
    letters; the second one is refused, with the first one's pid and start time. The lock is
    the kernel's (``flock``), so a run that dies releases it.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover
        yield
        return
    handle = open(out / LOCK_FILE, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise DatasetBusy(f"{out} is being written by another run ({holder}); wait for it to end, "
                              "or choose another --out") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on {socket.gethostname()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}")
        handle.flush()
        yield
    finally:
        handle.close()  # closing the file releases the lock
