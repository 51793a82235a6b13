"""Scoring extracted mentions against gold mentions by their character spans.

Gold mentions are placed in the record's text first (by their ``context`` phrase when the
annotator gave one, else by their text in reading order), then paired one to one with
overlapping extracted mentions. Three matchings are reported side by side:

- *exact*: the spans are equal (up to surrounding punctuation);
- *overlap*: the spans share a character (the mention guide's "found");
- *partial* (the default figure): an overlapping pair earns the share of characters the two
  spans have in common over the characters either covers, so "pain" for "pain in the neck, low
  back and right shoulder" earns little.

A token-level F1 over the words inside gold and extracted spans is reported as well. Flags are
scored as F1 on overlapping pairs, and the absent-findings figure counts a gold negated mention
only when it is found *and* flagged negated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

FLAG_NAMES = ("negated", "normal", "historical", "hypothetical", "uncertain", "family")
GOLD_LABELS = ("FINDING", "SYMPTOM", "DIAGNOSIS", "TREATMENT")
_WORD = re.compile(r"\w+")
# Characters ignored when placing a gold phrase: spacing and line-break hyphens differ between
# the text an annotator copied and the record's cleaned text.
_IGNORED = re.compile(r"[\s\-\u00ad]")


@dataclass
class MentionTally:
    """Counts of one letter (or a pool of letters) that every mention figure is computed from."""

    gold: int = 0
    pred: int = 0
    unplaced: int = 0  # gold mentions whose phrase was not found in the text
    overlap: int = 0
    exact: int = 0
    credit: float = 0.0
    token_tp: int = 0
    token_fp: int = 0
    token_fn: int = 0
    label_agree: int = 0
    absent_gold: int = 0
    absent_found: int = 0
    flags: dict[str, list[int]] = field(default_factory=lambda: {f: [0, 0, 0] for f in FLAG_NAMES})
    labels: dict[str, list[int]] = field(default_factory=dict)  # label -> [gold, gold found, pred, pred matched]
    date_right: int = 0
    date_total: int = 0
    # For the misses listing, not pooled: wrong flags (mention, flag, expected, got), and the
    # gold mentions no extracted mention was paired with.
    flag_misses: list[tuple[str, str, Any, Any]] = field(default_factory=list)
    missed: list[dict] = field(default_factory=list)

    def add(self, other: "MentionTally") -> None:
        """Pool another tally into this one."""
        for name in ("gold", "pred", "unplaced", "overlap", "exact", "credit", "token_tp", "token_fp",
                     "token_fn", "label_agree", "absent_gold", "absent_found", "date_right", "date_total"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for flag, counts in other.flags.items():
            self.flags[flag] = [a + b for a, b in zip(self.flags[flag], counts)]
        for label, counts in other.labels.items():
            mine = self.labels.setdefault(label, [0, 0, 0, 0])
            self.labels[label] = [a + b for a, b in zip(mine, counts)]

    def figures(self, with_precision: bool) -> dict[str, tuple[float, int]]:
        """Each figure with the count it is computed over: ``name -> (value, n)``."""
        out: dict[str, tuple[float, int]] = {}

        def ratio(num: float, den: float) -> float:
            return num / den if den else 1.0

        def f1(p: float, r: float) -> float:
            return 2 * p * r / (p + r) if p + r else 0.0

        out["mentions.recall"] = (ratio(self.credit, self.gold), self.gold)
        out["mentions.recall_overlap"] = (ratio(self.overlap, self.gold), self.gold)
        out["mentions.recall_exact"] = (ratio(self.exact, self.gold), self.gold)
        if with_precision:
            p = ratio(self.credit, self.pred)
            out["mentions.precision"] = (p, self.pred)
            out["mentions.f1"] = (f1(p, ratio(self.credit, self.gold)), self.gold)
            out["mentions.precision_overlap"] = (ratio(self.overlap, self.pred), self.pred)
            out["mentions.precision_exact"] = (ratio(self.exact, self.pred), self.pred)
            tp, fp, fn = self.token_tp, self.token_fp, self.token_fn
            out["mentions.token_f1"] = (f1(ratio(tp, tp + fp), ratio(tp, tp + fn)), tp + fn)
            for label, (gold, found, pred, matched) in sorted(self.labels.items()):
                out[f"mentions.{label}.precision"] = (ratio(matched, pred), pred)
        for label, (gold, found, pred, matched) in sorted(self.labels.items()):
            if gold:
                out[f"mentions.{label}.recall"] = (ratio(found, gold), gold)
        out["mentions.label_agreement"] = (ratio(self.label_agree, self.overlap), self.overlap)
        out["mentions.absent_found"] = (ratio(self.absent_found, self.absent_gold), self.absent_gold)
        for flag, (tp, fp, fn) in self.flags.items():
            if tp + fp + fn:
                out[f"mentions.{flag}"] = (f1(ratio(tp, tp + fp), ratio(tp, tp + fn)), tp + fn)
        if self.date_total:
            out["mentions.date"] = (self.date_right / self.date_total, self.date_total)
        return out


def _squeezed(text: str) -> tuple[str, list[int]]:
    """The text lower-cased without ignored characters, and each kept character's offset."""
    kept, offsets = [], []
    for i, char in enumerate(text):
        if not _IGNORED.match(char):
            kept.append(char.lower())
            offsets.append(i)
    return "".join(kept), offsets


