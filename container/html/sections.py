"""The report's sections beyond the features: expectations, bias metrics, model quality; and the number
formatting every page uses. Built from the run's documents (container/html/documents.py)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from container.html import charts


def expectations_section(doc: dict | None) -> dict[str, Any] | None:
    if not doc:
        return None
    sample = (doc.get("meta") or {}).get("sample") or {}
    on_sample = sample.get("expectations_on_the_sample", len(doc.get("results") or []))
    covered = f"every one of the window's {sample.get('of_rows', '?')} rows"
    if sample.get("sampled") and on_sample:
        covered = (
            f"every row for {sample.get('expectations_on_every_row', 0)} expectations; for the other {on_sample}, "
            f"a sample of {sample.get('rows')} of {sample.get('of_rows')} rows (seed {sample.get('seed')})"
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
                "unexpected": fmt(result.get("unexpected_count")),
                "unexpected_percent": fmt(result.get("unexpected_percent")),
                "rows": _rows_covered(r.get("meta") or {}),
            }
        )
    rows.sort(key=lambda r: r["success"])  # failures first
    return {"covered": covered, "statistics": doc.get("statistics") or {}, "rows": rows}


def _rows_covered(meta: dict[str, Any]) -> str:
    if meta.get("rows_covered") == "sample":
        return f"sample of {fmt(meta.get('rows'))}"
    return f"all {fmt(meta.get('rows'))}" if "rows" in meta else "?"


def multivariate_section(doc: dict | None) -> dict[str, Any] | None:
    """Each multivariate method's verdict, with its statistic, threshold and the features it names."""
    if not doc:
        return None
    methods = []
    recon = doc.get("reconstruction")
    if isinstance(recon, dict):
        low, high = (recon.get("interval_95") or [None, None])[:2]
        methods.append(
            {
                "name": "reconstruction error",
                "drifted": bool(recon.get("drifted")),
                "value": f"{fmt(recon.get('mean_error'))} ({fmt(low)} to {fmt(high)})",
                "reference": fmt(recon.get("baseline_mean_error")),
                "threshold": fmt(recon.get("threshold")),
                "features": _named(recon.get("feature_contributions"), "growth"),
            }
        )
    domain = doc.get("domain_classifier")
    if isinstance(domain, dict):
        methods.append(
            {
                "name": "domain classifier AUC",
                "drifted": bool(domain.get("drifted")),
                "value": fmt(domain.get("auc")),
                "reference": fmt(domain.get("null_auc")),
                "threshold": fmt(domain.get("threshold")),
                "features": _named(domain.get("feature_importance"), "auc_drop"),
            }
        )
    return {"rows": fmt(doc.get("rows")), "skipped": doc.get("skipped"), "methods": methods}


def attribution_section(doc: dict | None) -> dict[str, Any] | None:
    """Feature attribution: how the rows were explained, nDCG against the baseline, and each feature's global
    attribution and rank on both sides (the baseline's most important first)."""
    if not doc:
        return None
    window = doc.get("window_global_shap_values") or {}
    base = doc.get("baseline_global_shap_values") or {}
    order = sorted(base or window, key=lambda f: -(number((base or window).get(f)) or 0.0))
    window_rank = {f: i + 1 for i, f in enumerate(sorted(window, key=lambda f: -(number(window.get(f)) or 0.0)))}
    features = [
        {
            "name": f,
            "baseline": fmt(base.get(f)) if base else "",
            "baseline_rank": i + 1 if base else "",
            "window": fmt(window.get(f)),
            "window_rank": window_rank.get(f, ""),
        }
        for i, f in enumerate(order)
    ]
    ndcg = doc.get("ndcg") if isinstance(doc.get("ndcg"), dict) else None
    rows = doc.get("rows") or {}
    endpoint = doc.get("endpoint") if isinstance(doc.get("endpoint"), dict) else None
    return {
        "source": doc.get("source"),
        "label": doc.get("label"),
        "agg_method": doc.get("agg_method"),
        "rows": {k: fmt(rows.get(k)) for k in ("sampled", "explained", "unexplained")},
        "reasons": [str(r) for r in doc.get("unexplained_reasons") or []],
        "endpoint": None if endpoint is None else {k: fmt(v) for k, v in endpoint.items()},
        "ndcg": None
        if ndcg is None
        else {
            "value": fmt(ndcg.get("value")),
            "interval": f"{fmt(ndcg.get('low'))} to {fmt(ndcg.get('high'))}",
            "confidence": fmt(ndcg.get("confidence")),
            "threshold": fmt(ndcg.get("threshold")),
            "violated": bool(ndcg.get("violated")),
        },
        "features": features,
    }


