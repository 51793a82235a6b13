"""One letter's review page: its fields, each linked to where it was read, beside the letter text.

Every field with a span (:mod:`.evidence`) links to it: the link scrolls the text to the span,
and a small script highlights the whole span and turns the page-image column, for a PDF letter,
to its page. Without JavaScript the link still scrolls there. Each flagged mention names the cue
words behind its flags (:mod:`.cues`) in its bracketed tag and its hover title, and the cue
words are underlined in the text. All letter text goes through ``html.escape``.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape
from typing import Optional, Sequence

from ..types import Mention, Record
from .cues import FLAG_WORDS, Cue, mention_cues
from .evidence import DATE_FIELDS, Evidence, field_evidence
from .pages import PageImage

# What the page says of a cue's rule.
SOURCES = {
    "NEGATED_EXISTENCE": "ConText negation cue",
    "NORMAL": "ConText normal-exam cue",
    "HISTORICAL": "ConText history cue",
    "HYPOTHETICAL": "ConText hypothetical cue",
    "POSSIBLE_EXISTENCE": "ConText uncertainty cue",
    "FAMILY": "ConText family cue",
    "exam statement": "exam statement rule",
    "history list": "history list lead-in",
    "not found": "cue not found again",
}
DATE_LABELS = {"injury": "Date of injury", "ur_denial": "UR denial", "assigned": "Assigned",
               "decision": "Decision date", "application_received": "Application received"}


def _flag_names(flags: Sequence[str]) -> list[str]:
    """Flags as the page words them: negated reads "absent"."""
    return ["absent" if f == "negated" else f for f in flags]


def _mark(mention: Mention, cues: Sequence[Cue], cue_ids: Sequence[str]) -> tuple[str, str]:
    """Opening and closing HTML of one highlighted mention; its label, flags and cues are text too."""
    flags = [f for f in FLAG_WORDS if getattr(mention, f)]
    classes = [mention.label] + (["absent"] if mention.negated else []) + [f for f in flags if f != "negated"]
    tag, title = [mention.label], [mention.label]
    for cue in cues:
        names = ", ".join(_flag_names(cue.flags))
        tag.append(f"{names}: \u201c{cue.text}\u201d" if cue.text else f"{names} (cue not found)")
        title.append(f"{names} \u2190 \u201c{cue.text}\u201d ({SOURCES.get(cue.source, cue.source)})" if cue.text
                     else f"{names} ({SOURCES['not found']})")
    shown = {f for cue in cues for f in cue.flags}
    rest = _flag_names([f for f in flags if f not in shown])
    tag += rest
    title += rest
    if mention.date:
        tag.append(mention.date)
        title.append(f"dated {mention.date}")
    cue_attr = f' data-cues="{" ".join(cue_ids)}"' if cue_ids else ""
    attrs = (f'class="{" ".join(classes)}" data-label="{escape(mention.label)}" '
             f'data-flags="{" ".join(flags)}"{cue_attr} title="{escape("; ".join(title))}"')
    return f"<mark {attrs}>", f'<span class="tag">[{escape(", ".join(tag))}]</span></mark>'


def highlight(record: Record, evidence: Optional[dict[str, Evidence]] = None,
              cues: Optional[list[list[Cue]]] = None) -> str:
    """The letter text as HTML: mentions marked, field spans and cue words wrapped.

    Mentions do not overlap each other (the vocabulary keeps the longest match; a defective
    record's overlapping one is left unmarked), but field spans and cues may cross mentions and
    each other: the text is cut at every boundary and each piece wrapped on its own, so the
    HTML nests. A field's span starts with an empty anchor ``id="ev-<name>"`` and each of its
    pieces carries ``data-ev="ev-<name>"``.
    """
    text = record.text
    evidence = field_evidence(record) if evidence is None else evidence
    cues = mention_cues(record) if cues is None else cues
    opens: dict[int, str] = {}
    closes: dict[int, str] = {}
    cue_ids: dict[tuple[int, int], str] = {}
    cue_targets: dict[str, list[str]] = defaultdict(list)
    last_end = -1
    for mention, found in sorted(zip(record.mentions, cues), key=lambda pair: pair[0].start):
        if mention.start < last_end or not 0 <= mention.start < mention.end <= len(text):
            continue
        ids = []
        for cue in found:
            if cue.start is not None and cue.end is not None and 0 <= cue.start < cue.end <= len(text):
                cue_id = cue_ids.setdefault((cue.start, cue.end), f"cue-{len(cue_ids) + 1}")
                ids.append(cue_id)
                cue_targets[cue_id].append(f"{mention.text} ({', '.join(_flag_names(cue.flags))})")
        opens[mention.start], closes[mention.end] = _mark(mention, found, ids)
        last_end = mention.end
    # Layers: (start, end, kind, name) with kind "ev" (a field's span) or "cue".
    layers = [(e.start, e.end, "ev", e.key) for e in evidence.values()]
    layers += [(start, end, "cue", cue_id) for (start, end), cue_id in cue_ids.items()]
    starting: dict[int, list[tuple]] = defaultdict(list)
    ending: dict[int, list[tuple]] = defaultdict(list)
    for layer in layers:
        starting[layer[0]].append(layer)
        ending[layer[1]].append(layer)
    points = sorted({0, len(text), *opens, *closes, *starting, *ending})
    active: list[tuple] = []
    out: list[str] = []
    for at, next_at in zip(points, points[1:] + [None]):
        out.append(closes.get(at, ""))
        active = [layer for layer in active if layer[1] != at] + sorted(starting.get(at, []))
        out.extend(f'<span class="anchor" id="ev-{layer[3]}"></span>' for layer in starting.get(at, [])
                   if layer[2] == "ev")
        out.append(opens.get(at, ""))
        if next_at is None:
            break
        piece = escape(text[at:next_at])
        if active:
            piece = _piece(piece, active, evidence, cue_targets)
        out.append(piece)
    return "".join(out)


def _piece(piece: str, active: list[tuple], evidence: dict[str, Evidence],
           cue_targets: dict[str, list[str]]) -> str:
    """A piece of text inside field spans or cues, wrapped in one span that names them all."""
    fields = [evidence[layer[3]] for layer in active if layer[2] == "ev"]
    cues = [layer[3] for layer in active if layer[2] == "cue"]
    classes = (["ev"] if fields else []) + (["decision-line"] if any(e.kind == "item" for e in fields) else [])
    attrs = []
    if fields:
        attrs.append(f'data-ev="{" ".join("ev-" + e.key for e in fields)}"')
        page = next((e.page for e in fields if e.page is not None), None)
        if page is not None:
            attrs.append(f'data-page="{page}"')
    if cues:
        classes.append("cue")
        targets = "; ".join(t for cue_id in cues for t in cue_targets[cue_id])
        attrs.append(f'data-cue="{" ".join(cues)}" title="{escape("cue for: " + targets)}"')
    return f'<span class="{" ".join(classes)}" {" ".join(attrs)}>{piece}</span>'


def _linked(value: str, key: str, evidence: dict[str, Evidence]) -> str:
    """A field value linked to its span, or plain (with a note why) when it has none."""
    if key in evidence:
        return f'<a href="#ev-{key}" class="field-link">{escape(value)}</a>'
    return f'<span class="no-span" title="where this was read was not found in the text">{escape(value)}</span>'


def _fields(record: Record, evidence: dict[str, Evidence]) -> str:
    """The fields table: every value with a span links to it."""
    patient = []
    if record.patient.age is not None:
        patient.append(_linked(f"{record.patient.age} years", "age", evidence))
    if record.patient.sex:
        patient.append(_linked(record.patient.sex, "sex", evidence))
    rows = [
        ("Case number", _linked(record.case_number, "case_number", evidence) if record.case_number else ""),
        ("Layout", escape(record.layout)),
        *((DATE_LABELS[name], _linked(getattr(record.dates, name), f"date-{name}", evidence)
           if getattr(record.dates, name) else "") for name in DATE_FIELDS),
        ("Priority", _linked(record.priority, "priority", evidence) if record.priority else ""),
        ("Reviewer licensure", _linked(", ".join(record.reviewer.licensure), "licensure", evidence)
         if record.reviewer.licensure else ""),
        ("Reviewer specialties", _linked(", ".join(record.reviewer.specialties), "specialties", evidence)
         if record.reviewer.specialties else ""),
        ("Patient", ", ".join(patient) or "not stated"),
        ("Diagnoses", "; ".join(_linked(d, f"dx-{n}", evidence) for n, d in enumerate(record.diagnoses, 1))),
        ("Work status", "; ".join(
            _linked(f"{w.status}{f' ({w.date})' if w.date else ''}: {w.text}", f"work-{n}", evidence)
            for n, w in enumerate(record.work_status, 1))),
        ("Pain scores", "; ".join(
            _linked(f"{p.score:g}/{p.scale}{f' ({p.date})' if p.date else ''}", f"pain-{n}", evidence)
            for n, p in enumerate(record.pain_scores, 1))),
        ("Source", escape(f"{record.source.path or ''} ({record.source.format}, {record.source.pages} page(s))")),
    ]
    return "".join(f'<tr><th scope="row">{escape(k)}</th><td>{v}</td></tr>' for k, v in rows)


def _items(record: Record, evidence: dict[str, Evidence]) -> str:
    """The disputed items' rows: service and decision each link to the item's decision line."""
    rows = []
    for i in record.items:
        key = f"item-{i.index}"
        decision = (i.decision or "no decision").capitalize()
        rows.append(
            f"<tr><td>{i.index}</td><td>{_linked(i.service, key, evidence)}</td>"
            f"<td class=\"{escape(i.decision or '')}\">{_linked(decision, key, evidence)}</td>"
            f"<td>{escape(i.category)}</td><td>{escape(i.claims_administrator_guideline or '')}</td>"
            f"<td>{escape(i.maximus_guideline or '')}</td></tr>"
        )
    return "".join(rows)


def _pages(images: Sequence[PageImage]) -> str:
    """The column of page images."""
    figures = "".join(
        f'<figure id="page-{image.page}" class="page"><img src="{escape(image.name)}" width="{image.width}" '
        f'height="{image.height}" loading="lazy" alt="Page {image.page} of the letter as printed">'
        f"<figcaption>Page {image.page}</figcaption></figure>"
        for image in images
    )
    return f'<aside class="pages" aria-label="The letter\'s pages as printed">{figures}</aside>'


LEGEND = (
    "<p>Marks: <mark class=\"FINDING\">finding</mark> <mark class=\"SYMPTOM\">symptom</mark> "
    "<mark class=\"DIAGNOSIS\">diagnosis</mark> <mark class=\"TREATMENT\">treatment</mark> "
    "<mark class=\"SERVICE\">service</mark>; <mark class=\"FINDING absent\">dashed and struck "
    "through</mark> = absent (negated or normal); <em>italic</em> = historical or hypothetical. "
    "Each mark ends with its label in brackets, and each flag with the cue words that set it "
    "(<span class=\"cue\">dotted underline</span> in the text; hover a mark for the rule). "
    "A field's link shows where it was read: <span class=\"legend-active\">highlighted</span>.</p>"
)

# Highlights a clicked field's whole span (it may be cut in pieces) and turns the page column to
# its page; lights a mark's cue words on hover. Without it, links still scroll to the span.
SCRIPT = """<script>
(function () {
  var lit = [];
  function show(id) {
    lit.forEach(function (el) { el.classList.remove('active'); });
    lit = Array.prototype.slice.call(document.querySelectorAll('[data-ev~="' + id + '"]'));
    lit.forEach(function (el) { el.classList.add('active'); });
    if (!lit.length) { return; }
    lit[0].scrollIntoView({block: 'center'});
    var page = lit[0].getAttribute('data-page'), column = document.querySelector('.pages');
    var figure = page && document.getElementById('page-' + page);
    document.querySelectorAll('.page.current').forEach(function (el) { el.classList.remove('current'); });
    if (column && figure) {
      figure.classList.add('current');
      column.scrollTop = figure.offsetTop - column.offsetTop;
    }
  }
  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('a[href^="#ev-"]');
    if (!link) { return; }
    event.preventDefault();
    var id = link.getAttribute('href').slice(1);
    try { history.replaceState(null, '', '#' + id); } catch (e) { /* a file: page may refuse */ }
    show(id);
  });
  document.querySelectorAll('mark[data-cues]').forEach(function (mark) {
    var ids = mark.getAttribute('data-cues').split(' ').filter(Boolean);
    function light(on) {
      ids.forEach(function (id) {
        var cues = document.querySelectorAll('[data-cue~="' + id + '"]');
        cues.forEach(function (el) { el.classList.toggle('lit', on); });
      });
    }
    mark.addEventListener('mouseenter', function () { light(true); });
    mark.addEventListener('mouseleave', function () { light(false); });
  });
  if (location.hash.indexOf('#ev-') === 0) { show(location.hash.slice(1)); }
})();
</script>"""


def letter_page(record: Record, images: Sequence[PageImage] = (), head: str = "") -> str:
    """The HTML page of one letter; ``images`` are its page images (a PDF letter), ``head`` the page's head."""
    evidence = field_evidence(record)
    cues = mention_cues(record)
    warnings = "".join(f"<li>{escape(w)}</li>" for w in record.warnings)
    reader = "reader has-pages" if images else "reader"
    return (
        head
        + "<nav><a href=\"index.html\">All letters</a></nav>\n<main>\n"
        + f"<h1>{escape(record.case_number or record.doc_id)}</h1>\n"
        + "<p class=\"hint\">Each linked value shows, when followed, where in the letter it was read.</p>\n"
        + f"<h2>Fields</h2><table class=\"fields\">{_fields(record, evidence)}</table>\n"
        + "<h2>Disputed items</h2><table><thead><tr><th>#</th><th>Service (link to decision line)</th>"
        + "<th>Decision</th><th>Category</th><th>Claims administrator guideline</th>"
        + f"<th>MAXIMUS guideline</th></tr></thead><tbody>{_items(record, evidence)}</tbody></table>\n"
        + (f"<h2>Warnings</h2><ul>{warnings}</ul>\n" if warnings else "")
        + f"<h2>Letter</h2>{LEGEND}<div class=\"{reader}\">"
        + f"<div class=\"letter\">{highlight(record, evidence, cues)}</div>"
        + (_pages(images) if images else "")
        + "</div>\n</main>\n" + SCRIPT + "</body></html>\n"
    )
