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

import math
import re
from dataclasses import dataclass, field
from typing import Any

from analyzers.drift.settings import Correction, DriftSettings, Effect, MethodSettings
from analyzers.model_quality.metrics import BINARY, MULTICLASS, REGRESSION
from analyzers.multivariate.settings import MultivariateSettings
from container import settings_schema as schema
from container.bias_settings import BiasConfig, FacetConfig, bias_settings
from container.contract import EXPECTATION_SUITE, GROUND_TRUTH_SOURCE, MonitorContract
from container.documents import parse_json
from container.errors import ConfigError
from container.explainability_settings import ExplainabilitySettings, explainability_settings
from container.settings_schema import count, names

__all__ = ["AnalysisConfig", "BiasConfig", "FacetConfig", "parse", "parse_text"]

SECTION = "analysis_config"  # its key inside constraints.json
PROBLEM_TYPES = (BINARY, MULTICLASS, REGRESSION)


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
    """A Great Expectations suite to validate (local path or s3:// URI). The common expectation types are
    evaluated natively on every row (``native``: false sends every one to GX); GX validates the others on at
    most ``row_budget`` rows sampled uniformly with ``seed`` when the window is larger."""

    suite: str | None = None
    row_budget: int = 100_000
    seed: int = 0
    native: bool = True


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
class ClusterConfig:
    """A multi-instance job's Dask cluster: the leader's scheduler port, the port ranges of the workers and
    their nannies (None: any free port; set both where a security group allows only some ports between the
    instances), and how long hosts may take to resolve and join."""

    scheduler_port: int = 8786
    worker_ports: str | None = None  # "9000:9099"
    nanny_ports: str | None = None
    join_timeout_s: float = 120.0


@dataclass(frozen=True, slots=True)
class TrafficConfig:
    """Which captured records to leave out before any analysis, counted as filtered out (not bad): those
    whose ``eventMetadata`` value of a key matches its pattern (``exclude``), and those whose value of a key
    does not (``include``: a record without the key is left out too). Patterns are regular expressions
    (``re.search``); a list value (``customAttributes``) matches when any of its strings does."""

    exclude: tuple[tuple[str, str], ...] = ()
    include: tuple[tuple[str, str], ...] = ()
    # A window of several models (a multi-model endpoint): the eventMetadata key that names a record's model,
    # and the models to monitor one by one besides the whole window.
    per_model: tuple[str, tuple[str, ...]] | None = None

    @property
    def active(self) -> bool:
        return bool(self.exclude or self.include)

    def only(self, model: str) -> TrafficConfig:
        """These filters, restricted to one model of ``per_model`` (exactly its name)."""
        if self.per_model is None:
            raise ValueError("no per_model split to restrict")
        key = self.per_model[0]
        return TrafficConfig(self.exclude, (*self.include, (key, f"^{re.escape(model)}$")), None)


@dataclass(frozen=True, slots=True)
class ReportConfig:
    """The pages people read: ``report.html`` on every run (``html``), and ``trend.html`` across the last
    ``history_runs`` runs found under ``history`` (a local folder of past outputs or the ``report_s3_uri``)."""

    html: bool = True
    history: str | None = None
    history_runs: int = 48


@dataclass(frozen=True, slots=True)
class AnalysisConfig:
    columns: ColumnsConfig = field(default_factory=ColumnsConfig)
    payload: PayloadConfig = field(default_factory=PayloadConfig)
    empty_window: str = "complete"  # or "fail": what a window without records does
    drift: DriftSettings | None = None  # None: AWS's L-infinity check decides drift alone
    multivariate: MultivariateSettings | None = None  # None: no multivariate drift step
    expectations: ExpectationsConfig = field(default_factory=ExpectationsConfig)
    bias: BiasConfig | None = None
    model_quality: dict[str, Any] = field(default_factory=dict)  # the keys given, values checked
    explainability: ExplainabilitySettings | None = None  # the feature-attribution job's settings
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    traffic: TrafficConfig = field(default_factory=TrafficConfig)


