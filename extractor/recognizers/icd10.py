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

# A title match by words must cover this share of the title's words ("cervical radiculopathy"
# is 2 of "Radiculopathy, cervical region"'s 3 words); lower fits name another condition.
_MIN_WORDS_SCORE = 0.6
_WORD = re.compile(r"[a-z0-9]+")
# Words that carry no meaning for matching a title (ICD titles' own fillers included).
_FILLER = {
    "of", "the", "and", "with", "without", "in", "to", "a", "an", "or", "other", "unspecified",
    "site", "region", "nos", "s", "status", "post", "chronic", "acute", "history", "mild",
    "moderate", "severe", "possible", "probable", "rule", "out", "r", "o",
    # anatomy words that name no condition: "lumbar spine strain" is "lumbar strain"
    "spine", "muscle", "muscles", "level", "joint",
}
# A diagnosis with a qualifier after these is coded by what comes before them when it has no
# code whole ("cervical spine strain with radicular complaints" -> "cervical spine strain").
_QUALIFIER = re.compile(r"\s+(?:with|secondary\s+to|due\s+to|status\s+post|s/p)\s+|\s*[,;(]\s*", re.IGNORECASE)
_SIDES = {"left": "left", "right": "right", "bilateral": "bilateral", "both": "bilateral"}
_SIDE_WORDS = set(_SIDES)


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower().replace("'s", "")) if w not in _FILLER]


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
def _index() -> tuple[dict[str, str], dict[str, set[str]], dict[str, int]]:
    """Title and term keys to codes; word to codes; each code's title length in words.

    Only codes up to the subcategory (no 7th-character extensions) are indexed: the side and
    the encounter are chosen after the condition.
    """
    titles, terms = _release()
    exact: dict[str, str] = {}
    by_word: dict[str, set[str]] = {}
    size: dict[str, int] = {}
    for code, title in titles.items():
        if len(code.replace(".", "")) > 6:
            continue
        for text in [title, *terms.get(code, [])]:
            key = _key(text)
            if not key:
                continue
            # The least specific code of a title wins ("Carpal tunnel syndrome" is G56.0, not a side).
            if key not in exact or len(code) < len(exact[key]):
                exact[key] = code
        words = set(_key(title).split())
        size[code] = len(words)
        for word in words:
            by_word.setdefault(word, set()).add(code)
    return exact, by_word, size


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
    """Below a category, its "unspecified" child, as long as there is one.

    ("Sprain of ankle" -> "Sprain of unspecified ligament of ankle").
    """
    titles = _codes()
    while True:
        plain = [c for c in _children(code) if len(c.replace(".", "")) < 7]
        unspecified = [c for c in plain if "unspecified" in titles[c].lower()]
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
    return found


def _code(text: str) -> Optional[dict]:
    words = _words(text)
    side = next((_SIDES[w] for w in words if w in _SIDES), None)
    key = _key(text)
    if not key:
        return None
    exact, by_word, size = _index()
    match, score, code = None, 0.0, None
    if key in _synonyms():
        code, match, score = _synonyms()[key], "synonym", 1.0
    elif key in exact:
        code, match, score = exact[key], "title", 1.0
    else:
        wanted = key.split()
        candidates = set.intersection(*(by_word.get(w, set()) for w in wanted)) if wanted else set()
        if candidates:
            titles = _codes()
            # Fewest extra words; then a general title before an "other" one; then the shortest code.
            best = min(candidates, key=lambda c: (size[c], "other" in titles[c].lower(), len(c), c))
            fit = len(set(wanted)) / max(size[best], 1)
            if fit >= _MIN_WORDS_SCORE:
                code, match, score = best, "words", round(fit, 2)
    if code is None:
        return None
    if len(code.replace(".", "")) < 7:
        if match != "synonym":  # a title names a category: its unspecified code, then the side
            code = _descend_unspecified(code)
        code = _with_encounter(_with_side(code, side))
    elif side is not None:  # an injury code from the table: the side, then the encounter again
        core = code[:-1].rstrip("X").rstrip(".")
        sided = _with_side(core, side)
        if sided != core:
            code = _with_encounter(sided)
    if not is_valid(code):
        return None
    return {"code": code, "title": _codes()[code], "match": match, "score": score}
