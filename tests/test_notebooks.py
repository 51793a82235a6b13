"""The notebooks run top to bottom on the dataset built from corpora/, so they never rot."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert {p.name for p in NOTEBOOKS} >= {"explore_dataset.ipynb", "decision_model.ipynb"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, corpus_dataset, monkeypatch):
    monkeypatch.setenv("IMR_DATASET", str(corpus_dataset))
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    # Every notebook shows results: tables (HTML) or plots (PNG) computed from the dataset.
    shown = [o for o in outputs if o.get("output_type") in ("execute_result", "display_data")]
    assert shown, f"{path.name} displayed nothing"
    assert any("image/png" in o.get("data", {}) for o in shown), f"{path.name} drew no plot"
