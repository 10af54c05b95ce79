"""One entry of the fleet's ``endpoints`` list: its name, data capture, baseline, settings, alarms and hook."""

from __future__ import annotations

from typing import Any

from monitor_fleet import checks as c
from monitor_fleet.checks import fail
from monitor_fleet.fleet_model import Endpoint
from monitor_fleet.settings import SETTING_KEYS, resolved, setting
from monitor_fleet.spec_alarms import alarms
from monitor_fleet.spec_model_quality import model_quality

ENDPOINT_KEYS = SETTING_KEYS | {
    "name",
    "capture_s3_uri",
    "baseline",
    "analysis_config",
    "alarms",
    "retrain_pipeline",
    "model_quality",
}
_BASELINE_EXAMPLES = {
    "statistics": "s3://bucket/baseline/statistics.json",
    "constraints": "s3://bucket/baseline/constraints.json",
}


def endpoint(entry: Any, given_defaults: dict[str, Any], where: str) -> Endpoint:
    """The typed endpoint, or FleetError naming the first wrong key of the entry at ``where``."""
    spec = c.mapping(entry, ENDPOINT_KEYS, where)
    name = _name(spec, where)
    own = {k: setting(k, v, f"{where}.{k}") for k, v in spec.items() if k in SETTING_KEYS}
    settings = resolved(own, given_defaults)
    capture = _capture_uri(spec, name, where)
    baseline = _baseline(spec, where)
    analysis_config = spec.get("analysis_config")
    if analysis_config is not None:
        analysis_config = c.s3_uri(analysis_config, f"{where}.analysis_config", "s3://bucket/analysis_config.json", _s3_max())
    retrain = spec.get("retrain_pipeline")
    if retrain is not None:
        retrain = _retrain_pipeline(retrain, f"{where}.retrain_pipeline")
    uris = {
        key: c.s3_uri(baseline[key], f"{where}.baseline.{key}", example, _s3_max()) for key, example in _BASELINE_EXAMPLES.items()
    }
    return Endpoint(
        name=name,
        capture_s3_uri=capture,
        statistics=uris["statistics"],
        constraints=uris["constraints"],
        schedule=settings["schedule"],
        instance_type=settings["instance_type"],
        instance_count=settings["instance_count"],
        volume_size_gb=settings["volume_size_gb"],
        max_runtime_seconds=settings["max_runtime_seconds"],
        use_model_monitor=bool(settings["use_model_monitor"]),
        alarm_topic=settings["alarm_topic"],
        analysis_window=settings["analysis_window"],
        analysis_config=analysis_config,
        alarms=alarms(spec.get("alarms", {}), f"{where}.alarms"),
        retrain_pipeline=retrain,
        model_quality=model_quality(spec["model_quality"], name, f"{where}.model_quality") if "model_quality" in spec else None,
    )


def _s3_max() -> int:
    return c.limit("sagemaker", "S3Uri")


def _name(spec: dict[str, Any], where: str) -> str:
    if "name" not in spec:
        fail(where, "name is missing", fix="add name: <the SageMaker endpoint name>")
    name = c.text(spec["name"], f"{where}.name", "churn-endpoint")
    most = c.limit("sagemaker", "EndpointName")
    if len(name) > most or not c.pattern("sagemaker", "EndpointName").fullmatch(name):
        fail(
            f"{where}.name",
            f"is not a SageMaker endpoint name (letters, digits and single hyphens, at most {most})",
            name,
            "use the endpoint's name as SageMaker shows it",
        )
    return name


def _capture_uri(spec: dict[str, Any], name: str, where: str) -> str:
    if "capture_s3_uri" not in spec:
        fail(where, "capture_s3_uri is missing", fix=f"add capture_s3_uri: s3://bucket/datacapture/{name}")
    return c.s3_uri(spec["capture_s3_uri"], f"{where}.capture_s3_uri", f"s3://bucket/datacapture/{name}", _s3_max())


def _baseline(spec: dict[str, Any], where: str) -> dict[str, Any]:
    """The baseline mapping, with both of its keys present (their URIs are checked after the other keys)."""
    if "baseline" not in spec:
        fail(
            where,
            "baseline needs statistics and constraints (s3:// URIs of a baseline job's outputs)",
            fix="add baseline: {statistics: s3://…/statistics.json, constraints: s3://…/constraints.json}",
        )
    baseline = c.mapping(spec["baseline"], {"statistics", "constraints"}, f"{where}.baseline")
    for key in ("statistics", "constraints"):
        if key not in baseline:
            fail(f"{where}.baseline", f"{key} is missing", fix=f"add {key}: s3://…/{key}.json (a baseline job's output)")
    return baseline


def _retrain_pipeline(value: Any, where: str) -> str:
    retrain = c.text(value, where, "churn-retrain")
    most = c.limit("sagemaker", "PipelineName")
    if len(retrain) > most or not c.pattern("sagemaker", "PipelineName").fullmatch(retrain):
        fail(
            where,
            f"is not a SageMaker pipeline name (letters, digits and single hyphens, at most {most})",
            retrain,
            "use the pipeline's name, not its ARN",
        )
    return retrain
