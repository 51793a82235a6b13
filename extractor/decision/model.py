"""The decision model: predicts whether an IMR upholds a denial, from the features table.

A scikit-learn pipeline (one-hot categories and scaled numbers in a ColumnTransformer, then an
estimator) trained with cross-validation grouped by case, so the items of one letter never sit
on both sides of a split. Metrics are out-of-fold and sit beside a majority-class baseline run
through the same folds. The saved file carries the features fingerprint: a model trained on
another version of the features is refused, not silently misapplied.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import numpy as np
import pandas as pd

from .features import columns_hash, input_columns, spec

MODEL_KIND = "imr-extractor decision model"
ESTIMATORS = ("logistic", "boosting")
TARGET = "upheld"


class ModelError(ValueError):
    """A model file that cannot be used, or data a model cannot be trained on."""


def make_pipeline(estimator: str = "logistic", seed: int = 0):
    """The untrained pipeline: ColumnTransformer (categories, numbers) + estimator."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.pipeline import make_pipeline as chain
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    columns = input_columns()
    categorical = [c for c, kind in columns.items() if kind == "category"]
    numeric = [c for c, kind in columns.items() if kind == "number"]
    # Rare levels (a reviewer specialty seen twice) pool into one "infrequent" column rather
    # than each getting a coefficient fitted to a handful of items.
    encode = chain(SimpleImputer(strategy="constant", fill_value="missing"),
                   OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=3))
    # Missing numbers (no pain score stated) get the median plus an indicator column, so
    # "not stated" can carry its own weight.
    scale = chain(SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
                  StandardScaler())
    prepare = ColumnTransformer([("category", encode, categorical), ("number", scale, numeric)])
    if estimator == "logistic":
        # Strong L2 (C=0.1): with ~50 inputs and a few hundred items, weaker penalties fit the
        # folds' noise (measured on the corpus: log loss rises above the baseline's at C >= 0.3).
        model = LogisticRegression(C=0.1, max_iter=2000)
    elif estimator == "boosting":
        model = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15,
                                               l2_regularization=1.0, random_state=seed)
    else:
        raise ModelError(f"unknown estimator '{estimator}': choose one of {', '.join(ESTIMATORS)}")
    return Pipeline([("prepare", prepare), ("model", model)])


def _frame_for_model(features: pd.DataFrame) -> pd.DataFrame:
    columns = input_columns()
    missing = [c for c in columns if c not in features.columns]
    if missing:
        raise ModelError(f"features lack column(s) {', '.join(missing)}: rebuild them with 'imr-extract features'")
    frame = features[list(columns)].copy()
    for name, kind in columns.items():
        if kind == "number":
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
        else:
            frame[name] = frame[name].astype("object").where(frame[name].notna(), None)
    return frame


def _groups(features: pd.DataFrame) -> np.ndarray:
    case = features["case_number"].astype("object")
    return np.where(case.notna(), case, features["doc_id"]).astype(str)


@dataclass
class CrossValidation:
    """Out-of-fold predictions and per-fold metrics of the model and of the baseline."""

    folds: int
    probabilities: np.ndarray
    baseline_probabilities: np.ndarray
    fold_of: np.ndarray
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)


def _metrics(y: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, float]:
    from sklearn.metrics import balanced_accuracy_score, brier_score_loss, log_loss, roc_auc_score

    return {
        "roc_auc": float(roc_auc_score(y, p)) if len(set(y)) == 2 else float("nan"),
        "balanced_accuracy": float(balanced_accuracy_score(y, p >= threshold)),
        "brier": float(brier_score_loss(y, p)),
        "log_loss": float(log_loss(y, np.clip(p, 1e-6, 1 - 1e-6), labels=[0, 1])),
    }


