"""A mention's context for readers of the dataset: its sentence and the item it belongs to.

The sentence lets a row be read without the letter; the item link joins a mention to the
disputed service whose decision line or rationale it sits in.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Optional

# Long "sentences" (a run-on list, a table read as one line) are cut to a window this wide,
# around the mention, on word boundaries.
SENTENCE_WINDOW = 200


def sentence_window(text: str, start: int, end: int, sent_start: int, sent_end: int,
                    width: int = SENTENCE_WINDOW) -> str:
    """The sentence ``text[sent_start:sent_end]`` holding ``[start, end)``, or a window of it at most ``width`` long."""
    sent_start, sent_end = min(sent_start, start), max(sent_end, end)
    if sent_end - sent_start <= width:
        return " ".join(text[sent_start:sent_end].split())
    room = max(width - (end - start), 0)
    left = max(sent_start, start - room // 2)
    right = min(sent_end, left + max(width, end - left))
    left = max(sent_start, min(left, right - width))
    # Whole words only: drop a word cut at either edge.
    if left > sent_start and not text[left - 1].isspace():
        cut = text.find(" ", left, start)
        left = cut + 1 if cut >= 0 else left
    if right < sent_end and not text[right].isspace():
        cut = text.rfind(" ", end, right)
        right = cut if cut >= 0 else right
    return " ".join(text[left:right].split())


def item_of(start: int, items: list[dict]) -> Optional[int]:
    """The index of the item whose decision line or rationale holds offset ``start``."""
    for item in items:
        line = item.get("evidence") or {}
        if line and line["start"] <= start < line["end"]:
            return item["index"]
        rationale = item.get("rationale_span")
        if rationale and rationale[0] <= start < rationale[1]:
            return item["index"]
    return None


def add_context(mentions: list[dict], items: list[dict], text: str,
                sent_starts: list[int], sent_ends: list[int]) -> None:
    """Set ``sentence`` and ``item_index`` on each mention dict (in place).

    A SERVICE mention outside any item's line (the request named in the case summary) joins
    the item whose decision line names the same service, when exactly one does.
    """
    services: dict[str, set[int]] = {}
    for mention in mentions:
        at = bisect_right(sent_starts, mention["start"]) - 1
        if at >= 0:
            mention["sentence"] = sentence_window(text, mention["start"], mention["end"],
                                                  sent_starts[at], sent_ends[at])
        else:
            mention["sentence"] = sentence_window(text, mention["start"], mention["end"],
                                                  mention["start"], mention["end"])
        mention["item_index"] = item_of(mention["start"], items)
        if mention["label"] == "SERVICE" and mention["item_index"] is not None:
            services.setdefault(mention["normalized"], set()).add(mention["item_index"])
    for mention in mentions:
        if mention["item_index"] is None and mention["label"] == "SERVICE":
            owners = services.get(mention["normalized"], ())
            if len(owners) == 1:
                mention["item_index"] = next(iter(owners))
