"""The benchmark: letters/s of each stage and of baselines, measured in one run on the same letters.

Baselines (spaCy's tokenizer alone, pypdfium2's text alone, medspaCy's default pipeline) run in
the same process on the same letters, so the ratios hold on any machine.
"""

from __future__ import annotations

import os
import resource
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional

from ..options import SERVER_START, RunOptions


@dataclass
class Timing:
    """One scenario: how many letters (and pages) in how many seconds."""

    name: str
    letters: int
    seconds: float
    pages: int = 0

    @property
    def rate(self) -> float:
        """Letters per second."""
        return self.letters / self.seconds if self.seconds else 0.0

    @property
    def page_rate(self) -> float:
        """Pages per second."""
        return self.pages / self.seconds if self.seconds else 0.0


def _time(name: str, items: list, work: Callable, pages: int = 0) -> Timing:
    started = time.perf_counter()
    for item in items:
        work(item)
    return Timing(name, len(items), time.perf_counter() - started, pages)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def iter_corpus_texts(folder: Path, n: int) -> Iterator[str]:
    """``n`` letter texts drawn in turn from the corpus (repeated as needed), one at a time."""
    letters = sorted(Path(folder).rglob("*.txt"))
    if not letters:
        raise FileNotFoundError(f"no letters (*.txt) under {folder}")
    texts = [p.read_text(encoding="utf-8") for p in letters]
    # A reference line makes every copy a distinct file (runs de-duplicate identical bytes).
    for i in range(n):
        yield f"{texts[i % len(texts)].rstrip()}\nReference: bench-{i:06d}\n"


def corpus_texts(folder: Path, n: int) -> list[str]:
    """``n`` letter texts drawn in turn from the corpus (repeated as needed)."""
    return list(iter_corpus_texts(folder, n))


# The run's peak RSS as a child process reports it: VmHWM belongs to the process's own memory,
# while ru_maxrss keeps the peak of the process that forked it across exec (a benchmark
# holding many letters would show as the run's memory).
_PEAK_SCRIPT = (
    "def peak_kb():\n"
    "    try:\n"
    "        with open('/proc/self/status') as status:\n"
    "            return int(status.read().split('VmHWM:')[1].split()[0])\n"
    "    except (OSError, IndexError):\n"
    "        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
)


def synthetic_texts(n: int, seed: int = 0) -> list[str]:
    """``n`` distinct letters from ``imr-extract synth`` (all three layouts, 3-8k characters)."""
    from ..synth import generate

    tmp = Path(tempfile.mkdtemp(prefix="imr-bench-synth-"))
    try:
        generate(n, tmp, seed=seed)
        return [p.read_text(encoding="utf-8") for p in sorted(tmp.glob("synth-*.txt"))]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def rss_by_size(corpus: Optional[Path], sizes: tuple[int, ...], workers: int = 2,
                letters_per_worker: Optional[int] = None) -> list[dict]:
    """Peak RSS of the run's main process and of its largest worker, for growing archives.

    Each size runs ``imr-extract run`` in its own process on that many distinct letters, so
    memory that grew with the number of letters would show as a rising figure.
    ``letters_per_worker`` overrides when workers are replaced (0: never), for comparison.
    """
    import subprocess
    import sys

    option = "" if letters_per_worker is None else f", letters_per_worker={letters_per_worker}"
    rows = []
    for size in sizes:
        tmp = Path(tempfile.mkdtemp(prefix="imr-rss-"))
        try:
            folder = tmp / "letters"
            folder.mkdir()
            texts = iter_corpus_texts(corpus, size) if corpus is not None else iter(synthetic_texts(size))
            for i, text in enumerate(texts):  # corpus letters are not all held in memory
                (folder / f"letter-{i:06d}.txt").write_text(text, encoding="utf-8")
            script = (
                "import resource, sys\n"
                + _PEAK_SCRIPT
                + "from extractor.engines import run_local\n"
                f"s = run_local([{str(folder)!r}], {str(tmp / 'out')!r},"
                f" workers={workers}{option}, start_method={SERVER_START!r})\n"
                # Workers are forked from a fork server, not from this process: each one reports
                # its own peak with its results.
                "print(s.letters, s.seconds, peak_kb(), s.worker_peak_mb or 0)\n"
            )
            done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
            letters, seconds, main_kb, worker_mb = done.stdout.split()[-4:]
            rows.append({"letters": int(letters), "seconds": float(seconds),
                         "main_mb": int(main_kb) / 1024, "worker_mb": float(worker_mb)})
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return rows


