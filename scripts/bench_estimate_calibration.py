"""Calibration benchmark of the label-free estimate: bias, mean absolute error and interval coverage.

Each trial draws a fresh labelled baseline and a fresh window from the same process, with scores that are
under-confident (the real chance of a positive is ``score ** 0.6``), fits the calibration on the baseline
and compares the window's estimate with its realised metrics (scikit-learn). Repeated over many baselines,
so the coverage includes the baseline's own sampling error, as the interval claims to.

    .venv/bin/python scripts/bench_estimate_calibration.py            # three sizes, 300 trials each
    .venv/bin/python scripts/bench_estimate_calibration.py --trials 60 --baseline 50000 --window 5000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analyzers.model_quality.calibration import fit_calibration
from analyzers.model_quality.estimate import estimate

NAMES = ("accuracy", "precision", "recall", "f1", "auc")


def draw(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    score = np.round(rng.beta(2, 3, n), 4)
    return score, rng.random(n) < score**0.6


def realised(y: np.ndarray, predicted: np.ndarray, score: np.ndarray) -> dict[str, float]:
    return {
        "accuracy": accuracy_score(y, predicted),
        "precision": precision_score(y, predicted, zero_division=0),
        "recall": recall_score(y, predicted, zero_division=0),
        "f1": f1_score(y, predicted, zero_division=0),
        "auc": roc_auc_score(y, score),
    }


def run(baseline: int, window: int, trials: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    covered, errors = dict.fromkeys(NAMES, 0), {name: [] for name in NAMES}
    started = time.perf_counter()
    for _ in range(trials):
        score, y = draw(rng, baseline)
        calibration = fit_calibration(y, score)
        score, y = draw(rng, window)
        predicted = score > 0.5
        truth = realised(y, predicted, score)
        found = estimate(score, predicted, calibration, rng)
        for name in NAMES:
            covered[name] += found[name].lower <= truth[name] <= found[name].upper
            errors[name].append(found[name].value - truth[name])
    seconds = (time.perf_counter() - started) / trials
    print(f"\nbaseline {baseline} rows, window {window} rows, {trials} trials ({seconds:.2f} s per trial)")
    print(f"{'metric':<10}{'bias':>9}{'MAE':>9}{'coverage (95%)':>17}")
    for name in NAMES:
        e = np.asarray(errors[name])
        print(f"{name:<10}{e.mean():>9.4f}{np.abs(e).mean():>9.4f}{covered[name] / trials:>17.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=300)
    parser.add_argument("--baseline", type=int, help="baseline rows (default: three size pairs)")
    parser.add_argument("--window", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sizes = [(args.baseline, args.window)] if args.baseline else [(3_000, 5_000), (50_000, 5_000), (20_000, 500)]
    for baseline, window in sizes:
        run(baseline, window, args.trials, args.seed)


if __name__ == "__main__":
    main()
