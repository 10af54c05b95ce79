"""Our own settings: the "analysis config", one JSON document, validated before any data is read.

It is found through env ``analysis_config`` (a local path or an ``s3://`` URI) or, failing that, as
the top-level ``analysis_config`` section of the baseline ``constraints.json`` (the one file a
Model Monitor schedule always mounts). Unknown keys are rejected, naming the key and the allowed ones.

Example::

    {"columns": {"output": ["score"], "input": ["age", "income", "city"]},
     "payload": {"input_records": "instances", "input_record": "features",
                 "output_records": "predictions"},
     "empty_window": "fail"}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from analyzers.drift.settings import Correction, DriftSettings, Effect, MethodSettings
from container.errors import ConfigError

SECTION = "analysis_config"  # its key inside constraints.json


@dataclass(frozen=True, slots=True)
class ColumnsConfig:
    """Names of the captured columns, model output(s) first; they replace the positional mapping."""

    output: tuple[str, ...] | None = None
    input: tuple[str, ...] | None = None

    @property
    def names(self) -> tuple[str, ...] | None:
        if self.output is None and self.input is None:
            return None
        return (self.output or ()) + (self.input or ())


@dataclass(frozen=True, slots=True)
class PayloadConfig:
    """Where the records sit inside JSON payloads: a dotted path to the list of records (e.g.
    ``instances``), and within each record a dotted path to its values (e.g. ``features``)."""

    input_records: str | None = None
    input_record: str | None = None
    output_records: str | None = None
    output_record: str | None = None


@dataclass(frozen=True, slots=True)
class ExpectationsConfig:
    """A Great Expectations suite to validate (local path or s3:// URI), on at most ``row_budget``
    rows sampled uniformly with ``seed`` when the window is larger."""

    suite: str | None = None
    row_budget: int = 100_000
    seed: int = 0


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
    resamples: int = 100
    confidence: float = 0.95
    seed: int = 0
    row_budget: int = 200_000


@dataclass(frozen=True, slots=True)
class LimitsConfig:
    """Bounds on what one record may cost, and the share of bad records that becomes a finding.

    A record past a limit is one bad record (counted once, with its ``file:line``), never a crash.
    SageMaker caps a real-time payload at 6 MB (25 MB streamed); a capture line holds input and output,
    base64-encoded, so 64 MiB leaves room for both while bounding a runaway line.
    """

    max_record_bytes: int = 64 << 20  # one capture line, CSV row or JSON line
    max_nesting_depth: int = 64  # arrays and objects inside one JSON payload or line
    bad_record_share: float = 0.05  # above it, bad records are a violation and the job is not green


@dataclass(frozen=True, slots=True)
class AnalysisConfig:
    columns: ColumnsConfig = field(default_factory=ColumnsConfig)
    payload: PayloadConfig = field(default_factory=PayloadConfig)
    empty_window: str = "complete"  # or "fail": what a window without records does
    drift: DriftSettings | None = None  # None: AWS's L-infinity check decides drift alone
    expectations: ExpectationsConfig = field(default_factory=ExpectationsConfig)
    bias: BiasConfig | None = None
    model_quality: dict[str, Any] = field(default_factory=dict)  # checked by the model-quality job's settings
    limits: LimitsConfig = field(default_factory=LimitsConfig)


def parse(data: object, *, source: str) -> AnalysisConfig:
    """Validate a decoded analysis config; ``source`` says where it came from, for messages."""
    top = _object(
        data, source, {"columns", "payload", "empty_window", "drift", "expectations", "bias", "model_quality", "limits"}
    )
    columns = _object(top.get("columns", {}), f"{source}: columns", {"output", "input"})
    payload = _object(
        top.get("payload", {}),
        f"{source}: payload",
        {"input_records", "input_record", "output_records", "output_record"},
    )
    empty_window = top.get("empty_window", "complete")
    if empty_window not in ("complete", "fail"):
        raise ConfigError(f"{source}: empty_window must be 'complete' or 'fail'. Got {empty_window!r} instead.")
    return AnalysisConfig(
        columns=ColumnsConfig(
            output=_names(columns.get("output"), f"{source}: columns.output"),
            input=_names(columns.get("input"), f"{source}: columns.input"),
        ),
        payload=PayloadConfig(**{k: _text(v, f"{source}: payload.{k}") for k, v in payload.items()}),
        empty_window=empty_window,
        drift=None if "drift" not in top else _drift(top["drift"], f"{source}: drift"),
        expectations=_expectations(top.get("expectations", {}), f"{source}: expectations"),
        bias=None if "bias" not in top else parse_bias(top["bias"], f"{source}: bias", strict=True),
        model_quality=dict(_object(top.get("model_quality", {}), f"{source}: model_quality", MODEL_QUALITY_KEYS)),
        limits=_limits(top.get("limits", {}), f"{source}: limits"),
    )


def _limits(value: object, where: str) -> LimitsConfig:
    spec = _object(value, where, {"max_record_bytes", "max_nesting_depth", "bad_record_share"})
    defaults = LimitsConfig()
    share = spec.get("bad_record_share", defaults.bad_record_share)
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
        raise ConfigError(f"{where}.bad_record_share must be a number in [0, 1], e.g. 0.05. Got {share!r} instead.")
    record_bytes = spec.get("max_record_bytes", defaults.max_record_bytes)
    depth = spec.get("max_nesting_depth", defaults.max_nesting_depth)
    return LimitsConfig(
        max_record_bytes=_count(record_bytes, f"{where}.max_record_bytes", minimum=1),
        max_nesting_depth=_count(depth, f"{where}.max_nesting_depth", minimum=1),
        bad_record_share=float(share),
    )


def parse_text(text: str, *, source: str) -> AnalysisConfig:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{source} is not valid JSON ({exc.msg}, line {exc.lineno}); fix the file.") from None
    return parse(data, source=source)


def _object(value: object, where: str, allowed: set[str]) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a JSON object. Got {type(value).__name__} instead.")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r}; allowed keys are {', '.join(sorted(allowed))}.")
    return value


def _names(value: object, where: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where} must be a list of non-empty column names. Got {value!r:.80} instead.")
    duplicates = sorted({v for v in value if value.count(v) > 1})
    if duplicates:
        raise ConfigError(f"{where} names {duplicates[0]!r} twice; column names must be unique.")
    return tuple(value)


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where} must be a non-empty string such as 'instances'. Got {value!r:.80} instead.")
    return value


_METHOD_KEYS = {"effect", "floor", "min_samples"}
MODEL_QUALITY_KEYS = {
    "problem_type",
    "inference_attribute",
    "probability_attribute",
    "probability_threshold_attribute",
    "ground_truth_attribute",
    "min_labelled",
    "label_delay_hours",
    "row_budget",
    "calibration_tolerance",
    "seed",
}


def _drift(value: object, where: str) -> DriftSettings:
    """The ``drift`` section: global method keys, ``numeric``/``categorical`` layers, ``features``."""
    top = _object(value, where, {"correction", "level", "numeric", "categorical", "features"} | _METHOD_KEYS)
    correction = top.get("correction", Correction.BENJAMINI_HOCHBERG.value)
    if correction not in {c.value for c in Correction}:
        allowed = ", ".join(c.value for c in Correction)
        raise ConfigError(f"{where}.correction must be one of {allowed}. Got {correction!r} instead.")
    level = top.get("level", DriftSettings().level)
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0 < level < 1:
        raise ConfigError(f"{where}.level must be a number in (0, 1), e.g. 0.01. Got {level!r} instead.")
    features = _object(top.get("features", {}), f"{where}.features", set(top.get("features", {})))
    categorical = _method(top.get("categorical", {}), f"{where}.categorical")
    if categorical.effect is Effect.WASSERSTEIN:
        raise ConfigError(f"{where}.categorical.effect cannot be wasserstein (it needs numbers); use linf, psi or js.")
    return DriftSettings(
        correction=Correction(correction),
        level=float(level),
        default=_method({k: v for k, v in top.items() if k in _METHOD_KEYS}, where),
        numeric=_method(top.get("numeric", {}), f"{where}.numeric"),
        categorical=categorical,
        features=tuple((name, _method(spec, f"{where}.features.{name}")) for name, spec in features.items()),
    )


def _method(value: object, where: str) -> MethodSettings:
    spec = _object(value, where, _METHOD_KEYS)
    effect = spec.get("effect")
    if effect is not None and effect not in {e.value for e in Effect}:
        allowed = ", ".join(e.value for e in Effect)
        raise ConfigError(f"The 'effect' parameter of {where} must be one of {allowed}. Got {effect!r} instead.")
    floor = spec.get("floor")
    if floor is not None and (isinstance(floor, bool) or not isinstance(floor, int | float) or floor < 0):
        raise ConfigError(f"The 'floor' parameter of {where} must be a number >= 0. Got {floor!r} instead.")
    min_samples = spec.get("min_samples")
    if min_samples is not None and (isinstance(min_samples, bool) or not isinstance(min_samples, int) or min_samples < 1):
        raise ConfigError(f"The 'min_samples' parameter of {where} must be an integer >= 1. Got {min_samples!r} instead.")
    return MethodSettings(
        effect=None if effect is None else Effect(effect),
        floor=None if floor is None else float(floor),
        min_samples=min_samples,
    )


def _expectations(value: object, where: str) -> ExpectationsConfig:
    spec = _object(value, where, {"suite", "row_budget", "seed"})
    suite = spec.get("suite")
    if suite is not None:
        suite = _text(suite, f"{where}.suite")
    budget = spec.get("row_budget", ExpectationsConfig().row_budget)
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < 1:
        raise ConfigError(f"The 'row_budget' parameter of {where} must be an integer >= 1. Got {budget!r} instead.")
    seed = spec.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ConfigError(f"The 'seed' parameter of {where} must be an integer >= 0. Got {seed!r} instead.")
    return ExpectationsConfig(suite=suite, row_budget=budget, seed=seed)


_BIAS_KEYS = {
    "label",
    "label_values_or_threshold",
    "facet",
    "group_variable",
    "predicted_label",
    "probability_threshold",
    "features",
    "ground_truth",
    "label_delay_hours",
    "baseline",
    "bootstrap",
    "row_budget",
}


def parse_bias(value: object, where: str, *, strict: bool) -> BiasConfig:
    """The ``bias`` section, or (``strict=False``) a Clarify analysis_config.json, whose other keys
    (``methods``, ``predictor``, ``headers``...) are for Clarify's own container and are ignored."""
    spec = (
        _object(value, where, _BIAS_KEYS) if strict else _object(value, where, set(value) if isinstance(value, dict) else set())
    )
    label = spec.get("label")
    if not isinstance(label, str) or not label:
        raise ConfigError(f'{where}.label must name the label (ground-truth) column, e.g. "label". Got {label!r} instead.')
    values = spec.get("label_values_or_threshold")
    if not isinstance(values, list) or not values:
        raise ConfigError(
            f"{where}.label_values_or_threshold must be a non-empty list, e.g. [1] or [0.5]. Got {values!r} instead."
        )
    facets = spec.get("facet")
    if not isinstance(facets, list) or not facets:
        raise ConfigError(f'{where}.facet must be a list like [{{"name_or_index": "sex", "value_or_threshold": ["F"]}}].')
    parsed = []
    for i, item in enumerate(facets):
        facet = _object(item, f"{where}.facet[{i}]", {"name_or_index", "value_or_threshold"})
        name = facet.get("name_or_index")
        if not isinstance(name, str) or not name:
            raise ConfigError(f"{where}.facet[{i}].name_or_index must be a column name. Got {name!r} instead.")
        facet_values = facet.get("value_or_threshold")
        if facet_values is not None and (not isinstance(facet_values, list) or not facet_values):
            raise ConfigError(f"{where}.facet[{i}].value_or_threshold must be a non-empty list or absent (one-vs-all).")
        parsed.append(FacetConfig(name, None if facet_values is None else tuple(facet_values)))
    boot = _object(spec.get("bootstrap", {}), f"{where}.bootstrap", {"resamples", "confidence", "seed"})
    threshold = spec.get("probability_threshold")
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, int | float)):
        raise ConfigError(f"{where}.probability_threshold must be a number such as 0.5. Got {threshold!r} instead.")
    features = spec.get("features")
    confidence = boot.get("confidence", 0.95)
    if isinstance(confidence, bool) or not isinstance(confidence, int | float) or not 0 < confidence < 1:
        raise ConfigError(f"{where}.bootstrap.confidence must be a number in (0, 1). Got {confidence!r} instead.")
    return BiasConfig(
        label=label,
        label_values=tuple(values),
        facets=tuple(parsed),
        group_variable=_optional_text(spec.get("group_variable"), f"{where}.group_variable"),
        predicted_label=_optional_text(spec.get("predicted_label"), f"{where}.predicted_label"),
        probability_threshold=None if threshold is None else float(threshold),
        features=None if features is None else (_names(features, f"{where}.features") or ()),
        ground_truth=_optional_text(spec.get("ground_truth"), f"{where}.ground_truth"),
        label_delay_hours=_count(spec.get("label_delay_hours", 24), f"{where}.label_delay_hours", minimum=0),
        baseline=_optional_text(spec.get("baseline"), f"{where}.baseline"),
        resamples=_count(boot.get("resamples", 100), f"{where}.bootstrap.resamples", minimum=0),
        confidence=float(confidence),
        seed=_count(boot.get("seed", 0), f"{where}.bootstrap.seed", minimum=0),
        row_budget=_count(spec.get("row_budget", 200_000), f"{where}.row_budget", minimum=1),
    )


def _optional_text(value: object, where: str) -> str | None:
    return None if value is None else _text(value, where)


def _count(value: object, where: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{where} must be an integer >= {minimum}. Got {value!r} instead.")
    return value