def cross_validate(features: pd.DataFrame, estimator: str = "logistic", folds: int = 5,
                   seed: int = 0) -> CrossValidation:
    """Grouped, stratified k-fold: each case's items stay together in one fold."""
    from sklearn.base import clone
    from sklearn.dummy import DummyClassifier
    from sklearn.model_selection import StratifiedGroupKFold

    labelled = features[features[TARGET].notna()]
    y = labelled[TARGET].astype(bool).to_numpy().astype(int)
    groups = _groups(labelled)
    x = _frame_for_model(labelled)
    cases_per_class = [len(set(groups[y == value])) for value in (0, 1)]
    if min(cases_per_class) < 2:
        raise ModelError(f"too few cases to cross-validate: {cases_per_class[1]} case(s) with an upheld item and "
                         f"{cases_per_class[0]} with an overturned one (need at least 2 of each)")
    folds = max(2, min(folds, min(cases_per_class)))
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    pipeline = make_pipeline(estimator, seed)
    p = np.full(len(y), np.nan)
    base = np.full(len(y), np.nan)
    fold_of = np.full(len(y), -1)
    per_fold: list[dict[str, float]] = []
    for k, (train, test) in enumerate(splitter.split(x, y, groups)):
        if len(set(y[train])) < 2:
            raise ModelError("a training fold holds only one decision; give more letters or fewer --folds")
        fitted = clone(pipeline).fit(x.iloc[train], y[train])
        p[test] = fitted.predict_proba(x.iloc[test])[:, 1]
        base[test] = DummyClassifier(strategy="prior").fit(x.iloc[train], y[train]).predict_proba(x.iloc[test])[:, 1]
        fold_of[test] = k
        per_fold.append({"prevalence": float(y[train].mean())})
    # The decision threshold is the training prevalence: with most denials upheld, 0.5 would
    # call nearly everything upheld and hide what the model ranks.
    threshold = float(y.mean())
    result = CrossValidation(folds, p, base, fold_of)
    result.metrics = {"model": _metrics(y, p, threshold), "majority baseline": _metrics(y, base, threshold)}
    fold_auc = []
    for k in range(folds):
        mask = fold_of == k
        if len(set(y[mask])) == 2:
            fold_auc.append(_metrics(y[mask], p[mask], threshold)["roc_auc"])
    result.metrics["model"]["roc_auc_fold_sd"] = float(np.std(fold_auc)) if fold_auc else float("nan")
    return result


def calibration_plot(y: np.ndarray, p: np.ndarray, path: Path, bins: int = 10) -> Path:
    """Reliability diagram of out-of-fold probabilities, saved as PNG."""
    import matplotlib

    matplotlib.use("Agg")  # no display on servers and in CI
    import matplotlib.pyplot as plt
    from sklearn.calibration import calibration_curve

    observed, predicted = calibration_curve(y, p, n_bins=bins, strategy="quantile")
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(5, 6), height_ratios=[3, 1], sharex=True)
    top.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfectly calibrated")
    top.plot(predicted, observed, marker="o", label="decision model (out-of-fold)")
    top.set_ylabel("observed share upheld")
    top.set_title("Calibration of P(upheld)")
    top.legend(loc="upper left")
    bottom.hist(p, bins=20, range=(0, 1), color="tab:blue")
    bottom.set_xlabel("predicted P(upheld)")
    bottom.set_ylabel("items")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def train(features: pd.DataFrame, estimator: str = "logistic", folds: int = 5, seed: int = 0,
          source: str = "") -> dict[str, Any]:
    """Cross-validate, then fit on every labelled item; return the model bundle to save."""
    import sklearn

    cv = cross_validate(features, estimator=estimator, folds=folds, seed=seed)
    labelled = features[features[TARGET].notna()]
    y = labelled[TARGET].astype(bool).to_numpy().astype(int)
    pipeline = make_pipeline(estimator, seed).fit(_frame_for_model(labelled), y)
    return {
        "kind": MODEL_KIND,
        "features_version": spec()["version"],
        "columns_hash": columns_hash(),
        "columns": input_columns(),
        "target": TARGET,
        "estimator": estimator,
        "pipeline": pipeline,
        "threshold": float(y.mean()),
        "metrics": cv.metrics,
        "folds": cv.folds,
        "oof": {"y": y, "p": cv.probabilities},
        "data": {
            "source": source,
            "letters": int(labelled["doc_id"].nunique()),
            "cases": int(len(set(_groups(labelled)))),
            "items": int(len(labelled)),
            "upheld_share": float(y.mean()),
            "by_category": labelled.groupby("service_category", dropna=False)[TARGET]
                                   .agg(["size", "mean"]).rename(columns={"size": "items", "mean": "upheld_share"})
                                   .reset_index().to_dict("records"),
        },
        "sklearn": sklearn.__version__,
        "trained": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }


def save(bundle: dict[str, Any], path: Path) -> Path:
    """Write the model bundle with joblib (atomically)."""
    import joblib

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    joblib.dump(bundle, tmp)
    tmp.replace(path)
    return path


