"""Feature-attribution settings: the analysis config's ``explainability`` section, or a Clarify explainability
``analysis_config.json`` named by env ``explainability_config``.

Clarify's own keys keep their meaning: ``headers`` (the dataset's columns), ``label`` (left out of the
features), ``methods.shap{baseline, num_samples, agg_method, use_logit}`` and ``predictor{endpoint_name,
content_type, accept_type, content_template, record_template, probability, label_headers}``. Ours:

- ``source``: ``endpoint`` (query a model endpoint with Kernel SHAP; the default) or ``capture`` (the model
  returns each record's attributions in its output, at the dotted path ``attributions``, with the expected
  value at ``expected_value``);
- the bounds: ``row_budget`` rows explained (200 through an endpoint, 10,000 captured), ``max_calls`` endpoint
  calls of at most ``rows_per_call`` rows,
  ``concurrency`` calls at once, ``retries`` per call, ``time_limit_s`` for all of them;
- ``threshold`` (Clarify's 0.9) and ``bootstrap{resamples, confidence, seed}`` for nDCG's interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analyzers.attribution.global_values import AGG_METHODS
from analyzers.attribution.ndcg import THRESHOLD
from container import settings_schema as schema
from container.errors import ConfigError
from container.settings_schema import count, names

SOURCES = ("endpoint", "capture")
CSV, JSON, JSON_LINES = "text/csv", "application/json", "application/jsonlines"
CONTENT_TYPES = (CSV, JSON, JSON_LINES)
DEFAULT_LABEL = "label0"  # Clarify's name for a model's single output
CAPTURE_ROW_BUDGET = 10_000


@dataclass(frozen=True, slots=True)
class EndpointSettings:
    """The model endpoint Kernel SHAP queries; ``name`` None: the job's own endpoint (``sagemaker_endpoint_name``)."""

    name: str | None = None
    content_type: str = CSV
    accept_type: str = CSV
    content_template: str | None = None  # JSON: "$records" (a list) or "$features" (JSON lines), Clarify's
    record_template: str = "$features"  # or "$features_kvp": a record as an object of header: value
    probability: int | str | None = None  # CSV: the column of the output; JSON: a JMESPath to the scores
    max_calls: int = 2_000
    rows_per_call: int = 500
    concurrency: int = 4
    retries: int = 3
    time_limit_s: float = 900.0


@dataclass(frozen=True, slots=True)
class ExplainabilitySettings:
    source: str = "endpoint"
    headers: tuple[str, ...] | None = None  # the dataset's columns, by position where the data has no header
    label: str | None = None  # the dataset's label column: never a feature
    label_name: str = DEFAULT_LABEL  # the output explained, as analysis.json and the metrics name it
    background: tuple[tuple[Any, ...], ...] | str | None = None  # rows, or a CSV file's path / s3:// URI
    num_samples: int = 256  # coalitions per row: exact Shapley values up to 8 features
    agg_method: str = "mean_abs"
    use_logit: bool = False
    num_clusters: int = 10  # background rows computed when none is given
    endpoint: EndpointSettings = EndpointSettings()
    attributions: str | None = None  # capture: the dotted path of each record's attributions in the output
    expected_value: str | None = None  # capture: the dotted path of the model's expected value
    row_budget: int = 200  # the capture source's default is CAPTURE_ROW_BUDGET: its rows cost no call
    threshold: float = THRESHOLD
    resamples: int = 200
    confidence: float = 0.95
    seed: int = 0

    @property
    def link(self) -> str:
        return "logit" if self.use_logit else "identity"


def parse_clarify_explainability(data: object, *, source: str) -> ExplainabilitySettings:
    """A Clarify explainability analysis_config.json: Clarify's keys we do not use are left to Clarify."""
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k in schema.EXPLAINABILITY_KEYS}
        if isinstance(data.get("methods"), dict):
            data["methods"] = {k: v for k, v in data["methods"].items() if k == "shap"}
        if isinstance(data.get("predictor"), dict):
            data["predictor"] = {k: v for k, v in data["predictor"].items() if k in schema.PREDICTOR_KEYS}
    return explainability_settings(schema.convert(data, schema.Explainability, source=source), source=source, prefix="")