def scan_benchmark(texts: list[str], workers: int = 2) -> tuple[list[Timing], dict[str, float]]:
    """Scanned letters: ``texts`` rendered to 200-dpi scans (slight skew, speckle), as archives hold them.

    Times, on the same pages: Tesseract alone as the extractor used to run it (the page rendered
    at 300 dpi, plain text, no cleaning; the baseline), a scanned PDF to its record in this
    process, and ``run`` with ``workers`` workers. Returns the timings (with pages) and the ratios:
    pages/s of the record path over the baseline's, and the run's pages/s per worker.
    """
    import pypdfium2 as pdfium
    import pytesseract

    from ..engines import run_local
    from ..extract import extract_bytes
    from ..pipeline import load
    from ..reading.ocr import available
    from ..synth.render import render_pdf
    from ..synth.scan import scan_pages, to_pdf

    if not available() or not texts:
        return [], {}
    scans = [to_pdf(scan_pages(render_pdf(text), seed=i)) for i, text in enumerate(texts)]
    pages = sum(len(pdfium.PdfDocument(scan)) for scan in scans)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # as the extractor runs Tesseract: one thread

    def tesseract_alone(scan: bytes) -> None:
        pdf = pdfium.PdfDocument(scan)
        for page in pdf:
            pytesseract.image_to_string(page.render(scale=300 / 72, grayscale=True).to_pil(), config="--psm 6")
        pdf.close()

    nlp = load()
    timings = [_time("scans: Tesseract alone, 300 dpi", scans, tesseract_alone, pages),
               _time("scans: scanned PDF -> record", scans, lambda b: extract_bytes(b, nlp=nlp), pages)]
    tmp = Path(tempfile.mkdtemp(prefix="imr-bench-scans-"))
    try:
        folder = tmp / "scans"
        folder.mkdir()
        for i, scan in enumerate(scans):
            (folder / f"scan-{i:04d}.pdf").write_bytes(scan)
        summary = run_local([str(folder)], tmp / "out", RunOptions(workers=workers, start_method=SERVER_START))
        name = f"scans: run, {workers} worker(s)"
        timings.append(Timing(name, summary.letters, summary.seconds, pages))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ratios = {
        "scans: PDF->record / Tesseract alone (pages/s)": timings[1].page_rate / timings[0].page_rate,
        "scans: run, pages/s per worker (target >= 1)": timings[2].page_rate / workers,
    }
    return timings, ratios


