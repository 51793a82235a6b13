"""``imr-extract synth``: a synthetic archive of IMR letters, each with its gold annotation.

Letters are drawn from the templates in ``models/synth/`` (see :mod:`extractor.synth.composer`).
Each disputed item is upheld with the rate given for its category, so an archive can be made
with a known uphold rate to test a pipeline or a model against. Letter ``i`` depends only on the
seed and ``i``: the same seed gives byte-identical letters, and a larger ``n`` extends an archive.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from random import Random
from typing import Iterable, Mapping, Optional

from .composer import LetterComposer
from .templates import CATEGORIES, LAYOUTS, load_data, weighted


class SynthError(ValueError):
    """A bad synth option (the message names it and says what is allowed)."""


def parse_uphold_rates(values: Iterable[str]) -> dict[str, float]:
    """``["medication=0.9", "imaging=0.5,lab=1"]`` -> ``{"medication": 0.9, ...}``; bad ones raise SynthError."""
    rates: dict[str, float] = {}
    for value in values:
        for pair in (p.strip() for p in value.split(",")):
            if not pair:
                continue
            category, sep, rate = pair.partition("=")
            if not sep or not category.strip() or not rate.strip():
                raise SynthError(f"--uphold-rate '{pair}': expected CATEGORY=RATE, for example medication=0.9")
            try:
                rates[category.strip()] = float(rate)
            except ValueError:
                raise SynthError(f"--uphold-rate '{pair}': the rate '{rate.strip()}' is not a number") from None
    check_rates(rates)
    return rates


def check_rates(rates: Mapping[str, float], default_rate: float = 0.8) -> None:
    """Raise SynthError for an unknown category or a rate outside 0-1."""
    for category, rate in rates.items():
        if category not in CATEGORIES:
            raise SynthError(f"--uphold-rate: unknown category '{category}'; choose from {', '.join(CATEGORIES)}")
        if not 0.0 <= rate <= 1.0:
            raise SynthError(f"--uphold-rate: the rate {rate:g} for '{category}' is outside 0-1")
    if not 0.0 <= default_rate <= 1.0:
        raise SynthError(f"--default-uphold-rate: {default_rate:g} is outside 0-1")


def parse_layouts(value: Optional[Iterable[str] | str]) -> list[str]:
    """Layout names from a list or a comma-separated string; all three when none is given."""
    if value is None:
        return list(LAYOUTS)
    names = [v.strip() for v in (value.split(",") if isinstance(value, str) else value) if v.strip()]
    for name in names:
        if name not in LAYOUTS:
            raise SynthError(f"--layouts: unknown layout '{name}'; choose from {', '.join(LAYOUTS)}")
    if not names:
        raise SynthError(f"--layouts: give at least one of {', '.join(LAYOUTS)}")
    return list(dict.fromkeys(names))


def generate(n: int, out: Path, seed: int = 0, uphold_rates: Optional[Mapping[str, float]] = None,
             default_rate: float = 0.8, pdf: bool = False, layouts: Optional[Iterable[str] | str] = None) -> dict:
    """Write ``n`` letters with gold annotations to ``out`` and return (and write) ``synth.json``.

    Files: ``synth-000001.txt`` (and ``.pdf`` with ``pdf``), ``synth-000001.gold.json``, ...,
    and ``synth.json`` holding the parameters and the counts per layout and per category.
    """
    if n < 1:
        raise SynthError(f"N must be at least 1 (got {n})")
    given = dict(uphold_rates or {})
    check_rates(given, default_rate)
    rates = {c: given.get(c, default_rate) for c in CATEGORIES}
    chosen = parse_layouts(layouts)
    data = load_data()
    weights = {name: data["letters"]["layout_weights"][name] for name in chosen}
    render = None
    if pdf:
        from .render import render_pdf as render
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()

    def case_number(year: int, rng: Random) -> str:
        # Case numbers are unique in an archive; a clash (rare) is drawn again.
        while True:
            case = f"CM{year % 100:02d}-{rng.randint(1, 299999):07d}"
            if case not in used:
                used.add(case)
                return case

    layouts_count: Counter = Counter()
    per_category = {c: Counter() for c in CATEGORIES}
    for i in range(1, n + 1):
        rng = Random(f"imr-synth:{seed}:{i}")  # one stream per letter: letter i depends on seed and i only
        layout = weighted(rng, weights)
        text, gold = LetterComposer(data, rng, layout, rates, case_number).compose()
        name = f"synth-{i:06d}"
        (out / f"{name}.txt").write_text(text, encoding="utf-8")
        gold_text = json.dumps(gold, indent=2, ensure_ascii=False) + "\n"
        (out / f"{name}.gold.json").write_text(gold_text, encoding="utf-8")
        if render:
            (out / f"{name}.pdf").write_bytes(render(text, title=name, invariant=True))
        layouts_count[layout] += 1
        for item in gold["items"]:
            per_category[item["category"]][item["decision"]] += 1
    summary = _summary(n, seed, given, default_rate, rates, chosen, pdf, layouts_count, per_category)
    (out / "synth.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def _summary(n, seed, given, default_rate, rates, layouts, pdf, layouts_count, per_category) -> dict:
    categories = {}
    for category in CATEGORIES:
        counts = per_category[category]
        total = counts["upheld"] + counts["overturned"]
        categories[category] = {
            "uphold_rate": rates[category], "items": total, "upheld": counts["upheld"],
            "overturned": counts["overturned"],
            "observed_uphold_rate": round(counts["upheld"] / total, 4) if total else None,
        }
    upheld = sum(c["upheld"] for c in categories.values())
    overturned = sum(c["overturned"] for c in categories.values())
    return {
        "generator": "imr-extract synth",
        "seed": seed,
        "n": n,
        "layouts": layouts,
        "pdf": pdf,
        "uphold_rates_given": given,
        "default_uphold_rate": default_rate,
        "letters_per_layout": {name: layouts_count[name] for name in layouts},
        "items": {"total": upheld + overturned, "upheld": upheld, "overturned": overturned},
        "categories": categories,
    }
