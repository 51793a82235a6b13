"""The review site: pages, escaping, dataset input, and a real headless browser."""

import shutil
import subprocess
from pathlib import Path

from conftest import require
from typer.testing import CliRunner

from extractor import extract_text
from extractor.cli import app
from extractor.review.site import build_site, highlight

ROOT = Path(__file__).resolve().parents[1]


def test_review_escapes_markup_in_letters(tmp_path):
    record = extract_text(
        "CLINICAL CASE SUMMARY\nThe note said <script>alert('x')</script> and <b>spasm</b> was present.\n"
        "IMR ISSUES, DECISIONS AND RATIONALES\nMRI <img src=x onerror=alert(1)>: Upheld\n"
    )
    html = highlight(record)
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x" in html
    index = build_site([record], tmp_path)
    page = next(tmp_path.glob("letter-*.html")).read_text()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "<script>alert" not in index.read_text()


def test_review_cli_on_letters_and_on_a_dataset(tmp_path):
    runner = CliRunner()
    letters = [str(ROOT / "corpora" / "dev" / "cnh-01.txt"), str(ROOT / "corpora" / "dev" / "pro-01.txt")]
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = runner.invoke(app, ["review", *letters, str(bad), "--out", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    index = (tmp_path / "site" / "index.html").read_text()
    assert "2 parsed, 1 failed" in index and "file is empty" in index
    dataset = tmp_path / "ds"
    runner.invoke(app, ["run", *letters, str(bad), "--out", str(dataset), "--no-progress"])
    result = runner.invoke(app, ["review", str(dataset), "--out", str(tmp_path / "site2")])
    assert result.exit_code == 0, result.output
    index = (tmp_path / "site2" / "index.html").read_text()
    assert "2 parsed, 1 failed" in index and "empty.txt" in index


def _chromium() -> str:
    """Chromium's path (``make`` installs Debian's chromium; tests never install)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    require(found is not None, "chromium not found (`make test` installs Debian's chromium)")
    return found  # type: ignore[return-value]


def _headless(chromium: str, *args: str) -> subprocess.CompletedProcess:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    return subprocess.run([chromium, *flags, *args], capture_output=True, text=True, timeout=120)


def test_review_seed_page_in_a_real_browser(tmp_path, seed_text, artifacts):
    chromium = _chromium()
    record = extract_text(seed_text)
    build_site([record], tmp_path / "site")
    page = next((tmp_path / "site").glob("letter-*.html"))
    profile = tmp_path / "profile"
    dom = _headless(chromium, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()).stdout
    # the rendered DOM marks "neurological changes" as an absent (negated) finding
    assert 'data-label="FINDING" data-flags="negated"' in dom
    start = dom.index("neurological changes</mark>" if "neurological changes</mark>" in dom else "neurological changes")
    mark_open = dom.rfind("<mark", 0, start)
    assert "absent" in dom[mark_open:start] and "negated" in dom[mark_open:start]
    assert '<td class="upheld">Upheld</td>' in dom
    shot = artifacts / "review-seed.png"
    _headless(chromium, f"--user-data-dir={profile}", f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri())
    assert shot.exists() and shot.stat().st_size > 10_000
