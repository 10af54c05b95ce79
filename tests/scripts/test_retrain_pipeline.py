"""scripts/retrain_pipeline.py: the definition it writes (run as a user would, offline), its requests against
botocore's service model, the upsert against a moto server over HTTP, and the quality gate's entrypoint
(scripts/retrain/gate.py) on real data: drift lets it pass, broken data closes it."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.botocore_model import request_errors
from tests.conftest import ROOT, moto_client

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/sagemaker-monitor@sha256:0379cf97b48d41c29561d7c6a7cda55bcdeb3562e8f1dc810ee47d35f61f50a9"
ROLE = "arn:aws:iam::123456789012:role/retrain"
PREFIX = "s3://retrain-bucket/churn"
OFFLINE = {  # no credentials, no config: offline generation must need neither
    "PATH": os.environ.get("PATH", ""),
    "AWS_CONFIG_FILE": "/nonexistent",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
    "AWS_EC2_METADATA_DISABLED": "true",
    # Any HTTP(S) request the script or the SDK made would go to this dead proxy and fail.
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
}


def script(*args: str, env: dict[str, str] = OFFLINE) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, str(ROOT / "scripts" / "retrain_pipeline.py"), "--image-uri", IMAGE, "--s3-prefix", PREFIX, *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def body(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("retrain") / "pipeline.json"
    done = script("--output", str(out))
    assert done.returncode == 0, done.stderr
    return out.read_text()


@pytest.fixture(scope="module")
def pipeline(body: str) -> dict[str, Any]:
    return json.loads(body)


def steps(pipeline: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {}
    for step in pipeline["Steps"]:
        found[step["Name"]] = step
        if step["Type"] == "Condition":
            for branch in ("IfSteps", "ElseSteps"):
                found |= {s["Name"]: s for s in step["Arguments"][branch]}
    return found


def test_the_four_stages_run_in_order(pipeline):
    top = [(s["Name"], s["Type"]) for s in pipeline["Steps"]]
    assert top == [
        ("QualityGate", "Processing"),
        ("TrainModel", "Training"),
        ("EvaluateModel", "Processing"),
        ("CheckAuc", "Condition"),
    ]
    by = steps(pipeline)
    # Training reads nothing the gate writes: only DependsOn makes it wait for (and stop on) the gate.
    assert by["TrainModel"]["DependsOn"] == ["QualityGate"]
    evaluate_inputs = {i["InputName"]: i["S3Input"]["S3Uri"] for i in by["EvaluateModel"]["Arguments"]["ProcessingInputs"]}
    assert evaluate_inputs["model"] == {"Get": "Steps.TrainModel.ModelArtifacts.S3ModelArtifacts"}
    assert [s["Name"] for s in by["CheckAuc"]["Arguments"]["IfSteps"]] == ["RegisterModel"]
    assert [(s["Name"], s["Type"]) for s in by["CheckAuc"]["Arguments"]["ElseSteps"]] == [("AucTooLow", "Fail")]


def test_the_gate_runs_the_given_image_on_the_new_data_against_the_baseline(pipeline):
    params = {p["Name"]: p for p in pipeline["Parameters"]}
    assert {
        "TrainingData",
        "BaselineStatistics",
        "BaselineConstraints",
        "MonitorImageUri",
        "ModelPackageGroup",
        "ApprovalStatus",
        "AucThreshold",
    } <= set(params)
    assert params["MonitorImageUri"]["DefaultValue"] == IMAGE
    assert params["TrainingData"]["DefaultValue"] == f"{PREFIX}/train/"
    gate = steps(pipeline)["QualityGate"]["Arguments"]
    assert gate["AppSpecification"]["ImageUri"] == {"Get": "Parameters.MonitorImageUri"}
    inputs = {i["InputName"]: i["S3Input"] for i in gate["ProcessingInputs"]}
    env = gate["Environment"]
    assert inputs["data"]["S3Uri"] == {"Get": "Parameters.TrainingData"} and inputs["data"]["LocalPath"] == env["dataset_source"]
    assert inputs["statistics"]["S3Uri"] == {"Get": "Parameters.BaselineStatistics"}
    assert env["baseline_statistics"] == inputs["statistics"]["LocalPath"] + "/statistics.json"
    assert env["baseline_constraints"] == inputs["constraints"]["LocalPath"] + "/constraints.json"
    assert json.loads(env["dataset_format"]) == {"csv": {"header": False}}
    assert gate["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["LocalPath"] == env["output_path"]
    assert gate["AppSpecification"]["ContainerEntrypoint"][-1] == inputs["code"]["LocalPath"] + "/gate.py"


def test_registration_is_conditional_on_the_evaluated_auc(pipeline):
    by = steps(pipeline)
    [condition] = by["CheckAuc"]["Arguments"]["Conditions"]
    assert condition["Type"] == "GreaterThanOrEqualTo"
    assert condition["RightValue"] == {"Get": "Parameters.AucThreshold"}
    left = condition["LeftValue"]["Std:JsonGet"]
    assert left["Path"] == "binary_classification_metrics.auc.value"
    assert left["PropertyFile"] == {"Get": "Steps.EvaluateModel.PropertyFiles.EvaluationReport"}
    [report] = by["EvaluateModel"]["PropertyFiles"]
    outputs = [o["OutputName"] for o in by["EvaluateModel"]["Arguments"]["ProcessingOutputConfig"]["Outputs"]]
    assert report["OutputName"] in outputs and report["FilePath"] == "evaluation.json"
    register = by["RegisterModel"]["Arguments"]
    assert register["ModelPackageGroupName"] == {"Get": "Parameters.ModelPackageGroup"}
    assert register["ModelApprovalStatus"] == {"Get": "Parameters.ApprovalStatus"}
    assert register["InferenceSpecification"]["Containers"][0]["ModelDataUrl"] == {
        "Get": "Steps.TrainModel.ModelArtifacts.S3ModelArtifacts"
    }


def placeholders(value: Any) -> Any:
    """A step's Arguments as the job request SageMaker makes of them: every expression a plausible value."""
    if isinstance(value, dict):
        if set(value) == {"Get"} or any(k.startswith("Std:") for k in value):
            return "s3://bucket/resolved/at-run-time"
        return {k: placeholders(v) for k, v in value.items()}
    if isinstance(value, list):
        return [placeholders(v) for v in value]
    return value


