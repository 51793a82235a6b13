"""Disputed items: each decision line, its guideline lines and rationale, in all three layouts.

- label form (2015 on): ``<service>: Upheld`` then ``Claims Administrator guideline:``,
  ``MAXIMUS guideline:``, ``Decision rationale:``
- sentence form (2013-14 letterhead): ``1. <service> is not medically necessary and appropriate.``
- professional review: services under ISSUE AT DISPUTE, the decision in the rationale's conclusion
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from .. import fastre
from ..rule_files import ItemsRules
from . import guidelines, quantities, services
from .section_spans import Section, sections_of


@dataclass
class FoundItem:
    """An item as found in the text, before it becomes a record item."""

    service: str
    decision: Optional[str]
    line_start: int
    line_end: int
    fields: dict[str, Optional[str]] = field(default_factory=dict)
    rationale_span: Optional[tuple[int, int]] = None


@lru_cache(maxsize=1)
def _rules() -> dict:
    data = ItemsRules.load()
    flags = re.IGNORECASE | re.MULTILINE
    return {
        "label": fastre.compile(data.label_decision, flags),
        "values": data.decision_values,
        "partial": fastre.compile(data.partial_request, re.IGNORECASE),
        "trailing": fastre.compile(data.service_trailing, re.IGNORECASE),
        "sentence": fastre.compile(data.sentence_decision, flags),
        "label_blocks": {k: fastre.compile(v, flags) for k, v in data.label_blocks.items()},
        "sentence_blocks": {
            k: fastre.compile(v, flags) for k, v in data.sentence_blocks.items()
        },
        "issue_strip": fastre.compile(data.issue_line_strip, re.IGNORECASE),
        "issue_skip": fastre.compile(data.issue_line_skip, re.IGNORECASE),
        "upheld": fastre.compile(data.conclusion_upheld, re.IGNORECASE),
        "overturned": fastre.compile(data.conclusion_overturned, re.IGNORECASE),
    }


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _clean_service(line: str) -> str:
    rules = _rules()
    service = rules["partial"].sub("", line) if "original request" in line.lower() else line
    service = re.sub(r"^\s*\d{1,2}\s*[.)]\s+", "", service)
    return rules["trailing"].sub("", _squash(service)).strip()


def _blocks(text: str, start: int, end: int,
            labels: dict[str, re.Pattern[str]]) -> tuple[dict, Optional[tuple[int, int]]]:
    """Split ``text[start:end]`` at the block labels; return each label's text and the rationale span."""
    hits = []
    for name, pattern in labels.items():
        m = pattern.search(text, start, end)
        if m:
            hits.append((m.start(), m.end(), name))
    hits.sort()
    values: dict[str, Optional[str]] = {name: None for name in labels}
    span = None
    for i, (_, body_start, name) in enumerate(hits):
        body_end = hits[i + 1][0] if i + 1 < len(hits) else end
        values[name] = _squash(text[body_start:body_end]) or None
        if name == "rationale":
            span = (body_start, body_end)
    return values, span


def _region(text: str, sections: list[Section], *categories: str) -> tuple[int, int]:
    found = sections_of(sections, *categories)
    if not found:
        return 0, len(text)
    # Decisions run to the end of the letter unless a later non-decision section starts.
    start = found[0].body_start
    later = [s for s in sections if s.title_start >= start and s.category not in categories]
    return start, later[0].title_start if later else len(text)


# A sentence ends: its stop, maybe a closing quote or bracket, a space, then a capital or digit.
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)])[.!?][\"')\]]?\s+(?=[A-Z0-9])")
# A decision line this long before its last sentence end is a paragraph with the heading glued on.
_GLUED_AFTER = 80


def _heading_start(line: str) -> int:
    """Where the item heading begins in a decision line.

    0, unless the heading is glued to the end of the paragraph before it ("... is not medically
    necessary. MRI of the cervical spine: Upheld"): then just after that paragraph's last sentence.
    A partial request's line tells the request's story in sentences and is kept whole.
    """
    if "original request" in line.lower():
        return 0
    last = None
    for last in _SENTENCE_END.finditer(line):
        pass
    return last.end() if last is not None and last.start() >= _GLUED_AFTER else 0


