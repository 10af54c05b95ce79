"""Accuracy of the fairness step's bootstrap intervals with the default settings.

1. Monte Carlo error: one window, the bootstrap rerun with ``--seeds`` seeds; per metric, the spread
   of the half-width across seeds relative to its mean (what the finite resample count adds to each
   endpoint), beside the theory for a normal statistic, 1 / sqrt(2 (B - 1)).
2. Coverage: ``--windows`` windows drawn from the census-like model of ``bench_bias.py``; the share
   whose interval holds the true value. The truth is the metric on a ``--population``-row draw, except
   FT, whose value depends on the window size (a k-NN's neighbourhoods shrink as rows grow): its truth
   is the mean over the simulated windows.

    python scripts/bench_bias_intervals.py [--rows 2000] [--windows 200] [--seeds 20] [--population 1000000]
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_bias import census_window, config

from container.steps.bias import run_bias


def _metrics(report: dict, with_intervals: bool = True) -> dict[str, tuple[float, list[float] | None]]:
    out = {}
    for stage in ("pre_training_bias_metrics", "post_training_bias_metrics"):
        for metric in report[stage]["facets"]["SEX"][0]["metrics"]:
            value = metric.get("value")
            if isinstance(value, int | float) and math.isfinite(value):
                out[metric["name"]] = (float(value), metric.get("confidence_interval") if with_intervals else None)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--windows", type=int, default=200)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--population", type=int, default=1_000_000)
    args = parser.parse_args()
    settings = config()
    b = settings.resamples

    window = census_window(args.rows, seed=10_000)
    widths: dict[str, list[float]] = {}
    for seed in range(args.seeds):
        report = run_bias(window, dataclasses.replace(settings, seed=seed), "prediction", None).documents[0].content
        for name, (_, interval) in _metrics(report).items():
            if interval is not None:
                widths.setdefault(name, []).append((interval[1] - interval[0]) / 2)
    print(f"Monte Carlo error of the endpoints, {args.rows} rows, {b} resamples, {args.seeds} seeds")
    print(f"  theory for a normal statistic: {1 / math.sqrt(2 * (b - 1)):.3f} x half-width")
    for name, w in sorted(widths.items()):
        print(f"  {name:6s} half-width {np.mean(w):.4f}, seed-to-seed sd {np.std(w, ddof=1) / np.mean(w):.3f} x half-width")

    population = census_window(args.population, seed=1)
    truth_settings = dataclasses.replace(settings, resamples=0, features=("PINCP",))  # FT: truth simulated below
    truth = _metrics(run_bias(population, truth_settings, "prediction", None).documents[0].content, with_intervals=False)
    values: dict[str, list[float]] = {}
    intervals: dict[str, list[list[float]]] = {}
    for w in range(args.windows):
        report = run_bias(census_window(args.rows, seed=100 + w), settings, "prediction", None).documents[0].content
        for name, (value, interval) in _metrics(report).items():
            if interval is not None:
                values.setdefault(name, []).append(value)
                intervals.setdefault(name, []).append(interval)
    print(f"Coverage of the {settings.confidence:.0%} intervals, {args.windows} windows of {args.rows} rows")
    se = math.sqrt(settings.confidence * (1 - settings.confidence) / args.windows)
    print(f"  (binomial standard error of a coverage near {settings.confidence:.0%}: {se:.3f})")
    for name in sorted(intervals):
        target = float(np.mean(values[name])) if name == "FT" else truth[name][0]
        held = np.array([low <= target <= high for low, high in intervals[name]])
        print(f"  {name:6s} truth {target:+.4f}  covered {held.mean():.3f} of {len(held)}")


if __name__ == "__main__":
    main()
