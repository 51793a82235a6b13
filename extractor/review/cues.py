"""Why each mention is flagged: the cue words behind its ConText flags, found again at page-build time.

The record keeps a mention's flags, not their cues. ConText's cues come back from
:func:`extractor.context_cues` run on the record's text with all its mentions as targets (the
same rules, tokenizer and sentence splitter as the pipeline). Two flags come from rules outside
ConText: exam statements ("reflexes were intact": negated and normal) and history lists
("Treatment to date has included:": historical); their cue words are looked for here with the
same rule files. A flag whose cue is not found again is shown as such, never with a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from ..context_flags import context_cues
from ..rule_files import CleaningRules, ExamStatementsRules, MentionsRules
from ..types import Mention, Record

FLAG_WORDS = ("negated", "normal", "historical", "hypothetical", "uncertain", "family")
# How far before an exam statement its phrase list may start (extractor/components/exam_statements.py).
_EXAM_REACH = 200
_CLAUSE_MARKS = ".;:\n"


@dataclass(frozen=True)
class Cue:
    """The words that set some flags of a mention, and which rule they belong to."""

    flags: tuple[str, ...]
    source: str  # a ConText category ("NEGATED_EXISTENCE"), "exam statement", "history list" or "not found"
    text: str = ""
    start: Optional[int] = None
    end: Optional[int] = None


@lru_cache(maxsize=1)
def _rules() -> dict:
    exam, mentions = ExamStatementsRules.load(), MentionsRules.load()
    return {
        "statement": re.compile(rf"(?<=[ \t])(?:{exam.copula})(?:{exam.states_after})\b", re.IGNORECASE),
        "before": re.compile(rf"\b(?:{exam.states_before})\b", re.IGNORECASE),
        "lead": re.compile(mentions.historical_list_lead, re.IGNORECASE),
        "inline": re.compile(rf"(?:{mentions.historical_list_lead})[^.:\n]{{0,30}}:", re.IGNORECASE),
        "list_item": re.compile(CleaningRules.load().list_marker),
    }


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around ``text[start:end]``: from after the last clause mark before it to the next."""
    begin = max(text.rfind(mark, 0, start) for mark in _CLAUSE_MARKS) + 1
    ends = [i for i in (text.find(mark, end) for mark in _CLAUSE_MARKS) if i >= 0]
    return begin, min(ends) if ends else len(text)


def exam_statement_cue(text: str, start: int, end: int) -> Optional[tuple[int, int]]:
    """The statement that makes ``text[start:end]`` an absent finding: "were intact" after it, "normal" before."""
    rules = _rules()
    begin, stop = _clause(text, start, end)
    after = rules["statement"].search(text, end, stop)
    if after and after.start() - _EXAM_REACH <= start:
        return after.start(), after.end()
    before = [m for m in rules["before"].finditer(text, begin, start)]
    if before:
        return before[-1].start(), before[-1].end()
    return None


def history_cue(text: str, start: int) -> Optional[tuple[int, int]]:
    """The lead-in that makes a mention history: "Prior care: ..." before it, or the line over its list."""
    rules = _rules()
    line_start = text.rfind("\n", 0, start) + 1
    sentence_start = max(line_start, text.rfind(".", 0, start) + 1)
    inline = rules["inline"].search(text, sentence_start, start)
    if inline:
        lead = rules["lead"].search(text, inline.start(), inline.end())
        return (lead.start(), lead.end()) if lead else (inline.start(), inline.end())
    # Walk up over the list's item lines to the line that introduces the list ("...included:").
    while line_start > 0:
        previous = text.rfind("\n", 0, line_start - 1) + 1
        line = text[previous:line_start - 1].strip()
        if not rules["list_item"].match(line):
            if not line.endswith(":"):
                return None
            lead = rules["lead"].search(text, previous, line_start - 1)
            return (lead.start(), lead.end()) if lead else None
        line_start = previous
    return None


def _flags(mention: Mention) -> list[str]:
    return [f for f in FLAG_WORDS if getattr(mention, f)]


def mention_cues(record: Record) -> list[list[Cue]]:
    """The cues of each mention of ``record``, in the record's order (an empty list for an unflagged one)."""
    mentions = record.mentions
    found: list[list[Cue]] = [[] for _ in mentions]
    flagged = [i for i, m in enumerate(mentions) if _flags(m)]
    if not flagged:
        return found
    context = _context(record.text, mentions, flagged)
    for i in flagged:
        mention = mentions[i]
        wanted = _flags(mention)
        explained: set[str] = set()
        for cue in context[i]:
            flags = tuple(f for f in cue["flags"] if f in wanted)
            if flags:
                found[i].append(Cue(flags, cue["category"], cue["text"], cue["start"], cue["end"]))
                explained.update(flags)
        rest = [f for f in wanted if f not in explained]
        absent = tuple(f for f in rest if f in ("negated", "normal"))
        if absent:
            span = exam_statement_cue(record.text, mention.start, mention.end)
            found[i].append(_cue(record.text, absent, "exam statement", span))
        if "historical" in rest:
            found[i].append(_cue(record.text, ("historical",), "history list", history_cue(record.text, mention.start)))
        others = tuple(f for f in rest if f not in ("negated", "normal", "historical"))
        if others:
            found[i].append(Cue(others, "not found"))
    return found


def _cue(text: str, flags: tuple[str, ...], source: str, span: Optional[tuple[int, int]]) -> Cue:
    if span is None:
        return Cue(flags, "not found")
    return Cue(flags, source, text[span[0]:span[1]], span[0], span[1])


def _context(text: str, mentions: list[Mention], flagged: list[int]) -> dict[int, list[dict]]:
    """ConText's cues of the flagged mentions, all mentions being targets as in the pipeline."""
    try:
        cues = context_cues(text, [(m.start, m.end) for m in mentions], [m.label for m in mentions])
        return {i: cues[i] for i in flagged}
    except ValueError:
        pass
    # Spans that share a word cannot all be targets at once: each flagged mention alone, then.
    found = {}
    for i in flagged:
        try:
            found[i] = context_cues(text, [(mentions[i].start, mentions[i].end)], [mentions[i].label])[0]
        except ValueError:
            found[i] = []
    return found
