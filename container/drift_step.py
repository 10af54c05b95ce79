"""The statistical drift step of a monitoring job (when the analysis config has a ``drift`` section)."""

from __future__ import annotations

from analyzers.drift.rule import DriftVerdict, FeatureInput, assess
from analyzers.drift.settings import DriftSettings
from analyzers.evaluate import BaselineFeatureView
from analyzers.profile import FeatureProfile


def statistical_drift(
    baseline: dict[str, BaselineFeatureView],
    window: dict[str, FeatureProfile],
    predictions: set[str],
    settings: DriftSettings,
) -> list[DriftVerdict]:
    """Verdicts for every baseline feature with statistics that the window holds; model outputs are
    marked as predictions, so their drift (the first sign of trouble) is reported on its own."""
    inputs = {
        name: FeatureInput(
            baseline=view.profile,
            current=window[name],
            numeric=view.inferred_type.is_numeric,
            role="prediction" if name in predictions else "feature",
        )
        for name, view in baseline.items()
        if view.profile is not None and name in window
    }
    return assess(inputs, settings)
