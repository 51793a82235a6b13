"""Typed loaders for the rule files in ``models/``: one frozen dataclass per file.

Each rule file is read through its class (``HeaderRules.load()``), which checks every key:
an unknown key, a missing one or a value of the wrong type raises :class:`RuleFileError`
naming the file and the key, so a typo in a rule file fails at start-up instead of
silently turning a rule off. Keys named ``description`` or ending in ``_about`` document the
file and are not read. medspaCy's own rule files (``context_rules.json``, ``sections.json``)
are checked by medspaCy's rule classes.
"""

from __future__ import annotations

import re
from dataclasses import MISSING, dataclass, field, fields
from functools import lru_cache
from typing import Any, ClassVar, Optional, TypeVar, Union, get_args, get_origin, get_type_hints

from .resources import read_json

T = TypeVar("T", bound="RuleSection")


class RuleFileError(ValueError):
    """A rule file whose keys or values are not what its loader reads."""


class Pattern(str):
    """A rule field that holds a regular expression: checked to compile when its file loads."""


def _is_doc(key: str) -> bool:
    return key == "description" or key.endswith("_about")


@dataclass(frozen=True)
class RuleSection:
    """A typed object of a rule file; subclasses list its keys as fields."""

    FILE: ClassVar[str] = ""

    @classmethod
    def from_dict(cls: type[T], data: Any, where: str) -> T:
        """Build from parsed JSON; ``where`` names the file and key path in errors."""
        if not isinstance(data, dict):
            raise RuleFileError(f"{where}: expected an object, found {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known and not _is_doc(key):
                raise RuleFileError(f"{where}: unknown key '{key}' (known keys: {', '.join(sorted(known))})")
        hints = get_type_hints(cls)
        values = {}
        for f in fields(cls):
            if f.name not in data:
                if f.default is MISSING and f.default_factory is MISSING:
                    raise RuleFileError(f"{where}: missing key '{f.name}'")
                continue
            values[f.name] = _convert(hints[f.name], data[f.name], f"{where}.{f.name}")
        return cls(**values)

    @classmethod
    def load(cls: type[T]) -> T:
        """The rules of ``models/<FILE>``, read and checked once per process."""
        return _load(cls)


@lru_cache(maxsize=None)
def _load(cls):
    return cls.from_dict(read_json(cls.FILE), f"models/{cls.FILE}")


_SCALARS = {str: "a string", int: "a whole number", bool: "true or false"}


def _convert(hint, value, where: str):
    """``value`` checked against the type ``hint`` (nested sections built)."""
    origin = get_origin(hint)
    if origin is Union:  # Optional[X]
        if value is None:
            return None
        hint = next(arg for arg in get_args(hint) if arg is not type(None))
        origin = get_origin(hint)
    if isinstance(hint, type) and issubclass(hint, RuleSection):
        return hint.from_dict(value, where)
    if origin is list:
        if not isinstance(value, list):
            raise RuleFileError(f"{where}: expected a list, found {type(value).__name__}")
        (item,) = get_args(hint)
        return [_convert(item, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise RuleFileError(f"{where}: expected an object, found {type(value).__name__}")
        _, item = get_args(hint)
        return {k: _convert(item, v, f"{where}.{k}") for k, v in value.items()}
    if hint is Pattern:
        if not isinstance(value, str):
            raise RuleFileError(f"{where}: expected a pattern (a string), found {json_type(value)}")
        try:
            re.compile(value)
        except re.error as exc:
            raise RuleFileError(f"{where}: the pattern does not compile ({exc})") from None
        return Pattern(value)
    if hint in _SCALARS:
        # bool is an int in Python, but a rule's number is never true/false, nor the reverse.
        if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
            raise RuleFileError(f"{where}: expected {_SCALARS[hint]}, found {json_type(value)}")
        return value
    raise TypeError(f"{where}: no check for {hint}")  # pragma: no cover - a loader's own bug


def json_type(value) -> str:
    """The JSON name of a parsed value's type, for messages."""
    return {bool: "true/false", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "an object", type(None): "null"}.get(type(value), type(value).__name__)


@dataclass(frozen=True)
class HyphenationRules(RuleSection):
    """Words broken at line ends that keep their hyphen."""

    keep_first: list[str]
    keep_second: list[str]


@dataclass(frozen=True)
class CaseNumberRules(RuleSection):
    """The case number: label patterns and the value pattern."""

    labels: list[str]
    value: str


@dataclass(frozen=True)
class PriorityRules(RuleSection):
    """The review's priority: its label and the pattern of each value."""

    label: str
    values: dict[str, str]


@dataclass(frozen=True)
class NarrativeDateRules(RuleSection):
    """Dates stated in prose, when the header lacks them."""

    injury: list[str]
    ur_denial: list[str]
    max_distance: int
    # Matched right after a date that opens its sentence ("On 01/27/2016, utilization review ...").
    ur_denial_dated_first: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LayoutRule(RuleSection):
    """One layout: its name, the lines that begin it, its section titles."""

    name: str
    begins: list[str]
    titles: list[str]


@dataclass(frozen=True)
class PainRules(RuleSection):
    """Pain scores: the score pattern and the cue near it."""

    score: str
    cue: str


@dataclass(frozen=True)
class QuantityPattern(RuleSection):
    """One quantity pattern and the kind of quantity it reads."""

    kind: str
    pattern: Pattern


@dataclass(frozen=True)
class CategoryRule(RuleSection):
    """One service category: its pattern, and a pattern that rules it out."""

    category: str
    pattern: Pattern
    unless: Optional[Pattern] = None


@dataclass(frozen=True)
class BundlesRules(RuleSection):
    """``models/bundles.json``: Where one letter ends and the next begins in a file holding several."""

    FILE: ClassVar[str] = "bundles.json"
    header_lines: int
    max_head_words: int
    max_header_line_words: int
    min_header_labels: int
    body_categories: list[str]


@dataclass(frozen=True)
class CleaningRules(RuleSection):
    """``models/cleaning.json``: Cleaning extracted text: line joins, page furniture, characters mapped."""

    FILE: ClassVar[str] = "cleaning.json"
    break_before: list[str]
    list_marker: str
    join_after: list[str]
    joins_next: list[str]
    ends_paragraph: str
    guideline_paragraph: str
    decision_words: list[str]
    drop_line: list[str]
    hyphenation: HyphenationRules
    char_map: dict[str, str]


@dataclass(frozen=True)
class DiagnosesRules(RuleSection):
    """``models/diagnoses.json``: Diagnoses: the cues that introduce them, how list items split and join."""

    FILE: ClassVar[str] = "diagnoses.json"
    cues: list[Pattern]
    modifier_end: Pattern
    bare_body_part: Pattern
    qualifier: Pattern
    unsplit: Pattern
    not_a_diagnosis: Pattern
    cue_words: Pattern
    list_stop: Pattern
    item_separator: Pattern
    numbered_item: Pattern
    places: Pattern
    shared_site: Pattern


@dataclass(frozen=True)
class ExamStatementsRules(RuleSection):
    """``models/exam_statements.json``: Exam statements: a body part or test stated normal or negative."""

    FILE: ClassVar[str] = "exam_statements.json"
    word: str
    max_words: int
    stop_words: list[str]
    copula: str
    states_after: str
    states_before: str
    negated_only_states: list[str]
    determiners: list[str]


@dataclass(frozen=True)
class MentionExtentsRules(RuleSection):
    """``models/mention_extents.json``: How far a clinical mention reaches: premodifiers, places, tails."""

    FILE: ClassVar[str] = "mention_extents.json"
    laterality: list[str]
    positions: list[str]
    anatomy: list[str]
    joiners: list[str]
    determiners: list[str]
    list_labels: list[str]
    qualifiers: list[str]
    qualifier_labels: list[str]
    severity: list[str]
    location_heads: list[str]
    location_prepositions: list[str]
    test_words: list[str]
    medication_forms: list[str]
    treatment_tails: list[str]
    finding_tail: str
    pain_with: str
    contrast: str
    imaging_heads: list[str]
    heading_words: list[str]
    heading_follow: str


@dataclass(frozen=True)
class OpenTargetsRules(RuleSection):
    """``models/open_targets.json``: Mentions found by their form: measured motions, diagnosis suffixes."""

    FILE: ClassVar[str] = "open_targets.json"
    motion: str
    motion_lead: str
    degrees: str
    motion_link: str
    suffix: str
    suffix_labels: dict[str, str]
    suffix_not: list[str]


@dataclass(frozen=True)
class GuidelinesRules(RuleSection):
    """``models/guidelines.json``: Guideline citations: sources, sections and chapters."""

    FILE: ClassVar[str] = "guidelines.json"
    sources: list[list[str]]
    other: str
    section_label: str
    chapters: str
    next_source: str
    known_sections: list[str]
    not_a_source: str


@dataclass(frozen=True)
class HeaderRules(RuleSection):
    """``models/header.json``: Header fields: case number, dates, priority; dates stated in prose."""

    FILE: ClassVar[str] = "header.json"
    case_number: CaseNumberRules
    dates: dict[str, list[str]]
    max_value_distance: int
    priority: PriorityRules
    narrative_dates: NarrativeDateRules


@dataclass(frozen=True)
class Icd10MatchRules(RuleSection):
    """``models/icd10_match.json``: How a diagnosis as written is read to match an ICD-10-CM title."""

    FILE: ClassVar[str] = "icd10_match.json"
    filler: list[str]
    equivalent: dict[str, str]
    negators: list[str]
    negation_ends: list[str]
    preferred: list[list[str]]


@dataclass(frozen=True)
class ItemsRules(RuleSection):
    """``models/items.json``: Disputed items: decision lines, blocks of guidelines and rationale."""

    FILE: ClassVar[str] = "items.json"
    label_decision: str
    decision_values: dict[str, str]
    partial_request: str
    service_trailing: str
    sentence_decision: str
    label_blocks: dict[str, str]
    sentence_blocks: dict[str, str]
    issue_line_strip: str
    issue_line_skip: str
    conclusion_upheld: str
    conclusion_overturned: str


@dataclass(frozen=True)
class LayoutsRules(RuleSection):
    """``models/layouts.json``: The letter layouts: how each begins and its section titles."""

    FILE: ClassVar[str] = "layouts.json"
    layouts: list[LayoutRule]
    begins_within_chars: int


@dataclass(frozen=True)
class MentionsRules(RuleSection):
    """``models/mentions.json``: Clinical mentions: sections read, cues for requests, visits, studies, work status."""

    FILE: ClassVar[str] = "mentions.json"
    request_cues: str
    service_labels: list[str]
    section_map: dict[str, str]
    pain: PainRules
    skip_sections: list[str]
    carry_date_labels: list[str]
    rationale_service: str
    skip_sentence_starts: str
    medication_strength: str
    medication_quantity: str
    historical_list_lead: str
    study_result: str
    study_result_labels: dict[str, str]
    visit_cue: str
    visit_lead: str
    visit_heading: str
    visit_carry_labels: list[str]
    visit_carry_sentences: int
    work_status_unstated: Pattern
    work_status_in_treatments: Pattern
    work_status_treatment_phrases: list[str]
    not_patient: list[str]


@dataclass(frozen=True)
class WorkStatusRules(RuleSection):
    """``models/work_status.json``: How a work status statement is dated."""

    FILE: ClassVar[str] = "work_status.json"
    event_date: Pattern
    event_date_reach: int
    clause_start: Pattern
    account_break: Pattern
    range_joiner: Pattern
    not_worked_since: Pattern


@dataclass(frozen=True)
class PatientRules(RuleSection):
    """``models/patient.json``: The patient's age and sex."""

    FILE: ClassVar[str] = "patient.json"
    age: str
    sex: dict[str, str]
    sex_cue: str
    sex_shorthand: str
    sex_shorthand_letters: dict[str, str]


@dataclass(frozen=True)
class QuantitiesRules(RuleSection):
    """``models/quantities.json``: Quantities of a requested service: numbers, units, totals, refills."""

    FILE: ClassVar[str] = "quantities.json"
    number: Pattern
    patterns: list[QuantityPattern]
    total_in_parentheses: Pattern
    number_in_parentheses: Pattern
    refills: Pattern
    units: dict[str, str]
    number_words: dict[str, int]


@dataclass(frozen=True)
class ReviewerRules(RuleSection):
    """``models/reviewer.json``: The reviewer's licensure and specialties, labelled or in prose."""

    FILE: ClassVar[str] = "reviewer.json"
    licensure_label: str
    specialty_label: str
    prose_license_cue: str
    prose_specialty_cue: str
    prose_board_name: str


@dataclass(frozen=True)
class ServicesRules(RuleSection):
    """``models/services.json``: Requested services: category, body region, laterality, quantity."""

    FILE: ClassVar[str] = "services.json"
    categories: list[CategoryRule]
    body_regions: list[list[str]]
    laterality: list[list[str]]
    number_words: dict[str, int]
    quantity: list[list[str]]
    service_prefix_strip: Pattern
    body_region_fallback: list[str]



# Every typed rule file, by file name (the models-files test checks none is left unread).
RULE_FILES = {cls.FILE: cls for cls in RuleSection.__subclasses__() if cls.FILE}
