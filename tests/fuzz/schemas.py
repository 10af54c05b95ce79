"""The schemas of the files a job writes, as AWS's analyzer writes them and AWS's tools read them."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

INFERRED_TYPES = {"Integral", "Fractional", "String", "Unknown"}


MODEL_QUALITY_OPERATORS = {
    "LessThanThreshold",
    "GreaterThanThreshold",
    "LessThanOrEqualToThreshold",
    "GreaterThanOrEqualToThreshold",
}


def _no_constants(name: str) -> Any:
    raise ValueError(f"bare {name} is not JSON")


def strict_json(text: str) -> Any:
    """JSON as other tools read it: NaN and Infinity literals refused (Jackson writes them as strings)."""
    return json.loads(text, parse_constant=_no_constants)


def _number(value: Any) -> bool:
    """A JSON number, or the strings Jackson (AWS) writes for non-finite ones."""
    return (isinstance(value, int | float) and not isinstance(value, bool)) or value in ("NaN", "Infinity", "-Infinity")


def statistics_problems(doc: Any) -> list[str]:
    """AWS's statistics.json schema (data quality: ``features``; model quality: ``<problem>_metrics``)."""
    if not isinstance(doc, dict):
        return ["statistics.json is not an object"]
    out = []
    if not _number(doc.get("version")):
        out.append(f"statistics.json version is {doc.get('version')!r}")
    dataset = doc.get("dataset")
    if not isinstance(dataset, dict) or not isinstance(dataset.get("item_count"), int) or dataset["item_count"] < 0:
        out.append(f"statistics.json dataset.item_count is not a count: {dataset!r:.100}")
    if "features" not in doc:
        if not any(k.endswith("_metrics") and isinstance(v, dict) for k, v in doc.items()):
            out.append("statistics.json has neither features nor <problem>_metrics")
        return out
    features = doc["features"]
    if not isinstance(features, list):
        return [*out, "statistics.json features is not a list"]
    names = [f.get("name") for f in features if isinstance(f, dict)]
    if len(set(map(str, names))) != len(names):
        out.append(f"statistics.json repeats a feature name: {names!r:.200}")
    for i, f in enumerate(features):
        where = f"statistics.json features[{i}]"
        if not isinstance(f, dict):
            out.append(f"{where} is not an object")
            continue
        if not isinstance(f.get("name"), str) or not f["name"]:
            out.append(f"{where}.name is {f.get('name')!r}")
        if f.get("inferred_type") not in INFERRED_TYPES:
            out.append(f"{where}.inferred_type is {f.get('inferred_type')!r}")
        numeric, string = f.get("numerical_statistics"), f.get("string_statistics")
        if (numeric is None) == (string is None):
            out.append(f"{where} needs exactly one of numerical_statistics and string_statistics")
            continue
        stats = numeric if numeric is not None else string
        if not isinstance(stats, dict):
            out.append(f"{where} statistics are not an object")
            continue
        common = stats.get("common")
        if not isinstance(common, dict) or not all(
            isinstance(common.get(k), int) and common[k] >= 0 for k in ("num_present", "num_missing")
        ):
            out.append(f"{where}.common is {common!r:.100}")
        if numeric is not None:
            out += _numeric_problems(where, numeric)
        else:
            if not _number(string.get("distinct_count")):
                out.append(f"{where}.distinct_count is {string.get('distinct_count')!r}")
            buckets = ((string.get("distribution") or {}).get("categorical") or {}).get("buckets")
            if not isinstance(buckets, list) or not all(
                isinstance(b, dict) and isinstance(b.get("value"), str) and _number(b.get("count")) for b in buckets
            ):
                out.append(f"{where} categorical buckets are {buckets!r:.100}")
    return out


def _numeric_problems(where: str, stats: dict[str, Any]) -> list[str]:
    out = [
        f"{where}.{k} is {stats[k]!r}" for k in ("mean", "sum", "std_dev", "min", "max") if k in stats and not _number(stats[k])
    ]
    kll = (stats.get("distribution") or {}).get("kll")
    if not isinstance(kll, dict):
        return [*out, f"{where} has no distribution.kll"]
    buckets = kll.get("buckets")
    if not isinstance(buckets, list) or not all(
        isinstance(b, dict) and all(_number(b.get(k)) for k in ("lower_bound", "upper_bound", "count")) for b in buckets
    ):
        out.append(f"{where} kll buckets are {buckets!r:.100}")
    sketch = kll.get("sketch")
    if not isinstance(sketch, dict):
        return [*out, f"{where} has no kll sketch"]
    params = sketch.get("parameters")
    if not isinstance(params, dict) or not _number(params.get("c")) or not _number(params.get("k")):
        out.append(f"{where} sketch parameters are {params!r:.100}")
    data = sketch.get("data")
    if not isinstance(data, list) or not all(isinstance(level, list) and all(_number(v) for v in level) for level in data):
        out.append(f"{where} sketch data is not a list of lists of numbers")
    return out


