"""Reviewer credentials: states of licensure and specialties, from labels or from prose."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from .. import fastre
from ..resources import read_csv
from ..rule_files import ReviewerRules
from .section_spans import Section, sections_of


@lru_cache(maxsize=1)
def _rules() -> dict:
    data = ReviewerRules.load()
    states = read_csv("us_states.csv")
    names = {row["state"].lower(): row["state"] for row in states}
    names.update({row["abbreviation"].lower(): row["state"] for row in states})
    specialties = sorted((row["specialty"] for row in read_csv("specialties.csv")), key=len, reverse=True)
    flags = re.IGNORECASE
    return {
        "licensure": fastre.compile(data.licensure_label, flags),
        "specialty": fastre.compile(data.specialty_label, flags),
        "license_cue": fastre.compile(data.prose_license_cue, flags),
        "specialty_cue": fastre.compile(data.prose_specialty_cue, flags),
        "board_name": re.compile(data.prose_board_name, flags),
        "state_names": names,
        "state_re": fastre.compile(
            r"\b(" + "|".join(re.escape(s["state"]) for s in sorted(states, key=lambda r: -len(r["state"]))) + r")\b",
            flags,
        ),
        "specialty_re": fastre.compile(
            r"\b(" + "|".join(re.escape(s) for s in specialties) + r")\b", flags
        ),
        "specialty_names": {s.lower(): s for s in specialties},
    }


def _line_after(text: str, m: re.Match[str]) -> str:
    end = text.find("\n", m.end())
    return text[m.end(): end if end >= 0 else len(text)].strip()


def _states(value: str) -> list[str]:
    rules = _rules()
    states: list[str] = []
    for part in re.split(r"\s*(?:,|;|/|\band\b|&)\s*", value):
        name = rules["state_names"].get(part.strip().strip(".").lower())
        if name and name not in states:
            states.append(name)
    if not states:  # "Licensed in California" style values
        for m in rules["state_re"].finditer(value):
            name = rules["state_names"][m.group(1).lower()]
            if name not in states:
                states.append(name)
    return states


# Words after a known specialty in one comma part, the first capitalised, that mean the line
# ran on into prose.
_RUN_ON_WORDS = 2


def _listed_specialties(value: str) -> list[str]:
    """The comma list after the specialty label, as printed.

    It ends where a known specialty runs on into the next sentence ("Pain Medicine The reviewer
    has no material ..."), which a wrapped line joined to it.
    """
    known = _rules()["specialty_re"]
    found = []
    for part in value.split(","):
        part = re.split(r"\.\s", part.strip(), maxsplit=1)[0].rstrip(".")  # a sentence after the list ends it
        if not part:
            continue
        m = known.match(part)
        rest = part[m.end():].split() if m else []
        if len(rest) > _RUN_ON_WORDS and rest[0][:1].isupper():  # "of the Hand" continues the name
            found.append(part[:m.end()])
            break
        found.append(part)
    return found


# A printed specialty this close to a listed one (difflib ratio) is that one with a typo
# ("Sports Medicinea"); farther, it is kept as printed and flagged.
_TYPO_RATIO = 0.85


def normalize_specialty(name: str) -> tuple[str, bool]:
    """``(canonical name, known)``: the list's name for a printed specialty, typos included."""
    names = _rules()["specialty_names"]
    canonical = names.get(name.lower())
    if canonical:
        return canonical, True
    close = difflib.get_close_matches(name.lower(), list(names), n=1, cutoff=_TYPO_RATIO)
    return (names[close[0]], True) if close else (name, False)


def _sentences_with(text: str, cue: re.Pattern[str]) -> list[str]:
    return [s for s in re.split(r"(?<=[.;])\s+|\n", text) if cue.search(s)]


def reviewer(text: str, sections: list[Section]) -> tuple[list[str], list[str]]:
    """Return ``(licensure, specialties)``; empty lists when the letter does not say."""
    rules = _rules()
    licensure: list[str] = []
    specialties: list[str] = []
    m = rules["licensure"].search(text)
    if m:
        licensure = _states(_line_after(text, m))
    m = rules["specialty"].search(text)
    if m:
        specialties = list(dict.fromkeys(normalize_specialty(s)[0] for s in _listed_specialties(_line_after(text, m))))
    if licensure and specialties:
        return licensure, specialties
    # Prose credentials ("board certified in ... and licensed in ..."): qualifications first.
    found = sections_of(sections, "qualifications") or sections_of(sections, "how_made")
    prose = text[found[0].body_start:found[0].end] if found else text
    if not licensure:
        for sentence in _sentences_with(prose, rules["license_cue"]):
            for sm in rules["state_re"].finditer(sentence):
                name = rules["state_names"][sm.group(1).lower()]
                if name not in licensure:
                    licensure.append(name)
    if not specialties:
        for sentence in _sentences_with(prose, rules["specialty_cue"]):
            for sm in rules["specialty_re"].finditer(rules["board_name"].sub("", sentence)):
                name = rules["specialty_names"][sm.group(1).lower()]
                if name not in specialties:
                    specialties.append(name)
    return licensure, specialties
