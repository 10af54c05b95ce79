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
from collections.abc import Iterator
from typing import Any

import numpy as np

from analyzers.kll import KllSketch
from container.html import charts
from container.html.context import RunContext
from container.html.documents import RunDocuments
from container.html.render import render

BINS = 24  # bins of a numeric feature's chart: a page's size does not depend on the records
TOP_CATEGORIES = 10
# Worst first: a broken schema before a changed distribution before a rule on a few rows.
SEVERITY = (
    "missing_column_check",
    "extra_column_check",
    "bad_record_check",
    "data_type_check",
    "completeness_check",
    "LessThanThreshold",
    "GreaterThanThreshold",
    "baseline_drift_check",
    "bias_drift_check",
    "bias_facet_check",
    "categorical_values_check",
    "is_non_negative_check",
    "expectation_check",
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
        expectations=_expectations(run.expectations),
        bias=_bias(run.bias, context.bias_baseline),
        model_quality=_model_quality(run.model_quality),
        unreadable=run.unreadable,
    )


def _status(message: str) -> str:
    head = message.split(":", 1)[0]
    return {"CompletedWithViolations": "violations", "Completed": "ok"}.get(head, "failed")


def _violations(violations: list[dict[str, Any]], anchors: dict[str, str]) -> list[dict[str, Any]]:
    ranked = sorted(
        enumerate(violations),
        key=lambda iv: (_rank(iv[1].get("constraint_check_type")), -abs(_number(iv[1].get("statistic")) or 0.0), iv[0]),
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
            rows.append((key, _fmt((numeric[0] or {}).get(key)), _fmt((numeric[1] or {}).get(key))))
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
    present, missing = _number(common.get("num_present")) or 0, _number(common.get("num_missing")) or 0
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
            out.append((label, _fmt(row[key])))
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
    found = [_number(s.get(k)) for s in (before, now) for k in ("min", "max")]
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


def _expectations(doc: dict | None) -> dict[str, Any] | None:
    if not doc:
        return None
    sample = doc.get("sample") or {}
    covered = (
        f"a sample of {sample.get('rows')} of {sample.get('of_rows')} rows (seed {sample.get('seed')})"
        if sample.get("sampled")
        else f"all {sample.get('rows', '?')} rows"
    )
    rows = []
    for r in doc.get("results") or []:
        config = r.get("expectation_config") or {}
        kwargs = {k: v for k, v in (config.get("kwargs") or {}).items() if k != "batch_id"}
        result = r.get("result") or {}
        rows.append(
            {
                "type": config.get("type", ""),
                "column": kwargs.pop("column", "<dataset>"),
                "kwargs": _short(kwargs),
                "success": bool(r.get("success")),
                "observed": _short(result.get("observed_value")),
                "unexpected": _fmt(result.get("unexpected_count")),
                "unexpected_percent": _fmt(result.get("unexpected_percent")),
            }
        )
    rows.sort(key=lambda r: r["success"])  # failures first
    return {"covered": covered, "statistics": doc.get("statistics") or {}, "rows": rows}


def _bias(doc: dict | None, baseline: dict | None) -> list[dict[str, Any]] | None:
    if not doc:
        return None
    before = _bias_values(baseline) if baseline else {}
    rows = []
    for stage, (facet, value, metric) in _bias_metrics(doc):
        then = before.get((stage, facet, value, metric.get("name")))
        rows.append(
            {
                "stage": stage.replace("_bias_metrics", "").replace("_", "-"),
                "facet": f"{facet} = {value}" if value is not None else str(facet),
                "name": metric.get("name", ""),
                "description": metric.get("description", ""),
                "value": _fmt(metric.get("value")),
                "interval": _interval(metric.get("confidence_interval")),
                "baseline": _fmt(then.get("value")) if then else "—",
                "baseline_interval": _interval(then.get("confidence_interval")) if then else "—",
            }
        )
    return rows


def _bias_metrics(doc: dict) -> Iterator[tuple[str, tuple[Any, Any, dict]]]:
    for stage in ("pre_training_bias_metrics", "post_training_bias_metrics"):
        for facet, groups in ((doc.get(stage) or {}).get("facets") or {}).items():
            for group in groups or []:
                for metric in group.get("metrics") or []:
                    yield stage, (facet, group.get("value_or_threshold"), metric)


def _bias_values(doc: dict) -> dict[tuple, dict]:
    return {(s, f, v, m.get("name")): m for s, (f, v, m) in _bias_metrics(doc)}


def _model_quality(sections: dict[str, Any]) -> dict[str, Any] | None:
    if not sections:
        return None
    out: dict[str, Any] = {"tables": [], "confusion": None, "curves": []}
    for section, metrics in sections.items():
        if not isinstance(metrics, dict):
            continue
        # The label-free estimate beside the value realised once the labels arrived (same run, same name).
        realised = sections.get(section.removeprefix("estimated_")) if section.startswith("estimated_") else None
        rows = []
        for name, m in metrics.items():
            if name in ("confusion_matrix", "receiver_operating_characteristic_curve", "precision_recall_curve"):
                continue
            if isinstance(m, dict) and "value" in m:
                extra = (
                    f"{_fmt(m.get('lower'))} – {_fmt(m.get('upper'))}"
                    if "lower" in m
                    else f"± {_fmt(m.get('standard_deviation'))}"
                    if "standard_deviation" in m
                    else ""
                )
                rows.append((name, _fmt(m["value"]), extra, _realised(realised, name)))
            elif isinstance(m, int | float):
                rows.append((name, _fmt(m), "", ""))
        out["tables"].append((section.replace("_", " "), rows, realised is not None))
        if isinstance(metrics.get("confusion_matrix"), dict):
            out["confusion"] = _confusion(metrics["confusion_matrix"])
        roc = metrics.get("receiver_operating_characteristic_curve")
        if isinstance(roc, dict) and roc.get("false_positive_rates"):
            rates = roc["false_positive_rates"], roc["true_positive_rates"]
            out["curves"].append(charts.curve(*rates, "false positive rate", "true positive rate", "ROC curve", diagonal=True))
        pr = metrics.get("precision_recall_curve")
        if isinstance(pr, dict) and pr.get("recalls"):
            out["curves"].append(charts.curve(pr["recalls"], pr["precisions"], "recall", "precision", "Precision-recall curve"))
    return out


def _realised(metrics: object, name: str) -> str:
    value = metrics.get(name) if isinstance(metrics, dict) else None
    return _fmt(value.get("value")) if isinstance(value, dict) else ""


def _confusion(matrix: dict[str, dict[str, Any]]) -> dict[str, Any]:
    labels = sorted(set(matrix) | {p for row in matrix.values() for p in row})
    return {"labels": labels, "rows": [(a, [matrix.get(a, {}).get(p, 0) for p in labels]) for a in labels]}


def _interval(value: object) -> str:
    if isinstance(value, list | tuple) and len(value) == 2:
        return f"[{_fmt(value[0])}, {_fmt(value[1])}]"
    return "—"


def _short(value: object, limit: int = 160) -> str:
    import json

    text = value if isinstance(value, str) else json.dumps(value, default=str, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            return float(value)  # type: ignore[arg-type]  # "Infinity", "NaN" as Jackson writes them
        except (TypeError, ValueError):
            return None
    return float(value)


def _fmt(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    number = None if isinstance(value, str) else _number(value)
    if number is None:
        return "—" if value is None else str(value)
    if not math.isfinite(number):
        return str(number)
    if number.is_integer() and abs(number) < 1e15:
        return f"{int(number):,}"
    if 1e5 <= abs(number) < 1e15:
        return f"{number:,.1f}"
    return f"{number:.6g}" if abs(number) >= 1e-3 else f"{number:.3e}"
