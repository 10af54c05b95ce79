"""Feature attribution drift analyzers: nDCG against scikit-learn's and a hand computation on AWS's own
explainability file; Kernel SHAP against exact Shapley values (a linear model's closed form, and brute force
over every ordering of the features for a model with interactions) and against the shap library's
KernelExplainer (the reference implementation); the background against scikit-learn's K-means."""

from __future__ import annotations

import itertools
import json
import math
from fractions import Fraction

import numpy as np
import pytest
from sklearn.metrics import ndcg_score

from analyzers.attribution.background import background
from analyzers.attribution.global_values import drift_description, global_values, ndcg_interval
from analyzers.attribution.kernel_shap import explain, kernel_shap
from analyzers.attribution.ndcg import THRESHOLD, ndcg
from tests.conftest import ROOT

AWS = ROOT / "tests" / "fixtures" / "aws" / "clarify_explainability_analysis.json"


def _aws_attributions() -> dict[str, float]:
    return json.loads(AWS.read_text())["explanations"]["kernel_shap"]["label0"]["global_shap_values"]


def test_ndcg_by_hand_on_three_features():
    base = {"a": 3.0, "b": 2.0, "c": 1.0}
    # the window ranks c, a, b: DCG = 1/log2(2) + 3/log2(3) + 2/log2(4); iDCG = 3 + 2/log2(3) + 1/2
    expected = (1 + 3 / math.log2(3) + 2 / 2) / (3 + 2 / math.log2(3) + 1 / 2)
    assert ndcg(base, {"c": 0.9, "a": 0.5, "b": 0.1}) == pytest.approx(expected, rel=1e-15)
    assert ndcg(base, {"a": 9, "b": 8, "c": 7}) == 1.0
    assert Fraction(ndcg(base, base)) == 1


def test_ndcg_equals_scikit_learns_on_aws_explainability_file():
    base = _aws_attributions()
    names = list(base)
    rng = np.random.default_rng(21)
    for _ in range(20):
        current = dict(zip(names, rng.permutation(list(base.values())) + rng.normal(0, 1e-4, len(names)), strict=True))
        theirs = ndcg_score([[base[n] for n in names]], [[current[n] for n in names]])
        assert ndcg(base, current) == pytest.approx(theirs, rel=1e-12)


def test_swapping_the_two_leading_features_of_aws_file_is_a_drift_only_if_it_costs_enough():
    base = _aws_attributions()
    ranked = sorted(base, key=lambda f: -base[f])
    swapped = dict(base) | {ranked[0]: base[ranked[1]], ranked[1]: base[ranked[0]]}
    value = ndcg(base, swapped)
    a, b = base[ranked[0]], base[ranked[1]]
    idcg = sum(base[f] / math.log2(i + 2) for i, f in enumerate(ranked))
    assert value == pytest.approx(1 - (a - b) * (1 - 1 / math.log2(3)) / idcg, rel=1e-12)
    assert value > THRESHOLD  # a near tie at the top barely moves it
    reversed_ranking = {f: -base[f] for f in base}
    assert ndcg(base, reversed_ranking) < THRESHOLD


def test_kernel_shap_of_a_linear_model_is_its_closed_form():
    rng = np.random.default_rng(3)
    w, b = np.array([2.0, -1.0, 0.5, 3.0]), 0.7
    background = rng.normal(0, 1, (30, 4))
    x = np.array([1.0, 2.0, -1.0, 0.5])
    phi, expected = kernel_shap(lambda rows: rows @ w + b, x, background)
    assert phi == pytest.approx(w * (x - background.mean(axis=0)), abs=1e-10)
    assert expected == pytest.approx(float((background @ w + b).mean()), abs=1e-12)


def _brute_force_shapley(predict, x, background):
    m = len(x)

    def value(coalition):
        rows = background.copy()
        rows[:, list(coalition)] = x[list(coalition)]
        return float(predict(rows).mean())

    phi = np.zeros(m)
    orders = list(itertools.permutations(range(m)))
    for order in orders:
        before: list[int] = []
        for j in order:
            phi[j] += value([*before, j]) - value(before)
            before.append(j)
    return phi / len(orders)


def test_kernel_shap_equals_brute_force_shapley_values_with_interactions():
    rng = np.random.default_rng(4)
    background = rng.normal(0, 1, (20, 5))
    x = rng.normal(0, 1, 5)

    def model(rows):
        return np.tanh(rows[:, 0] * rows[:, 1]) + rows[:, 2] ** 2 - rows[:, 3] * rows[:, 4] + 0.3 * rows[:, 4]

    phi, expected = kernel_shap(model, x, background)
    assert phi == pytest.approx(_brute_force_shapley(model, x, background), abs=1e-9)
    assert phi.sum() == pytest.approx(float(model(x[None, :])[0]) - expected, abs=1e-12)


def test_sampled_kernel_shap_is_close_for_many_features():
    rng = np.random.default_rng(5)
    w = rng.normal(0, 1, 16)
    background = rng.normal(0, 1, (10, 16))
    x = rng.normal(0, 1, 16)
    phi, _ = kernel_shap(lambda rows: rows @ w, x, background, num_samples=2_000, seed=1)
    assert phi == pytest.approx(w * (x - background.mean(axis=0)), abs=1e-6)  # linear: exact even when sampled


