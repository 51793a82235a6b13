"""Four analyst questions, each one SQL query with no casts and no string splitting, on every way to read a dataset.

The dataset is written from corpus letters as Parquet and as CSV (read through ``query``'s
views) and exported to a DuckDB file; every answer is checked against the same figure computed
in Python from the letters' records (``extractor.extract_file``), not from the tables.
"""

import re
import shutil
import statistics
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import duckdb
import pytest

import extractor
from extractor.dataset.export import export_duckdb
from extractor.dataset.query import run_query
from extractor.engines import run_local

ROOT = Path(__file__).resolve().parents[1]
# Enough letters for several years, specialties, categories and code letters (a few seconds to run).
LETTERS = sorted((ROOT / "corpora" / "dev").glob("*.txt"))[:20]

QUESTIONS = {
    # (a) uphold rate by item category, by decision year and by reviewer specialty.
    "by_category": """
        SELECT category AS key, count_if(decision = 'upheld') / count(*) AS rate, count(*) AS n
        FROM items GROUP BY category""",
    "by_year": """
        SELECT year(l.decision_date) AS key, count_if(i.decision = 'upheld') / count(*) AS rate, count(*) AS n
        FROM items AS i JOIN letters AS l USING (doc_id) GROUP BY key""",
    "by_specialty": """
        SELECT specialty AS key, count_if(i.decision = 'upheld') / count(*) AS rate, count(*) AS n
        FROM items AS i JOIN (SELECT doc_id, unnest(reviewer_specialties) AS specialty FROM letters) USING (doc_id)
        GROUP BY specialty""",
    # (b) the 10 most common ICD-10-CM chapters, by the code's letter, once per letter.
    "chapters": """
        SELECT left(code, 1) AS key, count(*) AS n
        FROM (SELECT doc_id, unnest(icd10_codes) AS code FROM letters)
        GROUP BY key ORDER BY n DESC, key LIMIT 10""",
    # (c) median days from the UR denial to the decision.
    "median_days": "SELECT median(decision_date - ur_denial_date) AS days FROM letters",
    # (d) share of items whose letter's case summary states a neurological finding absent.
    "neuro_absent": """
        SELECT count_if(doc_id IN (SELECT doc_id FROM mentions WHERE section = 'case_summary' AND negated
                                   AND label = 'FINDING' AND normalized LIKE '%neuro%')) / count(*) AS share
        FROM items""",
}


@pytest.fixture(scope="module")
def records():
    return [extractor.extract_file(path) for path in LETTERS]


@pytest.fixture(scope="module")
def answers(tmp_path_factory) -> dict[str, dict]:
    """Every question answered on Parquet, on CSV (query views) and on the exported DuckDB file."""
    base = tmp_path_factory.mktemp("questions")
    folder = base / "letters"
    folder.mkdir()
    for path in LETTERS:
        shutil.copy(path, folder)
    found = {}
    for fmt in ("parquet", "csv"):
        run_local([str(folder)], base / fmt, workers=1, start_method="fork", fmt=fmt)
        found[fmt] = {name: run_query(base / fmt, sql) for name, sql in QUESTIONS.items()}
    export_duckdb(base / "csv", base / "imr.duckdb")
    con = duckdb.connect(str(base / "imr.duckdb"), read_only=True)
    found["duckdb"] = {name: con.execute(sql).df() for name, sql in QUESTIONS.items()}
    return found


def _rates(frame) -> dict:
    return {row.key: (round(row.rate, 9), row.n) for row in frame.itertuples()}


def _expected_rates(pairs) -> dict:
    counts = defaultdict(lambda: [0, 0])
    for key, upheld in pairs:
        counts[key][0] += upheld
        counts[key][1] += 1
    return {key: (round(up / n, 9), n) for key, (up, n) in counts.items()}


def test_analysis_questions_use_no_casts_and_no_string_splitting():
    for name, sql in QUESTIONS.items():
        assert not re.search(r"::|\bCAST\b|\bTRY_CAST\b", sql, flags=re.I), name
        assert not re.search(r"split|json|strptime|regexp|string_to_array|str_split", sql, flags=re.I), name


@pytest.mark.parametrize("where", ["parquet", "csv", "duckdb"])
def test_analysis_uphold_rates(answers, records, where):
    items = [(r, i) for r in records for i in r.items]
    assert _rates(answers[where]["by_category"]) == _expected_rates(
        (i.category, i.decision == "upheld") for _, i in items)
    by_year = _expected_rates((int(r.dates.decision[:4]), i.decision == "upheld") for r, i in items)
    assert len(by_year) >= 3  # the letters span several years
    assert _rates(answers[where]["by_year"]) == by_year
    by_specialty = _expected_rates((s, i.decision == "upheld") for r, i in items for s in r.reviewer.specialties)
    assert len(by_specialty) >= 5
    assert _rates(answers[where]["by_specialty"]) == by_specialty


@pytest.mark.parametrize("where", ["parquet", "csv", "duckdb"])
def test_analysis_top_icd10_chapters(answers, records, where):
    counts = Counter(code[0] for r in records
                     for code in dict.fromkeys(c["code"] for c in r.diagnosis_codes if c["code"]))
    expected = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    assert len(expected) >= 3
    got = answers[where]["chapters"]
    assert list(zip(got["key"], got["n"])) == expected


@pytest.mark.parametrize("where", ["parquet", "csv", "duckdb"])
def test_analysis_median_days_from_ur_denial_to_decision(answers, records, where):
    days = [(date.fromisoformat(r.dates.decision) - date.fromisoformat(r.dates.ur_denial)).days
            for r in records if r.dates.decision and r.dates.ur_denial]
    assert len(days) >= 15
    assert answers[where]["median_days"]["days"][0] == pytest.approx(statistics.median(days))


@pytest.mark.parametrize("where", ["parquet", "csv", "duckdb"])
def test_analysis_share_of_items_with_an_absent_neurological_finding(answers, records, where):
    def absent_neuro(record) -> bool:
        return any(m.section == "case_summary" and m.negated and m.label == "FINDING" and "neuro" in m.normalized
                   for m in record.mentions)

    flags = [absent_neuro(r) for r in records for _ in r.items]
    share = sum(flags) / len(flags)
    assert 0 < share < 1  # the letters hold both kinds: the answer can be wrong
    assert answers[where]["neuro_absent"]["share"][0] == pytest.approx(share)
