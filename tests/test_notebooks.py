"""The notebooks run top to bottom on the dataset built from corpora/, so they never rot, and tell the truth.

What they show is checked on the figures themselves: each notebook runs with a test-only cell first
that records every figure as it is rendered, and one last that describes those figures (bars, their
labels and colours, tick labels) as JSON. The rules: every bar carries the count behind it
(``n=12``); a rate drawn from fewer than 10 items is grey; years on an axis are whole years; the
findings charts count a finding once per letter, findings apart from symptoms; the model notebook
says whether the model beats the baseline; and without ``IMR_DATASET`` nothing is written under
the repository.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPLORE = ROOT / "notebooks" / "explore_dataset.ipynb"
MODEL = ROOT / "notebooks" / "decision_model.ipynb"
MIN_ITEMS = 10  # a rate from fewer items is greyed out
MARK = "@@figures@@"

# Test-only: record every figure when it is rendered (inline display goes through print_figure).
RECORD = """
import matplotlib.backend_bases as _backend_bases
_drawn_figures = []
_print_figure = _backend_bases.FigureCanvasBase.print_figure
def _record_figure(self, *args, **kwargs):
    if self.figure not in _drawn_figures:
        _drawn_figures.append(self.figure)
    return _print_figure(self, *args, **kwargs)
_backend_bases.FigureCanvasBase.print_figure = _record_figure
"""

# Test-only: describe the recorded figures' axes as JSON on one marked line.
DESCRIBE = """
import json as _json
from matplotlib.colors import to_rgba as _to_rgba
from matplotlib.container import BarContainer as _BarContainer
def _describe(ax):
    bars = []
    for container in ax.containers:
        if not isinstance(container, _BarContainer):
            continue
        horizontal = getattr(container, "orientation", None) == "horizontal"
        for patch in container.patches:
            x, y, w, h = patch.get_x(), patch.get_y(), patch.get_width(), patch.get_height()
            bars.append({"position": round(y + h / 2 if horizontal else x + w / 2, 6),
                         "start": float(y if horizontal else x), "extent": float(h if horizontal else w),
                         "length": float(w if horizontal else h), "horizontal": horizontal,
                         "color": list(_to_rgba(patch.get_facecolor()))})
    labels = []
    for text in ax.texts:
        xy = getattr(text, "xy", text.get_position())
        labels.append({"text": text.get_text(), "xy": [float(xy[0]), float(xy[1])]})
    return {"title": ax.get_title(), "xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel(),
            "xticklabels": [t.get_text() for t in ax.get_xticklabels()],
            "yticklabels": [t.get_text() for t in ax.get_yticklabels()],
            "yticks": [float(v) for v in ax.get_yticks()],
            "bars": bars, "labels": labels}
