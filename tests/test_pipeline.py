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
