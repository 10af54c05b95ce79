"""Calibration of the multivariate drift methods (analyzers/multivariate): false alarms on unchanged windows and
detection of the shifts no single feature shows, at several window sizes.

Scenarios (a generator with 6 numeric features, x0 and x1 correlated 0.8, x2 depending on a segment; a country
and the currency it determines):
- unchanged: fresh rows from the baseline's generator;
- correlation flip: x1 = -0.8 x0 + noise (every marginal unchanged);
- segment mix: segment shares 50/30/20 become 20/30/50;
- broken dependency: the currency drawn apart from the country (both marginals unchanged).

Each window is reduced to the job's seeded row sample (``--row-budget``, default 10,000 rows), as the step does.
Prints, per size and method, the share of windows that alarm (false alarms for "unchanged", power otherwise),
the median feature ranked first, and the wall time per window.

    python scripts/bench_multivariate.py [--sizes 1000 10000 100000] [--windows 200] [--classifier-windows 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analyzers.multivariate.domain_classifier import assess_domain_with
from analyzers.multivariate.encoding import fit_encoding
from analyzers.multivariate.reconstruction import assess_reconstruction, fit_reconstruction
from analyzers.multivariate.settings import MultivariateSettings

COUNTRIES = np.array(["US", "DE", "FR", "JP"])
CURRENCY = {"US": "USD", "DE": "EUR", "FR": "EUR", "JP": "JPY"}
SEGMENTS = np.array(["a", "b", "c"])


def rows(rng: np.random.Generator, n: int, scenario: str = "unchanged") -> tuple[dict, dict]:
    x0 = rng.normal(0, 1, n)
    rho = -0.8 if scenario == "correlation flip" else 0.8
    x1 = rho * x0 + np.sqrt(1 - rho**2) * rng.normal(0, 1, n)
    shares = [0.2, 0.3, 0.5] if scenario == "segment mix" else [0.5, 0.3, 0.2]
    segment = rng.choice(SEGMENTS, n, p=shares)
    x2 = np.select([segment == "a", segment == "b"], [0.0, 1.0], 2.0) + rng.normal(0, 0.5, n)
    others = {f"x{i}": rng.normal(i, 1, n) for i in range(3, 6)}
    country = rng.choice(COUNTRIES, n, p=[0.4, 0.25, 0.2, 0.15])
    currency = np.array([CURRENCY[c] for c in country], dtype=object)
    if scenario == "broken dependency":
        currency = rng.permutation(currency)
    numbers = {"x0": x0, "x1": x1, "x2": x2, **others}
    texts = {"segment": segment.astype(object), "country": country.astype(object), "currency": currency}
    return numbers, texts


def sample(numbers: dict, texts: dict, budget: int, rng: np.random.Generator) -> tuple[dict, dict]:
    n = len(next(iter(numbers.values())))
    if n <= budget:
        return numbers, texts
    keep = np.sort(rng.choice(n, budget, replace=False))
    return {k: v[keep] for k, v in numbers.items()}, {k: v[keep] for k, v in texts.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--windows", type=int, default=200, help="windows per size and scenario (reconstruction)")
    parser.add_argument("--classifier-windows", type=int, default=20, help="of those, how many the classifier also judges")
    parser.add_argument("--row-budget", type=int, default=10_000)
    args = parser.parse_args()
    settings = MultivariateSettings()
    rng = np.random.default_rng(20)
    base_numbers, base_texts = rows(rng, settings.row_budget)
    encoding = fit_encoding(base_numbers, base_texts, settings.max_levels)
    base = encoding.encode(base_numbers, base_texts)
    model = fit_reconstruction(base, settings.variance_share, seed=0)
    print(f"baseline: {len(base)} rows, {base.shape[1]} encoded columns, {len(model.components)} components")
    scenarios = ["unchanged", "correlation flip", "segment mix", "broken dependency"]
    print(f"{'rows':>8} {'scenario':18} {'recon alarms':>13} {'top':>9} {'ms':>6} {'domain alarms':>14} {'top':>9} {'s':>6}")
    for size in args.sizes:
        for scenario in scenarios:
            recon, domain, recon_top, domain_top, recon_ms, domain_s = [], [], Counter(), Counter(), [], []
            for w in range(args.windows):
                numbers, texts = sample(*rows(rng, size, scenario), args.row_budget, rng)
                window = encoding.encode(numbers, texts)
                t = time.perf_counter()
                r = assess_reconstruction(model, window, encoding.owners, settings.level, settings.reconstruction_floor)
                recon_ms.append((time.perf_counter() - t) * 1e3)
                recon.append(r.drifted)
                recon_top[r.contributions[0][0]] += 1
                if w < args.classifier_windows:
                    t = time.perf_counter()
                    d = assess_domain_with(settings, base, window, encoding.owners, seed=w)
                    domain_s.append(time.perf_counter() - t)
                    domain.append(d.drifted)
                    domain_top[d.importance[0][0]] += 1
            classifier = (
                f"{np.mean(domain):>14.3f} {domain_top.most_common(1)[0][0]:>9} {statistics.median(domain_s):>6.2f}"
                if domain
                else f"{'-':>14} {'-':>9} {'-':>6}"
            )
            print(
                f"{size:>8} {scenario:18} {np.mean(recon):>13.3f} {recon_top.most_common(1)[0][0]:>9} "
                f"{statistics.median(recon_ms):>6.1f} {classifier}"
            )


if __name__ == "__main__":
    main()
