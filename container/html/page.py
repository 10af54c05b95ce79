"""``report.html``: one self-contained page per run, for the person an alarm woke up.

What broke (the message and the violations, worst first, each linked to its evidence), how badly and the
evidence: per feature the baseline and window distributions from the sketches (so the page never grows with
the records), completeness and the drift test's row; the expectations, the bias metrics with their intervals
against the baseline's, model quality with its curves and the label-free estimate; the bad-record examples.
Inline CSS and SVG, no script and no external request; every value from the data goes through Jinja2's
autoescape (a feature named ``<script>`` is text).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from analyzers.kll import KllSketch
from container.html import charts
from container.html.context import RunContext
from container.html.documents import RunDocuments
from container.html.render import render
from container.html.sections import (
    attribution_section,
    bias_section,
    expectations_section,
    fmt,
    model_quality_section,
    multivariate_section,
    number,
)

BINS = 24  # bins of a numeric feature's chart: a page's size does not depend on the records
TOP_CATEGORIES = 10
# Worst first: a broken schema before a changed distribution before a rule on a few rows.
SEVERITY = (
    "missing_column_check",
    "extra_column_check",
    "bad_record_check",
    "feature_attribution_incomplete_check",
    "data_type_check",
    "completeness_check",
    "LessThanThreshold",
    "GreaterThanThreshold",
    "baseline_drift_check",
    "bias_drift_check",
    "feature_attribution_drift_check",
    "bias_facet_check",
    "categorical_values_check",
    "is_non_negative_check",
    "expectation_check",
    "multivariate_drift_check",
)


def report_page(context: RunContext, run: RunDocuments) -> str:
    types = {name: counts for name, *counts in (context.records.value_types if context.records else ())}
    features = _features(run, context.baseline_statistics, types)
    anchors = {f["name"]: f["anchor"] for f in features}
    violations = _violations(run.violations, anchors)
    for f in features:
        f["violations"] = [v for v in violations if v["feature"] == f["name"]]
    # The features something is wrong with first, worst first; the others in the baseline's order.
    features.sort(key=lambda f: (_rank(f["violations"][0]["kind"]) if f["violations"] else len(SEVERITY) + 1, f["order"]))
    return render(
        "report.html.j2",
        context=context,
        status=_status(context.message),
        violations=violations,
        counts=_counts_by_kind(violations),
        features=features,
        expectations=expectations_section(run.expectations),
        multivariate=multivariate_section(run.multivariate),
        attribution=attribution_section(run.attribution),
        bias=bias_section(run.bias, context.bias_baseline),
        model_quality=model_quality_section(run.model_quality),
        unreadable=run.unreadable,
    )


def _status(message: str) -> str:
    head = message.split(":", 1)[0]
    return {"CompletedWithViolations": "violations", "Completed": "ok"}.get(head, "failed")


def _violations(violations: list[dict[str, Any]], anchors: dict[str, str]) -> list[dict[str, Any]]:
    ranked = sorted(
        enumerate(violations),
        key=lambda iv: (_rank(iv[1].get("constraint_check_type")), -abs(number(iv[1].get("statistic")) or 0.0), iv[0]),
    )
    out = []
    for i, (_, v) in enumerate(ranked):
        kind = str(v.get("constraint_check_type") or "")
        feature = v.get("feature_name")
        out.append(
            {
                "id": f"v{i}",
                "kind": kind,
                "feature": feature,
                "description": str(v.get("description") or ""),
                "evidence": _evidence_anchor(kind, feature, anchors),
            }
        )
    return out


def _rank(kind: object) -> int:
    return SEVERITY.index(kind) if kind in SEVERITY else len(SEVERITY)


def _evidence_anchor(kind: str, feature: object, anchors: dict[str, str]) -> str:
    if kind == "expectation_check":
        return "expectations"
    if kind == "multivariate_drift_check":
        return "multivariate"
    if kind.startswith("feature_attribution_"):
        return "attribution"
    if kind in ("bias_drift_check", "bias_facet_check"):
        return "bias"
    if kind in ("LessThanThreshold", "GreaterThanThreshold"):
        return "model-quality"
    if kind == "bad_record_check":
        return "records"
    if isinstance(feature, str) and feature in anchors:
        return anchors[feature]
    return "features"


def _counts_by_kind(violations: list[dict[str, Any]]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for v in violations:
        counts[v["kind"]] = counts.get(v["kind"], 0) + 1
    return sorted(counts.items(), key=lambda kv: _rank(kv[0]))


def _features(run: RunDocuments, baseline: dict[str, Any] | None, types: dict[str, list[int]]) -> list[dict[str, Any]]:
    current = {f.get("name"): f for f in (run.statistics or {}).get("features") or [] if isinstance(f, dict)}
    before = {f.get("name"): f for f in (baseline or {}).get("features") or [] if isinstance(f, dict)}
    drift = {row.get("name"): row for row in drift_rows(run.drift)}
    names = [n for n in before if isinstance(n, str)] + [n for n in current if isinstance(n, str) and n not in before]
    drifted = {v.get("feature_name") for v in run.violations if v.get("constraint_check_type") == "baseline_drift_check"}
    return [
        _feature(i, name, before.get(name), current.get(name), drift.get(name), name in drifted, types.get(name))
        for i, name in enumerate(names)
    ]


def drift_rows(report: dict | None) -> list[dict]:
    """The drift report's rows, features and predictions alike."""
    rows = [*((report or {}).get("features") or []), *((report or {}).get("predictions") or [])]
    return [r for r in rows if isinstance(r, dict)]