def place_gold(gold: list[dict], text: str) -> list[Optional[tuple[int, int]]]:
    """The character span of each gold mention in ``text`` (None when its phrase is not there).

    A mention with a ``context`` is looked up inside the first place its context occurs after
    the previous mention's; one without is the first occurrence of its text after the previous
    mention, or anywhere when nothing follows (annotators list mentions in reading order).
    """
    squeezed, offsets = _squeezed(text)
    spans: list[Optional[tuple[int, int]]] = []
    cursor = 0
    for mention in gold:
        needle, _ = _squeezed(mention["text"])
        context, _ = _squeezed(mention.get("context") or "")
        at = -1
        if needle and context:
            start = squeezed.find(context, cursor)
            if start < 0:
                start = squeezed.find(context)
            inner = context.find(needle) if start >= 0 else -1
            at = start + inner if inner >= 0 else -1
        if at < 0 and needle:
            at = squeezed.find(needle, cursor)
            if at < 0:
                at = squeezed.find(needle)
        if at < 0:
            spans.append(None)
            continue
        first, last = offsets[at], offsets[at + len(needle) - 1] + 1
        spans.append((first, last))
        cursor = at + 1
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """A span without surrounding spaces and punctuation, so exact matching is about words."""
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


def _words(text: str, span: tuple[int, int]) -> set[int]:
    """Start offsets of the words inside a span (the unit of the token-level F1)."""
    return {m.start() + span[0] for m in _WORD.finditer(text[span[0]:span[1]])}


def score_mentions(gold: list[dict], pred: list[dict], text: str, summary_only: bool = False) -> MentionTally:
    """Pair gold and extracted mentions of one letter by their spans and count every figure.

    Args:
        gold: gold mentions (``label``, ``text``, optional ``context``, flags, ``date``).
        pred: extracted mentions with ``start``/``end`` offsets into ``text``.
        text: the record's text.
        summary_only: gold covers the case summary exhaustively: extracted mentions outside it,
            and SERVICE mentions (the disputed items, scored with the items), are not counted
            against precision.
    """
    tally = MentionTally()
    gold_spans = [None if s is None else _trim(text, *s) for s in place_gold(gold, text)]
    candidates = [p for p in pred if p.get("start") is not None and p.get("end") is not None]
    if summary_only:
        candidates = [p for p in candidates if p.get("section") in (None, "case_summary")]
    pred_spans = [_trim(text, p["start"], p["end"]) for p in candidates]
    counted_pred = [i for i, p in enumerate(candidates) if not summary_only or p.get("label") != "SERVICE"]
    tally.gold = len(gold)
    tally.pred = len(counted_pred)
    tally.unplaced = sum(1 for s in gold_spans if s is None)

    pairs = []
    for gi, gspan in enumerate(gold_spans):
        if gspan is None:
            continue
        for pi, pspan in enumerate(pred_spans):
            common = min(gspan[1], pspan[1]) - max(gspan[0], pspan[0])
            if common > 0:
                union = max(gspan[1], pspan[1]) - min(gspan[0], pspan[0])
                pairs.append((common / union, gi, pi))
    pairs.sort(key=lambda t: (-t[0], t[1], t[2]))
    matched: dict[int, int] = {}
    used: set[int] = set()
    for credit, gi, pi in pairs:
        if gi in matched or pi in used:
            continue
        matched[gi] = pi
        used.add(pi)
        tally.credit += credit
    # A SERVICE mention a gold mention was paired with is an extraction the gold agrees with: it
    # counts in precision's denominator as it does in the numerator (else precision passes 1).
    counted = set(counted_pred)
    tally.pred += sum(1 for pi in used if pi not in counted)

    gold_words: set[int] = set()
    for span in gold_spans:
        if span is not None:
            gold_words |= _words(text, span)
    pred_words: set[int] = set()
    for i in counted_pred:
        pred_words |= _words(text, pred_spans[i])
    tally.token_tp = len(gold_words & pred_words)
    tally.token_fp = len(pred_words - gold_words)
    tally.token_fn = len(gold_words - pred_words)

    for i in counted_pred:
        label = candidates[i]["label"]
        counts = tally.labels.setdefault(label, [0, 0, 0, 0])
        counts[2] += 1
        counts[3] += i in used
    for gi, g in enumerate(gold):
        counts = tally.labels.setdefault(g["label"], [0, 0, 0, 0])
        counts[0] += 1
        pi = matched.get(gi)
        if g.get("negated"):
            tally.absent_gold += 1
        if pi is None:
            tally.missed.append(g)
            continue
        p = candidates[pi]
        counts[1] += 1
        tally.overlap += 1
        tally.exact += gold_spans[gi] == pred_spans[pi]
        tally.label_agree += p.get("label") == g["label"]
        if g.get("negated") and p.get("negated"):
            tally.absent_found += 1
        for flag in FLAG_NAMES:
            want, got = bool(g.get(flag)), bool(p.get(flag))
            row = tally.flags[flag]
            row[0] += want and got
            row[1] += got and not want
            row[2] += want and not got
            if want != got:
                tally.flag_misses.append((f"{g['label']} {g['text']!r}", flag, want, got))
        if "date" in g:
            tally.date_total += 1
            tally.date_right += g.get("date") == p.get("date")
            if g.get("date") != p.get("date"):
                tally.flag_misses.append((f"{g['label']} {g['text']!r}", "date", g.get("date"), p.get("date")))
    return tally