def parse(data: object, *, source: str) -> AnalysisConfig:
    """Validate a decoded analysis config; ``source`` says where it came from, for messages."""
    doc = schema.convert(data, schema.Document, source=source)
    columns = doc.columns or schema.Columns()
    payload = doc.payload or schema.Payload()
    empty_window = "complete" if doc.empty_window is None else doc.empty_window
    if empty_window not in ("complete", "fail"):
        raise ConfigError(f"{source}: empty_window must be 'complete' or 'fail'. Got {empty_window!r} instead.")
    return AnalysisConfig(
        columns=ColumnsConfig(
            output=None if columns.output is None else names(columns.output, f"{source}: columns.output"),
            input=None if columns.input is None else names(columns.input, f"{source}: columns.input"),
        ),
        payload=PayloadConfig(
            **{k: _text(getattr(payload, k), f"{source}: payload.{k}") for k in payload.__struct_fields__},
        ),
        empty_window=empty_window,
        drift=None if doc.drift is None else _drift(doc.drift, source),
        multivariate=None if doc.multivariate is None else _multivariate(doc.multivariate, f"{source}: multivariate"),
        expectations=_expectations(doc.expectations or schema.Expectations(), f"{source}: expectations"),
        bias=None if doc.bias is None else bias_settings(doc.bias, source=source, prefix="bias."),
        model_quality=_model_quality(doc.model_quality or schema.ModelQuality(), f"{source}: model_quality"),
        explainability=None
        if doc.explainability is None
        else explainability_settings(doc.explainability, source=source, prefix="explainability."),
        limits=_limits(doc.limits or schema.Limits(), f"{source}: limits"),
        cluster=_cluster(doc.cluster or schema.Cluster(), f"{source}: cluster"),
        report=_report(doc.report or schema.Report(), f"{source}: report"),
        traffic=_traffic(doc.traffic or schema.Traffic(), f"{source}: traffic"),
    )


def parse_text(text: str, *, source: str) -> AnalysisConfig:
    return parse(parse_json(text, source=source, error=ConfigError), source=source)


def _text(value: str | None, where: str) -> str | None:
    if value == "":
        raise ConfigError(f"{where} must be a non-empty string such as 'instances'. Got '' instead.")
    return value


def _limits(spec: schema.Limits, where: str) -> LimitsConfig:
    defaults = LimitsConfig()
    share = defaults.bad_record_share if spec.bad_record_share is None else spec.bad_record_share
    if not 0 <= share <= 1:
        raise ConfigError(f"{where}.bad_record_share must be a number in [0, 1], e.g. 0.05. Got {share!r} instead.")
    return LimitsConfig(
        max_record_bytes=count(spec.max_record_bytes, f"{where}.max_record_bytes", defaults.max_record_bytes, minimum=1),
        max_nesting_depth=count(spec.max_nesting_depth, f"{where}.max_nesting_depth", defaults.max_nesting_depth, minimum=1),
        bad_record_share=float(share),
    )


_PORT_RANGE = re.compile(r"^(\d{1,5}):(\d{1,5})$")


def _cluster(spec: schema.Cluster, where: str) -> ClusterConfig:
    defaults = ClusterConfig()
    port = defaults.scheduler_port if spec.scheduler_port is None else spec.scheduler_port
    if not 1024 <= port <= 65535:
        raise ConfigError(f"{where}.scheduler_port must be a port in [1024, 65535], e.g. 8786. Got {port!r} instead.")
    for key in ("worker_ports", "nanny_ports"):
        value = getattr(spec, key)
        found = None if value is None else _PORT_RANGE.match(value)
        if value is not None and not (found and 1024 <= int(found[1]) <= int(found[2]) <= 65535):
            raise ConfigError(
                f"{where}.{key} must be a port range 'low:high' within [1024, 65535], e.g. '9000:9099'. Got {value!r} instead."
            )
    timeout = defaults.join_timeout_s if spec.join_timeout_s is None else float(spec.join_timeout_s)
    if not 1 <= timeout <= 3600:
        raise ConfigError(f"{where}.join_timeout_s must be a number of seconds in [1, 3600], e.g. 120. Got {timeout!r} instead.")
    return ClusterConfig(port, spec.worker_ports, spec.nanny_ports, timeout)


def _traffic(spec: schema.Traffic, where: str) -> TrafficConfig:
    per_model = None
    if spec.per_model is not None:
        key, models = spec.per_model.key, spec.per_model.models or []
        if not key:
            raise ConfigError(f"{where}.per_model.key must name the eventMetadata key that holds a record's model.")
        if not models or any(not m for m in models) or len(set(models)) != len(models):
            raise ConfigError(f"{where}.per_model.models must list distinct, non-empty model names. Got {models!r} instead.")
        per_model = (key, tuple(models))
    return TrafficConfig(_patterns(spec.exclude, f"{where}.exclude"), _patterns(spec.include, f"{where}.include"), per_model)


