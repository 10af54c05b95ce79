"""The golden-output job cases: every job type on the sample data and the test fixtures (issue 14).

A case is a name, the environment ``python -m container`` reads (as SageMaker sets it), the cases whose
outputs it reads (a monitoring job reads its baseline job's files) and the exit code it ends with.

Everything lives under one work folder ``W``, laid out so every path is known before anything runs:

    W/inputs/...                  built by ``inputs.build_inputs``, deterministically from fixed seeds
    W/cases/<case>/               the case's SAGEMAKER_BASE_DIR; its outputs are every file under it:
        processing/output/...         output_path (statistics.json, constraints.json, violations, reports)
        output/message                SageMaker's ExitMessage
        output/metrics/cloudwatch/... the CloudWatch metrics file

In env values (and in the config files the inputs hold) ``<inputs>`` stands for ``W/inputs``, ``<base>``
for the case's own base folder and ``<out:NAME>`` for case NAME's output_path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import AWS, ROOT

BIAS_FIXTURES = ROOT / "tests" / "fixtures" / "bias"
CAPTURE_FORMAT = '{"sagemakerCaptureJson": {"captureIndexNames": ["endpointInput", "endpointOutput"]}}'
CSV_HEADER = '{"csv": {"header": true}}'
WINDOW = {"start_time": "2024-01-19T19:00:00Z", "end_time": "2024-01-19T20:00:00Z"}
ENDPOINT = {"sagemaker_endpoint_name": "churn-endpoint", "sagemaker_monitoring_schedule_name": "churn-hourly"}
SAMPLE_HOUR = Path("churn-endpoint/AllTraffic/2024/01/19/19")
BINARY = {"analysis_type": "MODEL_QUALITY", "problem_type": "BinaryClassification", "probability_threshold_attribute": "0.5"}


@dataclass(frozen=True)
class Case:
    name: str
    env: dict[str, str]
    needs: tuple[str, ...] = ()
    exit_code: int = 0
    doc: str = ""


def _dq_baseline(source: str, **env: str) -> dict[str, str]:
    return {"dataset_format": CSV_HEADER, "dataset_source": source, "output_path": "<base>/processing/output", **env}


def _dq_monitor(baseline: str, source: str = "<inputs>/sample/capture", **env: str) -> dict[str, str]:
    return {
        "dataset_format": CAPTURE_FORMAT,
        "dataset_source": source,
        "output_path": "<base>/processing/output",
        "baseline_statistics": f"<out:{baseline}>/statistics.json",
        "baseline_constraints": f"<out:{baseline}>/constraints.json",
        "publish_cloudwatch_metrics": "Enabled",
        **ENDPOINT,
        **WINDOW,
        **env,
    }


def _mq_monitor(baseline: str, capture: str, truth: str, **env: str) -> dict[str, str]:
    return {
        "dataset_source": capture,
        "output_path": "<base>/processing/output",
        "baseline_statistics": f"<out:{baseline}>/statistics.json",
        "baseline_constraints": f"<out:{baseline}>/constraints.json",
        "ground_truth_source": truth,
        "publish_cloudwatch_metrics": "Enabled",
        "sagemaker_endpoint_name": "ep",
        "sagemaker_monitoring_schedule_name": "quality",
        **WINDOW,
        **env,
    }


CASES: list[Case] = [
    # (a) data-quality baseline on the sample data: statistics.json, constraints.json, the suggested suite.
    Case("dq_baseline_sample", _dq_baseline("<inputs>/sample/baseline"), doc="data-quality baseline on the sample data"),
    # (c) a bias baseline: the sample training data with a label column, a bias section in the analysis config.
    Case(
        "bias_baseline_sample",
        _dq_baseline("<inputs>/sample_labelled", analysis_config="<inputs>/configs/bias_baseline.json"),
        doc="baseline job with a bias section (analysis.json) on the labelled sample data",
    ),
    Case(
        "bias_baseline_fixture_ds1",
        _dq_baseline("<inputs>/bias_ds1", bias_config="<inputs>/configs/clarify_ds1.json"),
        doc="baseline job with a Clarify bias_config on the smclarify fixture ds1",
    ),
    # The README's demo: the sample capture against the sample baseline, nothing optional.
    Case(
        "dq_monitor_plain",
        _dq_monitor("dq_baseline_sample"),
        needs=("dq_baseline_sample",),
        doc="monitoring the sample capture (drift, unseen category, 3 bad records), CloudWatch metrics",
    ),
    # (b) monitoring with every optional step: drift section, expectation suite, bias with ground truth.
    Case(
        "dq_monitor_drift_suite_bias",
        _dq_monitor(
            "dq_baseline_sample",
            analysis_config="<inputs>/configs/monitor_drift_bias.json",
            expectation_suite="<out:dq_baseline_sample>/expectation_suite.json",
            ground_truth_source="<inputs>/sample_truth",
        ),
        needs=("dq_baseline_sample", "bias_baseline_sample"),
        doc="monitoring the sample capture with a drift section, the suggested suite, bias + ground truth",
    ),
    # Monitoring against a baseline AWS's analyzer wrote (tests/fixtures/aws).
    Case(
        "dq_monitor_aws_baseline",
        {
            "dataset_format": CSV_HEADER,
            "dataset_source": "<inputs>/aws_window",
            "output_path": "<base>/processing/output",
            "baseline_statistics": str(AWS / "data_quality_statistics.json"),
            "baseline_constraints": str(AWS / "data_quality_constraints.json"),
            "publish_cloudwatch_metrics": "Enabled",
            "sagemaker_monitoring_schedule_name": "aws-fixture",
            "end_time": "2024-01-19T20:00:00Z",
        },
        doc="monitoring a CSV window against AWS's own data_quality_statistics/constraints fixtures",
    ),
    # (e) bad records beyond the share: a bad_record_check violation; and a window of nothing but garbage.
    Case(
        "dq_monitor_bad_share",
        _dq_monitor("dq_baseline_sample", source="<inputs>/bad_capture"),
        needs=("dq_baseline_sample",),
        doc="window with 12% bad records of every kind: bad_record_check",
    ),
    Case(
        "dq_monitor_all_garbage",
        _dq_monitor("dq_baseline_sample", source="<inputs>/garbage_capture"),
        needs=("dq_baseline_sample",),
        doc="window where nothing read is usable: never green",
    ),
    # (f) an empty window: nothing to compare (default), and the same with empty_window=fail (ClientError).
    Case(
        "dq_monitor_empty_window",
        _dq_monitor("dq_baseline_sample", start_time="2024-01-20T19:00:00Z", end_time="2024-01-20T20:00:00Z"),
        needs=("dq_baseline_sample",),
        doc="window with no records: Completed, nothing compared",
    ),
    Case(
        "dq_monitor_empty_window_fail",
        _dq_monitor(
            "dq_baseline_sample",
            start_time="2024-01-20T19:00:00Z",
            end_time="2024-01-20T20:00:00Z",
            analysis_config="<inputs>/configs/empty_fail.json",
        ),
        needs=("dq_baseline_sample",),
        exit_code=2,
        doc="window with no records and empty_window=fail: ClientError",
    ),
    # (g) ClientErrors: a suite naming a column the baseline lacks; an unknown dataset format.
    Case(
        "client_error_bad_suite",
        _dq_monitor("dq_baseline_sample", expectation_suite="<inputs>/configs/bad_suite.json"),
        needs=("dq_baseline_sample",),
        exit_code=2,
        doc="expectation suite naming a column the baseline lacks: ClientError message",
    ),
    Case(
        "client_error_bad_format",
        _dq_baseline("<inputs>/sample/baseline", dataset_format='{"avro": {}}'),
        exit_code=2,
        doc="unknown dataset_format: ClientError message",
    ),
    # Other dataset formats: a JSON-lines baseline; a Parquet window (batch transform: no endpoint name).
    Case(
        "dq_baseline_jsonlines",
        _dq_baseline("<inputs>/sample_jsonlines", dataset_format='{"json": {"line": true}}'),
        doc="data-quality baseline on 300 sample rows as JSON lines",
    ),
    Case(
        "dq_monitor_parquet_batch",
        {
            "dataset_format": '{"parquet": {}}',
            "dataset_source": "<inputs>/sample_parquet",
            "output_path": "<base>/processing/output",
            "baseline_statistics": "<out:dq_baseline_sample>/statistics.json",
            "baseline_constraints": "<out:dq_baseline_sample>/constraints.json",
            "publish_cloudwatch_metrics": "Enabled",
            "sagemaker_monitoring_schedule_name": "churn-batch",
            "end_time": "2024-01-19T20:00:00Z",
        },
        needs=("dq_baseline_sample",),
        doc="monitoring 300 window rows as Parquet, batch-transform style (MonitoringSchedule dimension only)",
    ),
    # (d) model quality: binary, multiclass (class_probability_attributes), regression.
    Case(
        "mq_binary_baseline",
        {
            **_dq_baseline("<inputs>/mq_binary/validation"),
            "probability_attribute": "probability",
            "ground_truth_attribute": "label",
            **BINARY,
        },
        doc="model-quality binary baseline (metrics, constraints, isotonic calibration)",
    ),
    Case(
        "mq_binary_monitor",
        _mq_monitor(
            "mq_binary_baseline", "<inputs>/mq_binary/capture", "<inputs>/mq_binary/truth", probability_attribute="0", **BINARY
        ),
        needs=("mq_binary_baseline",),
        doc="model-quality binary monitoring with labels (concept drift) and the estimate",
    ),
    Case(
        "mq_binary_monitor_no_labels",
        _mq_monitor(
            "mq_binary_baseline", "<inputs>/mq_binary/capture", "<inputs>/mq_binary/no_truth", probability_attribute="0", **BINARY
        ),
        needs=("mq_binary_baseline",),
        doc="model-quality binary monitoring before any label: the label-free estimate alone",
    ),
    Case(
        "mq_multiclass_baseline",
        {
            **_dq_baseline("<inputs>/mq_multiclass/validation"),
            "analysis_type": "MODEL_QUALITY",
            "problem_type": "MulticlassClassification",
            "analysis_config": "<inputs>/configs/multiclass.json",
            "inference_attribute": "predicted",
            "ground_truth_attribute": "label",
        },
        doc="model-quality multiclass baseline with class_probability_attributes",
    ),
    Case(
        "mq_multiclass_monitor",
        _mq_monitor(
            "mq_multiclass_baseline",
            "<inputs>/mq_multiclass/capture",
            "<inputs>/mq_multiclass/truth",
            analysis_type="MODEL_QUALITY",
            problem_type="MulticlassClassification",
            analysis_config="<inputs>/configs/multiclass.json",
            inference_attribute="0",
        ),
        needs=("mq_multiclass_baseline",),
        doc="model-quality multiclass monitoring with labels and the calibrated estimate",
    ),
    Case(
        "mq_regression_baseline",
        {
            **_dq_baseline("<inputs>/mq_regression/validation"),
            "analysis_type": "MODEL_QUALITY",
            "problem_type": "Regression",
            "inference_attribute": "prediction",
            "ground_truth_attribute": "label",
        },
        doc="model-quality regression baseline",
    ),
    Case(
        "mq_regression_monitor",
        _mq_monitor(
            "mq_regression_baseline",
            "<inputs>/mq_regression/capture",
            "<inputs>/mq_regression/truth",
            analysis_type="MODEL_QUALITY",
            problem_type="Regression",
            inference_attribute="0",
        ),
        needs=("mq_regression_baseline",),
        doc="model-quality regression monitoring with labels (errors grew: violations)",
    ),
    Case(
        "xai_baseline_capture",
        {
            "analysis_type": "MODEL_EXPLAINABILITY",
            "dataset_format": CAPTURE_FORMAT,
            "dataset_source": "<inputs>/sample/attribution/baseline",
            "output_path": "<base>/processing/output",
            "analysis_config": "<inputs>/sample/attribution/analysis_config.json",
        },
        doc="feature-attribution baseline from the SHAP values the model captured (Clarify's analysis.json)",
    ),
    Case(
        "xai_monitor_capture",
        {
            "analysis_type": "MODEL_EXPLAINABILITY",
            "dataset_format": CAPTURE_FORMAT,
            "dataset_source": "<inputs>/sample/attribution/capture",
            "output_path": "<base>/processing/output",
            "baseline_constraints": "<out:xai_baseline_capture>/analysis.json",
            "analysis_config": "<inputs>/sample/attribution/analysis_config.json",
            "publish_cloudwatch_metrics": "Enabled",
            **ENDPOINT,
            **WINDOW,
        },
        needs=("xai_baseline_capture",),
        doc="feature-attribution monitoring: the retrained model ranks the features otherwise (nDCG < 0.9)",
    ),
]

BY_NAME = {case.name: case for case in CASES}

_TOKEN = re.compile(r"<(inputs|base|out:[a-z0-9_]+)>")


def base_dir(work: Path, name: str) -> Path:
    return work / "cases" / name


def resolve(text: str, work: Path, name: str | None = None) -> str:
    """Replace ``<inputs>``, ``<base>`` and ``<out:NAME>`` by the paths under the work folder."""

    def one(match: re.Match[str]) -> str:
        token = match.group(1)
        if token == "inputs":
            return str(work / "inputs")
        if token == "base":
            assert name is not None, text
            return str(base_dir(work, name))
        return str(base_dir(work, token.removeprefix("out:")) / "processing" / "output")

    return _TOKEN.sub(one, text)


def case_env(case: Case, work: Path) -> dict[str, str]:
    return {key: resolve(value, work, case.name) for key, value in case.env.items()}


def waves(cases: list[Case]) -> list[list[Case]]:
    """The cases in dependency order: each wave needs only cases of earlier waves."""
    done: set[str] = set()
    left = list(cases)
    order: list[list[Case]] = []
    while left:
        ready = [c for c in left if set(c.needs) <= done]
        assert ready, f"cases with unmet or circular needs: {[c.name for c in left]}"
        order.append(ready)
        done |= {c.name for c in ready}
        left = [c for c in left if c.name not in done]
    return order
