"""A ``BiasReport`` in Clarify's ``analysis.json`` layout, both ways.

``report_json`` is the one writer: every metric as ``name``, ``description``, ``value`` (infinities as
the strings "Infinity" and "-Infinity", as Clarify writes them), then ``error`` and our
``confidence_interval`` when present. ``AnalysisDocument`` is the layout a baseline ``analysis.json``
(ours or Clarify's) is decoded into, strictly (the caller decodes, naming the file in its errors, each
facet's entries as ``list[EntryDocument]`` so that messages name the facet); ``stage_report`` turns a
decoded stage into the same ``StageReport`` the bias step builds. Keys we do not read are allowed.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import msgspec

from analyzers.bias.report import BiasReport, FacetEntry, MetricValue, StageReport

INFINITY_TEXT = {math.inf: "Infinity", -math.inf: "-Infinity"}  # JSON has no infinities; Clarify writes these
STAGE_KEYS = ("pre_training_bias_metrics", "post_training_bias_metrics")
VERSION = "1.0"


def json_value(value: float | int) -> float | int | str:
    """A metric value as Clarify writes it: infinities as the strings "Infinity" and "-Infinity"."""
    if isinstance(value, float) and math.isinf(value):
        return INFINITY_TEXT[value]
    return value


def report_json(report: BiasReport) -> dict[str, Any]:
    out: dict[str, Any] = {"version": VERSION}
    for key, stage in zip(STAGE_KEYS, (report.pre, report.post), strict=True):
        if stage is not None:
            out[key] = stage_json(stage)
    return out


def stage_json(stage: StageReport) -> dict[str, Any]:
    facets = {facet: [entry_json(e) for e in entries] for facet, entries in stage.facets.items()}
    doc: dict[str, Any] = {"label": stage.label, "label_value_or_threshold": stage.label_text, "facets": facets}
    if stage.error is not None:
        doc["error"] = stage.error
    return doc


def entry_json(entry: FacetEntry) -> dict[str, Any]:
    doc: dict[str, Any] = {"value_or_threshold": entry.text}
    if entry.error is not None:
        doc["error"] = entry.error
    doc["metrics"] = [metric_json(m) for m in entry.metrics]
    return doc


def metric_json(metric: MetricValue) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "name": metric.name,
        "description": metric.description,
        "value": None if metric.value is None else json_value(metric.value),
    }
    if metric.error is not None:
        doc["error"] = metric.error
    if metric.interval is not None:
        doc["confidence_interval"] = list(metric.interval)
    return doc


# A metric value in analysis.json: a number, null, or the spelling of one that is not finite.
Value = float | int | Literal["Infinity", "-Infinity", "NaN"] | None


class _Schema(msgspec.Struct, frozen=True, forbid_unknown_fields=False):
    pass


class MetricDocument(_Schema, frozen=True):
    name: str
    description: str = ""
    value: Value = None
    error: str | None = None
    confidence_interval: tuple[float, float] | None = None


class EntryDocument(_Schema, frozen=True):
    value_or_threshold: str
    metrics: list[MetricDocument] = []
    error: str | None = None


class StageDocument(_Schema, frozen=True):
    label: str = ""
    label_value_or_threshold: str = ""
    facets: dict[str, Any] = {}  # each facet's list: decode it as ``list[EntryDocument]``, naming the facet
    error: str | None = None


class AnalysisDocument(_Schema, frozen=True):
    pre_training_bias_metrics: StageDocument | None = None
    post_training_bias_metrics: StageDocument | None = None


def stage_report(doc: StageDocument, facets: dict[str, list[EntryDocument]]) -> StageReport:
    """A decoded stage, given its facets' entries (decoded one facet at a time)."""
    entries = {facet: tuple(_entry(e) for e in found) for facet, found in facets.items()}
    return StageReport(doc.label, doc.label_value_or_threshold, entries, doc.error)


def _entry(doc: EntryDocument) -> FacetEntry:
    metrics = tuple(MetricValue(m.name, m.description, _number(m.value), m.error, m.confidence_interval) for m in doc.metrics)
    return FacetEntry(doc.value_or_threshold, None, metrics, doc.error)


def _number(value: Value) -> float | int | None:
    if isinstance(value, str):
        return float(value)  # Python reads "Infinity", "-Infinity" and "NaN" as JSON's writers spell them
    return value