def _patterns(spec: dict[str, str] | None, where: str) -> tuple[tuple[str, str], ...]:
    out = []
    for key, pattern in sorted((spec or {}).items()):
        if not key:
            raise ConfigError(f"{where} has an empty key; name an eventMetadata key such as customAttributes.")
        if not pattern:
            raise ConfigError(f"{where}.{key} is empty, which matches every record; give a pattern or remove the key.")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{where}.{key} is not a regular expression ({exc}): {pattern!r}.") from None
        out.append((key, pattern))
    return tuple(out)


def _report(spec: schema.Report, where: str) -> ReportConfig:
    if spec.history == "":
        raise ConfigError(f"{where}.history must be a folder of past runs' outputs or an s3:// prefix. Got '' instead.")
    runs = ReportConfig().history_runs if spec.history_runs is None else spec.history_runs
    if not 1 <= runs <= 10_000:
        raise ConfigError(f"{where}.history_runs must be an integer in [1, 10000], e.g. 48. Got {runs!r} instead.")
    html = True if spec.html is None else spec.html
    if spec.history is not None and not html:
        raise ConfigError(f"{where}.history asks for trend.html, which is written with report.html: set html to true.")
    return ReportConfig(html, spec.history, runs)


# Each multivariate number: the smallest and largest value allowed, and an example for the message.
_MULTIVARIATE_RANGES: dict[str, tuple[float, float, str]] = {
    "row_budget": (100, 10_000_000, "10000"),
    "seed": (0, 2**63 - 1, "0"),
    "max_levels": (1, 1000, "20"),
    "level": (1e-9, 0.5, "0.002"),
    "variance_share": (0.01, 1.0, "0.9"),
    "reconstruction_floor": (0.0, 100.0, "0.1"),
    "classifier_rows": (50, 1_000_000, "5000"),
    "folds": (2, 20, "3"),
    "permutations": (1, 1000, "5"),
    "auc_floor": (0.5, 1.0, "0.55"),
}


def _multivariate(spec: schema.Multivariate, where: str) -> MultivariateSettings:
    defaults = MultivariateSettings()
    values: dict[str, Any] = {}
    for key, (low, high, example) in _MULTIVARIATE_RANGES.items():
        value = getattr(spec, key)
        if value is None:
            continue
        if not low <= value <= high:
            raise ConfigError(f"{where}.{key} must be in [{low:g}, {high:g}], e.g. {example}. Got {value!r} instead.")
        values[key] = value
    for key in ("reconstruction", "classifier"):
        if getattr(spec, key) is not None:
            values[key] = getattr(spec, key)
    if spec.features is not None:
        values["features"] = names(spec.features, f"{where}.features")
    settings = MultivariateSettings(**{**{k: getattr(defaults, k) for k in defaults.__slots__}, **values})
    if not (settings.reconstruction or settings.classifier):
        raise ConfigError(
            f"{where} turns both methods off (reconstruction and classifier false): turn one on, or remove the section."
        )
    return settings


def _expectations(spec: schema.Expectations, where: str) -> ExpectationsConfig:
    if spec.suite == "":
        raise ConfigError(f"{where}.suite must be a local path or s3:// URI of a suite. Got '' instead.")
    budget = ExpectationsConfig().row_budget if spec.row_budget is None else spec.row_budget
    if budget < 1:
        raise ConfigError(f"The 'row_budget' parameter of {where} must be an integer >= 1. Got {budget!r} instead.")
    seed = 0 if spec.seed is None else spec.seed
    if seed < 0:
        raise ConfigError(f"The 'seed' parameter of {where} must be an integer >= 0. Got {seed!r} instead.")
    native = ExpectationsConfig().native if spec.native is None else spec.native
    return ExpectationsConfig(suite=spec.suite, row_budget=budget, seed=seed, native=native)


def _drift(spec: schema.Drift, source: str) -> DriftSettings:
    """The ``drift`` section: global method keys, ``numeric``/``categorical`` layers, ``features``."""
    where = f"{source}: drift"
    defaults = DriftSettings()
    correction = defaults.correction.value if spec.correction is None else spec.correction
    if correction not in {c.value for c in Correction}:
        allowed = ", ".join(c.value for c in Correction)
        raise ConfigError(f"{where}.correction must be one of {allowed}. Got {correction!r} instead.")
    level = defaults.level if spec.level is None else spec.level
    if not 0 < level < 1:
        raise ConfigError(f"{where}.level must be a number in (0, 1), e.g. 0.01. Got {level!r} instead.")
    categorical = _method(spec.categorical or schema.Method(), f"{where}.categorical")
    if categorical.effect is Effect.WASSERSTEIN:
        raise ConfigError(f"{where}.categorical.effect cannot be wasserstein (it needs numbers); use linf, psi or js.")
    features = tuple(_feature(name, value, source) for name, value in (spec.features or {}).items())
    return DriftSettings(
        correction=Correction(correction),
        level=float(level),
        default=_method(spec, where),
        numeric=_method(spec.numeric or schema.Method(), f"{where}.numeric"),
        categorical=categorical,
        features=features,
    )