def _feature(
    i: int, name: str, before: dict | None, now: dict | None, drift: dict | None, violated: bool, types: list[int] | None
) -> dict[str, Any]:
    kind = (now or before or {}).get("inferred_type", "")
    rows = [("inferred type", (before or {}).get("inferred_type", "—"), (now or {}).get("inferred_type", "—"))]
    rows.append(("completeness", _completeness(before), _completeness(now)))
    if types is not None:  # the window's own profile: the baseline's statistics do not keep this
        rows.append(("value types", "—", _type_share(types)))
    numeric = [(s or {}).get("numerical_statistics") for s in (before, now)]
    if any(numeric):
        for key in ("mean", "std_dev", "min", "max"):
            rows.append((key, fmt((numeric[0] or {}).get(key)), fmt((numeric[1] or {}).get(key))))
    return {
        "name": name,
        "anchor": f"feature-{i}",
        "order": i,
        "type": kind,
        "rows": rows,
        "drift": _drift_row(drift),
        "drifted": violated or bool(drift and drift.get("status") == "drift"),
        "chart": _chart(name, before, now),
    }


def _type_share(counts: list[int]) -> str:
    """``integral 97.5% · fractional 2.5%``: the shares of the present values, the kinds that occur."""
    total = sum(counts)
    if not total:
        return "—"
    named = zip(("integral", "fractional", "text"), counts, strict=True)
    return " · ".join(f"{kind} {100 * n / total:.4g}%" for kind, n in named if n)


def _completeness(stats: dict | None) -> str:
    if not stats:
        return "—"
    section = stats.get("numerical_statistics") or stats.get("string_statistics") or {}
    common = section.get("common") or {}
    present, missing = number(common.get("num_present")) or 0, number(common.get("num_missing")) or 0
    total = present + missing
    return f"{present / total:.2%}" if total else "—"


def _drift_row(row: dict | None) -> list[tuple[str, str]] | None:
    if not row:
        return None
    keys = (
        ("verdict", "status"),
        ("test", "test"),
        ("statistic", "statistic"),
        ("p", "p_value"),
        ("adjusted p", "adjusted_p_value"),
        ("effect", "effect"),
        ("effect size", "effect_size"),
        ("floor", "threshold"),
        ("min. detectable", "min_detectable_linf"),
        ("rows (baseline / window)", None),
    )
    out = []
    for label, key in keys:
        if key is None:
            out.append((label, f"{row.get('n_baseline', '—')} / {row.get('n_current', '—')}"))
        elif key in row:
            out.append((label, fmt(row[key])))
    return out


def _chart(name: str, before: dict | None, now: dict | None) -> str | None:
    numeric = [(s or {}).get("numerical_statistics") for s in (before, now)]
    if all(numeric):
        return _numeric_chart(name, numeric[0], numeric[1])
    strings = [(s or {}).get("string_statistics") for s in (before, now)]
    if all(strings):
        return _category_chart(name, strings[0], strings[1])
    return None


def _sketch(stats: dict) -> KllSketch | None:
    sketch = ((stats.get("distribution") or {}).get("kll") or {}).get("sketch") or {}
    data, params = sketch.get("data"), sketch.get("parameters") or {}
    if not data:
        return None
    return KllSketch.from_levels(data, k=int(params.get("k", 2048)), c=float(params.get("c", 0.64)))


def _numeric_chart(name: str, before: dict, now: dict) -> str | None:
    baseline, window = _sketch(before), _sketch(now)
    found = [number(s.get(k)) for s in (before, now) for k in ("min", "max")]
    bounds = [b for b in found if b is not None and math.isfinite(b)]
    if baseline is None or window is None or len(bounds) != len(found):
        return None
    low, high = min(bounds), max(bounds)
    if high <= low:
        high = low + 1.0
    edges = np.linspace(low, high, BINS + 1)
    shares = [_shares(s, edges) for s in (baseline, window)]
    return charts.distribution(edges, shares[0], shares[1], f"{name}: baseline and window distributions")


def _shares(sketch: KllSketch, edges: np.ndarray) -> np.ndarray:
    cdf = [sketch.rank_below(float(edges[0]))] + [sketch.rank_at_or_below(float(e)) for e in edges[1:]]
    return np.diff(cdf) / max(sketch.count, 1)


def _category_chart(name: str, before: dict, now: dict) -> str | None:
    counts = [_buckets(s) for s in (before, now)]
    totals = [sum(c.values()) or 1 for c in counts]
    shares = [{k: v / t for k, v in c.items()} for c, t in zip(counts, totals, strict=True)]
    names = sorted(set(shares[0]) | set(shares[1]), key=lambda k: -(shares[0].get(k, 0) + shares[1].get(k, 0)))
    names = names[:TOP_CATEGORIES]
    if not names:
        return None
    return charts.categories(
        names,
        [shares[0].get(n, 0.0) for n in names],
        [shares[1].get(n, 0.0) for n in names],
        f"{name}: share of the most frequent values",
    )


def _buckets(stats: dict) -> dict[str, float]:
    buckets = ((stats.get("distribution") or {}).get("categorical") or {}).get("buckets") or []
    return {str(b.get("value")): float(b.get("count") or 0) for b in buckets if isinstance(b, dict)}
