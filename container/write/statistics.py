"""``statistics.json`` in the schema AWS's analyzer writes (docs/contract.md #statistics)."""

from __future__ import annotations

from typing import Any

from analyzers.buckets import kll_buckets
from analyzers.profile import FeatureProfile
from analyzers.types import InferredType


def statistics_document(item_count: int, features: list[tuple[FeatureProfile, InferredType]]) -> dict[str, Any]:
    return {
        "version": 0.0,
        "dataset": {"item_count": item_count},
        "features": [_feature(p, t) for p, t in features],
    }


def _feature(profile: FeatureProfile, inferred: InferredType) -> dict[str, Any]:
    common = {"num_present": profile.types.present, "num_missing": profile.types.missing}
    if inferred.is_numeric:
        m = profile.moments
        sketch = profile.sketch
        stats: dict[str, Any] = {"common": common}
        if m.count:
            stats |= {"mean": m.mean, "sum": m.sum, "std_dev": m.std_dev, "min": m.minimum, "max": m.maximum}
        stats["distribution"] = {
            "kll": {
                "buckets": [
                    {"lower_bound": b.lower_bound, "upper_bound": b.upper_bound, "count": b.count}
                    for b in kll_buckets(sketch, m.minimum, m.maximum)
                ],
                "sketch": {"parameters": {"c": sketch.c, "k": float(sketch.k)}, "data": sketch.to_data()},
            }
        }
        return {"name": profile.name, "inferred_type": inferred.value, "numerical_statistics": stats}
    counts = profile.categories.counts if profile.categories else ()
    return {
        "name": profile.name,
        "inferred_type": inferred.value,
        "string_statistics": {
            "common": common,
            "distinct_count": float(len(counts)),
            "distribution": {"categorical": {"buckets": [{"value": v, "count": c} for v, c in counts]}},
        },
    }
