"""``trend.html``: a schedule's runs side by side, the current one highlighted.

Per feature the drift distance (L∞, as AWS's check) and completeness in every run (a table of all features, and charts of the
features that moved most), violation counts per run, model-quality metrics and their label-free estimate,
and bias metrics over time. Built from each run's output documents (container/html/documents.py), so it
reads runs written by any version of the job, and a run without some document only leaves its cells empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from container.html import charts
from container.html.documents import RunDocuments
from container.html.page import drift_rows
from container.html.render import render
from container.html.sections import bias_metrics

CHARTED_FEATURES = 8  # features charted over time: those whose drift statistic moved most


def trend_page(runs: Sequence[tuple[str, RunDocuments]], current: int, title: str) -> str:
    labels = [label for label, _ in runs]
    docs = [doc for _, doc in runs]
    drift = _per_feature(docs, _drift_distances)
    completeness = _per_feature(docs, _completeness)
    violations = [_violation_counts(d) for d in docs]
    kinds = sorted({k for v in violations for k in v})
    quality = _per_feature(docs, _quality_values)
    bias = _per_feature(docs, _bias_values)
    charted = sorted(drift, key=lambda n: -max((v for v in drift[n] if v is not None), default=0.0))[:CHARTED_FEATURES]
    return render(
        "trend.html.j2",
        title=title,
        labels=labels,
        current=current,
        drift=drift,
        completeness=completeness,
        violations=[(label, counts, sum(counts.values())) for label, counts in zip(labels, violations, strict=True)],
        kinds=kinds,
        charts={
            "drift": charts.trend(
                labels, {n: drift[n] for n in charted}, current, "Distance to the baseline of the features that moved most", "L∞"
            )
            if charted
            else None,
            "violations": charts.trend(labels, {"violations": [sum(v.values()) for v in violations]}, current, "Violations"),
            "quality": charts.trend(labels, quality, current, "Model quality over time") if quality else None,
            "bias": charts.trend(labels, dict(list(bias.items())[:8]), current, "Bias metrics over time") if bias else None,
        },
        quality=quality,
        bias=bias,
    )


def _per_feature(
    docs: Sequence[RunDocuments], values: Callable[[RunDocuments], dict[str, float]]
) -> dict[str, list[float | None]]:
    table: dict[str, list[float | None]] = {}
    for i, doc in enumerate(docs):
        for name, value in values(doc).items():
            table.setdefault(name, [None] * len(docs))[i] = value
    return table


def _drift_distances(doc: RunDocuments) -> dict[str, float]:
    """Each feature's L-infinity distance to the baseline: AWS's own drift measure, on one scale for numeric
    and categorical features alike (the tests' statistics are not: a chi-square runs into the hundreds)."""
    out = {}
    for row in drift_rows(doc.drift):
        linf = (row.get("distances") or {}).get("linf")
        if isinstance(linf, int | float):
            out[row["name"]] = float(linf)
    for v in doc.violations:  # AWS's check alone: the distance is in its description
        found = _AWS_DISTANCE.match(str(v.get("description", "")))
        if v.get("constraint_check_type") == "baseline_drift_check" and found and v.get("feature_name") not in out:
            out[v["feature_name"]] = float(found.group(1))
    return out


_AWS_DISTANCE = re.compile(r"(?:Numerical|Categorical) distance: ([0-9.eE+-]+) exceeds")


def _completeness(doc: RunDocuments) -> dict[str, float]:
    out = {}
    for f in (doc.statistics or {}).get("features") or []:
        section = f.get("numerical_statistics") or f.get("string_statistics") or {}
        common = section.get("common") or {}
        present, missing = common.get("num_present") or 0, common.get("num_missing") or 0
        if present + missing:
            out[f.get("name")] = present / (present + missing)
    return out


def _violation_counts(doc: RunDocuments) -> dict[str, int]:
    counts: dict[str, int] = {}
    for v in doc.violations:
        kind = str(v.get("constraint_check_type"))
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def _quality_values(doc: RunDocuments) -> dict[str, float]:
    out = {}
    for section, metrics in doc.model_quality.items():
        if section == "estimate_gap" or not isinstance(metrics, dict):
            continue
        estimated = section.startswith("estimated_")
        for name, m in metrics.items():
            if isinstance(m, dict) and isinstance(m.get("value"), int | float) and not name.endswith("_best_constant_classifier"):
                out[f"{name} (estimate)" if estimated else name] = float(m["value"])
    return out


def _bias_values(doc: RunDocuments) -> dict[str, float]:
    return {
        f"{m.get('name')} {facet}={value}": float(m["value"])
        for _, (facet, value, m) in bias_metrics(doc.bias or {})
        if isinstance(m.get("value"), int | float)
    }