def _feature(name: str, value: object, source: str) -> tuple[str, MethodSettings]:
    spec = schema.convert(value, schema.Method, source=source, at=f".drift.features.{name}")
    return name, _method(spec, f"{source}: drift.features.{name}")


def _method(spec: schema.Method, where: str) -> MethodSettings:
    if spec.effect is not None and spec.effect not in {e.value for e in Effect}:
        allowed = ", ".join(e.value for e in Effect)
        raise ConfigError(f"The 'effect' parameter of {where} must be one of {allowed}. Got {spec.effect!r} instead.")
    if spec.floor is not None and spec.floor < 0:
        raise ConfigError(f"The 'floor' parameter of {where} must be a number >= 0. Got {spec.floor!r} instead.")
    if spec.min_samples is not None and spec.min_samples < 1:
        raise ConfigError(f"The 'min_samples' parameter of {where} must be an integer >= 1. Got {spec.min_samples!r} instead.")
    return MethodSettings(
        effect=None if spec.effect is None else Effect(spec.effect),
        floor=None if spec.floor is None else float(spec.floor),
        min_samples=spec.min_samples,
    )


def _model_quality(spec: schema.ModelQuality, where: str) -> dict[str, Any]:
    """The keys given, their values checked; the model-quality job merges them under the environment."""
    values = {k: v for k in spec.__struct_fields__ if (v := getattr(spec, k)) is not None}
    problem = values.get("problem_type")
    if problem is not None and problem not in PROBLEM_TYPES:
        raise ConfigError(f"{where}.problem_type must be one of {', '.join(PROBLEM_TYPES)}. Got {problem!r} instead.")
    for key in ("inference_attribute", "probability_attribute", "ground_truth_attribute"):
        if values.get(key) == "":
            raise ConfigError(f"{where}.{key} must name a column (a CSV position such as '0' or a JSON key). Got '' instead.")
    for key, minimum in (("min_labelled", 0), ("label_delay_hours", 0), ("row_budget", 1), ("seed", 0)):
        if key in values:
            count(values[key], f"{where}.{key}", 0, minimum=minimum)
    for label, attribute in values.get("class_probability_attributes", {}).items():
        if not label or not attribute:
            raise ConfigError(
                f"{where}.class_probability_attributes maps each class label to its score column, "
                f'e.g. {{"cat": "1", "dog": "2"}}. Got {label!r}: {attribute!r}.'
            )
    tolerance = values.get("calibration_tolerance", 0.0)
    if not 0 <= tolerance <= 1:
        raise ConfigError(f"{where}.calibration_tolerance must be a number in [0, 1], e.g. 0.05. Got {tolerance!r} instead.")
    if "probability_threshold_attribute" in values:
        finite_number(values["probability_threshold_attribute"], f"{where}.probability_threshold_attribute")
    return values


def finite_number(value: float | str, where: str) -> float:
    """A finite number, also from its text (the SDK passes model-quality settings as strings)."""
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise ConfigError(f"{where} must be a number such as 0.5. Got {value!r} instead.")
    return number


# Which of two places gives a setting


@dataclass(frozen=True, slots=True)
class Setting:
    """A setting's value and the name it was given under (for messages)."""

    name: str
    value: str


def chosen(env_name: str, env_value: str | None, config_name: str, config_value: str | None) -> Setting | None:
    """Our one precedence rule: the environment over the analysis config (itself env ``analysis_config``
    over the section embedded in the baseline's constraints, ``read_config``).

    >>> chosen("expectation_suite", None, "expectations.suite", "s.json")
    Setting(name='expectations.suite', value='s.json')
    """
    if env_value is not None:
        return Setting(env_name, env_value)
    return None if config_value is None else Setting(config_name, config_value)


def suite_source(contract: MonitorContract, config: AnalysisConfig) -> Setting | None:
    return chosen(EXPECTATION_SUITE, contract.expectation_suite, "expectations.suite", config.expectations.suite)


def ground_truth_source(contract: MonitorContract, bias: BiasConfig | None) -> Setting | None:
    return chosen(GROUND_TRUTH_SOURCE, contract.ground_truth_source, "bias.ground_truth", bias.ground_truth if bias else None)
