"""imr-extract synth: reproducible letters whose gold the extractor agrees with, at the uphold rates asked."""

import json
import math
import re
from datetime import date

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.extract import extract_file
from extractor.quality.evaluate import Report, score_letter, validate_gold
from extractor.resources import read_csv
from extractor.synth import CATEGORIES, LAYOUTS, SynthError, generate, load_data, parse_uphold_rates

runner = CliRunner()
# Decision years by layout: the 2013-14 letterhead, the case-number header from 2015 on.
YEARS = {"case_number_header": (2015, 2019), "maximus_letterhead": (2013, 2014),
         "professional_review": (2014, 2016)}
FINDING_LED = ("imaging", "injection", "surgery", "lab")


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """24 letters with the default rates (seed 11)."""
    out = tmp_path_factory.mktemp("synth")
    generate(24, out, seed=11)
    return out


@pytest.fixture(scope="module")
def rated(tmp_path_factory):
    """400 letters with medication mostly upheld and physical therapy mostly overturned."""
    out = tmp_path_factory.mktemp("rated")
    summary = generate(400, out, seed=5, uphold_rates={"medication": 0.9, "physical_therapy": 0.3})
    golds = [json.loads(p.read_text()) for p in sorted(out.glob("*.gold.json"))]
    return summary, golds


def _files(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_synth_same_seed_same_bytes_and_letters_extend(tmp_path, archive):
    generate(24, tmp_path / "again", seed=11)
    assert _files(tmp_path / "again") == _files(archive)
    # Letter i depends on the seed and i only: a smaller archive is a prefix of a larger one.
    generate(5, tmp_path / "fewer", seed=11)
    for name, data in _files(tmp_path / "fewer").items():
        if name != "synth.json":
            assert data == (archive / name).read_bytes(), name
    generate(5, tmp_path / "other", seed=12)
    assert (tmp_path / "other" / "synth-000001.txt").read_bytes() != (archive / "synth-000001.txt").read_bytes()


def test_synth_gold_is_valid_and_consistent(archive):
    cases = set()
    for path in sorted(archive.glob("*.gold.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        validate_gold(gold, path.name)
        text = path.with_name(path.name.replace(".gold.json", ".txt")).read_text(encoding="utf-8")
        assert 3000 <= len(text) <= 8000, (path.name, len(text))
        assert gold["layout"] in LAYOUTS
        assert re.fullmatch(r"CM\d{2}-\d{7}", gold["case_number"]) and gold["case_number"] in text
        assert gold["case_number"] not in cases
        cases.add(gold["case_number"])
        d = {k: date.fromisoformat(v) for k, v in gold["dates"].items() if v}
        # injury < UR denial < application < assigned < decision, in the years of the layout
        order = [d[k] for k in ("injury", "ur_denial", "application_received", "assigned", "decision") if k in d]
        assert order == sorted(order) and len(set(order)) == len(order), gold["dates"]
        lo, hi = YEARS[gold["layout"]]
        assert lo <= d["decision"].year <= hi
        assert 1 <= len(gold["items"]) <= 4
        for item in gold["items"]:
            assert item["service"] in re.sub(r"\s+", " ", text)
            assert item["category"] in CATEGORIES
            assert item["medically_necessary"] == (item["decision"] == "overturned")
        for mention in gold["mentions"]:
            assert mention["text"].lower() in re.sub(r"\s+", " ", text).lower()


def test_synth_extractor_reads_the_letters_as_the_gold_says(archive, nlp):
    scores = []
    for path in sorted(archive.glob("*.gold.json"))[:20]:
        gold = json.loads(path.read_text(encoding="utf-8"))
        record = extract_file(path.with_name(path.name.replace(".gold.json", ".txt")), nlp=nlp).to_dict()
        scores.append(score_letter(gold, record, path.name, "synth"))
    result = Report.aggregate(scores)
    for field in ("items", "items.decision", "items.category", "case_number", "dates.decision", "dates.injury"):
        assert result[field]["micro"] >= 0.95, (field, result[field])


def test_synth_uphold_rates_follow_the_rates_given(rated):
    summary, golds = rated
    counts = {c: [0, 0] for c in CATEGORIES}
    for gold in golds:
        for item in gold["items"]:
            counts[item["category"]][0] += item["decision"] == "upheld"
            counts[item["category"]][1] += 1
    expected = {c: 0.8 for c in CATEGORIES} | {"medication": 0.9, "physical_therapy": 0.3}
    for category, (upheld, n) in counts.items():
        assert summary["categories"][category]["items"] == n
        if n < 30:
            continue
        p = expected[category]
        # Decisions are independent draws: within four binomial standard errors.
        assert abs(upheld / n - p) <= 4 * math.sqrt(p * (1 - p) / n), (category, upheld, n, p)
    assert counts["medication"][1] > 200 and counts["physical_therapy"][1] > 60
    assert summary["uphold_rates_given"] == {"medication": 0.9, "physical_therapy": 0.3}
    assert sum(summary["letters_per_layout"].values()) == 400


def test_synth_summary_leans_toward_the_decision(rated):
    # Exam findings argue for imaging, injections, surgery and tests: absent findings are
    # documented more often when such a request is upheld than when it is overturned.
    absent = {"upheld": [0, 0], "overturned": [0, 0]}
    for gold in golds_with_one_finding_led_item(rated[1]):
        decision = gold["items"][0]["decision"]
        findings = [m for m in gold["mentions"] if m["label"] == "FINDING"]
        absent[decision][0] += sum(m["negated"] for m in findings)
        absent[decision][1] += len(findings)
    share = {k: a / n for k, (a, n) in absent.items()}
    assert share["upheld"] > share["overturned"] + 0.1, share


def golds_with_one_finding_led_item(golds):
    return [g for g in golds if len(g["items"]) == 1 and g["items"][0]["category"] in FINDING_LED]


def test_synth_pdf_letters_read_back_to_the_same_case(tmp_path, nlp):
    generate(3, tmp_path / "a", seed=2, pdf=True, layouts=",".join(LAYOUTS))
    generate(3, tmp_path / "b", seed=2, pdf=True)
    for pdf in sorted((tmp_path / "a").glob("*.pdf")):
        gold = json.loads(pdf.with_suffix(".gold.json").read_text())
        record = extract_file(pdf, nlp=nlp)
        assert record.source.format == "pdf"
        assert record.case_number == gold["case_number"]
        assert [i.decision for i in record.items] == [i["decision"] for i in gold["items"]]
        assert pdf.read_bytes() == (tmp_path / "b" / pdf.name).read_bytes()  # PDFs are reproducible too


def test_synth_layouts_option_limits_the_layouts(tmp_path):
    summary = generate(6, tmp_path, seed=1, layouts=["professional_review"])
    assert summary["letters_per_layout"] == {"professional_review": 6}
    assert all(json.loads(p.read_text())["layout"] == "professional_review" for p in tmp_path.glob("*.gold.json"))


@pytest.mark.parametrize("value, message", [
    ("meds=0.5", "unknown category 'meds'"),
    ("medication=1.5", "1.5 for 'medication' is outside 0-1"),
    ("medication=-0.1", "-0.1 for 'medication' is outside 0-1"),
    ("medication:0.5", "'medication:0.5': expected CATEGORY=RATE"),
    ("medication=", "'medication=': expected CATEGORY=RATE"),
    ("medication=high", "the rate 'high' is not a number"),
])
def test_synth_cli_names_a_bad_uphold_rate(tmp_path, value, message):
    result = runner.invoke(app, ["synth", "2", "--out", str(tmp_path), "--uphold-rate", value])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split()), result.output
    assert not list(tmp_path.glob("*.txt"))
    with pytest.raises(SynthError):
        parse_uphold_rates([value])


def test_synth_cli_other_bad_options_and_a_good_run(tmp_path):
    result = runner.invoke(app, ["synth", "2", "--out", str(tmp_path), "--layouts", "pro,letterhead"])
    assert result.exit_code == 2 and "unknown layout 'pro'" in result.output
    result = runner.invoke(app, ["synth", "2", "--out", str(tmp_path), "--default-uphold-rate", "2"])
    assert result.exit_code == 2 and "--default-uphold-rate" in result.output
    result = runner.invoke(app, ["synth", "3", "--out", str(tmp_path), "--seed", "4",
                                 "--uphold-rate", "medication=1,imaging=0", "--uphold-rate", "lab=0.5"])
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "synth.json").read_text())
    assert summary["seed"] == 4 and summary["n"] == 3
    assert summary["uphold_rates_given"] == {"medication": 1.0, "imaging": 0.0, "lab": 0.5}
    assert summary["categories"]["medication"]["uphold_rate"] == 1.0
    assert summary["categories"]["surgery"]["uphold_rate"] == 0.8
    assert len(list(tmp_path.glob("synth-*.txt"))) == 3 == len(list(tmp_path.glob("synth-*.gold.json")))


