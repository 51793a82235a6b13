"""Rule regexes with a first-character lookahead find exactly what the plain regexes find."""

import random
import re

import pytest

from extractor import fastre
from extractor.cleaning import clean_pages
from extractor.recognizers import clinical, guidelines, header, items, patient, reviewer, services


@pytest.mark.parametrize(
    ("pattern", "flags", "expected"),
    [
        (r"(?<!Non-)\bMTUS\b|www\.", re.IGNORECASE, "(?i:[Mw])"),  # assertions are skipped
        (r"(?:IMR\s+)?Case\s+No", 0, "(?i:[IC])"),  # an optional prefix adds what follows it
        (r"\d+\s*(?:mg|%)", 0, r"(?i:[\d])"),
        (r"x?", 0, None),  # can match nothing: may match anywhere
        (r"(a)\1", 0, "(?i:[a])"),
        (r"\1(a)", 0, None),  # a back-reference first: not read
        (r".foo", 0, None),  # any character first
        (r"[^a]b", 0, None),  # a negated class first
    ],
)
def test_first_class(pattern, flags, expected):
    assert fastre.first_class(pattern, flags) == expected


def test_compile_keeps_global_flags_and_verbose_comments():
    assert fastre.compile(r"(?i)abc|def").search("xx DEF").group() == "DEF"
    verbose = fastre.compile("foo|bar  # a trailing comment", re.VERBOSE)
    assert verbose.search("a bar").group() == "bar"


def _rule_patterns(monkeypatch) -> list[tuple[str, int]]:
    """Every (pattern, flags) the field recognizers compile through fastre."""
    seen = []
    real = fastre.compile

    def record(pattern, flags=0):
        seen.append((pattern, flags))
        return real(pattern, flags)

    monkeypatch.setattr(fastre, "compile", record)
    for module in (clinical, guidelines, header, items, patient, reviewer, services):
        module._rules.cache_clear()
        module._rules()
        module._rules.cache_clear()
    services._drug_names.cache_clear()
    services._drug_names()
    services._drug_names.cache_clear()
    monkeypatch.undo()
    return list(seen)


def test_rule_patterns_find_the_same_matches(monkeypatch, corpus_letters):
    patterns = _rule_patterns(monkeypatch)
    assert len(patterns) > 40
    texts = [clean_pages(p.read_text(encoding="utf-8").split("\f")).text for p in corpus_letters[::4]]
    rng = random.Random(9)
    texts += ["".join(rng.choice("aB .,:#/-()&\n0123456789MTUSmg%") for _ in range(400)) for _ in range(20)]
    accelerated = 0
    for pattern, flags in patterns:
        plain, fast = re.compile(pattern, flags), fastre.compile(pattern, flags)
        accelerated += plain.pattern != fast.pattern
        for text in texts:
            assert [(m.span(), m.groups()) for m in fast.finditer(text)] == \
                   [(m.span(), m.groups()) for m in plain.finditer(text)], pattern
    assert accelerated > 10  # the lookahead is in use, not only the fallback
