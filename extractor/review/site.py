"""Writes the review site: an index of letters and one page per letter, plain HTML and CSS.

Pages read without JavaScript (a small script only adds filtering to the index). All letter
text goes through ``html.escape``: a letter holding markup shows it as text, never runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from importlib import resources
from pathlib import Path
from typing import Iterable, Optional

from ..options import LetterOptions
from ..types import Record

FLAG_WORDS = ("negated", "normal", "historical", "hypothetical", "uncertain", "family")


@dataclass
class Failed:
    """An input that did not become a record, for the index."""

    path: str
    stage: str
    message: str


def _page_name(record: Record) -> str:
    # A bundle's letters have ids like "<file id>#2"; "#" would start a URL fragment.
    return f"letter-{record.doc_id.replace('#', '-')}.html"


def site_files(records: Iterable[Record]) -> list[str]:
    """Names of the files :func:`build_site` writes for ``records``: all that ``review --serve`` serves."""
    return ["index.html", "style.css", *(_page_name(r) for r in records)]


def _head(title: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{escape(title)}</title><link rel=\"stylesheet\" href=\"style.css\"></head><body>\n"
    )


def _mark(mention) -> tuple[str, str]:
    """Opening and closing HTML of one highlighted mention; its label and flags are text too."""
    flags = [f for f in FLAG_WORDS if getattr(mention, f)]
    classes = [mention.label] + (["absent"] if mention.negated else []) + [f for f in flags if f != "negated"]
    words = ", ".join([mention.label] + (["absent"] if mention.negated else []) + [f for f in flags if f != "negated"])
    if mention.date:
        words += f", {mention.date}"
    attrs = (f'class="{" ".join(classes)}" data-label="{mention.label}" '
             f'data-flags="{" ".join(flags)}" title="{escape(words)}"')
    return f"<mark {attrs}>", f'<span class="tag">[{escape(words)}]</span></mark>'


def highlight(record: Record) -> str:
    """The letter text as HTML with mentions and decision lines marked."""
    text = record.text
    opens: dict[int, list[str]] = {}
    closes: dict[int, list[str]] = {}
    for item in record.items:
        if item.evidence:
            opens.setdefault(item.evidence.start, []).append(
                f'<span class="decision-line" id="ev-{item.index}" tabindex="-1">')
            closes.setdefault(item.evidence.end, []).insert(0, "</span>")
    # Mentions do not overlap each other (the vocabulary keeps the longest match).
    for mention in record.mentions:
        start_tag, end_tag = _mark(mention)
        opens.setdefault(mention.start, []).append(start_tag)
        closes.setdefault(mention.end, []).insert(0, end_tag)
    out: list[str] = []
    last = 0
    for position in sorted(set(opens) | set(closes)):
        out.append(escape(text[last:position]))
        out.extend(closes.get(position, []))
        out.extend(opens.get(position, []))
        last = position
    out.append(escape(text[last:]))
    return "".join(out)


def letter_page(record: Record) -> str:
    """The HTML page of one letter."""
    rows = [
        ("Case number", record.case_number), ("Layout", record.layout),
        ("Date of injury", record.dates.injury), ("UR denial", record.dates.ur_denial),
        ("Assigned", record.dates.assigned), ("Decision date", record.dates.decision),
        ("Application received", record.dates.application_received), ("Priority", record.priority),
        ("Reviewer licensure", ", ".join(record.reviewer.licensure)),
        ("Reviewer specialties", ", ".join(record.reviewer.specialties)),
        ("Patient", f"{record.patient.age or '?'} years, {record.patient.sex or 'sex not stated'}"),
        ("Diagnoses", "; ".join(record.diagnoses)),
        ("Source", f"{record.source.path or ''} ({record.source.format}, {record.source.pages} page(s))"),
    ]
    fields = "".join(f"<tr><th scope=\"row\">{escape(k)}</th><td>{escape(str(v or ''))}</td></tr>" for k, v in rows)
    items = "".join(
        f"<tr><td>{i.index}</td><td><a href=\"#ev-{i.index}\">{escape(i.service)}</a></td>"
        f"<td class=\"{escape(i.decision or '')}\">{escape((i.decision or 'no decision').capitalize())}</td>"
        f"<td>{escape(i.category)}</td><td>{escape(i.claims_administrator_guideline or '')}</td>"
        f"<td>{escape(i.maximus_guideline or '')}</td></tr>"
        for i in record.items
    )
    warnings = "".join(f"<li>{escape(w)}</li>" for w in record.warnings)
    legend = (
        "<p>Marks: <mark class=\"FINDING\">finding</mark> <mark class=\"SYMPTOM\">symptom</mark> "
        "<mark class=\"DIAGNOSIS\">diagnosis</mark> <mark class=\"TREATMENT\">treatment</mark> "
        "<mark class=\"SERVICE\">service</mark>; <mark class=\"FINDING absent\">dashed and struck "
        "through</mark> = absent (negated or normal); <em>italic</em> = historical or hypothetical. "
        "Each mark ends with its label in brackets.</p>"
    )
    return (
        _head(f"{record.case_number or record.doc_id} - IMR review")
        + "<nav><a href=\"index.html\">All letters</a></nav>\n<main>\n"
        + f"<h1>{escape(record.case_number or record.doc_id)}</h1>\n"
        + f"<h2>Fields</h2><table>{fields}</table>\n"
        + "<h2>Disputed items</h2><table><thead><tr><th>#</th><th>Service (link to decision line)</th>"
        + "<th>Decision</th><th>Category</th><th>Claims administrator guideline</th>"
        + f"<th>MAXIMUS guideline</th></tr></thead><tbody>{items}</tbody></table>\n"
        + (f"<h2>Warnings</h2><ul>{warnings}</ul>\n" if warnings else "")
        + f"<h2>Letter</h2>{legend}<div class=\"letter\">{highlight(record)}</div>\n</main></body></html>\n"
    )


_FILTER_SCRIPT = """<script>
// Filtering is an extra: without JavaScript every row stays visible.
document.querySelectorAll('.filters select').forEach(function (box) {
  box.disabled = false;
  box.addEventListener('change', function () {
    var want = {};
    document.querySelectorAll('.filters select').forEach(function (s) { want[s.name] = s.value; });
    document.querySelectorAll('tbody tr').forEach(function (row) {
      var show = Object.keys(want).every(function (k) {
        return !want[k] || (row.dataset[k] || '').split(' ').indexOf(want[k]) >= 0;
      });
      row.hidden = !show;
    });
  });
});
</script>"""


def index_page(records: list[Record], failed: list[Failed]) -> str:
    """The index: every letter with its decisions, and every input that failed with its reason."""
    categories = sorted({i.category for r in records for i in r.items})

    def select(name: str, values: list[str]) -> str:
        options = "".join(f"<option value=\"{escape(v)}\">{escape(v)}</option>" for v in values)
        return (f"<label>{name.capitalize()} <select name=\"{name}\" disabled>"
                f"<option value=\"\">all</option>{options}</select></label> ")

    rows = []
    for r in records:
        decisions = " ".join(sorted({i.decision or "none" for i in r.items}))
        cats = " ".join(sorted({i.category for i in r.items}))
        summary = "; ".join(f"{i.service}: {(i.decision or 'no decision').capitalize()}" for i in r.items)
        rows.append(
            f"<tr data-decision=\"{escape(decisions)}\" data-category=\"{escape(cats)}\" data-error=\"no\">"
            f"<td><a href=\"{_page_name(r)}\">{escape(r.case_number or r.doc_id)}</a></td>"
            f"<td>{escape(r.layout)}</td><td>{escape(summary)}</td><td>{escape('; '.join(r.warnings))}</td></tr>"
        )
    for f in failed:
        rows.append(
            f"<tr data-decision=\"\" data-category=\"\" data-error=\"yes\" class=\"error\">"
            f"<td>{escape(Path(f.path).name)}</td><td>error ({escape(f.stage)})</td><td></td>"
            f"<td>{escape(f.message)}</td></tr>"
        )
    return (
        _head("IMR letters - review")
        + f"<main><h1>IMR letters ({len(records)} parsed, {len(failed)} failed)</h1>\n"
        + "<div class=\"filters\">" + select("decision", ["upheld", "overturned"])
        + select("category", categories) + select("error", ["yes", "no"]) + "</div>\n"
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
        (out / _page_name(record)).write_text(letter_page(record), encoding="utf-8")
    index = out / "index.html"
    index.write_text(index_page(records, failed), encoding="utf-8")
    return index
