"""Calibration and cost of feature attribution drift (issue 21): how often the violation fires.

Calibration: a scorer of 8 features (two pairs of near-equal importance, where rankings swap by chance), a
baseline of ``--baseline-rows`` explained rows, then windows of each size drawn from the same distribution and
explained with the same model (should be quiet) or with a model that leans on other features (should alarm:
all weights reversed, a minor feature risen to first, the top two faded), through the same functions the job
uses (Kernel SHAP, Clarify's mean_abs, nDCG and its bootstrap interval).

Cost: one monitoring job's Kernel SHAP through a model served over HTTP on the loopback address (the tests'
runtime stand-in), in rows explained per second, calls and model rows per second, and peak RSS.

    .venv/bin/python scripts/bench_attribution.py [--windows 100] [--sizes 20,50,200,1000]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzers.attribution.background import background as kmeans_background  # noqa: E402
from analyzers.attribution.global_values import global_values, ndcg_interval  # noqa: E402
from analyzers.attribution.kernel_shap import explain  # noqa: E402
from analyzers.attribution.ndcg import THRESHOLD  # noqa: E402

NAMES = tuple(f"x{i}" for i in range(8))
WEIGHTS = np.array([2.0, 1.9, 1.2, 1.15, 0.6, 0.3, 0.1, 0.05])  # two near ties at the top
SCENARIOS = {  # the window's model
    "unchanged": WEIGHTS,
    "reversed": WEIGHTS[::-1].copy(),  # the same weights on other features
    "x4 rises to first": np.array([2.0, 1.9, 1.2, 1.15, 2.5, 0.3, 0.1, 0.05]),
    "top two fade": np.array([0.5, 0.5, 1.2, 1.15, 0.6, 0.3, 0.1, 0.05]),
}


def scorer(weights: np.ndarray):
    def predict(rows: np.ndarray) -> np.ndarray:
        z = np.asarray(rows, dtype=np.float64) @ weights
        return 1 / (1 + np.exp(-z / 3))

    return predict


def attributions(predict, rows: np.ndarray, background: np.ndarray) -> np.ndarray:
    return explain(predict, rows, background, num_samples=256, link="identity").local


def calibrate(windows: int, sizes: list[int], baseline_rows: int) -> None:
    rng = np.random.default_rng(0)
    data = rng.normal(0, 1, (5_000, len(NAMES)))
    background = kmeans_background(data, 10)
    base = global_values(attributions(scorer(WEIGHTS), data[:baseline_rows], background), NAMES)
    print(f"baseline: {baseline_rows} rows; ranking {sorted(base, key=lambda f: -base[f])}")
    print("| window rows | model | windows | alarms | median nDCG | median upper bound |")
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    for size in sizes:
        for label, weights in SCENARIOS.items():
            alarms, values, highs = 0, [], []
            count = windows if label == "unchanged" else max(10, windows // 5)
            for w in range(count):
                rows = rng.normal(0, 1, (size, len(NAMES)))
                local = attributions(scorer(weights), rows, background)
                found = ndcg_interval(local, NAMES, base, seed=w)
                alarms += found.high < THRESHOLD
                values.append(found.value)
                highs.append(found.high)
            print(f"| {size:,} | {label} | {count} | {alarms / count:.1%} | {np.median(values):.4f} | {np.median(highs):.4f} |")


def cost(rows: int) -> None:
    from container.endpoint_model import EndpointModel
    from container.explainability_settings import EndpointSettings
    from tests.model_server import ModelServer

    rng = np.random.default_rng(1)
    data = rng.normal(0, 1, (rows, len(NAMES))).round(4).astype(str).astype(object)
    background = rng.normal(0, 1, (10, len(NAMES)))
    timings = []
    with ModelServer(scorer(WEIGHTS), headers=NAMES) as server:
        os.environ.update(server.env())
        for _ in range(3):
            model = EndpointModel("bench", NAMES, EndpointSettings(rows_per_call=500, concurrency=4, max_calls=100_000))
            started = time.perf_counter()
            explain(model.predict, data, background, num_samples=256, batch_rows=2_000)
            timings.append((time.perf_counter() - started, model.usage()))
    seconds, usage = sorted(timings, key=lambda t: t[0])[1]  # the median of three
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"endpoint (loopback HTTP, CSV, 8 features, 10 background rows, exact Kernel SHAP): {rows} rows explained in "
        f"{seconds:.2f} s (median of 3) = {rows / seconds:.1f} rows/s; {usage.calls} calls, "
        f"{usage.rows_sent / seconds:,.0f} model rows/s; peak RSS {peak:.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--windows", type=int, default=100, help="unchanged windows per size (each drift: a fifth)")
    parser.add_argument("--sizes", default="20,50,200,1000", help="window rows explained, comma-separated")
    parser.add_argument("--baseline-rows", type=int, default=1_000)
    parser.add_argument("--cost-rows", type=int, default=200, help="rows explained through the loopback endpoint")
    args = parser.parse_args()
    calibrate(args.windows, [int(s) for s in args.sizes.split(",")], args.baseline_rows)
    cost(args.cost_rows)


if __name__ == "__main__":
    main()
