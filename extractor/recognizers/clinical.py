"""Case-summary facts that are not mentions: diagnoses as written, pain scores, work status."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Callable, Iterator, Optional

from .. import fastre
from ..dates import find_dates
from ..resources import read_csv
from ..rule_files import DiagnosesRules, MentionsRules, WorkStatusRules

# Where a list written with semicolons ("a; b; and c") ends: the end of its sentence.
_SENTENCE_END = re.compile(r"[.:]\s|\.$|\n")
_SEMICOLON_LIST = re.compile(r";\s*(?:and|or)\s", re.IGNORECASE)
_MAX_DIAGNOSIS_WORDS = 12
_MAX_JOINED_WORDS = 16  # ICD-10 wording: "strain of unspecified muscle, fascia and tendon at ..."


@lru_cache(maxsize=1)
def _rules() -> dict:
    diagnoses = DiagnosesRules.load()
    mentions = MentionsRules.load()
    work = WorkStatusRules.load()
    table = sorted(read_csv("work_status.csv"), key=lambda r: -len(r["phrase"]))
    return {
        # One scan for all cues: where several match at a place, the first listed wins.
        "dx_cue": fastre.compile("|".join(f"(?:{p})" for p in diagnoses.cues), re.IGNORECASE),
        "dx_words": fastre.compile(diagnoses.cue_words, re.IGNORECASE),
        "dx_list_stop": re.compile(diagnoses.list_stop, re.IGNORECASE),
        "dx_separator": re.compile(diagnoses.item_separator, re.IGNORECASE),
        "dx_places": re.compile(diagnoses.places, re.IGNORECASE),
        "dx_modifier_end": re.compile(diagnoses.modifier_end, re.IGNORECASE),
        "dx_bare_body_part": re.compile(diagnoses.bare_body_part, re.IGNORECASE),
        "dx_qualifier": re.compile(diagnoses.qualifier, re.IGNORECASE),
        "dx_unsplit": re.compile(diagnoses.unsplit, re.IGNORECASE),
        "dx_not": re.compile(diagnoses.not_a_diagnosis, re.IGNORECASE),
        "dx_numbered": diagnoses.numbered_item,
        "dx_shared_site": re.compile(diagnoses.shared_site, re.IGNORECASE),
        "pain": fastre.compile(mentions.pain.score, re.IGNORECASE),
        "pain_cue": fastre.compile(mentions.pain.cue, re.IGNORECASE),
        "visit_cue": fastre.compile(mentions.visit_cue, re.IGNORECASE),
        "visit_reach": mentions.visit_carry_sentences,
        "visit_lead": fastre.compile(mentions.visit_lead, re.IGNORECASE),
        "visit_heading": re.compile(mentions.visit_heading, re.IGNORECASE | re.MULTILINE),
        "work": fastre.compile(
            "|".join(
                rf"(?P<w{i}>{_phrase(r['phrase'])})" if r["phrase"].isupper()
                else rf"(?P<w{i}>(?i:{_phrase(r['phrase'])}))"
                for i, r in enumerate(table)
            ).join([r"\b(?:", r")(?![\w&])"])
        ),
        "work_status": [r["status"] for r in table],
        "work_unstated": fastre.compile(mentions.work_status_unstated, re.IGNORECASE),
        "work_in_treatments": fastre.compile(mentions.work_status_in_treatments, re.IGNORECASE),
        "work_as_treatment": {p.lower() for p in mentions.work_status_treatment_phrases},
        "event_date": fastre.compile(work.event_date, re.IGNORECASE),
        "event_reach": work.event_date_reach,
        "clause_start": re.compile(work.clause_start, re.IGNORECASE),
        "account_break": fastre.compile(work.account_break, re.IGNORECASE),
        "range_joiner": re.compile(work.range_joiner, re.IGNORECASE),
        "work_not_since": re.compile(work.not_worked_since, re.IGNORECASE),
    }


def _phrase(phrase: str) -> str:
    """A table phrase as a pattern: its words as written, any spacing or line break between them."""
    return r"\s+".join(re.escape(word) for word in phrase.split())


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


@lru_cache(maxsize=8)  # pain scores and work status split the same case summary
def _sentence_spans(text: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    return tuple(sentences(text, start, end))


def sentence_date(text: str, sentence: tuple[int, int], position: int) -> Optional[str]:
    """The date a sentence ties to ``position``: the nearest one before it, else the first after.

    Not a date the statement lasts until, nor the date of a study or event its clause names
    ("underwent a CT scan on 3/1/2016 and was returned to full duty").
    """
    found = [d for d in find_dates(text, sentence[0], sentence[1])
             if not _UNTIL.search(text, max(sentence[0], d.start - 12), d.start)
             and not _event_date(text, sentence[0], d.start)]
    before = [d for d in found if d.end <= position]
    if before:
        return before[-1].iso
    return found[0].iso if found else None


# "off work until 03/15/2016": a date a statement lasts until is not the date it was made.
_UNTIL = re.compile(r"\b(?:until|through|thru|till)\s*$", re.IGNORECASE)


def diagnoses(text: str, start: int, end: int) -> list[str]:
    """Diagnoses as written after cues such as "diagnoses include" or "treatment for"."""
    rules = _rules()
    found: list[str] = []
    seen: set[str] = set()
    for m in _cues(rules, text, start, end):
        parts = _numbered_items(text, m.end(), end)
        if parts is None:
            parts = _list_items(text, m.end(), end, label=m.group().rstrip().endswith(":"))
        for part in parts:
            if part.lower() not in seen:
                seen.add(part.lower())
                found.append(part)
    return found


# How far a cue reaches before and after its word ("diagnoses listed by the primary treating
# physician are": 60 characters before "treat", 120 after it).
_CUE_BEFORE, _CUE_AFTER = 80, 140


def _cues(rules: dict, text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """The cue matches of ``text[start:end]``, as one scan would find them.

    They are looked for only around the cue words: most of a case summary holds none.
    """
    cue = rules["dx_cue"]
    position = start
    for word in rules["dx_words"].finditer(text, start, end):
        if word.end() <= position:
            continue
        m = cue.search(text, max(position, word.start() - _CUE_BEFORE), min(end, word.end() + _CUE_AFTER))
        if m:
            # Read the cue again where it starts, past the window: the window may have cut it short.
            m = cue.match(text, m.start(), end) or m
            position = m.end()
            yield m


_SEMICOLON = re.compile(r"\s*;\s*(?:and\s+|or\s+)?", re.IGNORECASE)
_SPACES = re.compile(r"\s*")
_ITEM_END = re.compile(r"[.;](?:\s|$)|\n\s*\n")
# How far a numbered list may run after its cue (characters).
_NUMBERED_REACH = 1500


@lru_cache(maxsize=32)
def _number(n: int) -> re.Pattern[str]:
    return re.compile(_rules()["dx_numbered"].replace("{n}", str(n)))


def _numbered_items(text: str, begin: int, end: int) -> Optional[list[str]]:
    """The items of a numbered list that starts right after a cue, or None when none starts there.

    One item a line when the list starts on a new line ("Diagnoses:" / "1. A" / "2. B");
    otherwise item n runs to the number n+1 or to the end of its sentence ("1. A. 2. B, left.").
    """
    first = _number(1).match(text, _SPACES.match(text, begin).end())
    if not first:
        return None
    limit = min(end, begin + _NUMBERED_REACH)
    # One item a line when the second number opens a line ("1. A" / "2. B"), else inline.
    second = _number(2).search(text, first.end(), limit)
    one_a_line = second is not None and _opens_line(text, second.start())
    items: list[str] = []
    position, n = first.end(), 1
    while position < limit:
        following = _number(n + 1).search(text, position, limit)
        if one_a_line:
            line_end = text.find("\n", position, limit)
            line_end = limit if line_end < 0 else line_end
            # A wrapped item runs on to the next number when that number opens a nearby line.
            near = following and text.count("\n", line_end, following.start()) <= 1 \
                and _opens_line(text, following.start())
            stop = following.start() if near else line_end
        else:
            sentence = _ITEM_END.search(text, position, limit)
            stop = sentence.start() if sentence else limit
            near = following and (following.start() < stop or not text[stop:following.start()].strip(" .;\n"))
            if near and following.start() < stop:
                stop = following.start()
        items.append(re.sub(r"\s+", " ", text[position:stop]).strip(" .;,"))
        if not near:
            break
        position, n = following.end(), n + 1
    kept = []
    for item in map(_clean_item, items):
        if item and re.search(r"[a-z]", item, re.IGNORECASE) and len(item.split()) <= _MAX_JOINED_WORDS:
            kept.append(item)
    return kept


def _opens_line(text: str, position: int) -> bool:
    """True when only spaces stand between the line's start and ``position``."""
    return not text[text.rfind("\n", 0, position) + 1:position].strip()


