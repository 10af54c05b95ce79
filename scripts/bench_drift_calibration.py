"""Calibration of the drift rule: false alarms on unchanged windows, detection of practical shifts.

A baseline of 100k rows x 20 features (14 numeric of several shapes, integer-valued ones with ties
among them, and 6 categorical) is drawn once. For each window size, many 20-feature windows are drawn
from the baseline's own distribution and the share of jobs with *any* drift alarm is printed; then
windows where one feature moved by a practical amount (true L-infinity exactly 0.1: a mean shift, a
scale change, or a category's share moving) and the share detected. Beside it, in the same run, the
naive rule (scipy's ks_2samp / chi2_contingency per feature at p < 0.05, on the raw data).

Our rule runs on profiles (sketches), exactly as the monitoring job does.

    python scripts/bench_drift_calibration.py [--jobs 200] [--sizes 100 1000 10000 100000 1000000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
from scipy import optimize, stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analyzers.drift.rule import DRIFT, FeatureInput, assess
from analyzers.drift.settings import DriftSettings
from analyzers.profile import FeatureProfile, profile_column
from analyzers.types import ColumnData

BASELINE_ROWS = 100_000
CATEGORIES = [3, 4, 5, 6, 8, 10]
# True L-infinity of a normal mean shift of d standard deviations is 2 * Phi(d / 2) - 1.
MEAN_SHIFT_01 = 2 * stats.norm.ppf(0.55)


def _scale_linf(s: float) -> float:
    """True L-infinity between N(0, 1) and N(0, s^2)."""
    x = np.linspace(-8, 8, 200_001)
    return float(np.max(np.abs(stats.norm.cdf(x) - stats.norm.cdf(x / s))))


SCALE_01 = optimize.brentq(lambda s: _scale_linf(s) - 0.1, 1.01, 3.0)


def _shares(k: int) -> np.ndarray:
    weights = np.arange(k, 0, -1, dtype=float)
    return weights / weights.sum()


def draw(rng: np.random.Generator, n: int, shift: tuple[str, int] | None = None) -> list[np.ndarray]:
    """20 columns; ``shift`` = (kind, column) moves that column by a true L-infinity of 0.1."""
    cols: list[np.ndarray] = []
    for i in range(6):
        mean, scale = float(i), 1.0 + i / 5
        if shift == ("mean", i):
            mean += MEAN_SHIFT_01 * scale
        if shift == ("scale", i):
            scale *= SCALE_01
        cols.append(rng.normal(mean, scale, n))
    cols.append(rng.lognormal(0, 0.5, n))
    cols.append(rng.exponential(2.0, n))
    cols.append(rng.uniform(0, 10, n))
    cols.append(np.concatenate([rng.normal(-2, 1, n // 2), rng.normal(2, 1, n - n // 2)]))
    cols.extend(rng.poisson(lam, n).astype(float) for lam in (3, 10, 30))  # integers: many ties
    cols.append(rng.integers(0, 100, n).astype(float))
    for j, k in enumerate(CATEGORIES):
        p = _shares(k)
        if shift == ("share", 14 + j):
            p = p.copy()
            p[0] -= 0.1
            p[-1] += 0.1
        cols.append(rng.choice(k, n, p=p).astype(str))
    return cols


def profiles(cols: list[np.ndarray]) -> list[FeatureProfile]:
    out = []
    for i, col in enumerate(cols):
        name = f"f{i}"
        if col.dtype.kind == "f":
            out.append(profile_column(ColumnData(name, col, None, 0, 0, len(col), 0)))
        else:
            out.append(profile_column(ColumnData(name, np.empty(0), pa.array(col), 0, 0, 0, len(col))))
    return out


def ours(base: list[FeatureProfile], window: list[FeatureProfile], settings: DriftSettings) -> set[int]:
    inputs = {b.name: FeatureInput(b, w, numeric=b.categories is None) for b, w in zip(base, window, strict=True)}
    return {i for i, v in enumerate(assess(inputs, settings)) if v.status == DRIFT}


def naive(base: list[np.ndarray], window: list[np.ndarray]) -> set[int]:
    hits = set()
    for i, (b, w) in enumerate(zip(base, window, strict=True)):
        if b.dtype.kind == "f":
            p = stats.ks_2samp(b, w).pvalue
        else:
            keys, counts = np.unique(np.concatenate([b, w]), return_counts=True)
            in_b = dict(zip(*np.unique(b, return_counts=True), strict=True))
            table = np.array([[in_b.get(k, 0) for k in keys], [c - in_b.get(k, 0) for k, c in zip(keys, counts, strict=True)]])
            p = stats.chi2_contingency(table)[1]
        if p < 0.05:
            hits.add(i)
    return hits


def _upper(k: int, n: int) -> float:
    """95% upper bound of a binomial share (Clopper-Pearson)."""
    return 1.0 if k == n else float(stats.beta.ppf(0.975, k + 1, n - k))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=200, help="windows per size and case (fewer at 1M)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1_000, 10_000, 100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    settings = DriftSettings()
    base_raw = draw(rng, BASELINE_ROWS)
    base = profiles(base_raw)
    shifts = [("mean", i) for i in range(6)] + [("scale", i) for i in range(6)] + [("share", 14 + j) for j in range(6)]
    print(
        f"baseline {BASELINE_ROWS:,} rows x 20 features; rule: {settings.correction.value} at {settings.level}, "
        f"L-infinity floor {settings.resolve('x', True).floor}; shifts have a true L-infinity of 0.1"
    )
    print(
        f"{'window':>9} {'jobs':>5} | {'any alarm: ours':>16} {'(95% upper)':>11} {'naive':>7} | "
        f"{'shift caught: ours':>18} {'naive':>7} {'naive false extra':>17} | {'s/job':>6}"
    )
    for size in args.sizes:
        jobs = max(20, args.jobs // 4) if size >= 1_000_000 else args.jobs
        t = time.perf_counter()
        ours_alarm = naive_alarm = 0
        for _ in range(jobs):
            raw = draw(rng, size)
            ours_alarm += bool(ours(base, profiles(raw), settings))
            naive_alarm += bool(naive(base_raw, raw))
        caught = naive_caught = naive_extra = 0
        for j in range(jobs):
            kind, column = shifts[j % len(shifts)]
            raw = draw(rng, size, (kind, column))
            caught += column in ours(base, profiles(raw), settings)
            hits = naive(base_raw, raw)
            naive_caught += column in hits
            naive_extra += bool(hits - {column})
        per_job = (time.perf_counter() - t) / (2 * jobs)
        print(
            f"{size:>9,} {jobs:>5} | {ours_alarm / jobs:>16.1%} {_upper(ours_alarm, jobs):>11.1%} {naive_alarm / jobs:>7.1%} | "
            f"{caught / jobs:>18.1%} {naive_caught / jobs:>7.1%} {naive_extra / jobs:>17.1%} | {per_job:>6.2f}"
        )


if __name__ == "__main__":
    main()
