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
    comparison: str = "TwoSided"  # or GreaterThanThreshold / LessThanThreshold on the raw value
    stage: str = "Post-Training"


@dataclass(frozen=True, slots=True)
class Alarms:
    drift_features: tuple[str, ...] = ()
    drift_threshold: float = 0.1
    violations_threshold: int | None = None  # alarm when a run has more violations than this
    expectation_success_min: float | None = None  # alarm when the suite's success ratio falls below
    bias: tuple[BiasAlarm, ...] = ()


@dataclass(frozen=True, slots=True)
class QualityAlarm:
    metric: str  # a key the model-quality job publishes (accuracy, f1, mae...) or its estimate (estimated_f1)
    threshold: float
    comparison: str  # LessThanThreshold for scores, GreaterThanThreshold for errors and miss rates


@dataclass(frozen=True, slots=True)
class ModelQuality:
    """A second schedule per endpoint: the image's model-quality job on the captured predictions and ground truth."""

    statistics: str
    constraints: str
    ground_truth_s3_uri: str
    problem_type: str
    attributes: tuple[tuple[str, str], ...] = ()  # AWS's names: inference_attribute, probability_attribute...
    alarms: tuple[QualityAlarm, ...] = ()


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
    model_quality: ModelQuality | None = None


@dataclass(frozen=True, slots=True)
class Roles:
    """Role ARNs a platform team supplies; a function left None gets its own least-privilege role in the stack."""

    job: str | None = None  # the Processing / monitoring job (parses untrusted captured data: reads and reports only)
    scheduler: str | None = None  # EventBridge Scheduler: starts the Processing job, passes the job role
    events: str | None = None  # EventBridge rules: start the retraining pipelines


@dataclass(frozen=True, slots=True)
class Fleet:
    stack_name: str  # one CloudFormation stack per fleet holds every resource the fleet needs
    image_uri: str
    reports_s3_uri: str
    cloudwatch_namespace: str
    endpoints: tuple[Endpoint, ...]
    roles: Roles = Roles()
    dead_letter_queue_arn: str | None = None  # SQS queue for schedule invocations that fail (Scheduler mode)
    kms_key_arn: str | None = None  # the key that encrypts capture, baseline and reports, if any: the job role may use it
    region: str | None = None  # where the fleet is deployed; set in each job's environment as AWS_REGION