def _list_items(text: str, begin: int, end: int, label: bool = False) -> list[str]:
    """The items of the diagnosis list that starts at ``begin`` (after a cue; ``label``: "Dx:")."""
    rules = _rules()
    stop = rules["dx_list_stop"].search(text, begin, min(end, begin + 400))
    stop_at = stop.start() if stop else min(end, begin + 200)
    separator = rules["dx_separator"]
    if stop and stop.group().startswith(";"):
        # "a; b; and c" or "Dx: a; b.": the semicolons separate items, commas stay inside them.
        sentence = _SENTENCE_END.search(text, begin, min(end, begin + 600))
        sentence_end = sentence.start() if sentence else min(end, begin + 600)
        pieces = _SEMICOLON.split(text[begin:sentence_end])
        if _SEMICOLON_LIST.search(text, begin, sentence_end) or (
                label and all(len(p.split()) <= _MAX_DIAGNOSIS_WORDS for p in pieces)):
            stop_at, separator = sentence_end, _SEMICOLON
    segment = re.sub(r"\s+", " ", text[begin:stop_at]).strip(" :,\"")
    segment = re.sub(r"^(?:a|an|the)\s+", "", segment, flags=re.IGNORECASE)
    # "neck strain, and since then ...": the list ended before a conjunction that went on.
    segment = re.sub(r"[,\s]+(?:and|or)$", "", segment, flags=re.IGNORECASE)
    items = _split_items(segment, separator, rules)
    kept = []
    for item in map(_clean_item, items):
        words = len(item.split())
        joined = item.count(" and ") + item.count(",")
        if item and re.search(r"[a-z]", item, re.IGNORECASE) and not rules["dx_not"].match(item) and (
                words <= _MAX_DIAGNOSIS_WORDS or (joined and words <= _MAX_JOINED_WORDS)):
            kept.append(item)
    return kept


