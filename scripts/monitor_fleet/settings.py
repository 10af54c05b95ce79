"""The schedule and resource settings of an endpoint: each one typed and in range, and resolved from the
endpoint's own entry, then the fleet's ``defaults``, then the tool's defaults.

Checks that depend on the mode (Model Monitor or EventBridge Scheduler) come later, in derived_limits.py.
"""

from __future__ import annotations

import re
from difflib import get_close_matches
from typing import Any

from monitor_fleet import checks as c
from monitor_fleet.checks import fail

SETTING_KEYS = {
    "schedule",
    "instance_type",
    "instance_count",
    "volume_size_gb",
    "max_runtime_seconds",
    "use_model_monitor",
    "alarm_topic",
    "analysis_window",
}
DEFAULTS: dict[str, Any] = {
    "schedule": "cron(0 * * * ? *)",
    "instance_type": "ml.m5.xlarge",
    "instance_count": 1,
    "volume_size_gb": 30,
    "max_runtime_seconds": 3600,
    "use_model_monitor": False,
    "alarm_topic": "sagemaker-monitor-alarms",
    "analysis_window": "PT1H",
}
MODEL_MONITOR_SCHEDULE = "cron(0 * ? * * *)"  # the default schedule with use_model_monitor: Model Monitor's hourly form
# The integer settings and the SageMaker shape that bounds each.
_INTEGER_SHAPES = {
    "instance_count": "ProcessingInstanceCount",
    "volume_size_gb": "ProcessingVolumeSizeInGB",
    "max_runtime_seconds": "ProcessingMaxRuntimeInSeconds",
}


def setting(key: str, value: Any, where: str) -> Any:
    """One schedule/resource setting, typed and in range (mode-dependent checks come later)."""
    if key == "schedule":
        return c.text(value, where, "cron(0 * * * ? *)")
    if key == "instance_type":
        return _instance_type(value, where)
    if key in _INTEGER_SHAPES:
        return c.integer(value, where, *_range(_INTEGER_SHAPES[key]))
    if key == "use_model_monitor":
        return c.boolean(value, where)
    if key == "alarm_topic":
        return _alarm_topic(value, where)
    if key == "analysis_window":
        return c.duration(value, where)
    raise AssertionError(key)


def resolved(own: dict[str, Any], given_defaults: dict[str, Any]) -> dict[str, Any]:
    """Every setting of an endpoint: its own, else the fleet's default, else the tool's. With use_model_monitor
    and no schedule given anywhere, the schedule is Model Monitor's hourly form."""
    settings = {**DEFAULTS, **given_defaults, **own}
    if settings["use_model_monitor"] and "schedule" not in own and "schedule" not in given_defaults:
        settings["schedule"] = MODEL_MONITOR_SCHEDULE
    return settings


def _instance_type(value: Any, where: str) -> str:
    kind = c.text(value, where, "ml.m5.xlarge")
    allowed = c.shape("sagemaker", "ProcessingInstanceType")[1]
    if kind not in allowed:
        near = [f"ml.{kind}"] if f"ml.{kind}" in allowed else get_close_matches(kind, allowed, n=1)
        fix = f"did you mean {near[0]}?" if near else "use a SageMaker Processing instance type such as ml.m5.xlarge"
        fail(where, "is not a SageMaker Processing instance type", kind, fix)
    return kind


def _alarm_topic(value: Any, where: str) -> str:
    """A topic name (the stack creates the topic) or an existing topic's ARN (the stack only publishes to it)."""
    topic = c.text(value, where, "monitor-alarms")
    name = topic.split(":")[-1] if topic.startswith("arn:") else topic
    arn_ok = not topic.startswith("arn:") or re.fullmatch(r"arn:aws[-a-z]*:sns:[a-z0-9-]+:\d{12}:[^:]+", topic)
    if not arn_ok or not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", name.removesuffix(".fifo")):
        fail(
            where,
            "is neither an SNS topic name (1 to 256 letters, digits, hyphens and underscores) nor a topic ARN",
            topic,
            "e.g. monitor-alarms, or arn:aws:sns:us-east-1:123456789012:monitor-alarms",
        )
    return topic


def _range(shape_name: str) -> tuple[int, int]:
    meta = c.shape("sagemaker", shape_name)[0]
    return int(meta["min"]), int(meta["max"])
