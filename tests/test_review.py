"""The review site: pages, escaping, dataset input, evidence links, page images, and a real headless browser."""

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import require
from typer.testing import CliRunner

from extractor import extract_file, extract_text
from extractor.cli import app
from extractor.review.evidence import field_evidence
from extractor.review.site import build_site, highlight, site_files
from extractor.synth.render import render_pdf
from extractor.types import FieldEvidence, Mention, Record

ROOT = Path(__file__).resolve().parents[1]
LETTER = ROOT / "corpora" / "dev" / "cnh-01.txt"


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
    start = dom.index(">neurological changes") + 1  # the mark's text (a cue's title names it too)
    mark_open = dom.rfind("<mark", 0, start)
    assert "absent" in dom[mark_open:start] and "negated" in dom[mark_open:start]
    assert re.search(r'<td class="upheld"><a href="#ev-item-1"[^>]*>Upheld</a></td>', dom)
    shot = artifacts / "review-seed.png"
    _headless(chromium, f"--user-data-dir={profile}", f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri())
    assert shot.exists() and shot.stat().st_size > 10_000


class _Pieces(HTMLParser):
    """Checks that tags nest, and collects the text inside each ``data-ev`` name and each cue."""

    def __init__(self):
        super().__init__()
        self.stack, self.text = [], {}

    def handle_starttag(self, tag, attrs):
        self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1][0] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data):
        for tag, attrs in self.stack:
            if "tag" in (attrs.get("class") or "").split():
                return  # a mark's bracketed label is not letter text
        for tag, attrs in self.stack:
            for name in (attrs.get("data-ev") or "").split() + (attrs.get("data-cue") or "").split():
                self.text[name] = self.text.get(name, "") + data


def _pieces(html: str) -> dict:
    parser = _Pieces()
    parser.feed(html)
    parser.close()
    assert not parser.stack
    return parser.text


def _pdf_letter(tmp_path: Path, letter: Path = LETTER) -> Record:
    path = tmp_path / "letter.pdf"
    path.write_bytes(render_pdf(letter.read_text(encoding="utf-8")))
    record = extract_file(path)
    assert record.source.format == "pdf" and record.source.pages >= 2
    return record


def test_review_fields_link_to_their_spans(tmp_path):
    record = extract_text(LETTER.read_text(encoding="utf-8"))
    record.diagnoses.append("a diagnosis the letter never names")
    build_site([record], tmp_path)
    page = next(tmp_path.glob("letter-*.html")).read_text(encoding="utf-8")
    evidence = field_evidence(record)
    assert {"case_number", "date-injury", "date-ur_denial", "date-assigned", "date-decision",
            "date-application_received", "age", "sex", "dx-1", "work-1", "pain-1", "item-1"} <= set(evidence)
    start = page.index('<div class="letter">')
    pieces = _pieces(page[start:page.index("</div>", start) + len("</div>")])  # the text holds no <div>
    for key, span in evidence.items():
        assert f'href="#ev-{key}"' in page and f'id="ev-{key}"' in page
        # The pieces carrying the name hold exactly the span's text.
        assert pieces[f"ev-{key}"] == record.text[span.start:span.end], key
    # A value whose span is not found is shown without a link, never with a wrong one.
    n = len(record.diagnoses)
    assert f"#ev-dx-{n}" not in page
    assert 'class="no-span" title="where this was read was not found in the text">a diagnosis the letter' in page


def test_review_pieces_nest_where_spans_cross_marks():
    text = "Date of Injury: 03/11/2014. She denies neck pain or numbness."
    record = Record(doc_id="x", text=text, mentions=[
        Mention("FINDING", "Injury", "injury", 8, 14, 1),  # crosses the date's evidence
        Mention("SYMPTOM", "neck pain", "neck pain", text.index("neck"), text.index("neck") + 9, 1, negated=True),
        Mention("SYMPTOM", "numbness", "numbness", text.index("numb"), text.index("numb") + 8, 1, negated=True),
    ], evidence=[FieldEvidence("dates.injury", 0, text.index("."), 1)])
    record.dates.injury = "2014-03-11"
    html = highlight(record)
    pieces = _pieces(html)
    assert pieces["ev-date-injury"] == "Date of Injury: 03/11/2014"
    # One cue, "denies", for both negated mentions: marked once, named by both marks.
    assert [v for k, v in pieces.items() if k.startswith("cue-")] == ["denies"]
    assert html.count('data-cues="cue-1"') == 2 and "absent: \u201cdenies\u201d" in html