def _named(items: object, key: str) -> str:
    if not isinstance(items, list):
        return ""
    return ", ".join(f"{i.get('feature')} ({fmt(i.get(key))})" for i in items[:3] if isinstance(i, dict))


def bias_section(doc: dict | None, baseline: dict | None) -> list[dict[str, Any]] | None:
    if not doc:
        return None
    before = _bias_values(baseline) if baseline else {}
    rows = []
    for stage, (facet, value, metric) in bias_metrics(doc):
        then = before.get((stage, facet, value, metric.get("name")))
        rows.append(
            {
                "stage": stage.replace("_bias_metrics", "").replace("_", "-"),
                "facet": f"{facet} = {value}" if value is not None else str(facet),
                "name": metric.get("name", ""),
                "description": metric.get("description", ""),
                "value": fmt(metric.get("value")),
                "interval": _interval(metric.get("confidence_interval")),
                "baseline": fmt(then.get("value")) if then else "—",
                "baseline_interval": _interval(then.get("confidence_interval")) if then else "—",
            }
        )
    return rows


def bias_metrics(doc: dict) -> Iterator[tuple[str, tuple[Any, Any, dict]]]:
    for stage in ("pre_training_bias_metrics", "post_training_bias_metrics"):
        for facet, groups in ((doc.get(stage) or {}).get("facets") or {}).items():
            for group in groups or []:
                for metric in group.get("metrics") or []:
                    yield stage, (facet, group.get("value_or_threshold"), metric)


def _bias_values(doc: dict) -> dict[tuple, dict]:
    return {(s, f, v, m.get("name")): m for s, (f, v, m) in bias_metrics(doc)}


def model_quality_section(sections: dict[str, Any]) -> dict[str, Any] | None:
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
                    f"{fmt(m.get('lower'))} – {fmt(m.get('upper'))}"
                    if "lower" in m
                    else f"± {fmt(m.get('standard_deviation'))}"
                    if "standard_deviation" in m
                    else ""
                )
                rows.append((name, fmt(m["value"]), extra, _realised(realised, name)))
            elif isinstance(m, int | float):
                rows.append((name, fmt(m), "", ""))
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
    return fmt(value.get("value")) if isinstance(value, dict) else ""


def _confusion(matrix: dict[str, dict[str, Any]]) -> dict[str, Any]:
    labels = sorted(set(matrix) | {p for row in matrix.values() for p in row})
    return {"labels": labels, "rows": [(a, [matrix.get(a, {}).get(p, 0) for p in labels]) for a in labels]}


def _interval(value: object) -> str:
    if isinstance(value, list | tuple) and len(value) == 2:
        return f"[{fmt(value[0])}, {fmt(value[1])}]"
    return "—"


def _short(value: object, limit: int = 160) -> str:
    import json

    text = value if isinstance(value, str) else json.dumps(value, default=str, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            return float(value)  # type: ignore[arg-type]  # "Infinity", "NaN" as Jackson writes them
        except (TypeError, ValueError):
            return None
    return float(value)


def fmt(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    x = None if isinstance(value, str) else number(value)
    if x is None:
        return "—" if value is None else str(value)
    if not math.isfinite(x):
        return str(x)
    if x.is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    if 1e5 <= abs(x) < 1e15:
        return f"{x:,.1f}"
    return f"{x:.6g}" if abs(x) >= 1e-3 else f"{x:.3e}"
