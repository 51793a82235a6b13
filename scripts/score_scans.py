"""Score scanned copies of the real letters: ``python scripts/score_scans.py SCANS [--workers 2]``.

SCANS holds scans made by ``scripts/make_scans.py`` (same file names as ``../shared/real/dev``).
Each scan is extracted in a pool of workers; its header fields (case number, the five dates,
priority) are scored against the gold of ``corpora/real-*`` that has them, its items against
all gold, and every header field is also compared with the record of the original PDF. Prints
a table and the OCR rate (pages per second over the whole pool). ``--json FILE`` keeps it all.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = ("case_number", "dates.injury", "dates.ur_denial", "dates.application_received",
          "dates.assigned", "dates.decision", "priority")


def _record(path: Path) -> dict:
    from extractor import extract_file

    try:
        record = extract_file(path).to_dict(include_text=False)
    except Exception as exc:  # noqa: BLE001 - a failed letter is scored as such
        record = {"error": f"{type(exc).__name__}: {exc}"}
    record.pop("mentions", None)
    return record


def _extract(job: tuple[str, str]) -> tuple[str, dict, dict, float]:
    """The scan's record and the original PDF's, by the same code (read in the same worker)."""
    scan, original = job
    started = time.perf_counter()
    record = _record(Path(scan))
    seconds = time.perf_counter() - started
    return Path(scan).name, record, _record(Path(original)), seconds


def _get(record: dict, dotted: str):
    for part in dotted.split("."):
        record = (record or {}).get(part)
    return record


def main() -> None:
    """Extract the scans, score them, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scans", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--original", type=Path, default=ROOT.parent / "shared" / "real" / "dev")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N scans")
    parser.add_argument("--json", type=Path, help="write every figure and difference to this file")
    parser.add_argument("--records", type=Path, help="score the records an earlier run kept (FILE.records.json)")
    args = parser.parse_args()

    from extractor.quality.evaluate import find_gold, score_letter

    scans = sorted(p for p in args.scans.iterdir() if p.suffix.lower() in (".pdf", ".tif", ".tiff", ".png"))
    if args.limit:
        scans = scans[:args.limit]
    started = time.perf_counter()
    jobs = [(str(p), str(args.original / f"{p.stem}.pdf")) for p in scans]
    if args.records:
        kept = json.loads(args.records.read_text(encoding="utf-8"))
        results, seconds = kept["results"], kept["seconds"]
    else:
        with mp.get_context("fork").Pool(args.workers) as pool:
            results = pool.map(_extract, jobs, chunksize=1)
        seconds = time.perf_counter() - started  # the originals take ~1% of it
    records = {Path(name).stem: record for name, record, _, _ in results}
    originals = {Path(name).stem: original for name, _, original, _ in results}
    if args.json:  # kept before scoring, so a failure there loses no OCR time
        kept = {"results": results, "seconds": seconds}
        args.json.with_suffix(".records.json").write_text(json.dumps(kept), encoding="utf-8")
    pages = sum(_get(r, "source.pages") or 0 for r in records.values())

    gold = {}
    for path in find_gold([ROOT / "corpora" / f"real-{s}" for s in ("tuned", "blind", "held")]):
        data = json.loads(path.read_text(encoding="utf-8"))
        gold.setdefault(Path(data["letter"]).stem, []).append(data)
    right: Counter = Counter()
    total: Counter = Counter()
    agree: Counter = Counter()
    compared: Counter = Counter()
    differences = []
    item_tp = item_fn = item_fp = 0
    for stem, record in sorted(records.items()):
        original = originals[stem]
        for field in HEADER:
            compared[field] += 1
            if _get(record, field) == _get(original, field):
                agree[field] += 1
            else:
                differences.append({"letter": stem, "field": field, "original": _get(original, field),
                                    "scan": _get(record, field)})
        for entry in gold.get(stem, []):
            subset = {k: v for k, v in entry.items() if k in ("case_number", "dates", "priority", "items")}
            score = score_letter(subset, record, stem, "scan")
            for field, (ok, n) in score.accuracy.items():
                right[field] += ok
                total[field] += n
            if "items" in score.lists:
                counts = score.lists["items"]
                item_tp, item_fn, item_fp = item_tp + counts.tp, item_fn + counts.fn, item_fp + counts.fp
    warned = Counter(w.split(" not found")[0] for r in records.values() for w in r.get("warnings", [])
                     if "header" in w)
    confidence = [c for r in records.values() for c in (_get(r, "source.ocr_confidence") or []) if c is not None]
    report = {
        "scans": len(records),
        "failed": [stem for stem, r in records.items() if "error" in r],
        "pages": pages,
        "seconds": round(seconds, 1),
        "workers": args.workers,
        "pages_per_s": round(pages / seconds, 3),
        "pages_per_s_per_worker": round(pages / seconds / args.workers, 3),
        "gold": {f: {"accuracy": round(right[f] / total[f], 3), "n": total[f]} for f in sorted(total)},
        "items_f1_vs_gold": round(2 * item_tp / (2 * item_tp + item_fn + item_fp), 3) if item_tp else 0.0,
        "same_as_original": {f: {"agreement": round(agree[f] / compared[f], 3), "n": compared[f]} for f in HEADER},
        "header_warnings": dict(warned),
        "mean_page_confidence": round(sum(confidence) / len(confidence), 1) if confidence else None,
        "differences": differences,
    }
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"{report['scans']} scans, {pages} pages in {seconds:.0f} s with {args.workers} workers: "
          f"{report['pages_per_s']} pages/s ({report['pages_per_s_per_worker']} per worker); "
          f"OMP_THREAD_LIMIT={os.environ.get('OMP_THREAD_LIMIT')}")
    print(f"{'field':32} {'vs gold':>8} {'n':>4} {'= original':>11} {'n':>4}")
    for field in sorted(set(total) | set(HEADER)):
        g = report["gold"].get(field, {})
        o = report["same_as_original"].get(field, {})
        print(f"{field:32} {g.get('accuracy', ''):>8} {g.get('n', ''):>4} "
              f"{o.get('agreement', ''):>11} {o.get('n', ''):>4}")
    print(f"items F1 vs gold: {report['items_f1_vs_gold']}; failed: {report['failed']}; "
          f"header warnings: {report['header_warnings']}")


if __name__ == "__main__":
    main()
