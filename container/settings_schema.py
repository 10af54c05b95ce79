"""The typed shape of our settings documents: the analysis config and a Clarify bias config.

Decoding checks what *type* each key holds (msgspec, strict, frozen Structs): a wrong type anywhere is a
``ConfigError`` naming the document, the path (``drift.features.income.floor``), the value and what is
expected, and NaN or Infinity (which Python's JSON reader accepts) are refused wherever a number goes.
An unknown key is refused with the keys allowed there. What a value may *be* (one of a set, in a range,
unique) is checked by ``container.settings`` and ``container.bias_settings``, whose messages say how to fix
it. ``null`` counts as an absent key everywhere.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

import msgspec

from container.documents import Finite, describe
from container.errors import ConfigError

T = TypeVar("T")

# A number as written (an integer stays one, so a message shows the user's own value), never NaN/Infinity.
Number = int | Finite
# A label or facet value, as Clarify takes them; a number among them must be finite like any other.
Scalar = str | bool | Number


class Section(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    pass


class Columns(Section, frozen=True):
    output: list[str] | None = None
    input: list[str] | None = None


class Payload(Section, frozen=True):
    input_records: str | None = None
    input_record: str | None = None
    output_records: str | None = None
    output_record: str | None = None


class Method(Section, frozen=True):
    effect: str | None = None
    floor: Number | None = None
    min_samples: int | None = None


class Drift(Method, frozen=True):
    """The global method keys (inherited) and the layers over them."""

    correction: str | None = None
    level: Number | None = None
    numeric: Method | None = None
    categorical: Method | None = None
    # Each feature's settings are decoded on their own, so that a message names the feature
    # (msgspec would say ``features[...]``).
    features: dict[str, Any] | None = None


class Expectations(Section, frozen=True):
    suite: str | None = None
    row_budget: int | None = None
    seed: int | None = None
    native: bool | None = None


class Multivariate(Section, frozen=True):
    row_budget: int | None = None
    seed: int | None = None
    max_levels: int | None = None
    level: Number | None = None
    reconstruction: bool | None = None
    variance_share: Number | None = None
    reconstruction_floor: Number | None = None
    classifier: bool | None = None
    classifier_rows: int | None = None
    folds: int | None = None
    permutations: int | None = None
    auc_floor: Number | None = None
    features: list[str] | None = None


class Limits(Section, frozen=True):
    max_record_bytes: int | None = None
    max_nesting_depth: int | None = None
    bad_record_share: Number | None = None


class ModelQuality(Section, frozen=True):
    """AWS's model-quality names (also read from the environment) and our own keys."""

    problem_type: str | None = None
    inference_attribute: str | None = None
    probability_attribute: str | None = None
    # A number here; the environment can only give it as text, so a numeric string is read too.
    probability_threshold_attribute: Number | str | None = None
    ground_truth_attribute: str | None = None
    min_labelled: int | None = None
    label_delay_hours: int | None = None
    row_budget: int | None = None
    calibration_tolerance: Number | None = None
    seed: int | None = None
    # Multiclass: each class label's score column (a CSV position or JSON key), for the label-free estimate.
    class_probability_attributes: dict[str, str] | None = None


class Facet(Section, frozen=True):
    name_or_index: str
    value_or_threshold: list[Scalar] | None = None


class Bootstrap(Section, frozen=True):
    resamples: int | None = None
    confidence: Number | None = None
    seed: int | None = None


class Bias(Section, frozen=True):
    """Clarify's analysis-config keys we read, plus where the labels and the baseline come from."""

    label: str
    label_values_or_threshold: list[Scalar]
    facet: list[Facet]
    group_variable: str | None = None
    predicted_label: str | None = None
    probability_threshold: Number | None = None
    features: list[str] | None = None
    ground_truth: str | None = None
    label_delay_hours: int | None = None
    baseline: str | None = None
    bootstrap: Bootstrap | None = None
    row_budget: int | None = None


BIAS_KEYS = frozenset(f.encode_name for f in msgspec.structs.fields(Bias))


class Shap(Section, frozen=True):
    """Clarify's ``methods.shap``; ``num_clusters`` and ``seed`` size and seed the background we compute."""

    baseline: list[list[Scalar | None]] | str | None = None
    num_samples: int | None = None
    agg_method: str | None = None
    use_logit: bool | None = None
    save_local_shap_values: bool | None = None
    num_clusters: int | None = None
    seed: int | None = None


class Methods(Section, frozen=True):
    shap: Shap | None = None


class Predictor(Section, frozen=True):
    """Clarify's ``predictor`` keys: the endpoint to query, its formats and where the score is in its output.
    Clarify's shadow-endpoint keys are decoded so that a message can say we do not create endpoints."""

    endpoint_name: str | None = None
    content_type: str | None = None
    accept_type: str | None = None
    content_template: str | None = None
    record_template: str | None = None
    probability: int | str | None = None
    label: int | str | None = None
    label_headers: list[str] | None = None
    model_name: str | None = None
    instance_type: str | None = None
    initial_instance_count: int | None = None
    target_model: str | None = None


