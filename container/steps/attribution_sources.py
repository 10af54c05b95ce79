"""Local attributions for a window's sampled rows, from the source the settings choose.

- ``endpoint``: Kernel SHAP (analyzers/attribution/kernel_shap.py) over the sampled inputs, the model being the
  endpoint (container/endpoint_model.py). The rows explained are sized so that their calls fit ``max_calls``.
- ``capture``: the model's own output holds each record's attributions at the dotted path ``attributions``
  (an object of feature: value, or a list in ``headers``' order); the first key names the captured column.

A row whose attributions cannot be had (a failed call, a missing or malformed value) costs that row only: it is
counted, with the first reasons, and the others are explained.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from analyzers.attribution.kernel_shap import coalition_count, explain
from container.endpoint_model import EndpointModel, EndpointUsage
from container.errors import ConfigError
from container.explainability_settings import ExplainabilitySettings

EXAMPLES = 3


@dataclass(frozen=True, slots=True)
class Attributions:
    names: tuple[str, ...]
    local: np.ndarray  # explained rows x features
    expected: float | None
    sampled: int  # rows taken from the window's sample = explained + unexplained
    unexplained: int
    reasons: tuple[str, ...] = ()  # the first reasons a row was not explained
    usage: EndpointUsage | None = None
    background_rows: list[list[Any]] | None = None  # Kernel SHAP's background, as JSON holds it

    @property
    def explained(self) -> int:
        return len(self.local)


def explainable_rows(settings: ExplainabilitySettings, background_rows: int, model: EndpointModel, wanted: int) -> int:
    """How many of ``wanted`` rows the call budget explains: the background is scored once, then rows go in
    batches of ``batch_rows`` model rows (each row: its coalitions over the background, and itself), each batch
    split into calls of ``rows_per_call``."""
    per_row = coalition_count(len(model.headers), settings.num_samples) * background_rows + 1
    per_batch = max(1, batch_rows(model) // per_row)
    calls_left = model.settings.max_calls - model.calls_for(background_rows)

    def calls(n: int) -> int:
        whole, rest = divmod(n, per_batch)
        return whole * model.calls_for(per_batch * per_row) + model.calls_for(rest * per_row)

    low, high = 0, wanted  # the most rows whose calls fit: calls(n) grows with n
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if calls(middle) <= calls_left else (low, middle - 1)
    return low


def batch_rows(model: EndpointModel) -> int:
    """Model rows per ``predict`` call: enough for every concurrent call to carry ``rows_per_call`` rows."""
    return model.rows_per_call * model.settings.concurrency


def from_endpoint(
    rows: np.ndarray, background: np.ndarray, model: EndpointModel, settings: ExplainabilitySettings
) -> Attributions:
    """Kernel SHAP of ``rows`` through the endpoint; at most the rows the call budget explains."""
    budget = explainable_rows(settings, len(background), model, len(rows))
    if budget < min(2, len(rows)):
        per_row = coalition_count(len(model.headers), settings.num_samples) * len(background) + 1
        raise ConfigError(
            f"max_calls={model.settings.max_calls} of {model.rows_per_call} rows cannot explain 2 rows: each row takes "
            f"{per_row} model rows ({len(background)} background rows x its coalitions). Raise max_calls or "
            "rows_per_call, or lower methods.shap.num_samples or the background's size."
        )
    taken = rows[:budget]
    found = explain(model.predict, taken, background, settings.num_samples, settings.seed, settings.link, batch_rows(model))
    usage = model.usage()
    missing = len(taken) - found.explained.sum()
    reasons = usage.failures
    if usage.rows_not_sent:
        reasons += (f"{usage.rows_not_sent} model row(s) were not sent: the call budget or time limit was reached",)
    expected = found.expected if math.isfinite(found.expected) else None
    plain = [[_plain(v) for v in row] for row in background]
    return Attributions(model.headers, found.local, expected, len(taken), int(missing), reasons, usage, plain)


def from_capture(table: pa.Table | None, names: tuple[str, ...] | None, settings: ExplainabilitySettings) -> Attributions:
    """The attributions the model put in its output, per sampled row."""
    path = (settings.attributions or "").split(".")
    column = _column(table, path[0], "attributions")
    expected_path = settings.expected_value.split(".") if settings.expected_value else None
    expected_column = _column(table, expected_path[0], "expected_value") if expected_path else None
    rows: list[list[float]] = []
    expected: list[float] = []
    reasons: list[str] = []
    features = names
    for i, text in enumerate(column):
        value, why = _dig(text, path[1:])
        if why is None:
            values, features, why = _values(value, features)
            if why is None and expected_column is not None:
                number, why = _dig(expected_column[i], expected_path[1:])  # type: ignore[index]
                if why is None and not _is_number(number):
                    why = f"expected_value {number!r} is not a number"
                if why is None:
                    expected.append(float(number))
            if why is None:
                rows.append(values)
        if why is not None and len(reasons) < EXAMPLES:
            reasons.append(f"row {i}: {why}")
    local = np.array(rows, dtype=np.float64).reshape(len(rows), len(features or ()))
    mean_expected = float(np.mean(expected)) if expected else None
    return Attributions(tuple(features or ()), local, mean_expected, len(column), len(column) - len(rows), tuple(reasons))


def _column(table: pa.Table | None, name: str, key: str) -> list[Any]:
    if table is None or table.num_rows == 0:
        return []
    if name not in table.column_names:
        found = ", ".join(c for c in table.column_names if not c.startswith("__")) or "none"
        raise ConfigError(f"explainability.{key} starts with {name!r}, which is no key of the model's output (keys: {found}).")
    return table.column(name).to_pylist()


def _dig(text: Any, path: list[str]) -> tuple[Any, str | None]:
    """The value at ``path`` inside a captured column's text (JSON for objects and lists)."""
    if text is None:
        return None, "no value"
    value: Any = text
    if path or (isinstance(text, str) and text[:1] in "[{"):
        try:
            value = json.loads(text)
        except (TypeError, json.JSONDecodeError):
            return None, f"{str(text)[:40]!r} is not JSON"
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None, f"no key {key!r}"
        value = value[key]
    return value, None


def _values(value: Any, names: tuple[str, ...] | None) -> tuple[list[float], tuple[str, ...] | None, str | None]:
    """One row of attributions in ``names``' order (the first object's keys when no names are set)."""
    if isinstance(value, dict):
        names = names or tuple(value)
        if set(value) != set(names):
            return [], names, f"its features {sorted(value)[:5]} are not {sorted(names)[:5]}"
        numbers = [value[n] for n in names]
    elif isinstance(value, list):
        if names is None:
            raise ConfigError("explainability.attributions holds lists: name their features in explainability.headers.")
        if len(value) != len(names):
            return [], names, f"{len(value)} attributions for {len(names)} features"
        numbers = value
    else:
        return [], names, f"{str(value)[:40]!r} is neither an object nor a list of attributions"
    if not all(_is_number(v) for v in numbers):
        return [], names, "an attribution is not a finite number"
    return [float(v) for v in numbers], names, None


def _plain(value: Any) -> Any:
    """A background value as JSON writes it: numpy's numbers as Python's."""
    return value.item() if isinstance(value, np.generic) else value


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