def _split_items(segment: str, separator: re.Pattern[str], rules: dict) -> list[str]:
    """Split a list at its separators, keeping together what one diagnosis joins."""
    inside = [m.span() for m in rules["dx_unsplit"].finditer(segment)]
    items, last, joiner = [], 0, ""
    cuts = [m for m in separator.finditer(segment)
            if m.end() > m.start() and not any(s <= m.start() < e for s, e in inside)]
    bounds = [0] + [c.end() for c in cuts]
    ends = [c.start() for c in cuts] + [len(segment)]
    pieces = [_clean_item(segment[a:b]) for a, b in zip(bounds, ends)]
    for index, m in enumerate(cuts + [None]):
        piece = segment[last:m.start()] if m else segment[last:]
        previous = _clean_item(items[-1]) if items else ""
        current = pieces[index]
        # A modifier shares the next noun only across "and"/"or" or as a lone word before a
        # comma ("cervical, thoracic and lumbar strain"); "fasciitis, left; ..." ends an item.
        shares = ";" not in joiner and (re.search(r"\b(?:and|or)\b", joiner) or " " not in previous)
        if items and (
                (shares and rules["dx_modifier_end"].search(previous))  # "left and right sided sciatica"
                # Body parts sharing the condition named after the last one: "neck and back pain",
                # "neck, back and right shoulder pain".
                or (";" not in joiner and _bare_parts(previous, rules)
                    and _shares_condition(pieces[index:], rules))
                or (rules["dx_bare_body_part"].match(current) and rules["dx_places"].search(previous))
                # Symptoms sharing the place named after the last: "numbness and tingling in both hands".
                or (re.fullmatch(r"\s+and\s+", joiner) and rules["dx_shared_site"].match(previous)
                    and rules["dx_shared_site"].match(current.split(" ", 1)[0]) and " " in current)
                or ("," in joiner and rules["dx_qualifier"].match(current))):  # "..., improving"
            items[-1] += joiner + piece
        else:
            items.append(piece)
        if m:
            last, joiner = m.end(), m.group()
    return items


def _shares_condition(rest: list[str], rules: dict) -> bool:
    """Whether the list goes on with body parts up to one that names the condition they share.

    ("back" then "right shoulder pain" after "neck").
    """
    for piece in rest:
        if not piece or ";" in piece:
            return False
        if _bare_parts(piece, rules):
            continue
        words = piece.split()
        head = words[1:] if words and words[0].lower() in ("left", "right", "bilateral") else words
        # The part named may take up to three words ("upper back pain", "lower back pain").
        return any(rules["dx_bare_body_part"].match(" ".join(head[:n])) for n in range(1, min(3, len(head) - 1) + 1))
    return False


# How long a condition has lasted, before the parts it names ("chronic neck and back pain").
_ONSET = re.compile(r"^(?:chronic|acute|subacute|persistent|intermittent)\s+", re.IGNORECASE)


