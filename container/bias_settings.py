"""Fairness settings: the analysis config's ``bias`` section, or a Clarify ``analysis_config.json``.

Both are decoded by ``container.settings_schema`` (types) and checked here (values). A Clarify file's
other keys (``methods``, ``predictor``, ``headers``...) are for Clarify's own container and ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from container import settings_schema as schema
from container.errors import ConfigError
from container.settings_schema import count, names


@dataclass(frozen=True, slots=True)
class FacetConfig:
    name: str
    values: tuple[Any, ...] | None  # None: one-vs-all


@dataclass(frozen=True, slots=True)
class BiasConfig:
    """Clarify's analysis-config keys, plus where the labels and the baseline come from."""

    label: str
    label_values: tuple[Any, ...]
    facets: tuple[FacetConfig, ...]
    group_variable: str | None = None
    predicted_label: str | None = None  # captured column with the model's output; default: the first output
    probability_threshold: float | None = None  # scores above it are positive predictions
    features: tuple[str, ...] | None = None  # FlipTest features; default: the numeric input columns
    ground_truth: str | None = None  # local folder or s3:// prefix of ground-truth JSON lines
    label_delay_hours: int = 24  # ground-truth hour folders read after the window's end
    baseline: str | None = None  # a baseline analysis.json (ours or Clarify's), local or s3://
    # 100 resamples (unchanged): each interval endpoint carries a Monte Carlo error of about 7% of the
    # half-width (1/sqrt(2 * 99); scripts/bench_bias_intervals.py measures 6-10%), and a 20k-row window
    # with FlipTest takes ~3 s and ~40 MiB over the imports (scripts/bench_bias.py). Raise it for steadier
    # endpoints: the cost is linear in resamples, the error falls as 1/sqrt(resamples).
    resamples: int = 100
    confidence: float = 0.95
    seed: int = 0
    row_budget: int = 200_000


def parse_clarify(data: object, *, source: str) -> BiasConfig:
    """A Clarify analysis_config.json (env ``bias_config``): only the keys we read are decoded."""
    if isinstance(data, dict):
        # Clarify's own ``features`` is a JMESPath string locating the features in JSON lines; ours is a
        # list of FlipTest columns. The string is Clarify's business, not a mistake.
        data = {k: v for k, v in data.items() if k in schema.BIAS_KEYS and not (k == "features" and isinstance(v, str))}
    return bias_settings(schema.convert(data, schema.Bias, source=source), source=source, prefix="")


def bias_settings(spec: schema.Bias, *, source: str, prefix: str) -> BiasConfig:
    """Check the values of a decoded bias section; ``prefix`` is its path in the document (``bias.``)."""
    where = f"{source}: {prefix}"
    if not spec.label:
        raise ConfigError(f'{where}label must name the label (ground-truth) column, e.g. "label". Got {spec.label!r} instead.')
    if not spec.label_values_or_threshold:
        raise ConfigError(f"{where}label_values_or_threshold must be a non-empty list, e.g. [1] or [0.5]. Got [] instead.")
    if not spec.facet:
        raise ConfigError(f'{where}facet must be a list like [{{"name_or_index": "sex", "value_or_threshold": ["F"]}}].')
    boot = spec.bootstrap or schema.Bootstrap()
    defaults = BiasConfig(label="", label_values=(), facets=())
    confidence = defaults.confidence if boot.confidence is None else boot.confidence
    if not 0 < confidence < 1:
        raise ConfigError(f"{where}bootstrap.confidence must be a number in (0, 1). Got {confidence!r} instead.")
    return BiasConfig(
        label=spec.label,
        label_values=_values(spec.label_values_or_threshold, f"{where}label_values_or_threshold"),
        facets=tuple(_facet(f, f"{where}facet[{i}]") for i, f in enumerate(spec.facet)),
        group_variable=_text(spec.group_variable, f"{where}group_variable"),
        predicted_label=_text(spec.predicted_label, f"{where}predicted_label"),
        probability_threshold=None if spec.probability_threshold is None else float(spec.probability_threshold),
        features=None if spec.features is None else names(spec.features, f"{where}features"),
        ground_truth=_text(spec.ground_truth, f"{where}ground_truth"),
        label_delay_hours=count(spec.label_delay_hours, f"{where}label_delay_hours", defaults.label_delay_hours, minimum=0),
        baseline=_text(spec.baseline, f"{where}baseline"),
        resamples=count(boot.resamples, f"{where}bootstrap.resamples", defaults.resamples, minimum=0),
        confidence=float(confidence),
        seed=count(boot.seed, f"{where}bootstrap.seed", defaults.seed, minimum=0),
        row_budget=count(spec.row_budget, f"{where}row_budget", defaults.row_budget, minimum=1),
    )


def _facet(facet: schema.Facet, where: str) -> FacetConfig:
    if not facet.name_or_index:
        raise ConfigError(f"{where}.name_or_index must be a column name. Got '' instead.")
    if facet.value_or_threshold == []:
        raise ConfigError(f"{where}.value_or_threshold must be a non-empty list or absent (one-vs-all).")
    values = facet.value_or_threshold
    return FacetConfig(facet.name_or_index, None if values is None else _values(values, f"{where}.value_or_threshold"))


def _values(values: list[schema.Scalar], where: str) -> tuple[schema.Scalar, ...]:
    # An empty cell is a missing value (README, Types), so "" can never match a row: a mistake, not a group.
    if "" in values:
        raise ConfigError(f"{where}[{values.index('')}] is ''; an empty value never matches (empty is missing): remove it.")
    for i, value in enumerate(values):
        # Values are compared with the data's 64-bit integers and doubles: a larger integer matches nothing.
        if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
            raise ConfigError(f"{where}[{i}] is a {value.bit_length()}-bit integer; use a value within 64-bit integers.")
    return tuple(values)


def _text(value: str | None, where: str) -> str | None:
    if value == "":
        raise ConfigError(f"{where} must be a non-empty string or absent. Got '' instead.")
    return value