def explainability_settings(spec: schema.Explainability, *, source: str, prefix: str) -> ExplainabilitySettings:
    """Check the values of a decoded explainability section; ``prefix`` is its path (``explainability.``)."""
    where = f"{source}: {prefix}"
    defaults = ExplainabilitySettings()
    shap = (spec.methods or schema.Methods()).shap or schema.Shap()
    predictor = spec.predictor or schema.Predictor()
    boot = spec.bootstrap or schema.Bootstrap()
    chosen = spec.source or defaults.source
    if chosen not in SOURCES:
        raise ConfigError(f"{where}source must be one of {', '.join(SOURCES)}. Got {chosen!r} instead.")
    if chosen == "capture" and not spec.attributions:
        raise ConfigError(
            f"{where}attributions must name where the model's output holds each record's attributions, e.g. \"shap\" "
            'for {"score": 0.7, "shap": {"age": 0.1, ...}}, when source is "capture".'
        )
    agg = shap.agg_method or defaults.agg_method
    if agg not in AGG_METHODS:
        raise ConfigError(f"{where}methods.shap.agg_method must be one of {', '.join(AGG_METHODS)}. Got {agg!r} instead.")
    labels = None if predictor.label_headers is None else names(predictor.label_headers, f"{where}predictor.label_headers")
    if labels is not None and len(labels) != 1:
        raise ConfigError(
            f"{where}predictor.label_headers names {len(labels)} outputs; one output (score) is explained: name it "
            "alone, and point predictor.probability at its score."
        )
    confidence = defaults.confidence if boot.confidence is None else float(boot.confidence)
    if not 0 < confidence < 1:
        raise ConfigError(f"{where}bootstrap.confidence must be a number in (0, 1). Got {confidence!r} instead.")
    threshold = defaults.threshold if spec.threshold is None else float(spec.threshold)
    if not 0 < threshold <= 1:
        raise ConfigError(f"{where}threshold must be a number in (0, 1] (Clarify's is 0.9). Got {threshold!r} instead.")
    return ExplainabilitySettings(
        source=chosen,
        headers=None if spec.headers is None else names(spec.headers, f"{where}headers"),
        label=_text(spec.label, f"{where}label"),
        label_name=labels[0] if labels else defaults.label_name,
        background=_background(shap.baseline, f"{where}methods.shap.baseline"),
        num_samples=count(shap.num_samples, f"{where}methods.shap.num_samples", defaults.num_samples, minimum=2),
        agg_method=agg,
        use_logit=bool(shap.use_logit),
        num_clusters=count(shap.num_clusters, f"{where}methods.shap.num_clusters", defaults.num_clusters, minimum=1),
        endpoint=_endpoint(predictor, spec, where) if chosen == "endpoint" else EndpointSettings(),
        attributions=_text(spec.attributions, f"{where}attributions"),
        expected_value=_text(spec.expected_value, f"{where}expected_value"),
        row_budget=count(
            spec.row_budget, f"{where}row_budget", CAPTURE_ROW_BUDGET if chosen == "capture" else defaults.row_budget, minimum=2
        ),
        threshold=threshold,
        resamples=count(boot.resamples, f"{where}bootstrap.resamples", defaults.resamples, minimum=0),
        confidence=confidence,
        seed=count(boot.seed if boot.seed is not None else shap.seed, f"{where}bootstrap.seed", defaults.seed, minimum=0),
    )


def _endpoint(predictor: schema.Predictor, spec: schema.Explainability, where: str) -> EndpointSettings:
    if predictor.endpoint_name is None and predictor.model_name is not None:
        raise ConfigError(
            f"{where}predictor.model_name asks for a shadow endpoint, which this container does not create (its role "
            "has no sagemaker:* rights): deploy one and name it in predictor.endpoint_name."
        )
    defaults = EndpointSettings()
    content = predictor.content_type or defaults.content_type
    accept = predictor.accept_type or content
    for key, value in (("content_type", content), ("accept_type", accept)):
        if value not in CONTENT_TYPES:
            raise ConfigError(f"{where}predictor.{key} must be one of {', '.join(CONTENT_TYPES)}. Got {value!r} instead.")
    template = predictor.content_template
    if template is not None and content == JSON and "$records" not in template and "$features" not in template:
        raise ConfigError(f'{where}predictor.content_template must hold $records (or $features), e.g. {{"instances": $records}}.')
    record = predictor.record_template or defaults.record_template
    if record not in ("$features", "$features_kvp"):
        raise ConfigError(f'{where}predictor.record_template must be "$features" or "$features_kvp". Got {record!r} instead.')
    probability = predictor.probability if predictor.probability is not None else predictor.label
    if isinstance(probability, int) and (accept != CSV or probability < 0):
        raise ConfigError(f"{where}predictor.probability={probability!r}: a column index (>= 0) is for text/csv output only.")
    time_limit = defaults.time_limit_s if spec.time_limit_s is None else float(spec.time_limit_s)
    if time_limit <= 0:
        raise ConfigError(f"{where}time_limit_s must be a number of seconds > 0. Got {time_limit!r} instead.")
    return EndpointSettings(
        name=_text(predictor.endpoint_name, f"{where}predictor.endpoint_name"),
        content_type=content,
        accept_type=accept,
        content_template=template,
        record_template=record,
        probability=probability,
        max_calls=count(spec.max_calls, f"{where}max_calls", defaults.max_calls, minimum=1),
        rows_per_call=count(spec.rows_per_call, f"{where}rows_per_call", defaults.rows_per_call, minimum=1),
        concurrency=count(spec.concurrency, f"{where}concurrency", defaults.concurrency, minimum=1),
        retries=count(spec.retries, f"{where}retries", defaults.retries, minimum=0),
        time_limit_s=time_limit,
    )


def _background(value: list[list[Any]] | str | None, where: str) -> tuple[tuple[Any, ...], ...] | str | None:
    if value is None or isinstance(value, str):
        return _text(value, where)
    widths = {len(row) for row in value}
    if not value or len(widths) != 1 or 0 in widths:
        raise ConfigError(f"{where} must be a non-empty list of rows of one width, e.g. [[35, 52000, 3]]. Got {value!r:.80}.")
    return tuple(tuple(row) for row in value)


def _text(value: str | None, where: str) -> str | None:
    if value == "":
        raise ConfigError(f"{where} must be a non-empty string or absent. Got '' instead.")
    return value
