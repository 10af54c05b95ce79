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
class AnalysisConfig:
    columns: ColumnsConfig = field(default_factory=ColumnsConfig)
    payload: PayloadConfig = field(default_factory=PayloadConfig)
    empty_window: str = "complete"  # or "fail": what a window without records does
    drift: DriftSettings | None = None  # None: AWS's L-infinity check decides drift alone
    expectations: ExpectationsConfig = field(default_factory=ExpectationsConfig)


def parse(data: object, *, source: str) -> AnalysisConfig:
    """Validate a decoded analysis config; ``source`` says where it came from, for messages."""
    top = _object(data, source, {"columns", "payload", "empty_window", "drift", "expectations"})
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