def load_model(path: Path) -> dict[str, Any]:
    """Read a model file, refusing one that is not ours or was trained on other features."""
    import joblib

    path = Path(path)
    if not path.exists():
        raise ModelError(f"no model at {path}: train one with 'imr-extract model train DATASET --out {path}'")
    try:
        bundle = joblib.load(path)
    except Exception as exc:  # a pickle from elsewhere fails in many ways; all mean "not usable"
        raise ModelError(f"{path} is not a readable model file ({type(exc).__name__})") from None
    if not isinstance(bundle, dict) or bundle.get("kind") != MODEL_KIND:
        raise ModelError(f"{path} is not an imr-extractor decision model")
    if bundle.get("columns_hash") != columns_hash():
        theirs, ours = set(bundle.get("columns", {})), set(input_columns())
        detail = []
        if ours - theirs:
            detail.append(f"new column(s): {', '.join(sorted(ours - theirs))}")
        if theirs - ours:
            detail.append(f"column(s) no longer made: {', '.join(sorted(theirs - ours))}")
        if not detail:
            detail.append(f"features version {bundle.get('features_version')} vs {spec()['version']}")
        raise ModelError(f"{path} was trained on another version of the features ({'; '.join(detail)}); "
                         "retrain it with 'imr-extract model train'")
    return bundle


def predict(bundle: dict[str, Any], features: pd.DataFrame) -> pd.DataFrame:
    """P(upheld) and the predicted decision for every item of a features table."""
    p = bundle["pipeline"].predict_proba(_frame_for_model(features))[:, 1]
    out = features[["doc_id", "case_number", "item_index", "service", "service_category"]].copy()
    out["p_upheld"] = p
    out["predicted"] = np.where(p >= bundle["threshold"], "upheld", "overturned")
    if "decision" in features.columns:
        out["decision"] = features["decision"]
    return out


def top_weights(bundle: dict[str, Any], n: int = 12) -> list[tuple[str, float]]:
    """The largest logistic coefficients by size (towards upheld > 0); empty for boosting."""
    pipeline = bundle["pipeline"]
    model = pipeline.named_steps["model"]
    if not hasattr(model, "coef_"):
        return []
    names = pipeline.named_steps["prepare"].get_feature_names_out()
    weights = sorted(zip(names, model.coef_[0]), key=lambda pair: -abs(pair[1]))[:n]
    return [(str(name).split("__", 1)[-1], float(w)) for name, w in weights]


def auc_standard_error(auc: float, positives: int, negatives: int) -> float:
    """The standard error of a ROC AUC (Hanley & McNeil, Radiology 1982)."""
    q1, q2 = auc / (2 - auc), 2 * auc * auc / (1 + auc)
    variance = (auc * (1 - auc) + (positives - 1) * (q1 - auc * auc) + (negatives - 1) * (q2 - auc * auc)) \
        / max(1, positives * negatives)
    return float(np.sqrt(max(variance, 0.0)))


def beats_baseline(bundle: dict[str, Any]) -> bool:
    """Whether the model's out-of-fold ROC AUC beats the baseline's by more than twice its standard error.

    On a few hundred items a model without signal reaches 0.55 by chance; a gain inside the
    AUC's own uncertainty is not a gain.
    """
    metrics = bundle["metrics"]
    y = np.asarray(bundle["oof"]["y"], dtype=bool)
    auc = metrics["model"]["roc_auc"]
    return auc - metrics["majority baseline"]["roc_auc"] > 2 * auc_standard_error(auc, int(y.sum()), int((~y).sum()))


