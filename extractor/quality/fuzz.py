"""Fuzzing: mutated corpus letters (PDF and text) go through ``run``; every one must be accounted for.

Mutations are byte-level (flips, cuts, inserted junk, repeated chunks, zeroed ranges), seeded so
a failing case can be made again. Cases run through the local engine, so a hang or a crash
inside a C library costs one case and is reported, never the run.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from collections import Counter
from pathlib import Path

from ..dataset import read_table
from ..engines import run_local
from ..options import RunOptions
from ..synth.render import render_pdf


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to three random byte-level changes to ``data``."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        if not out:
            out += rng.randbytes(rng.randint(1, 64))
            continue
        kind = rng.choice(("flip", "cut", "insert", "repeat", "zero", "truncate"))
        at = rng.randrange(len(out))
        if kind == "flip":
            for _ in range(rng.randint(1, 16)):
                i = rng.randrange(len(out))
                out[i] ^= 1 << rng.randrange(8)
        elif kind == "cut":
            del out[at: at + rng.randint(1, 2048)]
        elif kind == "insert":
            out[at:at] = rng.randbytes(rng.randint(1, 512))
        elif kind == "repeat":
            chunk = out[at: at + rng.randint(1, 4096)]
            out[at:at] = chunk * rng.randint(1, 4)
        elif kind == "zero":
            end = min(len(out), at + rng.randint(1, 1024))
            out[at:end] = bytes(end - at)
        else:
            del out[rng.randint(0, len(out)):]
    return bytes(out)


# Fuzzing runs two workers, a short time limit and no OCR (mutated scans add nothing but time).
FUZZ_OPTIONS = RunOptions(workers=2, time_limit=30, ocr=False)


def fuzz(corpus: Path, cases: int = 200, seed: int = 0, options: RunOptions = FUZZ_OPTIONS, **changes) -> dict:
    """Run ``cases`` mutated letters; return counts and any input that went unaccounted for.

    ``options`` (keywords change single ones) are those of the run the cases go through.
    """
    rng = random.Random(seed)
    letters = sorted(Path(corpus).rglob("*.txt"))
    seeds = [p.read_bytes() for p in letters]
    seeds += [render_pdf(p.read_text(encoding="utf-8")) for p in letters[:10]]
    tmp = Path(tempfile.mkdtemp(prefix="imr-fuzz-"))
    try:
        folder = tmp / "cases"
        folder.mkdir()
        for i in range(cases):
            source = seeds[rng.randrange(len(seeds))]
            suffix = ".pdf" if source.startswith(b"%PDF") else ".txt"
            (folder / f"case-{i:06d}{suffix}").write_bytes(mutate(source, rng))
        summary = run_local([str(folder)], tmp / "out", options.replace(**changes))
        letters_table = read_table(tmp / "out", "letters")
        errors = read_table(tmp / "out", "errors")
        seen = set(letters_table["path"]) | set(errors["path"])
        # Identical mutated files are de-duplicated by doc_id: they count as accounted for.
        missing = [p.name for p in sorted(folder.iterdir()) if str(p) not in seen]
        return {
            "cases": cases,
            "seed": seed,
            "records": summary.letters,
            "duplicates": summary.duplicates,
            "errors": dict(Counter(errors["error"])),
            "unexpected": int((errors["error"] == "E009").sum()),
            "crashed_or_timed_out": int(errors["error"].isin(["E010", "E012"]).sum()),
            "out_of_memory": int((errors["error"] == "E015").sum()),
            "unaccounted": missing[: max(0, len(missing) - summary.duplicates)],
            "unexpected_messages": sorted(set(errors.loc[errors["error"] == "E009", "message"]))[:10],
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
