"""The typed fleet that spec.parse builds from a fleet file: Fleet, its Endpoints and their Alarms."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BiasAlarm:
    metric: str
    facet: str
    facet_value: str
    label: str
    label_value: str
    threshold: float
    comparison: str = "GreaterThanThreshold"
    stage: str = "Post-Training"


@dataclass(frozen=True, slots=True)
class Alarms:
    drift_features: tuple[str, ...] = ()
    drift_threshold: float = 0.1
    violations_threshold: int | None = None  # alarm when a run has more violations than this
    expectation_success_min: float | None = None  # alarm when the suite's success ratio falls below
    bias: tuple[BiasAlarm, ...] = ()


@dataclass(frozen=True, slots=True)
class Endpoint:
    name: str
    capture_s3_uri: str
    statistics: str
    constraints: str
    schedule: str
    instance_type: str
    instance_count: int
    volume_size_gb: int
    max_runtime_seconds: int
    use_model_monitor: bool
    alarm_topic: str
    analysis_window: str
    analysis_config: str | None = None
    alarms: Alarms = Alarms()
    retrain_pipeline: str | None = None


@dataclass(frozen=True, slots=True)
class Fleet:
    image_uri: str
    role_arn: str
    reports_s3_uri: str
    cloudwatch_namespace: str
    endpoints: tuple[Endpoint, ...]
    dead_letter_queue_arn: str | None = None  # SQS queue for schedule invocations that fail (Scheduler mode)
    region: str | None = None  # where the fleet is deployed; set in each job's environment as AWS_REGION
