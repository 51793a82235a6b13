"""Writes the review site: an index of letters and one page per letter, plain HTML and CSS.

Pages read without JavaScript: small inline scripts add the index's filters and, on a letter's
page, highlight a clicked field's span (:mod:`.letter`). A PDF letter's pages are rendered to
images beside its text (:mod:`.pages`). All letter text goes through ``html.escape``: a letter
holding markup shows it as text, never runs it. Nothing is loaded from elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from importlib import resources
from pathlib import Path
from typing import Iterable, Optional, Sequence

from ..options import LetterOptions
from ..types import Record
from .letter import highlight
from .letter import letter_page as _letter_page
from .pages import PageImage, base_name, image_names, render_pages

__all__ = ["Failed", "build_site", "collect", "highlight", "index_page", "letter_page", "site_files"]


@dataclass
class Failed:
    """An input that did not become a record, for the index."""

    path: str
    stage: str
    message: str


def _page_name(record: Record) -> str:
    return f"{base_name(record)}.html"


def site_files(records: Iterable[Record]) -> list[str]:
    """Names of the files :func:`build_site` writes for ``records``: all that ``review --serve`` serves.

    A PDF letter's page images are named whether or not they could be rendered (its file may be
    gone); a name that was not written is answered 404 like any other.
    """
    records = list(records)
    return ["index.html", "style.css", *(_page_name(r) for r in records),
            *(name for r in records for name in image_names(r))]


def _head(title: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{escape(title)}</title><link rel=\"stylesheet\" href=\"style.css\"></head><body>\n"
    )


def letter_page(record: Record, images: Sequence[PageImage] = ()) -> str:
    """The HTML page of one letter (:mod:`.letter`), with its page images for a PDF letter."""
    return _letter_page(record, images, _head(f"{record.case_number or record.doc_id} - IMR review"))


_FILTER_SCRIPT = """<script>
// Filtering is an extra: without JavaScript every row stays visible.
(function () {
  var boxes = document.querySelectorAll('.filters select'), count = document.getElementById('shown');
  function apply() {
    var want = {}, shown = 0, rows = document.querySelectorAll('tbody tr');
    boxes.forEach(function (s) { want[s.name] = s.value; });
    rows.forEach(function (row) {
      var show = Object.keys(want).every(function (k) {
        return !want[k] || (row.dataset[k] || '').split(' ').indexOf(want[k]) >= 0;
      });
      row.hidden = !show;
      shown += show ? 1 : 0;
    });
    count.textContent = shown + ' of ' + rows.length + ' shown';
  }
  boxes.forEach(function (box) {
    box.disabled = false;
    box.addEventListener('change', apply);
  });
  apply();
})();
</script>"""


def _select(name: str, label: str, values: list[tuple[str, str]]) -> str:
    """A filter box over the rows' ``data-<name>`` words; ``values`` are (word, shown text)."""
    options = "".join(f"<option value=\"{escape(v)}\">{escape(text)}</option>" for v, text in values)
    return (f"<label>{escape(label)} <select name=\"{name}\" disabled>"
            f"<option value=\"\">all</option>{options}</select></label> ")


