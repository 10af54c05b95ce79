"""The model-quality job's settings: AWS's names (``problem_type``, ``inference_attribute``, ...), which the
SDK sets in the environment, over the analysis config's ``model_quality`` section (checked by
``settings``), which also holds our own keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analyzers.model_quality import metrics as m
from container.errors import ConfigError
from container.settings import finite_number

PROBLEMS = (m.BINARY, m.MULTICLASS, m.REGRESSION)


@dataclass(frozen=True, slots=True)
class ModelQualitySettings:
    problem_type: str
    inference_attribute: str | None = None
    probability_attribute: str | None = None
    probability_threshold: float = 0.5
    ground_truth_attribute: str | None = None
    min_labelled: int = 30
    label_delay_hours: int = 24
    row_budget: int = 200_000
    calibration_tolerance: float = 0.05
    seed: int = 0
    class_probabilities: tuple[tuple[str, str], ...] = ()  # (class label, score column), multiclass only


def model_quality_settings(env: dict[str, str], section: dict[str, Any] | None = None) -> ModelQualitySettings:
    """AWS's names (``problem_type``, ``inference_attribute``, ...), as the SDK sets them in the environment,
    over the analysis config's ``model_quality`` section (which also holds our own keys)."""
    section = dict(section or {})
    classes = section.pop("class_probability_attributes", None) or {}
    env = {**{k: str(v) for k, v in section.items()}, **env}
    problem = env.get("problem_type", "")
    if problem not in PROBLEMS:
        raise ConfigError(f"problem_type={problem!r} is not one of {', '.join(PROBLEMS)}.")
    threshold = env.get("probability_threshold_attribute") or "0.5"
    probability_threshold = finite_number(threshold, "probability_threshold_attribute")
    return ModelQualitySettings(
        problem_type=problem,
        inference_attribute=env.get("inference_attribute") or None,
        probability_attribute=env.get("probability_attribute") or None,
        probability_threshold=probability_threshold,
        ground_truth_attribute=env.get("ground_truth_attribute") or None,
        min_labelled=_integer(env, "min_labelled", 30),
        label_delay_hours=_integer(env, "label_delay_hours", 24),
        row_budget=_integer(env, "row_budget", 200_000),
        calibration_tolerance=finite_number(env.get("calibration_tolerance", "0.05"), "calibration_tolerance"),
        seed=_integer(env, "seed", 0),
        class_probabilities=tuple(classes.items()),
    )


def _integer(values: dict[str, str], key: str, default: int) -> int:
    raw = values.get(key, default)
    try:
        number = int(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"model_quality.{key}={raw!r} is not an integer.") from None
    if number < 0:
        raise ConfigError(f"model_quality.{key} must be >= 0. Got {number}.")
    return number