def _label_items(text: str, start: int, end: int) -> list[FoundItem]:
    rules = _rules()
    matches = list(rules["label"].finditer(text, start, end))
    starts = [m.start() + _heading_start(m.group("line")) for m in matches]
    items = []
    for i, m in enumerate(matches):
        block_end = starts[i + 1] if i + 1 < len(matches) else end
        values, span = _blocks(text, m.end(), block_end, rules["label_blocks"])
        decision = rules["values"][m.group("decision").lower()]
        service = _clean_service(text[starts[i]:m.start("line") + len(m.group("line"))])
        items.append(FoundItem(service, decision, starts[i], m.end(), values, span))
    return items


def _sentence_items(text: str, start: int, end: int) -> list[FoundItem]:
    rules = _rules()
    matches = list(rules["sentence"].finditer(text, start, end))
    # The letter lists its decisions twice (cover letter, then rationale section): keep the
    # last sentence for each number, the one followed by its guideline lines.
    by_number: dict[str, re.Match[str]] = {}
    for m in matches:
        by_number[m.group("num")] = m
    chosen = sorted(by_number.values(), key=lambda m: m.start())
    items = []
    for i, m in enumerate(chosen):
        block_end = chosen[i + 1].start() if i + 1 < len(chosen) else end
        values, span = _blocks(text, m.end(), block_end, rules["sentence_blocks"])
        decision = "overturned" if not m.group("not") else "upheld"
        items.append(FoundItem(_clean_service(m.group("service")), decision, m.start(), m.end(), values, span))
    return items


def _conclusion(sentences: list[tuple[int, int, str]]) -> tuple[Optional[str], Optional[tuple[int, int]]]:
    """The decision stated by the last concluding sentence, and that sentence's span."""
    rules = _rules()
    for start, end, sentence in reversed(sentences):
        if rules["upheld"].search(sentence):
            return "upheld", (start, end)
        if rules["overturned"].search(sentence):
            return "overturned", (start, end)
    return None, None


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2}


