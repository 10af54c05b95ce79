"""Bias drift against a baseline ``analysis.json``, with Clarify's rule and its interval.

Clarify's monitor flags a metric whose current value is *farther from 0* than the baseline's
(``|current| > |baseline|``), and only when the current value's bootstrap interval does not reach
the range the baseline allows, ``[-|baseline|, +|baseline|]``. DI's parity point is 1, not 0, so it is
measured from 1. Errors or nulls on either side, and metrics missing from either file, are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analyzers.bias.report import INFINITY_TEXT, json_value

PARITY = {"DI": 1.0}


@dataclass(frozen=True, slots=True)
class BiasDriftViolation:
    facet: str
    facet_value: str
    metric_name: str
    current: float
    baseline: float
    description: str


def number(value: Any) -> float | None:
    """A metric value from analysis.json: numbers, "Infinity"/"-Infinity"; None for null or text."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        return next((infinity for infinity, text in INFINITY_TEXT.items() if text == value), None)
    return None


def violates(metric: str, current: float, baseline: float, interval: tuple[float, float] | None) -> bool:
    """
    >>> violates("DPPL", 0.1, 0.2, None), violates("DPPL", -0.3, 0.2, None)
    (False, True)
    >>> violates("DPPL", -0.3, 0.2, (-0.35, -0.15))  # the interval reaches the allowed range
    False
    >>> violates("DI", 0.6, 0.8, None)  # 0.4 from parity against 0.2
    True
    """
    parity = PARITY.get(metric, 0.0)
    allowed = abs(baseline - parity)
    if not abs(current - parity) > allowed:
        return False
    if interval is None:
        return True
    low, high = interval
    return high < parity - allowed or low > parity + allowed


def compare(
    baseline: dict[str, Any], current: dict[str, Any], intervals: dict[tuple[str, str, str], tuple[float, float]]
) -> list[BiasDriftViolation]:
    """Violations of every metric in both reports; ``intervals`` by (facet, value, metric)."""
    base = _values(baseline)
    out = []
    for key, value in _values(current).items():
        if key not in base:
            continue
        facet, facet_value, metric = key
        if violates(metric, value, base[key], intervals.get(key)):
            out.append(
                BiasDriftViolation(
                    facet=facet,
                    facet_value=facet_value,
                    metric_name=metric,
                    current=value,
                    baseline=base[key],
                    description=(
                        f"Metric value {_text(value)} doesn't meet the baseline constraint requirement {_text(base[key])}"
                    ),
                )
            )
    return out


def _values(report: dict[str, Any]) -> dict[tuple[str, str, str], float]:
    out = {}
    for stage in ("pre_training_bias_metrics", "post_training_bias_metrics"):
        facets = (report.get(stage) or {}).get("facets") or {}
        for facet, entries in facets.items():
            for entry in entries:
                for metric in entry.get("metrics", []):
                    value = number(metric.get("value"))
                    if value is not None:
                        out[(facet, str(entry.get("value_or_threshold")), metric["name"])] = value
    return out


def _text(value: float) -> str:
    shown = json_value(value)
    return shown if isinstance(shown, str) else repr(value)
