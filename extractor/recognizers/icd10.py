"""ICD-10-CM codes for diagnoses, from the public-domain code set shipped in ``models/icd10/``.

A diagnosis gets a code only when one fits, and says how it was found:

- ``synonym``: the phrase is in ``models/icd10/synonyms.csv`` (the usual names of the
  conditions letters treat: "low back pain", "lumbar radiculopathy", "neck strain");
- ``title``: the phrase is a code's title or inclusion term, word for word;
- ``words``: every word of the phrase is in one code's title, which has few others (the score
  is the share of the title's words the phrase names; below ``_MIN_WORDS_SCORE`` no code).

A side the diagnosis names ("left knee pain") moves the code to its child for that side, and an
injury code that needs a 7th character takes the initial encounter ("A"). Never the nearest
code at any cost: a phrase with no fit has no code.
"""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from typing import Optional

from ..resources import read_bytes, read_csv
from ..rule_files import Icd10MatchRules

# A title match by words must cover this share of the title's words ("cervical radiculopathy"
# is 2 of "Radiculopathy, cervical region"'s 3 words); lower fits name another condition.
_MIN_WORDS_SCORE = 0.6
_WORD = re.compile(r"[a-z0-9]+")
# A diagnosis with a qualifier after these is coded by what comes before them when it has no
# code whole ("cervical spine strain with radicular complaints" -> "cervical spine strain").
_QUALIFIER = re.compile(r"\s+(?:with|secondary\s+to|due\s+to|status\s+post|s/p)\s+|\s*[,;(]\s*", re.IGNORECASE)
# A slash before two or more words joins two diagnoses ("A strain/B strain"), not two names
# of one ("sprain/strain", "contusion/laceration").
_ALTERNATIVE = re.compile(r"\s*/\s*(?=[a-z]+\s+[a-z])", re.IGNORECASE)
_SIDES = {"left": "left", "right": "right", "bilateral": "bilateral", "both": "bilateral"}
_SIDE_WORDS = set(_SIDES)


@lru_cache(maxsize=1)
def _reading() -> Icd10MatchRules:
    return Icd10MatchRules.load()


def _words(text: str) -> list[str]:
    """The words that can name a condition, read as ``models/icd10_match.json`` says.

    Equivalent words become one; words after "without" are marked absent ("-gangrene"); of
    conditions named together ("sprain/strain") the preferred one is kept.
    """
    rules = _reading()
    filler, same = set(rules.filler), rules.equivalent
    words: list[str] = []
    absent = False
    for word in _WORD.findall(text.lower().replace("'s", "")):
        word = same.get(word, word)
        if word in rules.negators:
            absent = True
        elif word in rules.negation_ends:
            absent = False
        elif word not in filler:
            words.append("-" + word if absent else word)
    for first, *others in rules.preferred:
        if first in words:
            words = [w for w in words if w not in others]
    return words


def _side(words: list[str]) -> Optional[str]:
    """The side a diagnosis names: both "left" and "right" are bilateral."""
    sides = {_SIDES[w] for w in words if w in _SIDES}
    if {"left", "right"} <= sides:
        return "bilateral"
    return next((_SIDES[w] for w in words if w in _SIDES), None)


def _key(text: str) -> str:
    """The words that name the condition, in sorted order ("strain of the hip" = "hip strain")."""
    return " ".join(sorted(w for w in _words(text) if w not in _SIDE_WORDS))


@lru_cache(maxsize=1)
def _release() -> tuple[dict[str, str], dict[str, list[str]]]:
    """Every code with its title, and the inclusion terms of the codes that have them."""
    data = gzip.decompress(read_bytes("icd10/icd10cm.tsv.gz")).decode("utf-8")
    titles: dict[str, str] = {}
    terms: dict[str, list[str]] = {}
    for line in data.splitlines()[1:]:
        code, title, included = line.split("\t")
        titles[code] = title
        if included:
            terms[code] = included.split(" | ")
    return titles, terms


def _codes() -> dict[str, str]:
    """Every code and its title."""
    return _release()[0]


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, str], dict[str, set[str]], dict[str, set[str]]]:
    """Title and term keys to codes; word to codes; each code's own title words.

    Only codes up to the subcategory (no 7th-character extensions) are indexed: the side and
    the encounter are chosen after the condition. A code is found by its own words and its
    category's ("left lower quadrant abdominal pain": "Left lower quadrant pain" in "Abdominal
    and pelvic pain").
    """
    titles, terms = _release()
    exact: dict[str, str] = {}
    exact_text: dict[str, str] = {}
    by_word: dict[str, set[str]] = {}
    own: dict[str, set[str]] = {}
    for code, title in titles.items():
        if len(code.replace(".", "")) > 6:
            continue
        for text in [title, *terms.get(code, [])]:
            key = _key(text)
            if not key:
                continue
            # Of titles read the same, the one that says least beyond it ("Unspecified injury of
            # lower leg", not "Injury of muscle, fascia and tendon at lower leg level"), then the
            # least specific code ("Carpal tunnel syndrome" is G56.0, not a side), then a general
            # title before an "other" one.
            if key not in exact or _rank(code, text) < _rank(exact[key], exact_text[key]):
                exact[key], exact_text[key] = code, text
        own[code] = set(_key(title).split())
        family = own[code] | set(_key(titles.get(code[:3], "")).split())
        for word in family:
            by_word.setdefault(word, set()).add(code)
    return exact, by_word, own