def _review_items(text: str, sections: list[Section]) -> list[FoundItem]:
    rules = _rules()
    issue = sections_of(sections, "issue_at_dispute")
    if not issue:
        return []
    body = text[issue[0].body_start:issue[0].end]
    lines = []
    labelled: dict[int, str] = {}  # issue lines that carry their own decision ("...: Upheld")
    offset = issue[0].body_start
    for raw in body.split("\n"):
        stripped = raw.strip().lstrip(":").strip()
        if stripped and not rules["issue_skip"].search(stripped):
            service = rules["issue_strip"].sub("", stripped).strip().rstrip(".;")
            label = rules["label"].match(service)
            if label:
                labelled[len(lines)] = rules["values"][label.group("decision").lower()]
                service = label.group("line").strip().rstrip(".;")
            if service:
                start = offset + raw.find(stripped)
                lines.append((service, start, start + len(stripped)))
        offset += len(raw) + 1
    rationale = sections_of(sections, "rationale")
    guideline = sections_of(sections, "guidelines")
    guide_text = _squash(text[guideline[0].body_start:guideline[0].end]).lstrip(": ") if guideline else None
    sentences: list[tuple[int, int, str]] = []
    if rationale:
        r = rationale[0]
        for m in re.finditer(r"[^.\n]+(?:\.(?!\d)|\n|$)", text[r.body_start:r.end]):
            sentences.append((r.body_start + m.start(), r.body_start + m.end(), m.group()))
    blocks = _item_blocks(text, rationale[0], [service for service, _, _ in lines]) if rationale else None
    guide_values = _guideline_blocks(text, guideline[0], [service for service, _, _ in lines]) if guideline else None
    items = []
    for index, (service, start, end) in enumerate(lines):
        span = (rationale[0].body_start, rationale[0].end) if rationale else None
        if len(lines) == 1:
            chosen = sentences
        elif blocks:
            # Each item has its own block ("2. EMG/NCV ...:" up to the next item's heading).
            span = blocks[index]
            chosen = [s for s in sentences if span[0] <= s[0] < span[1]]
        else:
            words = _words(service)
            chosen = [s for s in sentences if len(words & _words(s[2])) >= max(1, len(words) // 2)]
        decision = labelled.get(index) or _conclusion(chosen)[0]
        values = {"claims_administrator_guideline": None, "maximus_guideline": guide_text,
                  **(guide_values[index] if guide_values else {}),
                  "rationale": _squash(text[span[0]:span[1]]).lstrip(": ") if span else None}
        items.append(FoundItem(service, decision, start, end, values, span))
    return items


def _guideline_blocks(text: str, guideline: Section, services: list[str]) -> Optional[list[dict]]:
    """Each item's guideline lines where the guideline section gives them item by item.

    "2. Front-wheeled walker" / "Claims Administrator guideline: ..." / "MAXIMUS guideline: ..." /
    a sentence on why: each labelled value runs to the end of its paragraph. Without labels
    ("1. Lidoderm 5% patch #30: Decision based on ..."), what follows the item's name is its
    MAXIMUS guideline. None when the section is one text for all items (it is then every item's
    MAXIMUS guideline).
    """
    labels = _rules()["label_blocks"]
    labelled = labels["maximus_guideline"].search(text, guideline.body_start, guideline.end) is not None
    if len(services) > 1:
        blocks = _item_blocks(text, guideline, services)
    else:  # one item: labelled lines, or a section that opens with the item's name
        opening = text[guideline.body_start:guideline.end].lstrip(" :\n").split("\n", 1)[0].lower()
        named = bool(services) and re.sub(r"^\d{1,2}\s*[.)]\s*", "", opening).startswith(_squash(services[0]).lower())
        blocks = [(guideline.body_start, guideline.end)] if labelled or named else None
    if not blocks:
        return None
    found = []
    for service, (start, end) in zip(services, blocks):
        hits = sorted((m.start(), m.end(), name) for name in ("claims_administrator_guideline", "maximus_guideline")
                      if (m := labels[name].search(text, start, end)))
        if not hits:  # the item's name, then its guideline line
            named = text.lower().find(_squash(service).lower(), start, end)
            after = _NAME_END.match(text, named + len(_squash(service))) if named >= 0 else None
            hits = [(start, after.end() if after else start, "maximus_guideline")]
        values = {}
        for i, (_, body_start, name) in enumerate(hits):
            body_end = hits[i + 1][0] if i + 1 < len(hits) else end
            # The line ends with its sentence; a "why" sentence may follow on the next line.
            line_end = _GUIDELINE_LINE_END.search(text, body_start, body_end)
            values[name] = _squash(text[body_start:line_end.start() if line_end else body_end]) or None
        found.append({k: v for k, v in values.items() if v})
    return found


_NAME_END = re.compile(r"\s*[:.\-\u2013]?\s*")
_GUIDELINE_LINE_END = re.compile(r"(?<=\.)[ \t]*\n")


def _item_blocks(text: str, rationale: Section, services: list[str]) -> Optional[list[tuple[int, int]]]:
    """Where each item's part of a shared rationale starts: the line that names the item first."""
    body = text[rationale.body_start:rationale.end]
    squashed = body.lower()
    starts: list[int] = []
    position = 0
    for service in services:
        found = squashed.find(_squash(service).lower(), position)
        if found < 0:
            return None
        line_start = squashed.rfind("\n", 0, found) + 1
        if starts and line_start <= starts[-1]:
            return None  # two items named on one line: no separate blocks
        starts.append(line_start)
        position = found + 1
    ends = starts[1:] + [len(body)]
    return [(rationale.body_start + a, rationale.body_start + b) for a, b in zip(starts, ends)]


def find_items(text: str, sections: list[Section], layout: str) -> list[FoundItem]:
    """All disputed items of the letter, in letter order."""
    if layout == "professional_review":
        found = _review_items(text, sections)
        if found:
            return found
    start, end = _region(text, sections, "decisions")
    found = _label_items(text, start, end)
    if not found:
        found = _sentence_items(text, start, end)
    if not found and (start, end) != (0, len(text)):
        found = _label_items(text, 0, len(text)) or _sentence_items(text, 0, len(text))
    if not found and layout != "professional_review":
        found = _review_items(text, sections)
    return found


def describe(item: FoundItem) -> dict:
    """Classification and guideline fields of an item (what the record stores beyond the text)."""
    described = _describe(item.service, item.fields.get("claims_administrator_guideline"),
                          item.fields.get("maximus_guideline"))
    return {key: list(value) if isinstance(value, tuple) else value for key, value in described.items()}


# Services and guideline lines repeat from letter to letter (the guideline lines are templates):
# each distinct one is classified once per process.
@lru_cache(maxsize=8192)
def _describe(service: str, ca: Optional[str], mx: Optional[str]) -> dict:
    return {
        "category": services.category(service),
        "body_region": services.body_region(service),
        "laterality": services.laterality(service),
        "quantity": services.quantity(service),
        **quantities.quantity_fields(service),
        "guideline_sources": tuple(guidelines.sources(ca, mx)),
        "guideline_sections": tuple(guidelines.sections(mx)),
    }
