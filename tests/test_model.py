"""The decision model: grouped cross-validation, a baseline beside it, signal recovery, refusals."""


import joblib
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.decision.features import all_columns, build_features, input_columns
from extractor.decision.model import ModelError, _groups, cross_validate, load_model, predict, save, train

runner = CliRunner()


@pytest.fixture(scope="module")
def features(corpus_dataset):
    return build_features(corpus_dataset)


def synthetic_features(rates: dict[str, float], letters: int = 400, seed: int = 3) -> pd.DataFrame:
    """A features table whose decisions are drawn from known uphold rates per category."""
    rng = np.random.default_rng(seed)
    rows = []
    categories = list(rates)
    for i in range(letters):
        for j in range(int(rng.integers(1, 4))):
            category = categories[int(rng.integers(len(categories)))]
            upheld = bool(rng.random() < rates[category])
            row = {c: None for c in all_columns()}
            row.update({"doc_id": f"d{i}", "case_number": f"CM15-{i:07d}", "item_index": j + 1,
                        "service": category, "decision": "upheld" if upheld else "overturned",
                        "upheld": upheld, "service_category": category,
                        "patient_age": float(rng.integers(20, 70))})
            for name, kind in input_columns().items():
                if kind == "number" and row[name] is None:
                    row[name] = float(rng.poisson(1.0))
            rows.append(row)
    return pd.DataFrame(rows, columns=all_columns())


def test_cross_validation_keeps_each_case_in_one_fold(features):
    cv = cross_validate(features, folds=5, seed=1)
    labelled = features[features["upheld"].notna()]
    folds_per_case = pd.Series(cv.fold_of).groupby(_groups(labelled)).nunique()
    assert (folds_per_case == 1).all()
    assert (cv.fold_of >= 0).all() and not np.isnan(cv.probabilities).any()
    assert set(cv.metrics) == {"model", "majority baseline"}
    for m in cv.metrics.values():
        assert 0 <= m["roc_auc"] <= 1 and 0 <= m["balanced_accuracy"] <= 1


def test_model_recovers_the_uphold_rates_it_was_given():
    rates = {"medication": 0.9, "physical_therapy": 0.3, "imaging": 0.6}
    table = synthetic_features(rates)
    bundle = train(table, folds=5, seed=0)
    predicted = predict(bundle, table).groupby("service_category")["p_upheld"].mean()
    for category, rate in rates.items():
        assert abs(predicted[category] - rate) < 0.08, (category, predicted[category], rate)
    # Category carries signal; the prior-only baseline carries none.
    assert bundle["metrics"]["model"]["roc_auc"] > 0.7
    assert bundle["metrics"]["model"]["roc_auc"] > bundle["metrics"]["majority baseline"]["roc_auc"] + 0.15


def test_no_signal_gives_no_skill():
    table = synthetic_features({"medication": 0.7, "imaging": 0.7, "dme": 0.7}, seed=5)
    bundle = train(table, folds=5, seed=0)
    assert abs(bundle["metrics"]["model"]["roc_auc"] - 0.5) < 0.1


def test_too_few_cases_is_a_clear_error(features):
    one_case = features[features["case_number"] == features["case_number"].iloc[0]]
    with pytest.raises(ModelError, match="too few cases"):
        cross_validate(one_case)


def test_model_from_other_features_is_refused(tmp_path, features):
    bundle = train(features, folds=3)
    bundle["columns_hash"] = "0000000000000000"
    bundle["columns"] = {**bundle["columns"], "old_column": "number"}
    save(bundle, tmp_path / "old.joblib")
    with pytest.raises(ModelError, match="another version of the features.*old_column"):
        load_model(tmp_path / "old.joblib")
    joblib.dump({"something": "else"}, tmp_path / "other.joblib")
    with pytest.raises(ModelError, match="not an imr-extractor decision model"):
        load_model(tmp_path / "other.joblib")
    (tmp_path / "junk.joblib").write_bytes(b"not a pickle at all")
    with pytest.raises(ModelError, match="not a readable model file"):
        load_model(tmp_path / "junk.joblib")
    with pytest.raises(ModelError, match="no model at"):
        load_model(tmp_path / "absent.joblib")


def test_cli_train_writes_model_card_and_plot_then_predicts(tmp_path, corpus_dataset, features):
    model = tmp_path / "decision.joblib"
    result = runner.invoke(app, ["model", "train", str(corpus_dataset), "--out", str(model), "--folds", "4"])
    assert result.exit_code == 0, result.output
    bundle = load_model(model)
    card = (tmp_path / "decision.md").read_text()
    auc = bundle["metrics"]["model"]["roc_auc"]
    assert f"| model | {auc:.3f} (" in card  # with its 95% interval
    assert "majority baseline" in card and "grouped by case" in card
    assert f"{bundle['data']['items']} disputed items" in card
    plot = tmp_path / "decision.calibration.png"
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    out = tmp_path / "predictions.csv"
    result = runner.invoke(app, ["model", "predict", str(corpus_dataset), "--model", str(model), "--out", str(out)])
    assert result.exit_code == 0, result.output
    predictions = pd.read_csv(out)
    assert len(predictions) == len(features)
    assert predictions["p_upheld"].between(0, 1).all()
    assert set(predictions["predicted"]) <= {"upheld", "overturned"}


def test_cli_predict_refuses_a_stale_model(tmp_path, corpus_dataset, features):
    bundle = train(features, folds=3)
    bundle["columns_hash"] = "stale"
    save(bundle, tmp_path / "stale.joblib")
    result = runner.invoke(app, ["model", "predict", str(corpus_dataset), "--model", str(tmp_path / "stale.joblib")])
    assert result.exit_code == 2
    assert "another version of the features" in result.output


def test_cli_train_on_a_dataset_without_items_names_it(tmp_path):
    (tmp_path / "ds" / "letters").mkdir(parents=True)
    result = runner.invoke(app, ["model", "train", str(tmp_path / "ds"), "--out", str(tmp_path / "m.joblib")])
    assert result.exit_code == 2
    assert "'items'" in result.output or "'letters'" in result.output


def test_model_card_says_what_it_was_trained_on_and_when_it_learnt_nothing(tmp_path):
    from extractor.decision.model import beats_baseline, model_card

    # Nothing to learn from: one category, every number the same, decisions drawn at 70 %.
    table = synthetic_features({"medication": 0.7}, seed=5)
    for name, kind in input_columns().items():
        if kind == "number":
            table[name] = 1.0
    noise = train(table, folds=5, seed=0, source="/data/archive-2016")
    card = model_card(noise, tmp_path / "m.joblib", None)
    assert "`/data/archive-2016`" in card and "corpora/" not in card  # never a claim about other data
    assert not beats_baseline(noise) and "does not beat the baseline" in card
    signal = train(synthetic_features({"medication": 0.9, "physical_therapy": 0.3}), folds=5, seed=0)
    assert beats_baseline(signal) and "does not beat the baseline" not in model_card(signal, tmp_path / "s", None)
