"""Case-summary facts that are not mentions: diagnoses as written, pain scores, work status."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Iterator, Optional

from .. import fastre
from ..dates import find_dates
from ..resources import read_csv, read_json

# A diagnosis list ends at these words ("... and lumbar radiculopathy. The injured worker ...").
_LIST_STOP = re.compile(
    r"[.;:]\s|[.;]$|\s(?:who|which|with\s+(?:a|an)\s+date|per|according|since|secondary\s+to"
    r"|status\s+post|as\s+well\s+as\s+(?:a|an)?\s*request|on\s+\d+|dated|in\s+(?:a|an)\s+)\b",
    re.IGNORECASE,
)
_MAX_DIAGNOSIS_WORDS = 9


@lru_cache(maxsize=1)
def _rules() -> dict:
    header = read_json("header.json")
    mentions = read_json("mentions.json")
    table = sorted(read_csv("work_status.csv"), key=lambda r: -len(r["phrase"]))
    return {
        "dx_cues": [fastre.compile(p, re.IGNORECASE) for p in header["diagnoses"]["cues"]],
        "pain": fastre.compile(mentions["pain"]["score"], re.IGNORECASE),
        "pain_cue": fastre.compile(mentions["pain"]["cue"], re.IGNORECASE),
        "work": fastre.compile(
            "|".join(
                rf"(?P<w{i}>{re.escape(r['phrase'])})" if r["phrase"].isupper() else rf"(?P<w{i}>(?i:{re.escape(r['phrase'])}))"
                for i, r in enumerate(table)
            ).join([r"\b(?:", r")(?![\w&])"])
        ),
        "work_status": [r["status"] for r in table],
    }


# After a sentence end, characters that the work-status pattern's closing lookahead refuses.
_WORK_STOP = re.compile(r"[\w&]")


def _matches_by_sentence(pattern: re.Pattern[str], text: str, spans: list[tuple[int, int]],
                         end: int, stop: re.Pattern[str]) -> list[list[re.Match[str]]]:
    """``pattern.finditer(text, s0, s1)`` for each sentence, from one scan when that is the same.

    One scan of the whole range finds the same matches unless a match crosses or falls
    outside the sentences, or a sentence ends before a character that ``stop`` names (where
    the pattern's closing assertion sees past the sentence); then each sentence is scanned.
    """
    if not spans:
        return []
    starts = [s for s, _ in spans]
    grouped: list[list[re.Match[str]]] = [[] for _ in spans]
    exact = not any(s1 < end and stop.match(text, s1) for _, s1 in spans)
    if exact:
        for m in pattern.finditer(text, spans[0][0], end):
            i = bisect_right(starts, m.start()) - 1
            if i < 0 or m.end() > spans[i][1]:
                exact = False
                break
            grouped[i].append(m)
    if exact:
        return grouped
    return [list(pattern.finditer(text, s0, s1)) for s0, s1 in spans]


def sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Sentence spans of ``text[start:end]``: lines split at . ! ? followed by a capital."""
    for line in re.finditer(r"[^\n]+", text[start:end]):
        base = start + line.start()
        last = 0
        for m in re.finditer(r"(?<=[.!?])\s+(?=[A-Z(\"0-9])", line.group()):
            yield base + last, base + m.start()
            last = m.end()
        yield base + last, base + len(line.group())


def sentence_date(text: str, sentence: tuple[int, int], position: int) -> Optional[str]:
    """The date a sentence ties to ``position``: the nearest one before it, else the first after."""
    found = list(find_dates(text, sentence[0], sentence[1]))
    before = [d for d in found if d.end <= position]
    if before:
        return before[-1].iso
    return found[0].iso if found else None


def diagnoses(text: str, start: int, end: int) -> list[str]:
    """Diagnoses as written after cues such as "diagnoses include" or "treatment for"."""
    found: list[str] = []
    for cue in _rules()["dx_cues"]:
        for m in cue.finditer(text, start, end):
            stop = _LIST_STOP.search(text, m.end(), min(end, m.end() + 400))
            segment = text[m.end(): stop.start() if stop else min(end, m.end() + 200)]
            segment = re.sub(r"\s+", " ", segment).strip(" :,\"")
            segment = re.sub(r"^(?:a|an|the)\s+", "", segment, flags=re.IGNORECASE)
            for part in re.split(r",\s*(?:and\s+|or\s+)?|\s+and\s+|\s*;\s*|\s+\d\)\s*|\s*\(\d\)\s*", segment):
                part = re.sub(r"^(?:a|an|the|of|with|\d[.)])\s+", "", part.strip(" .\"'"), flags=re.IGNORECASE)
                if part and len(part.split()) <= _MAX_DIAGNOSIS_WORDS and part.lower() not in {d.lower() for d in found}:
                    if re.search(r"[a-z]", part, re.IGNORECASE):
                        found.append(part)
    return found


def pain_scores(text: str, start: int, end: int) -> list[dict]:
    """Pain ratings on a 0-10 scale, with the date their sentence gives."""
    rules = _rules()
    scores = []
    for sentence in sentences(text, start, end):
        # Every rating ends in "10"; the cue search is the costly test, most sentences fail this.
        if text.find("10", sentence[0], sentence[1]) < 0:
            continue
        if not rules["pain_cue"].search(text, sentence[0], sentence[1]):
            continue
        for m in rules["pain"].finditer(text, sentence[0], sentence[1]):
            value = float(m.group("score"))
            if value > 10:
                continue
            scores.append({
                "score": int(value) if value.is_integer() else value,
                "scale": 10,
                "text": m.group(),
                "date": sentence_date(text, sentence, m.start()),
                "start": m.start(),
                "end": m.end(),
            })
    return scores


def work_status(text: str, start: int, end: int) -> list[dict]:
    """Work status statements, normalized (ttd, modified_duty, full_duty, ...), with dates."""
    rules = _rules()
    found: list[dict] = []
    seen = set()
    spans = list(sentences(text, start, end))
    per_sentence = _matches_by_sentence(rules["work"], text, spans, end, _WORK_STOP)
    for sentence, matches in zip(spans, per_sentence):
        for m in matches:
            status = rules["work_status"][int(m.lastgroup[1:])]
            date = sentence_date(text, sentence, m.start())
            if (status, date) in seen:
                continue
            seen.add((status, date))
            found.append({"status": status, "text": m.group(), "date": date, "start": m.start(), "end": m.end()})
    return found