def _bare_parts(item: str, rules: dict) -> bool:
    """Whether ``item`` names only body parts ("neck", "neck, back"), no condition."""
    parts = [p for p in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", _ONSET.sub("", item)) if p]
    return bool(parts) and all(rules["dx_bare_body_part"].match(p) for p in parts)


def _clean_item(item: str) -> str:
    item = re.sub(r"^(?:a|an|the|of|with|and|or|\d[.)])\s+", "", item.strip(" .\"'"), flags=re.IGNORECASE)
    if item.count("[") != item.count("]"):  # a stray bracket from the PDF's text layer
        item = item.replace("[", "").replace("]", "")
    item = re.sub(r"\s*\([^()]*\d[^()]*\)$", "", item)  # "morbid obesity (BMI 41)"
    return item.strip()


def visit_date(text: str, index: int, span: Callable[[int], tuple[int, int]],
               dated: Callable[[int], list], cue: re.Pattern[str], reach: int,
               lead: Optional[re.Pattern[str]] = None, injury: Optional[str] = None) -> Optional[str]:
    """The date of a visit a few sentences before sentence ``index`` in the same paragraph.

    "Visit 03-21-16. S: knee pain 7/10 ...": the undated sentences after a dated visit report
    that visit. ``span(i)`` is sentence i's offsets, ``dated(i)`` its dates, ``cue`` what makes a
    dated sentence a visit (anywhere in it; ``lead`` at its start), ``reach`` how many
    sentences back to look. A sentence dated with the ``injury`` date tells the injury, not a
    visit ("On 1-22-12 he stepped off a loading dock").
    """
    index_start = span(index)[0]
    for back in range(index - 1, max(-1, index - 1 - reach), -1):
        back_start, back_end = span(back)
        if text.find("\n", back_end, index_start) != -1:
            return None  # a new paragraph or line: the visit's account has ended
        found = dated(back)
        if found:
            visit = cue.search(text, back_start, back_end) or (lead and lead.match(text, back_start, back_end))
            return found[-1].iso if visit and found[-1].iso != injury else None
    return None


@lru_cache(maxsize=8)  # pain scores, work status and mentions ask for the same letter's
def _headings(text: str, start: int, end: int) -> tuple[tuple[int, str], ...]:
    found = []
    for m in _rules()["visit_heading"].finditer(text, start, end):
        date = next(find_dates(text, m.start("date"), m.end("date")), None)
        if date:
            found.append((m.end(), date.iso))
    return tuple(found)


def visit_headings(text: str, start: int, end: int) -> Callable[[int], Optional[str]]:
    """``heading(position)``: the date of the last dated visit heading before ``position``.

    A line that is only a heading ("Progress report 12/15/2015:") dates the paragraphs under it
    ("Subjective: ...", "Objective: ...", "Plan: ...") up to the next heading.
    """
    found = _headings(text, start, end)
    ends = [e for e, _ in found]

    def heading(position: int) -> Optional[str]:
        i = bisect_right(ends, position) - 1
        return found[i][1] if i >= 0 else None

    return heading


# Two ratings joined as a range, and the word that makes them a change instead ("from 8/10 to 6/10").
_PAIN_RANGE = re.compile(r"\s*(?:to|-)\s*")
_PAIN_CHANGE = re.compile(r"\bfrom\s*$", re.IGNORECASE)


def pain_scores(text: str, start: int, end: int, injury: Optional[str] = None) -> list[dict]:
    """Pain ratings on a 0-10 scale, with the date their sentence (or its visit) gives."""
    rules = _rules()
    scores = []
    spans = _sentence_spans(text, start, end)
    date_of = _statement_dater(text, spans, injury)
    for index, sentence in enumerate(spans):
        # Every rating ends in "10"; the cue search is the costly test, most sentences fail this.
        if text.find("10", sentence[0], sentence[1]) < 0:
            continue
        if not rules["pain_cue"].search(text, sentence[0], sentence[1]):
            continue
        found = list(rules["pain"].finditer(text, sentence[0], sentence[1]))
        for i, m in enumerate(found):
            later = found[i + 1] if i + 1 < len(found) else None
            if later and _PAIN_RANGE.fullmatch(text, m.end(), later.start()) \
                    and not _PAIN_CHANGE.search(text, max(sentence[0], m.start() - 12), m.start()):
                continue  # "rated 7/10 to 8/10" is one rating, its upper bound (not "from 8/10 to 6/10")
            # A range ("rated 2-5 out of 10") is scored by its upper bound.
            value = float(m.group("high") or m.group("score"))
            if value > 10:
                continue
            scores.append({
                "score": int(value) if value.is_integer() else value,
                "scale": 10,
                "text": m.group(),
                "date": date_of(index, m.start()),
                "start": m.start(),
                "end": m.end(),
            })
    return scores


def work_status(text: str, start: int, end: int, injury: Optional[str] = None) -> list[dict]:
    """Work status statements, normalized (ttd, modified_duty, full_duty, ...), with dates.

    A statement is dated by its own sentence (never by the date of a study or another event
    the sentence names), else by the visit whose account the sentence continues, else not.
    """
    rules = _rules()
    found: list[dict] = []
    seen = set()
    spans = _sentence_spans(text, start, end)
    per_sentence = _matches_by_sentence(rules["work"], text, spans, end, _WORK_STOP)
    date_of = _statement_dater(text, spans, injury)
    for index, matches in enumerate(per_sentence):
        if matches and rules["work_unstated"].search(text, *spans[index]):
            continue  # the sentence says the status is not known
        stated = {rules["work_status"][int(m.lastgroup[1:])] for m in matches}
        for m in matches:
            status = rules["work_status"][int(m.lastgroup[1:])]
            if (status == "not_working" and stated & _IMPLY_NOT_WORKING
                    and rules["work_not_since"].fullmatch(m.group())):
                continue  # "declared permanent and stationary and has not worked since": one status
            if (" ".join(m.group().lower().split()) in rules["work_as_treatment"]
                    and rules["work_in_treatments"].search(text, spans[index][0], m.start())):
                continue  # restrictions listed among past treatments
            date = date_of(index, m.start())
            if (status, date) in seen:
                continue
            seen.add((status, date))
            found.append({"status": status, "text": m.group(), "date": date, "start": m.start(), "end": m.end()})
    return found


# Statuses that say the worker is not working: "has not worked since" beside one in its
# sentence adds nothing (beside modified or full duty it is news: "modified duty was not available").
_IMPLY_NOT_WORKING = {"ttd", "permanent_and_stationary", "retired"}


def _event_date(text: str, sentence_start: int, date_start: int) -> bool:
    """Whether the date at ``date_start`` is that of a study or event its clause names before it."""
    rules = _rules()
    begin = max(sentence_start, date_start - rules["event_reach"])
    for clause in rules["clause_start"].finditer(text, begin, date_start):
        begin = clause.end()
    event = None
    for event in rules["event_date"].finditer(text, begin, date_start):
        pass
    # "an MRI ... reviewed at the visit dated 3/1": a visit named after the event dates the statement.
    return event is not None and not rules["visit_cue"].search(text, event.end(), date_start)


def _statement_dater(text: str, spans: tuple[tuple[int, int], ...],
                     injury: Optional[str]) -> Callable[[int, int], Optional[str]]:
    """``date_of(i, position)``: the date of a statement (a pain rating, a work status) in sentence i.

    Its sentence's own date (see :func:`sentence_date`); else the date of the visit whose
    account the sentence continues (as :func:`visit_date` finds it), where no summary of the
    case's history came between and the visit's date does not close a span of records; else
    its visit heading's.
    """
    rules = _rules()
    heading = visit_headings(text, spans[0][0], spans[-1][1]) if spans else (lambda position: None)

    def carried(index: int) -> Optional[str]:
        index_start = spans[index][0]
        for back in range(index - 1, max(-1, index - 1 - rules["visit_reach"]), -1):
            back_start, back_end = spans[back]
            if text.find("\n", back_end, index_start) != -1:
                return None  # a new paragraph or line: the visit's account has ended
            if rules["account_break"].match(text, back_start, back_end):
                return None  # a summary of the history came between
            dates = list(find_dates(text, back_start, back_end))
            if not dates:
                continue
            last = dates[-1]
            if len(dates) > 1 and rules["range_joiner"].fullmatch(text, dates[-2].end, last.start):
                return None  # "records (11-01-2016 to 11-21-2016)": no single visit
            visit = rules["visit_cue"].search(text, back_start, back_end) or rules["visit_lead"].match(
                text, back_start, back_end)
            return last.iso if visit and last.iso != injury else None
        return None

    def date_of(index: int, position: int) -> Optional[str]:
        s0 = spans[index][0]
        if rules["account_break"].match(text, s0, spans[index][1]):
            return sentence_date(text, spans[index], position) or heading(s0)
        return sentence_date(text, spans[index], position) or carried(index) or heading(s0)

    return date_of
