import math
from fractions import Fraction

import numpy as np
import pyarrow as pa
import pytest

from analyzers.profile import MAX_CATEGORIES, Categories, FeatureProfile, profile_column
from analyzers.suggest import infer_type, suggest_feature
from analyzers.types import InferredType
from container.load.columns import normalise


def _profile(values: list[str | None]) -> FeatureProfile:
    return profile_column(normalise("x", pa.array(values, type=pa.string()), keep_texts=True))


def test_profile_matches_numpy():
    rng = np.random.default_rng(5)
    values = rng.normal(10, 3, 10_000)
    p = _profile([repr(float(v)) for v in values])
    assert p.moments.count == 10_000
    assert p.moments.mean == pytest.approx(values.mean(), rel=1e-12)
    assert p.moments.std_dev == pytest.approx(values.std(ddof=0), rel=1e-12)
    assert p.moments.sum == math.fsum(values)  # the exact sum, correctly rounded
    assert p.moments.mean == float(sum(map(Fraction, values.tolist())) / values.size)
    assert (p.moments.minimum, p.moments.maximum) == (values.min(), values.max())


def test_merging_halves_gives_the_whole():
    rng = np.random.default_rng(6)
    texts = [str(int(v)) for v in rng.integers(-50, 50, 20_001)] + [None, "", "abc"]
    whole = _profile(texts)
    merged = _profile(texts[:7_777]).merge(_profile(texts[7_777:]))
    assert merged.types == whole.types
    assert merged.categories == whole.categories
    assert (merged.moments.count, merged.moments.minimum, merged.moments.maximum) == (
        whole.moments.count,
        whole.moments.minimum,
        whole.moments.maximum,
    )
    assert (merged.moments.sum, merged.moments.mean) == (whole.moments.sum, whole.moments.mean)
    assert merged.moments.std_dev == pytest.approx(whole.moments.std_dev, rel=1e-12)
    assert merged.sketch.count == whole.sketch.count


def test_type_counts_follow_the_text_of_each_value():
    p = _profile(["1", "-2", "+3", "2.5", "1e3", ".5", "abc", "nan", "", None])
    assert (p.types.integral, p.types.fractional, p.types.string, p.types.missing) == (3, 3, 2, 2)
    assert infer_type(p.types) is InferredType.STRING


def test_categories_are_capped_by_frequency():
    counts = {f"v{i}": 1 for i in range(MAX_CATEGORIES + 5)} | {"common": 100}
    cats = Categories.of(counts)
    assert len(cats.counts) == MAX_CATEGORIES
    assert dict(cats.counts)["common"] == 100
    assert cats.overflow == 6  # 10,006 values, 10,000 kept


def test_suggested_constraints():
    p = _profile(["a", "b", "a", None])
    c = suggest_feature(p, infer_type(p.types))
    assert c.inferred_type is InferredType.STRING
    assert c.completeness == pytest.approx(3 / 4)
    assert c.domains == ("a", "b")
    n = _profile(["1", "2", "-1"])
    assert suggest_feature(n, infer_type(n.types)).is_non_negative is False