def constraints_problems(doc: Any) -> list[str]:
    if not isinstance(doc, dict):
        return ["constraints.json is not an object"]
    if "features" not in doc:
        if any(k.endswith("_constraints") and isinstance(v, dict) for k, v in doc.items()):
            return []
        return ["constraints.json has neither features nor <problem>_constraints"]
    out = []
    if not _number(doc.get("version")):
        out.append(f"constraints.json version is {doc.get('version')!r}")
    features = doc["features"]
    if not isinstance(features, list):
        return [*out, "constraints.json features is not a list"]
    for i, f in enumerate(features):
        where = f"constraints.json features[{i}]"
        if not isinstance(f, dict) or not isinstance(f.get("name"), str) or not f["name"]:
            out.append(f"{where} has no name: {f!r:.100}")
            continue
        if f.get("inferred_type") not in INFERRED_TYPES:
            out.append(f"{where}.inferred_type is {f.get('inferred_type')!r}")
        completeness = f.get("completeness")
        if completeness is not None and not (
            _number(completeness) and isinstance(completeness, int | float) and 0 <= completeness <= 1
        ):
            out.append(f"{where}.completeness is {completeness!r}")
        num = f.get("num_constraints")
        if num is not None and not (isinstance(num, dict) and isinstance(num.get("is_non_negative", False), bool)):
            out.append(f"{where}.num_constraints is {num!r:.100}")
        string = f.get("string_constraints")
        if string is not None and not (
            isinstance(string, dict)
            and isinstance(string.get("domains", []), list)
            and all(isinstance(d, str) for d in string.get("domains", []))
        ):
            out.append(f"{where}.string_constraints is {string!r:.100}")
    config = doc.get("monitoring_config")
    if not isinstance(config, dict):
        out.append(f"constraints.json monitoring_config is {config!r:.100}")
    return out


def violations_problems(doc: Any) -> list[str]:
    """AWS's constraint_violations.json: data-quality violations name their feature (AWS's visualiser groups by it)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("violations"), list):
        return [f"constraint_violations.json has no violations list: {doc!r:.100}"]
    out = []
    for i, v in enumerate(doc["violations"]):
        where = f"constraint_violations.json violations[{i}]"
        if not isinstance(v, dict):
            out.append(f"{where} is not an object")
            continue
        check, description = v.get("constraint_check_type"), v.get("description")
        if not isinstance(check, str) or not check:
            out.append(f"{where}.constraint_check_type is {check!r}")
        if not isinstance(description, str):
            out.append(f"{where}.description is {description!r:.80}")
        if check in MODEL_QUALITY_OPERATORS:
            if not isinstance(v.get("metric_name"), str):
                out.append(f"{where} (model quality) has no metric_name")
        elif not isinstance(v.get("feature_name"), str) or not v["feature_name"]:
            out.append(f"{where} ({check}) has no feature_name: {v!r:.200}")
    return out


def metrics_problems(path: Path) -> list[str]:
    """The CloudWatch metrics file: one PutMetricData datum per line, Value xor StatisticValues."""
    out = []
    try:
        lines = path.read_text(encoding="utf-8").split("\n")  # JSON Lines: only \n ends a line
    except (OSError, UnicodeDecodeError) as exc:
        return [f"unreadable: {exc}"]
    if lines and lines[-1] == "":
        lines.pop()  # the final newline
    for n, line in enumerate(lines, 1):
        try:
            record = strict_json(line)
        except ValueError as exc:
            out.append(f"line {n} is not JSON: {exc}")
            continue
        if not isinstance(record, dict):
            out.append(f"line {n} is not an object")
            continue
        name = record.get("MetricName")
        if not isinstance(name, str) or not 1 <= len(name) <= 255:
            out.append(f"line {n} MetricName is {name!r:.80}")
        if not isinstance(record.get("Timestamp"), str):
            out.append(f"line {n} Timestamp is {record.get('Timestamp')!r}")
        dims = record.get("Dimensions")
        if not isinstance(dims, list) or not all(
            isinstance(d, dict)
            and isinstance(d.get("Name"), str)
            and isinstance(d.get("Value"), str)
            and 1 <= len(d["Value"]) <= 1024
            and d["Name"]
            for d in dims
        ):
            out.append(f"line {n} Dimensions are {dims!r:.120}")
        has_value, has_stats = "Value" in record, "StatisticValues" in record
        if has_value == has_stats:
            out.append(f"line {n} needs exactly one of Value and StatisticValues")
        elif has_value and not (isinstance(record["Value"], int | float) and math.isfinite(record["Value"])):
            out.append(f"line {n} Value is {record['Value']!r}")
        elif has_stats:
            stats = record["StatisticValues"]
            if (
                not isinstance(stats, dict)
                or set(stats) != {"SampleCount", "Sum", "Minimum", "Maximum"}
                or not all(isinstance(v, int | float) and math.isfinite(v) for v in stats.values())
            ):
                out.append(f"line {n} StatisticValues are {stats!r:.120}")
    return out


def group_by_feature(violations: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The grouping AWS's Model Monitor visualisation notebook does before it draws its table: every
    violation under its ``feature_name`` (a violation without one raises, as it does there).

    Same logic as ``group_by_feature`` in aws/amazon-sagemaker-examples
    ``sagemaker_model_monitor/visualization/utils.py`` (it indexes ``violation["feature_name"]``),
    written here with pandas; not a copy of that code.
    """
    import pandas as pd

    frame = pd.DataFrame(
        violations, columns=sorted({k for v in violations for k in v} | {"feature_name", "constraint_check_type"})
    )
    lacking = frame[frame["feature_name"].isna() | (frame["feature_name"].astype(str) == "")]
    if len(lacking):
        raise KeyError(f"feature_name missing in {len(lacking)} violation(s): {lacking.to_dict('records')!r:.300}")
    return {str(name): list(group["constraint_check_type"]) for name, group in frame.groupby("feature_name", sort=True)}