def test_synth_templates_are_complete():
    data = load_data()
    specialties = {row["specialty"] for row in read_csv("specialties.csv")}
    for group in data["people"]["reviewer"]["specialties"].values():
        for names in group:
            assert set(names) <= specialties, names  # prose credentials are read by these names
    regions = data["clinical"]["regions"]
    assert set(data["services"]["categories"]) == set(CATEGORIES)
    for category, spec in data["services"]["categories"].items():
        for kind in spec["kinds"]:
            wanted = kind["regions"]
            fits = [r for r in regions if wanted == "any" or r in (wanted if isinstance(wanted, list) else [])
                    or (wanted == "spine" and "spine" in r) or (wanted == "limb" and regions[r]["lateral"])]
            assert fits, kind["name"]
            guideline = kind["guideline"]
            for region in fits:  # a citation exists wherever the kind can be drawn
                chapter = guideline.get("chapter")
                if chapter == "@region":
                    chapter = regions[region]["mtus"]
                assert (chapter and chapter != "odg") or guideline.get("odg"), (kind["name"], region)
            assert kind["evidence"]["for"] and kind["evidence"]["against"], kind["name"]
            assert kind["criteria"] and kind["upheld"] and kind["overturned"], kind["name"]
            for side in ("for", "against"):
                for entry in kind["evidence"][side]:
                    for mention in entry.get("mentions", []):
                        assert mention["text"] in entry["text"], (kind["name"], mention)
    for region in regions.values():
        for finding in region["support"]:
            assert finding["present"]["mention"] in finding["present"]["text"]
            assert all(form["mention"] in form["text"] for form in finding["absent"])