def _rank(code: str, title: str) -> tuple[int, int, bool]:
    words = _WORD.findall(title.lower())
    # "unspecified" says nothing more: "Gastritis, unspecified" before "Acute gastritis".
    return len(words) - words.count("unspecified"), len(code), "other" in words


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, str]:
    return {_key(row["phrase"]): row["code"] for row in read_csv("icd10/synonyms.csv")}


def is_valid(code: str) -> bool:
    """Whether ``code`` is an ICD-10-CM code of the shipped release."""
    return code in _codes()


@lru_cache(maxsize=1)
def _tree() -> dict[str, list[str]]:
    """Each code's codes one character below it (dots ignored)."""
    tree: dict[str, list[str]] = {}
    for code in sorted(_codes()):
        plain = code.replace(".", "")
        if len(plain) > 3:
            tree.setdefault(plain[:-1], []).append(code)
    return tree


def _children(code: str) -> list[str]:
    """Codes one character below ``code``, in order."""
    return _tree().get(code.replace(".", ""), [])


def _descend_unspecified(code: str) -> str:
    """Below a category, the child that only adds "unspecified", as long as there is one.

    ("Sprain of ankle" -> "Sprain of unspecified ligament of ankle"; "Unspecified intracranial
    injury" stays: its children add whether consciousness was lost).
    """
    titles = _codes()
    while True:
        words = set(_WORD.findall(titles[code].lower()))
        plain = [c for c in _children(code) if len(c.replace(".", "")) < 7]
        unspecified = [c for c in plain if "unspecified" in set(_WORD.findall(titles[c].lower())) - words]
        if not plain or not unspecified:
            return code
        code = unspecified[0]


def _with_side(code: str, side: Optional[str]) -> str:
    """The code for the side named, when the classification has one.

    The child of ``code``, or the sibling of an "unspecified" side ("Pain in unspecified knee" ->
    "Pain in left knee").
    """
    if side is None:
        return code
    titles = _codes()
    pool = [code]
    parent = code[:-1].rstrip(".")
    if "unspecified" in titles.get(code, "").lower() and parent in titles:
        pool.append(parent)
    for base in pool:
        for child in _children(base):
            if re.search(rf"\b{side}\b", titles[child].lower()):
                return child
    return code


def _with_encounter(code: str) -> str:
    """The initial-encounter code ("A") of an injury code that needs a 7th character."""
    plain = code.replace(".", "")
    if len(plain) >= 7:
        return code
    # 7th-character codes pad the code with X to six characters ("S16.1" -> "S16.1XXA").
    padded = plain + "X" * (6 - len(plain))
    stem = f"{padded[:3]}.{padded[3:]}"
    if not _children(stem):
        return code
    extended = stem + "A"
    return extended if extended in _codes() else code


@lru_cache(maxsize=8192)
def code_diagnosis(text: str) -> Optional[dict]:
    """``{"code", "title", "match", "score"}`` for a diagnosis, or None when no code fits."""
    found = _code(text)
    head = _QUALIFIER.split(text, maxsplit=1)[0]
    if found is None and head != text:
        found = _code(head)
    first = _ALTERNATIVE.split(head, maxsplit=1)[0]
    if found is None and first != head:  # "thoracic spine strain/bilateral parascapular strain"
        found = _code(first)
    return found


def _code(text: str) -> Optional[dict]:
    words = _words(text)
    side = _side(words)
    key = _key(text)
    if not key:
        return None
    exact, by_word, own = _index()
    match, score, code = None, 0.0, None
    if key in _synonyms():
        code, match, score = _synonyms()[key], "synonym", 1.0
    elif key in exact:
        code, match, score = exact[key], "title", 1.0
    else:
        wanted = set(key.split())
        candidates = set.intersection(*(by_word.get(w, set()) for w in wanted)) if wanted else set()
        if candidates:
            titles = _codes()
            # Fewest extra words, most words named; the side named; a general title before an
            # "other" one; then the shortest code.
            best = min(candidates, key=lambda c: (len(own[c] - wanted), -len(own[c] & wanted),
                                                  side is not None and side not in titles[c].lower(),
                                                  "other" in titles[c].lower(), len(c), c))
            fit = len(wanted & own[best]) / max(len(own[best]), 1)
            # The code's own title names most of the diagnosis; its category only the rest.
            if fit >= _MIN_WORDS_SCORE and len(wanted & own[best]) * 2 >= len(wanted):
                code, match, score = best, "words", round(fit, 2)
    if code is None:
        return None
    if len(code.replace(".", "")) < 7:
        if match != "synonym":  # a title names a category: its unspecified code, then the side
            code = _descend_unspecified(code)
        sided = _with_side(code, side)
        # "left and right sided sciatica": no code for both sides; the category, not "unspecified side".
        if side is not None and sided == code and "unspecified side" in _codes()[code].lower():
            sided = code[:-1].rstrip(".")
        code = _with_encounter(sided)
    elif side is not None:  # an injury code from the table: the side, then the encounter again
        core = code[:-1].rstrip("X").rstrip(".")
        sided = _with_side(core, side)
        if sided != core:
            code = _with_encounter(sided)
    if not is_valid(code):
        return None
    return {"code": code, "title": _codes()[code], "match": match, "score": score}
