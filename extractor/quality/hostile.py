"""``make fuzz-hostile``: hostile inputs made on the spot, run as a user would, every one accounted for.

Writes a folder of inputs that have broken runs before (a file name that is not UTF-8, a FIFO,
a link to /dev/zero, a sparse file of gigabytes, a PDF page that would need gigabytes to OCR,
20,000 hyphen-broken lines, malformed UTF-16, a zero-width character inside a case number, an
unreadable folder, the run's own output inside its input), runs ``imr-extract run`` on it in
a child process, and checks that

- every input is a ``letters`` or an ``errors`` row, with no E009 ("a bug") among them;
- the run ends with exit status 0 or 1, and no process outlives it;
- the largest worker's peak memory stays under the per-file memory limit plus the pipeline;
- killing runs at random moments of start-up leaves no process behind.

``python -m extractor.quality.hostile`` prints the report as JSON and exits 1 on a failure.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from io import BytesIO
from pathlib import Path

from ..dataset import read_table
from ..dataset.rows import display_path

# Memory a worker holds besides one file's reading budget: the pipeline, Python, the libraries.
_WORKER_BASE_MB = 1024
_MEMORY_LIMIT_MB = 512


def huge_page_pdf() -> bytes:
    """One blank page of the largest size PDF allows: OCR at 300 dpi would need ~3.6 GB."""
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(14400, 14400))
    pdf.line(72, 72, 144, 144)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def make_inputs(folder: Path, letter: bytes) -> list[str]:
    """Write the hostile inputs into ``folder``; return the paths a run must account for."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[str] = []

    def add(name: str, data: bytes | None = None) -> str:
        path = str(folder / name)
        if data is not None:
            Path(path).write_bytes(data)
        paths.append(path)
        return path

    add("control.txt", letter)
    odd = os.path.join(os.fsencode(folder), b"\xff\xfe-name.txt")
    Path(os.fsdecode(odd)).write_bytes(letter + b"\nReference: odd name\n")
    paths.append(os.fsdecode(odd))
    os.mkfifo(add("fifo.txt"))
    os.symlink("/dev/zero", add("zero.txt"))
    with open(add("sparse.txt"), "wb") as handle:
        handle.truncate(3 << 30)  # 3 GB of nothing, on no disk
    add("empty.txt", b"")
    add("garbage.bin", random.Random(1).randbytes(50_000))
    add("huge-page.pdf", huge_page_pdf())
    add("hyphens.txt", "\n".join("the patient was medi-" if i % 2 == 0 else "cally treated" for i in range(20_000))
        .encode("utf-8"))
    add("bad-utf16.txt", b"\xff\xfe" + "Case Number".encode("utf-16-le") + b"\x00\xd8")
    text = letter.decode("utf-8")
    case = next((w for w in text.split() if w.startswith("CM") and "-" in w), None)
    if case:
        add("zero-width-case.txt", (text.replace(case, case[:-1] + "\u200b" + case[-1], 1) + "\n" + text).encode())
    locked = folder / "locked"
    locked.mkdir()
    (locked / "inside.txt").write_bytes(letter + b"\nReference: locked\n")
    locked.chmod(0)
    # Readable anyway when run as root: then its letter counts; else the folder is an error row.
    paths.append(str(locked / "inside.txt") if os.access(locked, os.R_OK) else str(locked))
    return paths


def marked_processes(marker: str) -> list[int]:
    """Pids of live processes whose environment holds ``marker`` (Linux ``/proc``)."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker.encode() in environ.read_bytes():
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return found


def _wait_gone(marker: str, seconds: float = 15) -> list[int]:
    deadline = time.time() + seconds
    while (left := marked_processes(marker)) and time.time() < deadline:
        time.sleep(0.2)
    return left


def run_hostile(kills: int = 3, seed: int = 0, letter: Path | None = None) -> dict:
    """Run the hostile inputs and ``kills`` killed start-ups; return the report (``ok`` says it all)."""
    root = Path(__file__).resolve().parents[2]
    letter_bytes = (letter or root / "corpora" / "test" / "cnh-21.txt").read_bytes()
    tmp = Path(tempfile.mkdtemp(prefix="imr-hostile-"))
    problems: list[str] = []
    try:
        folder = tmp / "in"
        expected = make_inputs(folder, letter_bytes)
        out = folder / "dataset"  # the run's own output inside its input
        marker = str(uuid.uuid4())
        env = {**os.environ, "IMR_HOSTILE_MARK": marker}
        script = (
            "import json, sys\n"
            "from extractor.engines import run_local\n"
            "from extractor.options import SERVER_START, RunOptions\n"
            f"s = run_local([{str(folder)!r}], {str(out)!r}, RunOptions(workers=2, time_limit=60, "
            f"memory_limit={_MEMORY_LIMIT_MB}, max_file_mb=100, start_method=SERVER_START))\n"
            "print(json.dumps({'letters': s.letters, 'errors': s.errors, 'peak': s.worker_peak_mb}))\n"
        )
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            problems.append(f"run failed with status {done.returncode}: {done.stderr[-500:]}")
            summary = {}
        else:
            summary = json.loads(done.stdout.strip().splitlines()[-1])
        left = _wait_gone(marker)
        if left:
            problems.append(f"processes outlived the run: {left}")
        letters, errors = read_table(out, "letters"), read_table(out, "errors")
        seen = set(letters["path"]) | set(errors["path"])
        missing = [display_path(p) for p in expected if display_path(p) not in seen]
        if missing:
            problems.append(f"inputs not accounted for: {missing}")
        if (errors["error"] == "E009").any():
            problems.append(f"E009 (a bug) for: {list(errors.loc[errors['error'] == 'E009', 'path'])}")
        if any(str(p).startswith(str(out)) for p in seen):
            problems.append("the run read its own output")
        peak = summary.get("peak") or 0
        if peak > _WORKER_BASE_MB + _MEMORY_LIMIT_MB:
            problems.append(f"a worker peaked at {peak:.0f} MB")
        rng = random.Random(seed)
        for attempt in range(kills):
            mark = str(uuid.uuid4())
            run = subprocess.Popen([sys.executable, "-m", "extractor", "run", str(folder), "--out",
                                    str(tmp / f"killed-{attempt}"), "--no-progress", "--workers", "2"],
                                   env={**os.environ, "IMR_HOSTILE_MARK": mark},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.2, 4.0))
            run.kill()
            run.wait()
            if _wait_gone(mark):
                problems.append(f"kill {attempt}: processes outlived the killed run")
        return {
            "inputs": len(expected),
            "letters": int(len(letters)),
            "errors": dict(errors["error"].value_counts()) if len(errors) else {},
            "worker_peak_mb": peak,
            "kills": kills,
            "problems": problems,
            "ok": not problems,
        }
    finally:
        locked = tmp / "in" / "locked"
        if locked.exists():
            locked.chmod(0o755)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    report = run_hostile(kills=int(sys.argv[1]) if len(sys.argv) > 1 else 3)
    print(json.dumps(report, indent=2, default=int))
    sys.exit(0 if report["ok"] else 1)