def test_review_pdf_letter_has_its_page_images(tmp_path):
    record = _pdf_letter(tmp_path)
    text_record = extract_text(LETTER.read_text(encoding="utf-8"))
    site = tmp_path / "site"
    build_site([record, text_record], site)
    pngs = sorted(p.name for p in site.glob("*.png"))
    assert pngs == [f"letter-{record.doc_id}-p{n}.png" for n in range(1, record.source.pages + 1)]
    assert all((site / name).read_bytes().startswith(b"\x89PNG\r\n\x1a\n") for name in pngs)
    assert set(pngs) <= set(site_files([record, text_record]))
    assert sorted(set(site_files([record, text_record])) - set(pngs)) == sorted(p.name for p in site.iterdir()
                                                                             if p.suffix != ".png")
    page = (site / f"letter-{record.doc_id}.html").read_text(encoding="utf-8")
    assert 'class="reader has-pages"' in page
    assert all(f'<img src="{name}"' in page for name in pngs)
    item = field_evidence(record)["item-1"]
    assert item.page == record.items[0].evidence.page
    assert f'data-ev="ev-item-1" data-page="{item.page}"' in page
    text_page = (site / f"letter-{text_record.doc_id}.html").read_text(encoding="utf-8")
    assert "<img" not in text_page and "has-pages" not in text_page


def test_review_pdf_letter_whose_file_is_gone_shows_its_text(tmp_path):
    record = _pdf_letter(tmp_path)
    Path(record.source.path).unlink()
    build_site([record], tmp_path / "site")
    page = (tmp_path / "site" / f"letter-{record.doc_id}.html").read_text(encoding="utf-8")
    assert not list((tmp_path / "site").glob("*.png")) and "<img" not in page and "ev-item-1" in page


def test_review_index_has_filters(tmp_path):
    records = [extract_text((ROOT / "corpora" / "dev" / name).read_text(encoding="utf-8"))
               for name in ("cnh-01.txt", "pro-01.txt")]
    records[1].warnings.append("a warning")
    index = build_site(records, tmp_path).read_text(encoding="utf-8")
    for name in ("decision", "category", "layout", "warnings", "error"):
        assert f'<select name="{name}" disabled>' in index
    for record in records:
        assert f'<option value="{record.layout}">' in index and f'data-layout="{record.layout}"' in index
    assert index.count('data-warnings="yes"') == 1 and index.count('data-warnings="no"') == 1
    assert "<script src" not in index and "http" not in index


def _with_script(page: Path, name: str, script: str) -> Path:
    """A copy of ``page`` beside it with ``script`` run after the page's own (the way to click without CDP)."""
    html = page.read_text(encoding="utf-8")
    copy = page.with_name(name)
    copy.write_text(html.replace("</body>", f"<script>{script}</script></body>"), encoding="utf-8")
    return copy


# Clicks a field's link as a person would, then writes what is highlighted into the DOM.
_CLICK = """
document.querySelector('a[href="#ev-KEY"]').click();
var result = document.createElement('pre');
result.id = 'click-result';
result.textContent = JSON.stringify({
  active: Array.prototype.map.call(document.querySelectorAll('.ev.active'), function (el) { return el.textContent; }),
  names: Array.prototype.map.call(document.querySelectorAll('.ev.active'), function (el) { return el.dataset.ev; }),
  pages: Array.prototype.map.call(document.querySelectorAll('.page.current'), function (el) { return el.id; })
});
document.body.appendChild(result);
"""