print("@@figures@@" + _json.dumps([_describe(ax) for fig in _drawn_figures for ax in fig.axes]))
"""


def execute(path: Path) -> tuple[nbformat.NotebookNode, list[dict], str]:
    """Run a notebook from its folder (as a person would); return it, its figures and its printed text."""
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(RECORD))
    notebook.cells.append(nbformat.v4.new_code_cell(DESCRIBE))
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors, f"{path.name}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    printed = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    described = [line for line in printed.splitlines() if line.startswith(MARK)]
    assert described, f"{path.name}: the figures could not be described"
    printed = "\n".join(line for line in printed.splitlines() if not line.startswith(MARK))
    notebook.cells = notebook.cells[1:-1]
    return notebook, json.loads(described[-1][len(MARK):]), printed


def is_histogram(ax: dict) -> bool:
    """Bars that touch, bin after bin: a histogram, whose count axis says what each bar is."""
    bars = sorted(ax["bars"], key=lambda bar: bar["start"])
    return len(bars) >= 3 and all(abs(a["start"] + a["extent"] - b["start"]) < 1e-9 for a, b in zip(bars, bars[1:]))


def bar_charts(figures: list[dict]) -> list[dict]:
    """The axes holding bars, histograms aside."""
    return [ax for ax in figures if ax["bars"] and not is_histogram(ax)]


def counts_by_bar(ax: dict) -> dict[float, int]:
    """The ``n=`` label of each bar position (the label sits at the bar's position), checked one per bar."""
    positions = sorted({bar["position"] for bar in ax["bars"]})
    horizontal = ax["bars"][0]["horizontal"]
    found: dict[float, list[int]] = {p: [] for p in positions}
    for label in ax["labels"]:
        match = re.search(r"\bn\s*=\s*(\d+)", label["text"])
        if match:
            at = round(label["xy"][1] if horizontal else label["xy"][0], 6)
            if at in found:
                found[at].append(int(match.group(1)))
    unlabelled = [p for p, ns in found.items() if len(ns) != 1]
    assert not unlabelled, (f"'{ax['title']}': {len(unlabelled)} of {len(positions)} bars lack one 'n=' label "
                            f"(labels: {[t['text'] for t in ax['labels']][:5]})")
    return {p: ns[0] for p, ns in found.items()}


def check_bars(ax: dict) -> None:
    """Every bar shows its n; a rate (a bar that is not its own count) from fewer than 10 items is grey."""
    n = counts_by_bar(ax)
    lengths: dict[float, float] = {}
    for bar in ax["bars"]:
        lengths[bar["position"]] = lengths.get(bar["position"], 0.0) + bar["length"]
    if all(abs(lengths[p] - n[p]) < 1e-9 for p in n):
        return  # a count chart: each bar is the count it is labelled with
    for bar in ax["bars"]:
        r, g, b, _ = bar["color"]
        if n[bar["position"]] < MIN_ITEMS:
            assert max(r, g, b) - min(r, g, b) < 0.02, (
                f"'{ax['title']}': a rate from n={n[bar['position']]} items is drawn in colour, like a finding")


def tick_labels_of(ax: dict, axis_word: str = "year") -> list[str]:
    """The tick labels of the axis whose label names ``axis_word``."""
    if axis_word in ax["xlabel"].lower():
        return [t for t in ax["xticklabels"] if t]
    if axis_word in ax["ylabel"].lower():
        return [t for t in ax["yticklabels"] if t]
    return []


def test_there_are_notebooks():
    assert {p.name for p in NOTEBOOKS} >= {"explore_dataset.ipynb", "decision_model.ipynb"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebooks_are_clean_and_commented(path):
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(not cell.get("outputs") and cell.get("execution_count") is None for cell in code), \
        f"{path.name}: clear the outputs before committing"
    uncommented = [cell.source.splitlines()[0] for cell in code if not cell.source.lstrip().startswith("# ")]
    assert not uncommented, f"{path.name}: code cells must open with a one-line comment saying what they show"
    first = next(cell for cell in notebook.cells if cell.cell_type == "markdown")
    assert "IMR_DATASET" in first.source and "temporary folder" in first.source


@pytest.fixture(scope="module")
def on_corpus(corpus_dataset, tmp_path_factory):
    """Each notebook run once on the corpus dataset: (notebook, figures, printed text) by path."""
    done: dict[Path, tuple] = {}

    def run(path: Path) -> tuple[nbformat.NotebookNode, list[dict], str]:
        if path not in done:
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("IMR_DATASET", str(corpus_dataset))
                patch.setenv("TMPDIR", str(tmp_path_factory.mktemp("kernel-tmp")))  # a saved model lands here
                done[path] = execute(path)
        return done[path]
    return run


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, on_corpus):
    notebook, figures, _ = on_corpus(path)
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    # Every notebook shows results: tables (HTML) or plots (PNG) computed from the dataset.
    shown = [o for o in outputs if o.get("output_type") in ("execute_result", "display_data")]
    assert shown, f"{path.name} displayed nothing"
    assert any("image/png" in o.get("data", {}) for o in shown), f"{path.name} drew no plot"
    for ax in bar_charts(figures):
        check_bars(ax)


def test_explore_labels_every_bar_and_greys_thin_rates(on_corpus):
    _, figures, _ = on_corpus(EXPLORE)
    charts = bar_charts(figures)
    assert len(charts) >= 5, [ax["title"] for ax in figures]
    for ax in charts:
        check_bars(ax)
    # The corpus has categories and specialties with fewer than 10 items: some bar must be grey.
    grey = [ax["title"] for ax in charts for bar in ax["bars"]
            if max(bar["color"][:3]) - min(bar["color"][:3]) < 0.02]
    assert grey, "no rate from a handful of items was greyed out"


def test_explore_counts_findings_once_per_letter_apart_from_symptoms(on_corpus, corpus_dataset):
    from extractor.dataset import read_table
    from extractor.decision.features import spec

    _, figures, _ = on_corpus(EXPLORE)
    mentions = read_table(corpus_dataset, "mentions")
    current = mentions[mentions["section"].isin(spec()["pre_decision_sections"])
                       & ~mentions[["negated", "normal", "hypothetical", "historical", "family"]].any(axis=1)]
    for label, word in (("FINDING", "findings"), ("SYMPTOM", "symptoms")):
        letters = current[current["label"].eq(label)].groupby("normalized")["doc_id"].nunique()
        charts = [ax for ax in bar_charts(figures)
                  if ax["title"].lower().startswith(word) and "present" in ax["title"].lower()]
        assert len(charts) == 1, f"one chart of the {word} most often present: {[ax['title'] for ax in figures]}"
        ax = charts[0]
        shown = dict(zip(ax["yticks"], ax["yticklabels"]))
        drawn = {shown[p]: n for p, n in counts_by_bar(ax).items()}
        assert drawn, f"'{ax['title']}' is empty"
        expected = {name: int(letters.get(name, 0)) for name in drawn}
        assert drawn == expected, f"'{ax['title']}': letters with each {label} present, counted once per letter"
        assert min(drawn.values()) >= letters.drop(list(drawn)).max(), f"'{ax['title']}' is not the most frequent"


@pytest.fixture(scope="module")
def two_year_dataset(corpus_dataset, tmp_path_factory):
    """The corpus letters decided in 2015 or 2016: a year axis spanning two years."""
    import pandas as pd

    from extractor.dataset import read_table
    from extractor.engines import run_local

    letters = read_table(corpus_dataset, "letters")
    year = pd.to_datetime(letters["decision_date"], errors="coerce").dt.year
    kept = year.isin([2015, 2016]).groupby(letters["path"]).all()
    out = tmp_path_factory.mktemp("two-years") / "dataset"
    summary = run_local(sorted(kept[kept].index), out, workers=2)
    assert summary.errors == 0 and summary.letters >= 20
    return out


def test_explore_year_axis_shows_whole_years(two_year_dataset, monkeypatch, tmp_path):
    monkeypatch.setenv("IMR_DATASET", str(two_year_dataset))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    _, figures, _ = execute(EXPLORE)
    yearly = [ax for ax in figures if "year" in ax["title"].lower()]
    assert yearly, "no chart by year"
    for ax in yearly:
        ticks = tick_labels_of(ax)
        assert ticks, f"'{ax['title']}': no axis is labelled with the year"
        assert all(re.fullmatch(r"\d{4}", t) for t in ticks), f"'{ax['title']}': year ticks {ticks}"
        assert set(ticks) <= {"2015", "2016"}, ticks
    for ax in bar_charts(figures):
        check_bars(ax)


def verdict_lines(printed: str, dataset: Path) -> tuple[list[str], bool]:
    """The printed lines giving both ROC AUCs against the baseline, and whether the model beats it."""
    from extractor.decision.features import build_features
    from extractor.decision.model import beats_baseline, train

    bundle = train(build_features(dataset), estimator="logistic", folds=5, seed=0)
    aucs = [f"{bundle['metrics'][name]['roc_auc']:.3f}" for name in ("model", "majority baseline")]
    lines = [line for line in printed.splitlines() if "baseline" in line and all(a in line for a in aucs)]
    assert lines, f"no line gives both ROC AUCs ({', '.join(aucs)}) against the baseline"
    return lines, beats_baseline(bundle)


def test_model_notebook_says_the_model_beats_the_baseline(on_corpus, corpus_dataset):
    _, _, printed = on_corpus(MODEL)
    lines, beats = verdict_lines(printed, corpus_dataset)
    assert beats, "the corpus model no longer beats the baseline: the warning test below then covers both"
    assert not any("does not beat" in line.lower() for line in lines), lines


@pytest.fixture(scope="module")
def shuffled_dataset(corpus_dataset, tmp_path_factory):
    """The corpus dataset with its items' decisions shuffled: nothing left for a model to learn."""
    import shutil

    import numpy as np
    import pyarrow.parquet as pq

    out = tmp_path_factory.mktemp("shuffled") / "dataset"
    shutil.copytree(corpus_dataset, out)
    rng = np.random.default_rng(0)
    for part in sorted((out / "items").glob("*.parquet")):
        table = pq.read_table(part)
        order = rng.permutation(table.num_rows)
        for name in ("decision", "medically_necessary"):
            i = table.schema.get_field_index(name)
            table = table.set_column(i, table.schema.field(i), table.column(name).take(order))
        pq.write_table(table, part)
    return out


def test_model_notebook_warns_when_the_model_does_not_beat_the_baseline(shuffled_dataset, monkeypatch, tmp_path):
    monkeypatch.setenv("IMR_DATASET", str(shuffled_dataset))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    _, _, printed = execute(MODEL)
    lines, beats = verdict_lines(printed, shuffled_dataset)
    assert not beats
    assert any("warning" in line.lower() and "does not beat" in line.lower() for line in lines), lines


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under root (but .git and bytecode caches) with its size and mtime."""
    files = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in (".git", "__pycache__", ".pytest_cache", ".ruff_cache")]
        for name in names:
            path = Path(folder) / name
            if path.is_file():
                info = path.stat()
                files[str(path.relative_to(root))] = (info.st_size, info.st_mtime_ns)
    return files


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_writes_nothing_into_the_repository(path, monkeypatch, tmp_path):
    """Without IMR_DATASET the demo dataset (and any saved file) goes to a temporary folder."""
    monkeypatch.delenv("IMR_DATASET", raising=False)
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the kernel's temporary folders land here
    before = snapshot(ROOT)
    execute(path)
    after = snapshot(ROOT)
    written = sorted(name for name in after if before.get(name) != after[name])
    assert not written, f"{path.name} wrote into the repository: {written[:10]}"
    assert any(tmp_path.rglob("letters/*.parquet")), "no demo dataset in the temporary folder"
