import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzers.buckets import kll_buckets
from analyzers.kll import KllSketch


def _max_rank_error(sketch: KllSketch, values: np.ndarray) -> float:
    items, weights = sketch.weighted_items()
    estimated = np.cumsum(weights) / weights.sum()
    exact = np.searchsorted(np.sort(values), items, side="right") / len(values)
    return float(np.max(np.abs(estimated - exact)))


def test_weights_always_sum_to_the_count():
    rng = np.random.default_rng(1)
    sketch = KllSketch.empty()
    total = 0
    for size in (1, 7, 5000, 123_457, 3):
        sketch = sketch.update(rng.normal(size=size))
        total += size
        assert sketch.count == total


def test_rank_error_on_a_million_values_is_small():
    values = np.random.default_rng(2).lognormal(size=1_000_000)
    sketch = KllSketch.empty()
    for part in np.array_split(values, 20):
        sketch = sketch.update(part)
    assert _max_rank_error(sketch, values) < 0.01
    assert sum(len(level) for level in sketch.levels) < 6000  # bounded, whatever n is


def test_merge_of_halves_is_within_rank_error_of_the_whole():
    values = np.random.default_rng(3).normal(size=400_000)
    a = KllSketch.empty().update(values[:150_000])
    b = KllSketch.empty().update(values[150_000:])
    merged = a.merge(b)
    assert merged.count == len(values)
    assert _max_rank_error(merged, values) < 0.01


def test_same_input_gives_the_same_sketch():
    values = np.random.default_rng(4).normal(size=50_000)
    assert KllSketch.empty().update(values).to_data() == KllSketch.empty().update(values).to_data()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=3000))
def test_small_inputs_are_kept_exactly(values):
    sketch = KllSketch.empty().update(np.array(values))
    assert sorted(sketch.to_data()[0]) == sorted(values)


@pytest.mark.parametrize("feature", range(6))
def test_buckets_rebuilt_from_an_aws_sketch_match_aws(aws, feature):
    stats = json.loads((aws / "data_quality_statistics.json").read_text())["features"][feature]["numerical_statistics"]
    kll = stats["distribution"]["kll"]
    sketch = KllSketch.from_levels(kll["sketch"]["data"])
    got = [[b.lower_bound, b.upper_bound, b.count] for b in kll_buckets(sketch, stats["min"], stats["max"])]
    assert got == [[b["lower_bound"], b["upper_bound"], b["count"]] for b in kll["buckets"]]