def test_every_step_is_a_request_botocore_accepts(pipeline):
    by = steps(pipeline)
    for name, operation, key in [
        ("QualityGate", "CreateProcessingJob", "ProcessingJobName"),
        ("EvaluateModel", "CreateProcessingJob", "ProcessingJobName"),
        ("TrainModel", "CreateTrainingJob", "TrainingJobName"),
    ]:
        request = placeholders(copy.deepcopy(by[name]["Arguments"])) | {key: f"pipelines-{name.lower()}"}
        if operation == "CreateProcessingJob":
            request["AppSpecification"]["ImageUri"] = IMAGE
        assert request_errors("sagemaker", operation, request) == [], name
    register = placeholders(by["RegisterModel"]["Arguments"]) | {
        "ModelPackageGroupName": "churn-retrain",
        "ModelApprovalStatus": "Approved",
    }
    assert request_errors("sagemaker", "CreateModelPackage", register) == []


def test_the_create_pipeline_request_fits_the_service_model(body):
    # ClientRequestToken: boto3 fills it in (an idempotency token), the model requires it.
    request = {"PipelineName": "churn-retrain", "PipelineDefinition": body, "RoleArn": ROLE, "ClientRequestToken": "a" * 32}
    assert request_errors("sagemaker", "CreatePipeline", request) == []
    # The check sees the definition's length limit (1,048,576 characters): a definition past it fails.
    assert request_errors("sagemaker", "CreatePipeline", request | {"PipelineDefinition": body + " " * 1_048_576})


def test_the_sdk_reads_telemetry_opt_out_from_the_scripts_config():
    probe = (
        "import sys; sys.path.insert(0, 'scripts'); import retrain_pipeline\n"
        "from sagemaker.core.common_utils import get_sagemaker_config_value\n"
        "from sagemaker.core.config.config import load_sagemaker_config\n"
        "from sagemaker.core.config.config_schema import TELEMETRY_OPT_OUT_PATH\n"
        "print(get_sagemaker_config_value(None, TELEMETRY_OPT_OUT_PATH, sagemaker_config=load_sagemaker_config()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env=OFFLINE, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.stdout.strip() == "True", done.stderr


def test_a_wrong_image_or_prefix_is_refused_before_anything_is_written(tmp_path):
    out = tmp_path / "p.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "retrain_pipeline.py"),
            "--image-uri",
            "sagemaker-monitor:latest",
            "--s3-prefix",
            PREFIX,
            "--output",
            str(out),
        ],
        env=OFFLINE,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2 and "--region is needed" in done.stderr and not out.exists()
    assert "--upsert needs --role-arn" in script("--upsert").stderr


