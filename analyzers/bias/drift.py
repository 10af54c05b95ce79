"""Bias drift against a baseline ``analysis.json``, with Clarify's rule and its interval.

Clarify's monitor flags a metric whose current value is *farther from 0* than the baseline's
(``|current| > |baseline|``), and only when the current value's bootstrap interval does not reach
the range the baseline allows, ``[-|baseline|, +|baseline|]``. DI's parity point is 1, not 0, so it is
measured from 1. Errors or nulls on either side, and metrics missing from either report, are skipped.
Metrics are matched by facet column, facet value text (``value_or_threshold``) and metric name.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzers.bias.clarify_json import json_value
from analyzers.bias.report import BiasReport

PARITY = {"DI": 1.0}

_Key = tuple[str, str, str]  # facet column, facet value text, metric name


@dataclass(frozen=True, slots=True)
class BiasDriftViolation:
    facet: str
    facet_value: str
    metric_name: str
    current: float
    baseline: float
    description: str


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


def compare(baseline: BiasReport, current: BiasReport) -> list[BiasDriftViolation]:
    """Violations of every metric in both reports, judged with the current metric's interval."""
    base = _values(baseline)
    out = []
    for key, (value, interval) in _values(current).items():
        if key not in base:
            continue
        facet, facet_value, metric = key
        allowed = base[key][0]
        if violates(metric, value, allowed, interval):
            out.append(
                BiasDriftViolation(
                    facet=facet,
                    facet_value=facet_value,
                    metric_name=metric,
                    current=value,
                    baseline=allowed,
                    description=(
                        f"Metric value {_text(value)} doesn't meet the baseline constraint requirement {_text(allowed)}"
                    ),
                )
            )
    return out


def _values(report: BiasReport) -> dict[_Key, tuple[float, tuple[float, float] | None]]:
    out = {}
    for _, _, facet, entry, metric in report.metrics():
        value = metric.number
        if value is not None:
            out[(facet, entry.text, metric.name)] = (value, metric.interval)
    return out


def _text(value: float) -> str:
    shown = json_value(value)
    return shown if isinstance(shown, str) else repr(value)