def test_global_values_are_clarifys_aggregates():
    local = np.array([[1.0, -2.0], [-3.0, 0.5], [2.0, 1.5]])
    names = ("a", "b")
    assert global_values(local, names) == {"a": 2.0, "b": pytest.approx(4 / 3)}
    assert global_values(local, names, "median") == {"a": 2.0, "b": 1.5}
    assert global_values(local, names, "mean_sq") == {"a": pytest.approx(14 / 3), "b": pytest.approx(6.5 / 3)}
    with pytest.raises(ValueError, match="agg_method must be one of mean_abs, median, mean_sq"):
        global_values(local, names, "max")


def test_the_ndcg_interval_covers_and_small_windows_are_wide():
    base = _aws_attributions()
    names = tuple(base)
    scale = np.array([base[n] for n in names])
    rng = np.random.default_rng(6)

    def window(rows: int) -> np.ndarray:  # local values whose mean |value| is the baseline's attributions
        return rng.laplace(0, 1, (rows, len(names))) * scale

    small, large = ndcg_interval(window(20), names, base), ndcg_interval(window(5_000), names, base)
    assert small.high - small.low > large.high - large.low and large.value > THRESHOLD
    reversed_scale = scale.max() + scale.min() - scale  # the least important feature becomes the most
    drifted = ndcg_interval(rng.laplace(0, 1, (500, len(names))) * reversed_scale, names, base)
    assert drifted.high < THRESHOLD  # a real change is a violation even counting the sampling noise
    # coverage: the population's nDCG is 1 (same ranking); the upper bound stays above the threshold
    quiet = sum(ndcg_interval(window(50), names, base, resamples=100, seed=s).high >= THRESHOLD for s in range(40))
    assert quiet == 40


def test_the_violation_reads_as_aws_writes_it():
    assert drift_description(0.7639720923277322, 0.9) == "Feature attribution drift 0.7639720923277322 exceeds threshold 0.9"


def _nonlinear(rows: np.ndarray) -> np.ndarray:
    z = np.tanh(rows[:, 0] * rows[:, 1]) + 0.8 * rows[:, 2] ** 2 - rows[:, 3] * rows[:, 4] + 0.3 * rows[:, 5]
    return 1 / (1 + np.exp(-z))


@pytest.mark.parametrize("link", ["identity", "logit"])
def test_explain_equals_the_shap_librarys_kernel_explainer(link):
    """The reference implementation (shap, dev dependency) on a nonlinear scorer, with the link Clarify's
    use_logit selects: every coalition enumerated on both sides, so the values agree to rounding."""
    shap = pytest.importorskip("shap")
    rng = np.random.default_rng(8)
    background, rows = rng.normal(0, 1, (7, 6)), rng.normal(0, 1, (5, 6))
    ours = explain(_nonlinear, rows, background, num_samples=2**6 - 2, link=link)
    reference = shap.KernelExplainer(_nonlinear, background, link=link)
    theirs = reference.shap_values(rows, nsamples=2**6 - 2, silent=True)
    assert ours.local == pytest.approx(np.asarray(theirs), abs=1e-9)
    assert ours.expected == pytest.approx(float(reference.expected_value), abs=1e-12)
    assert ours.explained.all() and ours.model_rows == len(background) + len(rows) * (62 * len(background) + 1)


def test_explain_batches_rows_without_changing_values():
    rng = np.random.default_rng(9)
    background, rows = rng.normal(0, 1, (4, 6)), rng.normal(0, 1, (9, 6))
    calls: list[int] = []

    def counted(batch: np.ndarray) -> np.ndarray:
        calls.append(len(batch))
        return _nonlinear(batch)

    one = explain(_nonlinear, rows, background, num_samples=100, seed=3)
    batched = explain(counted, rows, background, num_samples=100, seed=3, batch_rows=1_000)
    assert batched.local == pytest.approx(one.local, abs=1e-12)
    per_row = (2**6 - 2) * 4 + 1  # all 62 coalitions fit in 100 samples: each over the background, then the row
    assert calls == [4, per_row * 4, per_row * 4, per_row]  # the background once, then four rows per call


def test_a_row_whose_outputs_are_missing_is_not_explained_and_the_rest_are():
    rng = np.random.default_rng(10)
    background, rows = rng.normal(0, 1, (3, 4)), rng.normal(0, 1, (4, 4))
    w = np.array([1.0, -2.0, 0.5, 3.0])

    def failing_second_row(batch: np.ndarray) -> np.ndarray:
        out = batch @ w
        if len(batch) > len(background):  # one explained row per call here: the second call fails
            failing_second_row.calls += 1
            if failing_second_row.calls == 2:
                out[:] = np.nan
        return out

    failing_second_row.calls = 0
    found = explain(failing_second_row, rows, background, batch_rows=1)
    assert found.explained.tolist() == [True, False, True, True]
    assert found.local == pytest.approx(w * (rows[[0, 2, 3]] - background.mean(axis=0)), abs=1e-10)


def test_the_computed_background_is_kmeans_centres_or_seeded_rows_for_mixed_data():
    from sklearn.cluster import KMeans

    rng = np.random.default_rng(11)
    numbers = rng.normal(0, 1, (300, 3))
    text = numbers.astype(str).astype(object)
    expected = KMeans(n_clusters=5, n_init=10, random_state=0).fit(numbers).cluster_centers_
    assert background(text, 5) == pytest.approx(expected)
    mixed = np.column_stack([text, rng.choice(["north", "south"], 300).astype(object)])
    drawn = background(mixed, 5, seed=2)
    assert len(drawn) == 5 and all(any((row == r).all() for r in mixed) for row in drawn)
    assert len(background(text[:4], 5)) == 4  # fewer rows than clusters: the rows themselves
