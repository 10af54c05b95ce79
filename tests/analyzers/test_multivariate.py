"""Multivariate drift analyzers: the encoding's round trip, reconstruction errors by hand, the AUC against
scikit-learn's, and both methods quiet on unchanged rows and alarmed by shifts no single feature shows."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from analyzers.multivariate.domain_classifier import assess_domain, auc_of
from analyzers.multivariate.encoding import Encoding, fit_encoding
from analyzers.multivariate.reconstruction import ReconstructionModel, assess_reconstruction, fit_reconstruction
from analyzers.multivariate.settings import MultivariateSettings
from scripts.bench_multivariate import rows

SETTINGS = MultivariateSettings()


def _fitted(seed: int = 1, n: int = 4_000):
    numbers, texts = rows(np.random.default_rng(seed), n)
    encoding = fit_encoding(numbers, texts, SETTINGS.max_levels)
    base = encoding.encode(numbers, texts)
    return encoding, base, fit_reconstruction(base, SETTINGS.variance_share, seed=0)


def test_the_encoding_round_trips_through_json_and_weighs_each_feature_the_same():
    numbers, texts = rows(np.random.default_rng(3), 2_000)
    encoding = fit_encoding(numbers, texts, SETTINGS.max_levels)
    again = Encoding.from_json(json.loads(json.dumps(encoding.to_json())))
    assert again == encoding
    encoded = again.encode(numbers, texts)
    assert np.array_equal(encoded, encoding.encode(numbers, texts))
    for feature in encoding.features:  # on the baseline itself: every feature has variance 1 in total
        columns = [i for i, owner in enumerate(encoding.owners) if owner == feature]
        assert encoded[:, columns].var(axis=0).sum() == pytest.approx(1.0, rel=1e-9), feature


def test_reconstruction_errors_are_squared_distances_to_the_kept_components():
    # Points on the line y = 2x: one component keeps all the variance; a point off the line is away from it by
    # its perpendicular distance, |2x - y| / sqrt(5).
    x = np.linspace(-1, 1, 201)
    line = np.c_[x, 2 * x]
    model = fit_reconstruction(line, 0.99, seed=0)
    assert len(model.components) == 1
    errors, _ = model.errors(np.array([[1.0, 0.0], [0.5, 1.0], [0.0, 1.0]]))
    expected = [(2 * 1.0 - 0.0) ** 2 / 5, 0.0, (0 - 1.0) ** 2 / 5]
    assert errors == pytest.approx(expected, abs=1e-12)
    again = ReconstructionModel.from_json(json.loads(json.dumps(model.to_json())))
    assert np.array_equal(again.errors(line)[0], model.errors(line)[0])


def test_reconstruction_is_quiet_on_unchanged_windows_of_any_size():
    encoding, _, model = _fitted()
    rng = np.random.default_rng(5)
    for size, windows in ((100, 300), (1_000, 300), (10_000, 60)):
        alarms = sum(
            assess_reconstruction(
                model, encoding.encode(*rows(rng, size)), encoding.owners, SETTINGS.level, SETTINGS.reconstruction_floor
            ).drifted
            for _ in range(windows)
        )
        assert alarms / windows <= 0.02, (size, alarms)


def test_reconstruction_catches_a_correlation_flip_and_names_its_features():
    encoding, _, model = _fitted()
    flipped = encoding.encode(*rows(np.random.default_rng(6), 2_000, "correlation flip"))
    verdict = assess_reconstruction(model, flipped, encoding.owners, SETTINGS.level, SETTINGS.reconstruction_floor)
    assert verdict.drifted and verdict.mean_error > verdict.threshold
    assert {name for name, _ in verdict.contributions[:2]} == {"x0", "x1"}
    low, high = verdict.interval
    assert low < verdict.mean_error < high


def test_the_auc_is_scikit_learns():
    rng = np.random.default_rng(7)
    labels = rng.integers(0, 2, 500)
    scores = np.round(rng.normal(labels * 0.3, 1), 1)  # with ties
    assert auc_of(scores, labels) == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)


def test_the_domain_classifier_catches_a_broken_dependency_and_names_it():
    encoding, base, _ = _fitted()
    window = encoding.encode(*rows(np.random.default_rng(8), 4_000, "broken dependency"))
    verdict = assess_domain(
        base,
        window,
        encoding.owners,
        max_rows=4_000,
        folds=3,
        permutations=5,
        level=SETTINGS.level,
        floor=SETTINGS.auc_floor,
        seed=0,
    )
    assert verdict.drifted and verdict.auc > verdict.threshold
    assert {name for name, _ in verdict.importance[:2]} == {"country", "currency"}


def test_the_domain_classifier_is_quiet_on_unchanged_windows():
    encoding, base, _ = _fitted()
    rng = np.random.default_rng(9)
    verdicts = [
        assess_domain(
            base,
            encoding.encode(*rows(rng, 2_000)),
            encoding.owners,
            max_rows=2_000,
            folds=3,
            permutations=5,
            level=SETTINGS.level,
            floor=SETTINGS.auc_floor,
            seed=s,
        )
        for s in range(6)
    ]
    assert not any(v.drifted for v in verdicts), [(v.auc, v.threshold) for v in verdicts]
    assert all(abs(v.auc - 0.5) < 0.05 for v in verdicts)
    assert all(math.isfinite(v.threshold) and v.threshold > 0.5 for v in verdicts)
