"""The whole chain carries signal: synth letters with known uphold rates -> run -> features -> model."""

import math

import pytest

from extractor.decision.features import build_features
from extractor.decision.model import predict, train
from extractor.engines import run_local
from extractor.synth import generate

RATES = {"medication": 0.9, "physical_therapy": 0.3, "imaging": 0.5}


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    root = tmp_path_factory.mktemp("chain")
    generate(240, root / "letters", seed=11, uphold_rates=RATES, default_rate=0.7)
    summary = run_local([str(root / "letters")], root / "dataset", workers=2)
    assert summary.errors == 0 and summary.letters == 240
    features = build_features(root / "dataset")
    return features, train(features, folds=5, seed=0)


def test_model_recovers_the_rates_the_letters_were_written_with(chain):
    features, bundle = chain
    predicted = predict(bundle, features).groupby("service_category")["p_upheld"].mean()
    counts = features["service_category"].value_counts()
    for category, rate in RATES.items():
        # Binomial noise of the drawn decisions, plus a little for the model's shrinkage.
        tolerance = 3 * math.sqrt(rate * (1 - rate) / counts[category]) + 0.04
        assert abs(predicted[category] - rate) < tolerance, (category, predicted[category], rate, counts[category])


def test_extracted_decisions_follow_the_given_rates(chain):
    features, _ = chain
    observed = features.groupby("service_category")["upheld"].mean()
    counts = features["service_category"].value_counts()
    for category, rate in RATES.items():
        assert abs(observed[category] - rate) < 3 * math.sqrt(rate * (1 - rate) / counts[category]) + 0.02


def test_model_beats_the_majority_baseline_out_of_fold(chain):
    _, bundle = chain
    model, baseline = bundle["metrics"]["model"], bundle["metrics"]["majority baseline"]
    assert model["roc_auc"] > baseline["roc_auc"] + 0.1
    assert model["brier"] < baseline["brier"]
    assert model["balanced_accuracy"] > 0.6