class Explainability(Section, frozen=True):
    """Clarify's explainability keys (``headers``, ``label``, ``methods``, ``predictor``) and our own: where the
    attributions come from and the bounds of the step."""

    headers: list[str] | None = None
    label: str | None = None
    methods: Methods | None = None
    predictor: Predictor | None = None
    source: str | None = None
    attributions: str | None = None
    expected_value: str | None = None
    row_budget: int | None = None
    max_calls: int | None = None
    concurrency: int | None = None
    rows_per_call: int | None = None
    retries: int | None = None
    time_limit_s: Number | None = None
    threshold: Number | None = None
    bootstrap: Bootstrap | None = None


EXPLAINABILITY_KEYS = frozenset(f.encode_name for f in msgspec.structs.fields(Explainability))
PREDICTOR_KEYS = frozenset(f.encode_name for f in msgspec.structs.fields(Predictor))


class Cluster(Section, frozen=True):
    scheduler_port: int | None = None
    worker_ports: str | None = None
    nanny_ports: str | None = None
    join_timeout_s: Number | None = None


class PerModel(Section, frozen=True):
    key: str | None = None
    models: list[str] | None = None


class Traffic(Section, frozen=True):
    exclude: dict[str, str] | None = None
    include: dict[str, str] | None = None
    per_model: PerModel | None = None


class Report(Section, frozen=True):
    html: bool | None = None
    history: str | None = None
    history_runs: int | None = None


class Document(Section, frozen=True):
    columns: Columns | None = None
    payload: Payload | None = None
    empty_window: str | None = None
    drift: Drift | None = None
    multivariate: Multivariate | None = None
    expectations: Expectations | None = None
    bias: Bias | None = None
    model_quality: ModelQuality | None = None
    explainability: Explainability | None = None
    limits: Limits | None = None
    cluster: Cluster | None = None
    report: Report | None = None
    traffic: Traffic | None = None


DOCUMENT_KEYS = frozenset(f.encode_name for f in msgspec.structs.fields(Document))

_UNKNOWN = re.compile(r"^Object contains unknown field `(?P<key>[^`]*)`(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_AT = re.compile(r"^(?P<what>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def convert(data: object, kind: type[T], *, source: str, at: str = "") -> T:
    """Decode ``data`` into ``kind``. ``data`` sits at path ``at`` (``.drift.features.age``) of the
    document ``source``, so that messages name the whole path."""
    try:
        return msgspec.convert(data, kind, strict=True)
    except msgspec.ValidationError as exc:
        raise ConfigError(_message(str(exc), data, kind, source=source, at=at)) from None


def _message(text: str, data: object, kind: type, *, source: str, at: str) -> str:
    unknown = _UNKNOWN.match(text)
    if unknown:
        path = unknown["path"] or ""
        where = (at + path).lstrip(".")
        allowed = ", ".join(sorted(_keys_at(kind, path)))
        return f"{source}: {where + ': ' if where else ''}unknown key {unknown['key']!r}; allowed keys are {allowed}."
    match = _AT.match(text)
    assert match is not None  # the pattern matches every string
    # The shared sentence (``<source>: <path> is <value>; expected <what>.``), on the whole document's path.
    # Every key here may be null (= absent), so "or null" would only distract from what to write.
    what = match["what"].replace(" | null`", "`").replace("int | float", "float")  # a number is a number
    whole = msgspec.ValidationError(f"{what} - at `${at}{match['path'] or ''}`")
    return describe(whole, _nest(at, data), source=source)


def _nest(at: str, data: object) -> object:
    for key in reversed([k for k, _ in _STEP.findall(at)]):
        data = {key: data}
    return data


def _keys_at(kind: type, path: str) -> tuple[str, ...]:
    """The keys the Struct at ``path`` of ``kind`` allows (for an unknown-key message)."""
    node: Any = msgspec.inspect.type_info(kind)
    for key, index in _STEP.findall(path):
        node = next((_child(m, key, index) for m in _members(node) if _child(m, key, index) is not None), None)
    return tuple(f.encode_name for m in _members(node) if isinstance(m, msgspec.inspect.StructType) for f in m.fields)


def _members(node: Any) -> tuple[Any, ...]:
    return node.types if isinstance(node, msgspec.inspect.UnionType) else (node,)


def _child(node: Any, key: str, index: str) -> Any:
    if key and isinstance(node, msgspec.inspect.StructType):
        return next((f.type for f in node.fields if f.encode_name == key), None)
    if index and isinstance(node, msgspec.inspect.ListType):
        return node.item_type
    return None


# Value checks both readers share (types are already checked).
def names(value: list[str], where: str) -> tuple[str, ...]:
    """Column names: each non-empty, none twice."""
    if not all(value):
        raise ConfigError(f"{where} must be a list of non-empty column names. Got {value!r:.80} instead.")
    duplicates = sorted({v for v in value if value.count(v) > 1})
    if duplicates:
        raise ConfigError(f"{where} names {duplicates[0]!r} twice; column names must be unique.")
    return tuple(value)


def count(value: int | None, where: str, default: int, *, minimum: int) -> int:
    """A whole number of at least ``minimum`` (its type is already checked), or ``default`` when absent."""
    if value is None:
        return default
    if value < minimum:
        raise ConfigError(f"{where} must be an integer >= {minimum}. Got {value!r} instead.")
    return value