def index_page(records: list[Record], failed: list[Failed]) -> str:
    """The index: every letter with its decisions, and every input that failed with its reason.

    Filters (a script, no request): decision, category, layout, has warnings, and error.
    """
    rows = []
    for r in records:
        decisions = " ".join(sorted({i.decision or "none" for i in r.items}))
        cats = " ".join(sorted({i.category for i in r.items}))
        summary = "; ".join(f"{i.service}: {(i.decision or 'no decision').capitalize()}" for i in r.items)
        rows.append(
            f"<tr data-decision=\"{escape(decisions)}\" data-category=\"{escape(cats)}\" "
            f"data-layout=\"{escape(r.layout)}\" data-warnings=\"{'yes' if r.warnings else 'no'}\" data-error=\"no\">"
            f"<td><a href=\"{_page_name(r)}\">{escape(r.case_number or r.doc_id)}</a></td>"
            f"<td>{escape(r.layout)}</td><td>{escape(summary)}</td><td>{escape('; '.join(r.warnings))}</td></tr>"
        )
    for f in failed:
        rows.append(
            "<tr data-decision=\"\" data-category=\"\" data-layout=\"\" data-warnings=\"\" data-error=\"yes\" "
            f"class=\"error\"><td>{escape(Path(f.path).name)}</td><td>error ({escape(f.stage)})</td><td></td>"
            f"<td>{escape(f.message)}</td></tr>"
        )
    decisions = sorted({i.decision or "none" for r in records for i in r.items} | {"upheld", "overturned"})
    filters = (
        _select("decision", "Decision", [(d, "no decision" if d == "none" else d) for d in decisions])
        + _select("category", "Category", [(c, c) for c in sorted({i.category for r in records for i in r.items})])
        + _select("layout", "Layout", [(v, v) for v in sorted({r.layout for r in records})])
        + _select("warnings", "Has warnings", [("yes", "yes"), ("no", "no")])
        + _select("error", "Error", [("yes", "yes"), ("no", "no")])
    )
    return (
        _head("IMR letters - review")
        + f"<main><h1>IMR letters ({len(records)} parsed, {len(failed)} failed)</h1>\n"
        + f"<div class=\"filters\">{filters}<output id=\"shown\" aria-live=\"polite\"></output></div>\n"
        + "<table><thead><tr><th>Letter</th><th>Layout</th><th>Items and decisions</th>"
        + f"<th>Warnings or error</th></tr></thead><tbody>{''.join(rows)}</tbody></table></main>\n"
        + _FILTER_SCRIPT + "</body></html>\n"
    )


def collect(inputs: list[str], pdf_backend: str = "pypdfium2",
            options: Optional[LetterOptions] = None) -> tuple[list[Record], list[Failed]]:
    """Records and failures for letters, folders, globs, or dataset folders (re-read from their paths).

    Letters are read in a worker process under the limits of ``options`` (``run``'s defaults),
    so a letter that hangs, crashes or needs too much memory costs that letter only.
    """
    from ..dataset import read_table
    from ..dataset.rows import display_path
    from ..engines.inputs import expand_inputs
    from ..engines.pool import isolated_records
    from ..errors import ExtractionError

    paths: list[str] = []
    failed: list[Failed] = []
    for spec in inputs:
        folder = Path(spec)
        if (folder / "letters").is_dir() and (folder / "errors").is_dir():
            letters = read_table(folder, "letters")
            paths += list(dict.fromkeys(letters["path"].dropna().tolist()))  # a bundle has several rows
            for row in read_table(folder, "errors").to_dict("records"):
                failed.append(Failed(str(row["path"]), str(row["stage"]), str(row["message"])))
            continue
        for path, problem in expand_inputs([spec], (options or LetterOptions()).max_file_mb):
            if problem:
                failed.append(Failed(display_path(path), "read", problem.message))
            else:
                paths.append(path)
    records: list[Record] = []
    letter_options = options or LetterOptions(pdf_backend=pdf_backend)
    for path, letters in isolated_records(paths, letter_options):
        for letter in letters:  # a file holding several letters gives one page each
            if isinstance(letter, ExtractionError):
                failed.append(Failed(display_path(path), letter.stage, letter.message))
            else:
                records.append(letter)
    return records, failed


def build_site(records: Iterable[Record], out: Path, failed: Optional[Iterable[Failed]] = None) -> Path:
    """Write the site into ``out``; return the index page's path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    records = list(records)
    failed = list(failed or [])
    (out / "style.css").write_text(resources.files(__package__).joinpath("style.css").read_text(), encoding="utf-8")
    for record in records:
        images = render_pages(record, out)
        (out / _page_name(record)).write_text(letter_page(record, images), encoding="utf-8")
    index = out / "index.html"
    index.write_text(index_page(records, failed), encoding="utf-8")
    return index
