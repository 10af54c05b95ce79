"""Time and memory of the fairness step on a census-like window, with the container's default settings.

The window has the shape of the ACS census extracts users monitor: numeric-coded categorical columns
(SEX, SCHL, MAR, RAC1P, COW, RELP, POBP, OCCP), a few continuous ones (AGEP, WKHP, PINCP), a binary
label and a binary prediction that depends on the features (and a little on SEX). The facet is
``SEX == 2``, the group variable ``RAC1P``. ``run_bias`` runs as the monitoring job calls it: both
stages, every metric, default bootstrap (``BiasConfig``'s resamples), FlipTest on the numeric inputs.

Prints the wall time of each run, their median, and the process's peak RSS.

    python scripts/bench_bias.py [--rows 20000] [--repeats 3] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from container.bias_settings import BiasConfig, FacetConfig
from container.steps.bias import run_bias
from container.steps.bias_columns import LABEL


def census_window(rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = rng.integers(1, 3, rows)
    agep = rng.integers(17, 96, rows)
    schl = rng.integers(1, 25, rows)
    wkhp = np.clip(rng.normal(38, 12, rows).round(), 1, 99).astype("int64")
    pincp = np.round(rng.lognormal(10.3, 0.9, rows), 2)
    score = 0.08 * (schl - 16) + 0.03 * (wkhp - 38) + 0.4 * (np.log(pincp) - 10.3) - 0.25 * (sex == 2)
    prob = 1 / (1 + np.exp(-score))
    label = (rng.random(rows) < prob).astype("int64")
    prediction = (prob + rng.normal(0, 0.1, rows) > 0.5).astype("int64")
    return pd.DataFrame(
        {
            "AGEP": agep,
            "COW": rng.integers(1, 9, rows),
            "SCHL": schl,
            "MAR": rng.integers(1, 6, rows),
            "OCCP": rng.integers(0, 500, rows) * 10,
            "POBP": rng.integers(0, 60, rows),
            "RELP": rng.integers(0, 18, rows),
            "WKHP": wkhp,
            "SEX": sex,
            "RAC1P": rng.integers(1, 10, rows),
            "PINCP": pincp,
            "prediction": prediction,
            LABEL: label,  # the label joined from ground truth, as labelled_frame leaves it
        }
    )


def config() -> BiasConfig:
    return BiasConfig(label="label", label_values=(1,), facets=(FacetConfig("SEX", (2,)),), group_variable="RAC1P")


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions of one run")
    args = parser.parse_args()
    frame, settings = census_window(args.rows), config()
    run_bias(frame.head(200), settings, "prediction", None)  # imports (scipy.stats...) out of the timing
    before = _peak_rss_mib()
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        run_bias(frame, settings, "prediction", None)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        return
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        run = run_bias(frame, settings, "prediction", None)
        times.append(time.perf_counter() - start)
    post = run.documents[0].content["post_training_bias_metrics"]["facets"]["SEX"][0]["metrics"]
    with_interval = sum("confidence_interval" in m for m in post)
    print(f"rows {args.rows}, resamples {settings.resamples}, runs: {', '.join(f'{t:.2f}' for t in times)} s")
    print(f"median {statistics.median(times):.2f} s; peak RSS {_peak_rss_mib():.0f} MiB (after imports {before:.0f} MiB)")
    print(f"post-training metrics with an interval: {with_interval} of {len(post)}")


if __name__ == "__main__":
    main()
