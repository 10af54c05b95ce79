"""A SageMaker Pipeline that retrains a model when the monitor says so: a quality gate running this image on the
new training data, XGBoost training, an evaluation, and registration only when the evaluation's AUC reaches a
threshold (else the pipeline fails with a message).

    # the definition, offline (no AWS credentials, no network): region from the image URI, or --region
    .venv/bin/python scripts/retrain_pipeline.py \
        --image-uri 123456789012.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-monitor@sha256:<digest> \
        --s3-prefix s3://bucket/retrain/churn --output pipeline.json

    # create or update the pipeline (uploads scripts/retrain/{gate,evaluate}.py to <s3-prefix>/code/ first)
    .venv/bin/python scripts/retrain_pipeline.py --image-uri ... --s3-prefix s3://bucket/retrain/churn \
        --upsert --role-arn arn:aws:iam::123456789012:role/retrain

Every parameter has a default taken from --s3-prefix, so a start without parameters (the fleet's EventBridge
rule sends none) runs on <s3-prefix>/train/ and <s3-prefix>/validation/ (CSV, label first, no header: XGBoost's
layout) against <s3-prefix>/baseline/ (the baseline job on training data). BaselineStatistics and
BaselineConstraints must name files called statistics.json and constraints.json, as the baseline job writes
them: each is mounted as an S3 prefix and the container is told those names.

Why sagemaker-core and not the SDK's Pipeline classes: the SDK's Pipelines package (sagemaker 2.x
`sagemaker.workflow`, 3.x `sagemaker-mlops`) cannot be installed beside this project's runtime pins (2.x wants
attrs<26 and packaging<25; sagemaker-mlops needs mlflow, whose every installable release wants pyarrow<26, and
s3fs/aiobotocore, which want botocore<1.43.118). sagemaker-core installs cleanly and carries the workflow
primitives the definition is made of (parameters, Join, JsonGet, PropertyFile, step Properties checked against
botocore's shapes, conditions) and the image URI table; the steps' Arguments are the CreateProcessingJob,
CreateTrainingJob and CreateModelPackage requests, which the tests check against botocore's service model.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RETRAIN = HERE / "retrain"
# Read before sagemaker is imported: no user or admin SDK config is read (one may live on S3), telemetry off.
for _var in ("SAGEMAKER_USER_CONFIG_OVERRIDE", "SAGEMAKER_ADMIN_CONFIG_OVERRIDE"):
    os.environ[_var] = str(RETRAIN / "sagemaker-config.yaml")

from sagemaker.core import image_uris  # noqa: E402  (after the config override above)
from sagemaker.core.workflow.conditions import ConditionGreaterThanOrEqualTo  # noqa: E402
from sagemaker.core.workflow.entities import PipelineVariable  # noqa: E402
from sagemaker.core.workflow.execution_variables import ExecutionVariables  # noqa: E402
from sagemaker.core.workflow.functions import Join, JsonGet  # noqa: E402
from sagemaker.core.workflow.parameters import ParameterFloat, ParameterString  # noqa: E402
from sagemaker.core.workflow.properties import Properties, PropertyFile  # noqa: E402

XGBOOST_VERSION = "1.7-1"
INSTANCE_TYPE = "ml.m5.xlarge"
PROC = "/opt/ml/processing"
# Steps in the order they run; TrainModel depends on QualityGate explicitly (it reads none of its outputs).
GATE, TRAIN, EVALUATE, CHECK = "QualityGate", "TrainModel", "EvaluateModel", "CheckAuc"
REGISTER, FAIL = "RegisterModel", "AucTooLow"  # the condition's two branches
_ECR_REGION = re.compile(r"^\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?/")


def _arguments() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--image-uri", required=True, help="the monitor image (push_ecr.py prints it, digest-pinned)")
    p.add_argument("--s3-prefix", required=True, help="s3://bucket/prefix: default data, baseline, code and outputs")
    p.add_argument("--name", default="churn-retrain", help="pipeline name (default churn-retrain)")
    p.add_argument("--model-package-group", help="default of the ModelPackageGroup parameter (default: --name)")
    p.add_argument("--auc-threshold", type=float, default=0.75, help="default of AucThreshold (register at or above)")
    p.add_argument("--approval", default="PendingManualApproval", choices=["PendingManualApproval", "Approved", "Rejected"])
    p.add_argument("--region", help="default: the image URI's region")
    p.add_argument("--output", help="write the definition here (default: stdout)")
    p.add_argument("--upsert", action="store_true", help="create or update the pipeline in SageMaker")
    p.add_argument("--role-arn", help="the role the pipeline's jobs run with (needed with --upsert)")
    args = p.parse_args()
    if not args.s3_prefix.startswith("s3://") or len(args.s3_prefix) < 6:
        p.error(f"--s3-prefix must be an s3:// URI (got {args.s3_prefix!r})")
    args.s3_prefix = args.s3_prefix.rstrip("/")
    if args.region is None:
        match = _ECR_REGION.match(args.image_uri)
        if not match:
            p.error("--region is needed: the image URI names no ECR region")
        args.region = match.group(1)
    if args.upsert and not args.role_arn:
        p.error("--upsert needs --role-arn")
    return args


def _expr(value: Any) -> Any:
    """The definition's JSON form: pipeline variables (parameters, Join, Get, JsonGet) become their expressions."""
    if isinstance(value, PipelineVariable):
        return value.expr
    if isinstance(value, dict):
        return {k: _expr(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_expr(v) for v in value]
    return value


def _s3_input(name: str, uri: Any, local: str) -> dict[str, Any]:
    s3 = {"S3Uri": uri, "LocalPath": local, "S3DataType": "S3Prefix", "S3InputMode": "File"}
    return {"InputName": name, "AppManaged": False, "S3Input": s3 | {"S3DataDistributionType": "FullyReplicated"}}


def _s3_output(name: str, uri: Any, local: str) -> dict[str, Any]:
    s3 = {"S3Uri": uri, "LocalPath": local, "S3UploadMode": "EndOfJob"}
    return {"ProcessingOutputConfig": {"Outputs": [{"OutputName": name, "AppManaged": False, "S3Output": s3}]}}


def _cluster() -> dict[str, Any]:
    return {"ClusterConfig": {"InstanceCount": 1, "InstanceType": INSTANCE_TYPE, "VolumeSizeInGB": 30}}


def _processing(
    image: Any, entrypoint: list[str], role_arn: str, inputs: list[dict[str, Any]], output: dict[str, Any]
) -> dict[str, Any]:
    """A Processing step's Arguments: the CreateProcessingJob request, on one instance for at most an hour."""
    return {
        "ProcessingResources": _cluster(),
        "AppSpecification": {"ImageUri": image, "ContainerEntrypoint": entrypoint},
        "RoleArn": role_arn,
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "ProcessingInputs": inputs,
        **output,
    }


def definition(args: argparse.Namespace, role_arn: str) -> dict[str, Any]:
    prefix = args.s3_prefix
    training_data = ParameterString("TrainingData", f"{prefix}/train/")
    validation_data = ParameterString("ValidationData", f"{prefix}/validation/")
    statistics = ParameterString("BaselineStatistics", f"{prefix}/baseline/statistics.json")
    constraints = ParameterString("BaselineConstraints", f"{prefix}/baseline/constraints.json")
    image = ParameterString("MonitorImageUri", args.image_uri)
    group = ParameterString("ModelPackageGroup", args.model_package_group or args.name)
    approval = ParameterString("ApprovalStatus", args.approval, enum_values=["PendingManualApproval", "Approved", "Rejected"])
    threshold = ParameterFloat("AucThreshold", args.auc_threshold)
    # Drift is why the pipeline started; broken data (types, completeness, columns, bad records) closes the gate.
    ignored = ParameterString("GateIgnoredChecks", "baseline_drift_check")
    parameters = [training_data, validation_data, statistics, constraints, image, group, approval, threshold, ignored]

    run = Join(on="/", values=[prefix, "runs", ExecutionVariables.PIPELINE_EXECUTION_ID])
    code = f"{prefix}/code"
    xgboost = image_uris.retrieve("xgboost", region=args.region, version=XGBOOST_VERSION)
    stopping = {"MaxRuntimeInSeconds": 3600}

    gate = {
        "Name": GATE,
        "Type": "Processing",
        "Arguments": _processing(
            image,
            ["/opt/venv/bin/python", f"{PROC}/code/gate.py"],
            role_arn,
            [
                _s3_input("data", training_data, f"{PROC}/input/data"),
                _s3_input("statistics", statistics, f"{PROC}/baseline/statistics"),
                _s3_input("constraints", constraints, f"{PROC}/baseline/constraints"),
                _s3_input("code", f"{code}/gate.py", f"{PROC}/code"),
            ],
            _s3_output("report", Join(on="/", values=[run, "gate"]), f"{PROC}/output"),
        )
        | {
            # The contract's plain-Processing-job form (README: "What a job does"); the training CSV has XGBoost's
            # layout (label first, no header), so columns line up with the baseline's features by position.
            "Environment": {
                "dataset_format": json.dumps({"csv": {"header": False}}),
                "dataset_source": f"{PROC}/input/data",
                "output_path": f"{PROC}/output",
                "baseline_statistics": f"{PROC}/baseline/statistics/statistics.json",
                "baseline_constraints": f"{PROC}/baseline/constraints/constraints.json",
                "gate_ignored_checks": ignored,
            },
        },
    }

    def channel(name: str, uri: Any) -> dict[str, Any]:
        source = {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": uri, "S3DataDistributionType": "FullyReplicated"}}
        return {"ChannelName": name, "DataSource": source, "ContentType": "text/csv"}

    train = {
        "Name": TRAIN,
        "Type": "Training",
        "DependsOn": [GATE],  # the gate's only output is pass or fail: without this, training would not wait for it
        "Arguments": {
            "AlgorithmSpecification": {"TrainingImage": xgboost, "TrainingInputMode": "File"},
            "HyperParameters": {"objective": "binary:logistic", "eval_metric": "auc", "num_round": "200", "max_depth": "5"},
            "InputDataConfig": [channel("train", training_data), channel("validation", validation_data)],
            "OutputDataConfig": {"S3OutputPath": Join(on="/", values=[run, "model"])},
            "ResourceConfig": {"InstanceCount": 1, "InstanceType": INSTANCE_TYPE, "VolumeSizeInGB": 30},
            "RoleArn": role_arn,
            "StoppingCondition": stopping,
        },
    }
    # Checked against botocore's DescribeTrainingJobResponse: a misspelt member raises here.
    model_data = Properties(TRAIN, shape_name="DescribeTrainingJobResponse").ModelArtifacts.S3ModelArtifacts

    report = PropertyFile(name="EvaluationReport", output_name="evaluation", path="evaluation.json")
    evaluation_uri = Join(on="/", values=[run, "evaluation"])
    evaluate = {
        "Name": EVALUATE,
        "Type": "Processing",
        "Arguments": _processing(
            xgboost,
            ["python3", f"{PROC}/code/evaluate.py"],
            role_arn,
            [
                _s3_input("model", model_data, f"{PROC}/model"),
                _s3_input("validation", validation_data, f"{PROC}/validation"),
                _s3_input("code", f"{code}/evaluate.py", f"{PROC}/code"),
            ],
            _s3_output("evaluation", evaluation_uri, f"{PROC}/evaluation"),
        ),
        "PropertyFiles": [report.expr],
    }

    evaluation_file = Join(on="/", values=[evaluation_uri, "evaluation.json"])
    register = {
        "Name": REGISTER,
        "Type": "RegisterModel",
        "Arguments": {
            "ModelPackageGroupName": group,
            "ModelApprovalStatus": approval,
            "InferenceSpecification": {
                "Containers": [{"Image": xgboost, "ModelDataUrl": model_data}],
                "SupportedContentTypes": ["text/csv"],
                "SupportedResponseMIMETypes": ["text/csv"],
                "SupportedRealtimeInferenceInstanceTypes": [INSTANCE_TYPE],
                "SupportedTransformInstanceTypes": [INSTANCE_TYPE],
            },
            "ModelMetrics": {"ModelQuality": {"Statistics": {"ContentType": "application/json", "S3Uri": evaluation_file}}},
        },
    }
    fail = {
        "Name": FAIL,
        "Type": "Fail",
        "Arguments": {"ErrorMessage": Join(on=" ", values=["The retrained model's AUC is below AucThreshold", threshold])},
    }
    auc = JsonGet(step_name=EVALUATE, property_file=report, json_path="binary_classification_metrics.auc.value")
    check = {
        "Name": CHECK,
        "Type": "Condition",
        "Arguments": {
            "Conditions": [ConditionGreaterThanOrEqualTo(left=auc, right=threshold).to_request()],
            "IfSteps": [register],
            "ElseSteps": [fail],
        },
    }
    return _expr(
        {
            "Version": "2020-12-01",
            "Metadata": {},
            "Parameters": [p.to_request() for p in parameters],
            "PipelineExperimentConfig": {
                "ExperimentName": ExecutionVariables.PIPELINE_NAME,
                "TrialName": ExecutionVariables.PIPELINE_EXECUTION_ID,
            },
            "Steps": [gate, train, evaluate, check],
        }
    )


def upsert(args: argparse.Namespace, body: str) -> str:
    """Upload the step scripts, then create the pipeline, or update it when it exists; returns its ARN."""
    import boto3

    s3 = boto3.client("s3", region_name=args.region)
    bucket, _, key = args.s3_prefix[len("s3://") :].partition("/")
    for script in ("gate.py", "evaluate.py"):
        s3.upload_file(str(RETRAIN / script), bucket, f"{key}/code/{script}".lstrip("/"))
    sm = boto3.client("sagemaker", region_name=args.region)
    request = {"PipelineName": args.name, "PipelineDefinition": body, "RoleArn": args.role_arn}
    description = "retraining started by the sagemaker-monitor fleet (scripts/retrain_pipeline.py)"
    # Listed rather than described: a missing pipeline is ResourceNotFound at AWS, ValidationException at moto.
    listed = sm.list_pipelines(PipelineNamePrefix=args.name)["PipelineSummaries"]
    if any(p["PipelineName"] == args.name for p in listed):
        return sm.update_pipeline(**request, PipelineDescription=description)["PipelineArn"]
    return sm.create_pipeline(**request, PipelineDescription=description)["PipelineArn"]


def main() -> None:
    args = _arguments()
    # Offline, the jobs' role is a placeholder the definition carries only as a default; --upsert puts the real one in.
    role = args.role_arn or "arn:aws:iam::000000000000:role/set-with-role-arn"
    body = json.dumps(definition(args, role), indent=1, sort_keys=False)
    if args.output:
        Path(args.output).write_text(body + "\n")
    elif not args.upsert:
        print(body)
    if args.upsert:
        print(f"upserted {upsert(args, body)}", file=sys.stderr)


if __name__ == "__main__":
    main()
