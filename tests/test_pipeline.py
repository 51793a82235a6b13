"""The spaCy pipeline as a library: load(), nlp.pipe with worker processes, records on Docs."""

from pathlib import Path

from extractor import load

ROOT = Path(__file__).resolve().parents[1]


def test_pipeline_pipe_with_processes_carries_records():
    nlp = load()
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpora" / "dev").glob("cnh-0*.txt"))[:4]]
    docs = list(nlp.pipe(texts, n_process=2, batch_size=2))
    records = [d._.imr_record for d in docs]
    assert len(records) == 4
    assert all(r is not None and r.items for r in records)
    single = [nlp(t)._.imr_record for t in texts]
    assert [r.to_dict() for r in records] == [r.to_dict() for r in single]


def test_pipeline_is_built_once():
    assert load() is load()


def test_pipeline_odd_text_never_crashes(nlp):
    odd = [
        "",
        "A" * 20000,
        "NO PUNCTUATION AT ALL JUST SHOUTING ABOUT SPASM AND TENDERNESS" * 50,
        "\u00e9\u00e8\u4e2d\u6587 \u0627\u0644\u0639\u0631\u0628\u064a\u0629 " * 100,
        "1/1/1 2/2/2 99/99/9999 ::: Upheld: Overturned:",
        "tendemess spasrn radicu1opathy \x0c page two",
    ]
    for text in odd:
        record = nlp(text)._.imr_record
        assert record is not None


def test_pipeline_config_names_what_runs():
    from extractor.pipeline import PIPE_NAMES, build

    nlp = build()
    assert nlp.config["nlp"]["tokenizer"] == {"@tokenizers": "extractor.letter_tokenizer.v1"}
    assert tuple(nlp.pipe_names) == PIPE_NAMES
    assert nlp.config["components"]["extractor_context"]["rules"] == "context_rules.json"


def test_pipeline_round_trip_to_disk_and_spacy_load(tmp_path):
    """A saved pipeline loads with plain ``spacy.load`` in a fresh process and gives the same records."""
    import json
    import subprocess
    import sys

    from extractor.pipeline import build

    letters = sorted((ROOT / "corpora").glob("*/*.txt"))[:6]
    nlp = build()
    nlp.to_disk(tmp_path / "pipeline")
    expected = [nlp(p.read_text(encoding="utf-8"))._.imr_record.to_dict(include_text=True) for p in letters]
    # A fresh interpreter that never imports extractor itself: spaCy finds it by entry points.
    script = (
        "import json, sys, spacy\n"
        f"nlp = spacy.load({str(tmp_path / 'pipeline')!r})\n"
        f"paths = {[str(p) for p in letters]!r}\n"
        "records = [nlp(open(p, encoding='utf-8').read())._.imr_record.to_dict(include_text=True) for p in paths]\n"
        "json.dump(records, sys.stdout)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == json.loads(json.dumps(expected))