def test_upsert_creates_then_updates_the_pipeline_on_moto(aws_env, body):
    moto_client("s3", aws_env).create_bucket(Bucket="retrain-bucket")
    env = OFFLINE | aws_env | {"NO_PROXY": "127.0.0.1,localhost"}  # moto is local; anything else still fails
    first = script("--upsert", "--role-arn", ROLE, "--region", "us-east-1", env=env)
    assert first.returncode == 0, first.stderr
    sm = moto_client("sagemaker", aws_env)
    described = sm.describe_pipeline(PipelineName="churn-retrain")
    assert json.loads(described["PipelineDefinition"]) == json.loads(
        body.replace("arn:aws:iam::000000000000:role/set-with-role-arn", ROLE)
    )
    assert described["RoleArn"] == ROLE
    keys = {o["Key"] for o in moto_client("s3", aws_env).list_objects_v2(Bucket="retrain-bucket")["Contents"]}
    assert keys == {"churn/code/gate.py", "churn/code/evaluate.py"}
    again = script("--upsert", "--role-arn", ROLE, "--region", "us-east-1", "--auc-threshold", "0.9", env=env)
    assert again.returncode == 0, again.stderr
    params = json.loads(sm.describe_pipeline(PipelineName="churn-retrain")["PipelineDefinition"])["Parameters"]
    assert {p["Name"]: p.get("DefaultValue") for p in params}["AucThreshold"] == 0.9


# The gate's entrypoint on real data, run as the image runs it (the container package on PYTHONPATH).
BASELINE_ROWS = [f"{i % 2},{20 + i % 50},{30000 + 137 * (i % 100)}" for i in range(400)]


def run_gate(tmp_path: Path, name: str, rows: list[str], ignored: str = "baseline_drift_check") -> tuple[int, str]:
    base = tmp_path / name
    (base / "data").mkdir(parents=True)
    (base / "data" / "train.csv").write_text("\n".join(rows) + "\n")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "SAGEMAKER_BASE_DIR": str(base),
        "dataset_format": '{"csv": {"header": false}}',
        "dataset_source": str(base / "data"),
        "output_path": str(base / "output"),
        "baseline_statistics": str(tmp_path / "baseline" / "statistics.json"),
        "baseline_constraints": str(tmp_path / "baseline" / "constraints.json"),
        "gate_ignored_checks": ignored,
    }
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "retrain" / "gate.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return done.returncode, (base / "output" / "message").read_text()


@pytest.fixture
def baseline(tmp_path: Path) -> Path:
    data = tmp_path / "baseline-data"
    data.mkdir()
    (data / "train.csv").write_text("label,age,income\n" + "\n".join(BASELINE_ROWS) + "\n")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "SAGEMAKER_BASE_DIR": str(tmp_path / "baseline-job"),
        "dataset_source": str(data),
        "output_path": str(tmp_path / "baseline"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "container"], env=env, capture_output=True, text=True, timeout=300, check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return tmp_path


@pytest.mark.slow
def test_the_gate_passes_drift_and_stops_broken_data(baseline):
    same = run_gate(baseline, "same", BASELINE_ROWS)
    assert same[0] == 0, same
    drifted = [f"{i % 2},{20 + i % 50},{90000 + 137 * (i % 100)}" for i in range(400)]  # income moved: drift only
    assert run_gate(baseline, "drift", drifted)[0] == 0
    code, message = run_gate(baseline, "drift-not-ignored", drifted, ignored="")
    assert code == 3 and "baseline_drift_check on income" in message
    broken = [f"{i % 2},{'unknown' if i % 3 == 0 else 20 + i % 50},{30000 + 137 * (i % 100)}" for i in range(400)]
    code, message = run_gate(baseline, "broken", broken)
    assert code == 3, message
    assert message.startswith("QualityGate: ") and "on age" in message