def run_benchmark(corpus: Optional[Path], n: int = 200, real: Optional[Path] = None,
                  workers: tuple[int, ...] = (1, 2), medspacy_n: int = 40, letters: str = "synth",
                  run_n: int = 1000, scans: int = 0) -> dict:
    """Run every scenario; return timings, ratios and peak memory.

    ``letters`` is ``synth`` (``n`` generated letters, the default) or ``corpus`` (the letters
    under ``corpus``, repeated as needed). The ``run`` scenarios read ``max(n, run_n)`` PDFs:
    starting worker processes takes a fixed second or so, which a short run would count
    against the workers. ``scans`` letters are also timed as scans (:func:`scan_benchmark`).
    """
    import pypdfium2 as pdfium
    import spacy

    from ..engines import run_local
    from ..extract import extract_bytes
    from ..pipeline import load
    from ..synth.render import render_pdf

    if letters not in ("synth", "corpus"):
        raise ValueError(f"unknown letters '{letters}': use synth or corpus")
    texts = synthetic_texts(n) if letters == "synth" else corpus_texts(corpus, n)
    # A Letter-sized page of ~95 characters a line; rendering is not part of any timing.
    pdfs = [render_pdf(t) for t in texts]
    blobs = [t.encode("utf-8") for t in texts]
    timings: list[Timing] = []

    def warm_tokenizer(inputs: list[str], tokenizer=None):
        # Each scenario gets its own tokenizer, warmed on its own first inputs: a shared one
        # carries its cache from one scenario into the next, so the order changed the figures.
        tokenizer = tokenizer or spacy.blank("en").tokenizer
        for text in inputs[:20]:
            tokenizer(text)
        return tokenizer

    tokenizer = warm_tokenizer(texts)
    timings.append(_time("spaCy tokenizer only (text)", texts, tokenizer))

    def pdfium_text(data: bytes) -> str:
        pdf = pdfium.PdfDocument(data)
        text = "\f".join(page.get_textpage().get_text_range() for page in pdf)
        pdf.close()
        return text

    timings.append(_time("pypdfium2 text only (PDF)", pdfs, pdfium_text))
    pdf_tokenizer = warm_tokenizer([pdfium_text(d) for d in pdfs[:20]])
    timings.append(_time("pypdfium2 text + tokenizer (PDF)", pdfs,
                         lambda d: pdf_tokenizer(pdfium_text(d))))
    # For information, not a target: the stock tokenizer stops caching for the rest of a Doc
    # after the first special case it meets, and "\n" is one; this row shows the same
    # tokenizer without the newline special cases (as the pipeline runs it, see
    # letter_tokenizer.drop_whitespace_specials): identical tokens.
    from ..components.letter_tokenizer import drop_whitespace_specials

    plain = warm_tokenizer(texts, drop_whitespace_specials(spacy.blank("en").tokenizer))
    timings.append(_time("spaCy tokenizer, no whitespace specials (text)", texts, plain))

    nlp = load()
    extract_bytes(blobs[0], nlp=nlp)  # warm-up: rule matchers compile lazily
    timings.append(_time("imr-extractor text -> record", blobs, lambda b: extract_bytes(b, nlp=nlp)))
    timings.append(_time("imr-extractor PDF -> record", pdfs, lambda b: extract_bytes(b, nlp=nlp)))

    import medspacy

    from ..components.targets import load_rules

    default = medspacy.load()
    default.get_pipe("medspacy_target_matcher").add(load_rules())
    sample = texts[:medspacy_n]
    default(sample[0])
    timings.append(_time("medspaCy default pipeline (text)", sample, default))

    pool_rates: dict[int, Timing] = {}
    tmp = Path(tempfile.mkdtemp(prefix="imr-bench-"))
    try:
        folder = tmp / "letters"
        folder.mkdir()
        run_pdfs = pdfs
        if run_n > n:
            more = synthetic_texts(run_n, seed=1) if letters == "synth" else corpus_texts(corpus, run_n)
            run_pdfs = [render_pdf(t) for t in more]
        for i, data in enumerate(run_pdfs):
            (folder / f"letter-{i:05d}.pdf").write_bytes(data)
        # The fork server builds the pipeline once per process; it starts here, untimed, so
        # the first scenario does not pay for it and the later ones not.
        run_local([str(folder / "letter-00000.pdf")], tmp / "warm-up", workers=1, start_method=SERVER_START)
        for count in workers:
            # With run's defaults (batch size, per-letter limits, start method), as users run it.
            summary = run_local([str(folder)], tmp / f"out-{count}",
                                RunOptions(workers=count, start_method=SERVER_START))
            timing = Timing(f"imr-extract run, PDF, {count} worker(s)", summary.letters, summary.seconds)
            pool_rates[count] = timing
            timings.append(timing)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    if real is not None and Path(real).is_dir():
        files = sorted(Path(real).glob("*.pdf"))
        datas = [p.read_bytes() for p in files]
        pages = sum(len(pdfium.PdfDocument(d)) for d in datas)
        timings.append(_time("real letters: pypdfium2 text only", datas, pdfium_text, pages))
        timings.append(_time("real letters: imr-extractor PDF -> record", datas,
                             lambda b: extract_bytes(b, nlp=nlp), pages))

    by = {t.name: t for t in timings}
    ratios = {
        "text->record / tokenizer-only (target >= 0.5)":
            by["imr-extractor text -> record"].rate / by["spaCy tokenizer only (text)"].rate,
        "PDF->record / (pypdfium2 text + tokenizer) (target >= 0.4)":
            by["imr-extractor PDF -> record"].rate / by["pypdfium2 text + tokenizer (PDF)"].rate,
        "text->record / tokenizer without whitespace specials (information)":
            by["imr-extractor text -> record"].rate
            / by["spaCy tokenizer, no whitespace specials (text)"].rate,
        "text->record / medspaCy default pipeline":
            by["imr-extractor text -> record"].rate / by["medspaCy default pipeline (text)"].rate,
    }
    if 1 in pool_rates and 2 in pool_rates:
        ratios["2 workers / 1 worker (target >= 1.8)"] = pool_rates[2].rate / pool_rates[1].rate
    if scans:
        scan_timings, scan_ratios = scan_benchmark(texts[:scans], workers=max(workers))
        timings += scan_timings
        ratios.update(scan_ratios)
    return {
        "timings": timings,
        "ratios": ratios,
        "peak_rss_mb": {"benchmark process (all scenarios and their letters)": _peak_rss_mb()},
        "letters": n,
    }
