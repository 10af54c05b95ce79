"""The Evaluate step's script, run by ``python3`` in SageMaker's built-in XGBoost image (which has xgboost and
numpy): score the trained model on the validation set and write ``evaluation.json``, the property file the
pipeline's condition reads (``binary_classification_metrics.auc.value``, the layout of Model Monitor's
model-quality statistics).

Inputs as the pipeline mounts them: the model tarball in /opt/ml/processing/model, the validation CSV files
(label first, no header: XGBoost's CSV layout) in /opt/ml/processing/validation.
"""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import numpy as np

BASE = Path("/opt/ml/processing")


def auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve by ranks (Mann-Whitney U), ties sharing their mean rank."""
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    positives = labels == 1
    n_pos, n_neg = int(positives.sum()), int((~positives).sum())
    if n_pos == 0 or n_neg == 0:
        raise SystemExit("the validation set needs both classes to compute AUC")
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def main() -> None:
    import xgboost

    with tarfile.open(BASE / "model" / "model.tar.gz") as tar:
        tar.extractall(BASE / "model")
    booster = xgboost.Booster()
    booster.load_model(str(BASE / "model" / "xgboost-model"))
    files = sorted(p for p in (BASE / "validation").rglob("*") if p.is_file())
    data = np.vstack([np.loadtxt(p, delimiter=",", ndmin=2) for p in files])
    labels, features = data[:, 0], data[:, 1:]
    scores = booster.predict(xgboost.DMatrix(features))
    report = {"binary_classification_metrics": {"auc": {"value": auc(labels, scores), "standard_deviation": "NaN"}}}
    out = BASE / "evaluation"
    out.mkdir(parents=True, exist_ok=True)
    (out / "evaluation.json").write_text(json.dumps(report))
    print(json.dumps(report))


if __name__ == "__main__":
    main()