def _click_result(dom: str) -> dict:
    found = re.search(r'<pre id="click-result">(.*?)</pre>', dom, re.S)
    assert found, "the click script did not run"
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace(
        "&gt;", ">"))


@pytest.mark.parametrize("key", ["date-injury", "item-1"])  # why: a span found again; one the record keeps
def test_review_click_highlights_the_span_in_a_real_browser(tmp_path, artifacts, key):
    chromium = _chromium()
    record = _pdf_letter(tmp_path)
    site = tmp_path / "site"
    build_site([record], site)
    evidence = field_evidence(record)[key]
    page = site / f"letter-{record.doc_id}.html"
    profile = tmp_path / "profile"
    dom = _headless(chromium, f"--user-data-dir={profile}", "--allow-file-access-from-files", "--dump-dom",
                    _with_script(page, "clicked.html", _CLICK.replace("KEY", key)).as_uri()).stdout
    result = _click_result(dom)
    assert "".join(result["active"]) == record.text[evidence.start:evidence.end]
    assert set(result["names"]) == {f"ev-{key}"} or all(f"ev-{key}" in n.split() for n in result["names"])
    assert result["pages"] == [f"page-{evidence.page}"]
    assert 'class="ev active"' in dom or 'class="ev decision-line active"' in dom
    if key == "item-1":
        # Headless screenshots of a scrolled window come out blank above the fold: this copy clicks
        # without scrolling the window (the page column still turns to the span's page).
        no_scroll = "Element.prototype.scrollIntoView = function () {}; history.replaceState = function () {};"
        shot_page = _with_script(page, "shot.html", no_scroll + _CLICK.replace("KEY", key))
        shot = artifacts / "review-click.png"
        _headless(chromium, f"--user-data-dir={profile}", f"--screenshot={shot}", "--window-size=1280,2600",
                  shot_page.as_uri())
        assert shot.exists() and shot.stat().st_size > 10_000


def test_review_index_filters_in_a_real_browser(tmp_path):
    chromium = _chromium()
    records = [extract_text((ROOT / "corpora" / "dev" / name).read_text(encoding="utf-8"))
               for name in ("cnh-01.txt", "pro-01.txt")]
    records[1].warnings.append("a warning")
    index = build_site(records, tmp_path / "site")
    script = """
    var box = document.querySelector('select[name="warnings"]');
    box.value = 'yes';
    box.dispatchEvent(new Event('change'));
    """
    dom = _headless(chromium, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                    _with_script(index, "filtered.html", script).as_uri()).stdout
    rows = re.findall(r"<tr data-decision[^>]*>", dom)
    assert len(rows) == 2
    assert [("hidden" in row) for row in rows] == [True, False]
    assert "1 of 2 shown" in dom


def test_review_a_bundles_letters_get_their_own_pages(tmp_path):
    import io

    import pypdfium2 as pdfium

    from extractor import extract_letters

    merged = pdfium.PdfDocument.new()
    for name in ("cnh-01.txt", "pro-01.txt"):
        text = (ROOT / "corpora" / "dev" / name).read_text(encoding="utf-8")
        merged.import_pages(pdfium.PdfDocument(render_pdf(text)))
    buffer = io.BytesIO()
    merged.save(buffer)
    path = tmp_path / "bundle.pdf"
    path.write_bytes(buffer.getvalue())
    records = extract_letters(path.read_bytes(), path=str(path))
    assert len(records) == 2 and records[1].source.first_page > 1
    build_site(records, tmp_path / "site")
    for record in records:
        base = f"letter-{record.doc_id.replace('#', '-')}"
        pages = range(record.source.first_page, record.source.last_page + 1)
        assert sorted(p.name for p in (tmp_path / "site").glob(f"{base}-p*.png")) == sorted(
            f"{base}-p{n}.png" for n in pages)
        page = (tmp_path / "site" / f"{base}.html").read_text(encoding="utf-8")
        assert all(f'id="page-{n}"' in page for n in pages)
        item = field_evidence(record)["item-1"]
        assert item.page in pages