def model_card(bundle: dict[str, Any], model_path: Path, plot: Optional[Path]) -> str:
    """The model card (Markdown): data, features, metrics, limits, how to retrain."""
    data, metrics = bundle["data"], bundle["metrics"]
    columns = bundle["columns"]
    lines = [
        "# Decision model card",
        "",
        "Predicts whether an Independent Medical Review upholds a utilization review denial "
        "(`upheld`: the service is not medically necessary) from what a letter says before the decision.",
        "Written by `imr-extract model train`; every figure below was computed by that command.",
        "",
        "## Data",
        f"- Trained on: `{data['source']}`",
        f"- {data['letters']} letters, {data['cases']} cases, {data['items']} disputed items; "
        f"{data['upheld_share']:.1%} upheld.",
        f"- Trained {bundle['trained']} with scikit-learn {bundle['sklearn']}, features version "
        f"{bundle['features_version']} (fingerprint `{bundle['columns_hash']}`).",
        "",
        "| service category | items | share upheld |",
        "|---|---|---|",
    ]
    for row in sorted(data["by_category"], key=lambda r: -r["items"]):
        lines.append(f"| {row['service_category']} | {row['items']} | {row['upheld_share']:.2f} |")
    categorical = [c for c, k in columns.items() if k == "category"]
    numeric = [c for c, k in columns.items() if k == "number"]
    lines += [
        "",
        "## Features",
        f"{len(columns)} inputs from the features table (`imr-extract features`; every column is "
        "documented in docs/analysis.md): "
        f"{len(categorical)} categories ({', '.join(categorical)}) and {len(numeric)} numbers "
        "(ages, days, quantities, pain scores, and counts of present and absent findings and of prior "
        "treatments by kind). Never an input: the rationale, the MAXIMUS guideline and its sections, "
        "the decision lines, and any mention outside the case summary, documents reviewed and issue at "
        "dispute sections — they are written after, or because of, the decision.",
        "",
        "## Model",
        f"- Estimator: `{bundle['estimator']}` in a scikit-learn Pipeline: a ColumnTransformer one-hot "
        "encodes categories (levels seen fewer than 3 times pooled) and median-imputes (with missing "
        "indicators) and scales numbers.",
        "- Logistic regression is the default: on a few hundred items it is stable, its probabilities "
        "are close to calibrated, and its weights can be read. `--estimator boosting` "
        "(HistGradientBoosting) suits an archive of many thousands of items, where interactions pay.",
        f"- Decision threshold: {bundle['threshold']:.3f} (the training share upheld), so that "
        "balanced accuracy reflects how the model ranks rather than the class imbalance.",
        "",
        "## Metrics",
        f"Out-of-fold, {bundle['folds']}-fold cross-validation grouped by case (StratifiedGroupKFold): "
        "the items of one letter never sit on both sides of a split. The baseline predicts the "
        "training share for every item, through the same folds.",
        "",
        "| | ROC AUC (95% CI) | balanced accuracy | Brier | log loss |",
        "|---|---|---|---|---|",
    ]
    y = np.asarray(bundle["oof"]["y"], dtype=bool)
    for name, m in metrics.items():
        # Hanley & McNeil's standard error: on a few hundred items the interval is wide.
        half = 1.96 * auc_standard_error(m["roc_auc"], int(y.sum()), int((~y).sum()))
        low, high = max(0.0, m["roc_auc"] - half), min(1.0, m["roc_auc"] + half)
        lines.append(f"| {name} | {m['roc_auc']:.3f} ({low:.2f}-{high:.2f}) | {m['balanced_accuracy']:.3f} | "
                     f"{m['brier']:.3f} | {m['log_loss']:.3f} |")
    lines.append("")
    lines.append(f"ROC AUC across folds: standard deviation {metrics['model']['roc_auc_fold_sd']:.3f}.")
    if plot is not None:
        lines += ["", f"![Calibration of P(upheld), out-of-fold]({Path(plot).name})"]
    weights = top_weights(bundle)
    if weights:
        lines += ["", "Largest weights (positive: towards upheld):", "",
                  "| input | weight |", "|---|---|"]
        lines += [f"| {name} | {w:+.2f} |" for name, w in weights]
    lines += [
        "",
        "## Limits",
        f"- The figures above come from the {data['items']} items of {data['cases']} cases in "
        f"`{data['source']}` and hold for letters like those, no others."
        + (" With so few cases the fold-to-fold spread is wide: read them as a range, not a value."
           if data["cases"] < 500 else ""),
        *([f"- **This model does not beat the baseline** (ROC AUC {metrics['model']['roc_auc']:.3f} against "
           f"{metrics['majority baseline']['roc_auc']:.3f}, a difference within twice the AUC's standard "
           "error): on this data it has learnt nothing usable."]
          if not beats_baseline(bundle) else []),
        "- The features are what the extractor reads. Its errors (a missed negation, a finding counted "
        "in the wrong section) become feature noise; see `imr-extract evaluate` for field accuracy.",
        "- A prediction is a statement about past review patterns, not about medical necessity for a "
        "patient. Do not use it to decide care.",
        "- Patterns drift: guideline editions (MTUS 2009 vs 2016), reviewer pools and case mix change "
        "over the years. Check calibration on recent letters before trusting probabilities.",
        "",
        "## Retrain on a real archive",
        "```bash",
        "imr-extract run /archive/letters --out /data/imr          # extract every letter",
        "imr-extract model train /data/imr --out trained/decision.joblib --estimator boosting",
        "imr-extract model predict /data/new-letters --model trained/decision.joblib --out predictions.csv",
        "```",
        "`model train` writes the model, this card (`--card`) and the calibration plot beside it. "
        "A model file records its features fingerprint; `model predict` refuses a model trained on "
        "another version of the features rather than mis-reading columns.",
        "",
    ]
    return "\n".join(lines)
