"""The texts table (run --with-text): every offset of the dataset can be used on the letter's text."""

import shutil
from pathlib import Path

import duckdb
import pytest

import extractor
from extractor.dataset import DatasetError
from extractor.dataset.export import export_duckdb
from extractor.dataset.query import connect
from extractor.engines import run_local
from extractor.engines.local import OutFolderRefused

ROOT = Path(__file__).resolve().parents[1]
LETTERS = sorted((ROOT / "corpora" / "dev").glob("*.txt"))[:4]


@pytest.fixture(scope="module")
def letters(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("letters")
    for path in LETTERS:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def with_text(letters, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ds") / "with-text"
    run_local([str(letters)], out, in_process=True, with_text=True)
    return out


def test_texts_table_holds_each_letter_and_its_offsets_cut_the_text(with_text):
    texts = extractor.read_table(with_text, "texts").set_index("doc_id")["text"]
    letters = extractor.read_table(with_text, "letters")
    assert sorted(texts.index) == sorted(letters["doc_id"])
    assert (letters.set_index("doc_id")["text_chars"] == texts.str.len()).all()
    mentions = extractor.read_table(with_text, "mentions")
    for row in mentions.itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.text
    items = extractor.read_table(with_text, "items")
    for row in items.itertuples():
        assert row.service.split()[0] in texts[row.doc_id][row.evidence_start:row.evidence_end]
    for row in letters.itertuples():
        spans = {e["field"]: texts[row.doc_id][e["start"]:e["end"]] for e in row.evidence}
        assert row.case_number in spans["case_number"]


def test_texts_table_in_query_and_export(with_text, tmp_path):
    con = connect(with_text)
    cut = con.execute('SELECT count(*) FROM mentions m JOIN texts t USING (doc_id) '
                      'WHERE substr(t.text, m.start + 1, m."end" - m.start) = m.text').fetchone()[0]
    assert cut == con.execute("SELECT count(*) FROM mentions").fetchone()[0] > 0
    counts = export_duckdb(with_text, tmp_path / "imr.duckdb")
    assert counts["texts"] == len(LETTERS)
    assert duckdb.connect(str(tmp_path / "imr.duckdb")).execute("SELECT count(*) FROM texts").fetchone()[0] == 4


def test_without_with_text_there_is_no_texts_table(letters, tmp_path):
    out = tmp_path / "plain"
    run_local([str(letters)], out, in_process=True)
    assert not (out / "texts").exists()
    with pytest.raises(DatasetError, match="--with-text"):
        extractor.read_table(out, "texts")
    with pytest.raises(duckdb.CatalogException):
        connect(out).execute("SELECT * FROM texts")


def test_resume_keeps_the_texts_choice_of_the_dataset(letters, tmp_path):
    out = tmp_path / "ds"
    run_local([str(letters)], out, in_process=True, with_text=True)
    with pytest.raises(OutFolderRefused, match="resume it with --with-text"):
        run_local([str(letters)], out, in_process=True, resume=True)
    plain = tmp_path / "plain"
    run_local([str(letters)], plain, in_process=True)
    with pytest.raises(OutFolderRefused, match="without --with-text"):
        run_local([str(letters)], plain, in_process=True, resume=True, with_text=True)


def test_a_fresh_run_without_text_removes_an_old_texts_table(letters, tmp_path):
    out = tmp_path / "ds"
    run_local([str(letters)], out, in_process=True, with_text=True)
    run_local([str(letters)], out, in_process=True)
    assert not list((out / "texts").glob("part-*"))
