"""The SageMaker Model Monitor BYOC contract: the only module that knows env names and ``/opt/ml``.

SageMaker passes everything as environment variables (mirrored in
``/opt/ml/config/processingjobconfig.json``), mounts inputs and outputs under ``/opt/ml`` and reads
``/opt/ml/output/message`` and ``/opt/ml/output/metrics/cloudwatch/``. Every fixed path derives from
``SAGEMAKER_BASE_DIR`` (default ``/opt/ml``) so the same command runs on local folders.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from container.dataset_format import DATASET_FORMAT, DatasetFormat, FormatKind, parse_dataset_format
from container.errors import ContractError
from container.sagemaker_config import hosts, input_distribution, job_config_environment

__all__ = ["DATASET_FORMAT", "DatasetFormat", "FormatKind", "MonitorContract", "Paths", "from_env", "parse_dataset_format"]

# Environment variables set by SageMaker (docs/contract.md #environment) and the ones we add.
BASE_DIR = "SAGEMAKER_BASE_DIR"
DATASET_SOURCE = "dataset_source"
OUTPUT_PATH = "output_path"
BASELINE_STATISTICS = "baseline_statistics"
BASELINE_CONSTRAINTS = "baseline_constraints"
PUBLISH_CLOUDWATCH_METRICS = "publish_cloudwatch_metrics"
ENDPOINT_NAME = "sagemaker_endpoint_name"
SCHEDULE_NAME = "sagemaker_monitoring_schedule_name"
START_TIME = "start_time"
END_TIME = "end_time"
ANALYSIS_CONFIG = "analysis_config"  # ours: local path or s3:// URI of the analysis config JSON
CLOUDWATCH_NAMESPACE = "cloudwatch_namespace"  # ours: also send the metrics with PutMetricData
EXPECTATION_SUITE = "expectation_suite"  # ours: a Great Expectations suite, local path or s3:// URI
GROUND_TRUTH_SOURCE = "ground_truth_source"  # ours: ground-truth JSON lines, local folder or s3:// prefix
ANALYSIS_WINDOW = "analysis_window"  # ours: ISO-8601 duration; start_time = end_time - it (scheduled jobs)
REPORT_S3_URI = "report_s3_uri"  # ours: also upload the outputs to <uri>/yyyy/mm/dd/hh/ (hour of end_time)
ANALYSIS_TYPE = "analysis_type"  # MODEL_QUALITY (set by the SDK for model-quality jobs) or DATA_QUALITY
ANALYSIS_TYPES = ("DATA_QUALITY", "MODEL_QUALITY", "MODEL_EXPLAINABILITY")
MODEL_QUALITY_VARIABLES = (
    "problem_type",
    "inference_attribute",
    "probability_attribute",
    "probability_threshold_attribute",
    "ground_truth_attribute",
)
BIAS_CONFIG = "bias_config"  # ours: a Clarify analysis_config.json (local or s3://) for the bias step
EXPLAINABILITY_CONFIG = "explainability_config"  # ours: a Clarify explainability analysis_config.json
# AWS's two user hooks (the SDK's record_preprocessor_script / post_analytics_processor_script): the path of a
# Python file the schedule mounts (AWS: /opt/ml/processing/code/{pre,post}processing/<file>), or s3://.
RECORD_PREPROCESSOR_SCRIPT = "record_preprocessor_script"
POST_ANALYTICS_PROCESSOR_SCRIPT = "post_analytics_processor_script"
VARIABLES = (BASE_DIR, DATASET_FORMAT, DATASET_SOURCE, OUTPUT_PATH, BASELINE_STATISTICS, BASELINE_CONSTRAINTS)
VARIABLES += (PUBLISH_CLOUDWATCH_METRICS, ENDPOINT_NAME, SCHEDULE_NAME, START_TIME, END_TIME, ANALYSIS_CONFIG)
VARIABLES += (CLOUDWATCH_NAMESPACE, EXPECTATION_SUITE, GROUND_TRUTH_SOURCE, ANALYSIS_WINDOW, REPORT_S3_URI, ANALYSIS_TYPE)
VARIABLES += (*MODEL_QUALITY_VARIABLES, BIAS_CONFIG, RECORD_PREPROCESSOR_SCRIPT, POST_ANALYTICS_PROCESSOR_SCRIPT)
VARIABLES += (EXPLAINABILITY_CONFIG,)
BIAS_REPORT_FILE = "analysis.json"  # Clarify's name for the bias report (also the bias baseline)

DEFAULT_BASE_DIR = "/opt/ml"
STATISTICS_FILE = "statistics.json"
CONSTRAINTS_FILE = "constraints.json"
DRIFT_REPORT_FILE = "drift_report.json"  # ours: every feature's statistical drift verdict
EXPLAINABILITY_REPORT_FILE = "analysis.json"  # Clarify's name for global attributions (also their baseline)
ATTRIBUTION_FILE = "feature_attribution.json"  # ours: how the attributions were had, and the nDCG verdict
MULTIVARIATE_FILE = "multivariate_drift.json"  # ours: the multivariate drift verdicts and their explanations
SUITE_FILE = "expectation_suite.json"  # ours: the Great Expectations suite a baseline job suggests
EXPECTATION_RESULTS_FILE = "expectation_results.json"  # ours: the suite's full validation result
VIOLATIONS_FILE = "constraint_violations.json"  # the SDK's name; the docs table's "constraints_" is a typo


@dataclass(frozen=True, slots=True)
class Paths:
    """Fixed paths under the base directory."""

    base: Path

    @property
    def job_config(self) -> Path:
        return self.base / "config" / "processingjobconfig.json"

    @property
    def resource_config(self) -> Path:
        return self.base / "config" / "resourceconfig.json"

    @property
    def message(self) -> Path:
        return self.base / "output" / "message"

    @property
    def cloudwatch_dir(self) -> Path:
        return self.base / "output" / "metrics" / "cloudwatch"

    @property
    def default_dataset_source(self) -> Path:
        return self.base / "processing" / "input"

    @property
    def default_output_path(self) -> Path:
        return self.base / "processing" / "output"


@dataclass(frozen=True, slots=True, kw_only=True)
class MonitorContract:
    paths: Paths
    dataset_format: DatasetFormat
    dataset_source: Path
    output_path: Path
    baseline_statistics: Path | None
    baseline_constraints: Path | None
    publish_cloudwatch: bool
    endpoint_name: str | None
    schedule_name: str | None
    start_time: datetime | None
    end_time: datetime | None
    analysis_config: str | None
    cloudwatch_namespace: str | None = None
    expectation_suite: str | None = None
    ground_truth_source: str | None = None
    dataset_uri: str | None = None  # dataset_source given as an s3:// prefix: read straight from S3
    report_s3_uri: str | None = None
    analysis_type: str = "DATA_QUALITY"
    model_quality_env: tuple[tuple[str, str], ...] = ()
    bias_config: str | None = None
    explainability_config: str | None = None
    record_preprocessor_script: str | None = None
    post_analytics_processor_script: str | None = None
    # One model's run of a window split by model (analysis config traffic.per_model): its metrics carry this
    # dimension and join the metrics file the whole window's run wrote.
    model_dimension: tuple[str, str] | None = None
    # A multi-instance job (resourceconfig.json): this host, every host (the first leads), and how SageMaker
    # spread the dataset over them (FullyReplicated or ShardedByS3Key, from processingjobconfig.json).
    current_host: str = "algo-1"
    hosts: tuple[str, ...] = ("algo-1",)
    distribution: str = "FullyReplicated"

    @property
    def is_leader(self) -> bool:
        return self.current_host == self.hosts[0]

    @property
    def is_baseline_job(self) -> bool:
        """Without a baseline to compare against, the job suggests one (as ``suggest_baseline`` does)."""
        return self.baseline_statistics is None and self.baseline_constraints is None

    @property
    def metrics_file(self) -> Path:
        return self.paths.cloudwatch_dir / "cloudwatch_metrics.jsonl"

    @property
    def statistics_file(self) -> Path:
        return self.output_path / STATISTICS_FILE

    @property
    def constraints_file(self) -> Path:
        return self.output_path / CONSTRAINTS_FILE

    @property
    def violations_file(self) -> Path:
        return self.output_path / VIOLATIONS_FILE


def base_paths(env: Mapping[str, str]) -> Paths:
    return Paths(Path(env.get(BASE_DIR) or DEFAULT_BASE_DIR))


def from_env(env: Mapping[str, str]) -> MonitorContract:
    """Read the contract from ``env``, falling back to the job config file SageMaker mounts."""
    paths = base_paths(env)
    merged = {**job_config_environment(paths.job_config), **env}
    _check_text(merged)
    is_baseline = not (merged.get(BASELINE_STATISTICS) or merged.get(BASELINE_CONSTRAINTS))
    if (merged.get(ANALYSIS_TYPE) or "DATA_QUALITY").strip().upper() not in ANALYSIS_TYPES:
        raise ContractError(f"{ANALYSIS_TYPE}={merged[ANALYSIS_TYPE]!r} is not one of {', '.join(ANALYSIS_TYPES)}.")
    start, end = _window(merged)
    publish = merged.get(PUBLISH_CLOUDWATCH_METRICS, "Disabled").strip()
    if publish not in ("Enabled", "Disabled"):
        raise ContractError(f"{PUBLISH_CLOUDWATCH_METRICS}={publish!r} is not valid: use 'Enabled' or 'Disabled'.")
    return MonitorContract(
        paths=paths,
        dataset_format=parse_dataset_format(merged.get(DATASET_FORMAT), baseline_job=is_baseline),
        dataset_source=Path(merged.get(DATASET_SOURCE) or paths.default_dataset_source),
        dataset_uri=merged[DATASET_SOURCE] if merged.get(DATASET_SOURCE, "").startswith("s3://") else None,
        output_path=Path(merged.get(OUTPUT_PATH) or paths.default_output_path),
        baseline_statistics=_optional_path(merged.get(BASELINE_STATISTICS)),
        baseline_constraints=_optional_path(merged.get(BASELINE_CONSTRAINTS)),
        publish_cloudwatch=publish == "Enabled",
        endpoint_name=merged.get(ENDPOINT_NAME) or None,
        schedule_name=merged.get(SCHEDULE_NAME) or None,
        start_time=start,
        end_time=end,
        analysis_config=merged.get(ANALYSIS_CONFIG) or None,
        cloudwatch_namespace=merged.get(CLOUDWATCH_NAMESPACE) or None,
        expectation_suite=merged.get(EXPECTATION_SUITE) or None,
        ground_truth_source=merged.get(GROUND_TRUTH_SOURCE) or None,
        bias_config=merged.get(BIAS_CONFIG) or None,
        explainability_config=merged.get(EXPLAINABILITY_CONFIG) or None,
        record_preprocessor_script=merged.get(RECORD_PREPROCESSOR_SCRIPT) or None,
        post_analytics_processor_script=merged.get(POST_ANALYTICS_PROCESSOR_SCRIPT) or None,
        report_s3_uri=merged.get(REPORT_S3_URI) or None,
        analysis_type=(merged.get(ANALYSIS_TYPE) or "DATA_QUALITY").strip().upper(),
        model_quality_env=tuple((k, merged[k]) for k in MODEL_QUALITY_VARIABLES if merged.get(k)),
        **_cluster(paths, Path(merged.get(DATASET_SOURCE) or paths.default_dataset_source)),
    )


def _cluster(paths: Paths, dataset_source: Path) -> dict[str, Any]:
    current, all_hosts = hosts(paths.resource_config)
    return {"current_host": current, "hosts": all_hosts, "distribution": input_distribution(paths.job_config, dataset_source)}


def _check_text(env: Mapping[str, str]) -> None:
    """Every variable we read is text: bytes that are not UTF-8 reach Python as lone surrogates, which no
    output file, message or metric dimension can hold."""
    for name in VARIABLES:
        value = env.get(name) or ""
        if not value.isascii() and not _is_utf8(value):
            raise ContractError(f"{name}={value[:80]!r} is not valid UTF-8 text; fix the variable.")


def _is_utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _window(env: Mapping[str, str]) -> tuple[datetime | None, datetime | None]:
    """``[start_time, end_time)``; without ``start_time``, ``analysis_window`` before ``end_time``."""
    start = _parse_time(env, START_TIME)
    end = _parse_time(env, END_TIME)
    if start is None and end is not None and env.get(ANALYSIS_WINDOW):
        raw = env[ANALYSIS_WINDOW]
        try:
            return end - _duration(raw), end
        except OverflowError:  # the duration itself, or the start it gives, is beyond datetime's years 1-9999
            raise ContractError(
                f"{ANALYSIS_WINDOW}={raw!r} reaches back before the year 1 from {END_TIME}={env[END_TIME]!r}; "
                "use a duration such as PT1H or P1D."
            ) from None
    if start and end and start >= end:
        raise ContractError(
            f"{START_TIME}={env[START_TIME]!r} is not before {END_TIME}={env[END_TIME]!r}; "
            "the analysis window is [start_time, end_time): swap or correct them."
        )
    return start, end


_SPACES = re.compile(r"\s+")


def _parse_time(env: Mapping[str, str], name: str) -> datetime | None:
    raw = env.get(name)
    if not raw:
        return None
    text = _SPACES.sub("", raw)  # the docs' own example reads "2019-12-01T16: 20: 00Z"
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except ValueError:
        raise ContractError(f"{name}={raw!r} is not an ISO-8601 time; use the form 2024-01-19T19:00:00Z.") from None
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00 is in the year 0 in UTC, which datetime cannot hold
        raise ContractError(
            f"{name}={raw!r} lies outside the years 1 to 9999 once converted to UTC; use a time such as 2024-01-19T19:00:00Z."
        ) from None


_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")


def _duration(raw: str) -> timedelta:
    """An ISO-8601 duration of days, hours and minutes (``PT1H``, ``P1D``, ``PT30M``), longer than zero.
    A duration too long for ``timedelta`` raises ``OverflowError``.

    >>> _duration("PT1H"), _duration("P1DT2H")
    (datetime.timedelta(seconds=3600), datetime.timedelta(days=1, seconds=7200))
    """
    match = _DURATION.match(raw.strip())
    if not match or not any(match.groups()):
        raise ContractError(f"{ANALYSIS_WINDOW}={raw!r} is not an ISO-8601 duration such as PT1H or P1D.")
    days, hours, minutes = (int(g or 0) for g in match.groups())
    duration = timedelta(days=days, hours=hours, minutes=minutes)
    if not duration:
        raise ContractError(f"{ANALYSIS_WINDOW}={raw!r} is an empty window; use a duration such as PT1H or P1D.")
    return duration


def _optional_path(raw: str | None) -> Path | None:
    return Path(raw) if raw else None
