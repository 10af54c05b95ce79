"""Least privilege, proven complete: every AWS call the container and the scripts make is allowed by the
policy of whoever makes it, and nothing more is granted than those calls (and the services acting for us) need.

The walker reads the code (ast): every boto3 client and resource (``boto3.client("s3")``, ``session.client(..)``,
the repo's own factories such as container/sources.py's ``aws_client`` / ``s3_client``, found by what they
return), followed through assignments, arguments and dataclass fields, and every method called on one
(paginators and waiters by the operation they call). Calls under container/ run with the job role; calls under
scripts/ with the operator's policy. A client the walker cannot follow, or a method that is no operation of its
service, is an error, not a silent pass.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import botocore.session
import cfnlint
import pytest
from botocore import xform_name

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))

from monitor_fleet import iam
from monitor_fleet.fleet_model import Alarms, Endpoint, Fleet, Roles
from monitor_fleet.settings import DEFAULTS

REGENERATE = "python scripts/monitor_fleet/iam.py > docs/iam/operator-policy.json"
POLICY_FILE = ROOT / "docs" / "iam" / "operator-policy.json"
WALKED = ("container", "scripts", "analyzers")
# scripts/ files that never run against AWS in production (development and benchmarking tools), not walked.
NOT_PRODUCTION = {
    "scripts/bench_bias.py": "benchmark, local files only",
    "scripts/bench_bias_intervals.py": "benchmark, local files only",
    "scripts/bench_drift_calibration.py": "benchmark, local files only",
    "scripts/bench_estimate_calibration.py": "benchmark, local files only",
    "scripts/bench_ingest.py": "benchmark, local files only",
    "scripts/bench_tiny_files.py": "benchmark; its S3 calls go to a local moto server",
    "scripts/compare_cbpe.py": "side-by-side comparison with NannyML on local files",
    "scripts/fuzz_inputs.py": "fuzzer of the container's inputs, local files only",
    "scripts/local_moto.py": "starts moto's server for the tests and benchmarks",
    "scripts/make_sample_data.py": "writes the bundled sample data to the repo",
}

# --- the walker -------------------------------------------------------------------------------------------

S3_TRANSFER = {  # boto3's managed transfers: the operations they call, by their IAM action
    "upload_file": "PutObject",  # multipart uploads (parts over 8 MB) are authorised as s3:PutObject too
    "upload_fileobj": "PutObject",
    "download_file": "GetObject",  # HeadObject then GetObject: both s3:GetObject
    "download_fileobj": "GetObject",
}
NOT_OPERATIONS = {"can_paginate", "close", "exceptions", "meta"}
ACTION_OF = {  # operations whose IAM action is not <service>:<Operation>
    ("s3", "ListObjectsV2"): "s3:ListBucket",
    ("s3", "ListObjects"): "s3:ListBucket",
    ("s3", "HeadObject"): "s3:GetObject",
    ("s3", "HeadBucket"): "s3:ListBucket",
    ("sts", "GetCallerIdentity"): None,  # needs no permission
    ("sagemaker-runtime", "InvokeEndpoint"): "sagemaker:InvokeEndpoint",  # the runtime's actions are sagemaker's
}
PARAMETER_SERVICES = {"cfn": "cloudformation", "cw": "cloudwatch"}  # parameters named after their client


@dataclass(frozen=True, order=True)
class Call:
    path: str
    line: int
    service: str
    operation: str  # the API operation, or "PutObject"/"GetObject" for S3 managed transfers
    action: str | None  # the IAM action it needs (None: no permission needed)


@cache
def _session() -> Any:
    return botocore.session.get_session()


@cache
def _operations(service: str) -> dict[str, str]:
    """snake_case method name -> operation name."""
    return {xform_name(op): op for op in _session().get_service_model(service).operation_names}


def _action(service: str, operation: str) -> str | None:
    return ACTION_OF.get((service, operation), f"{service}:{operation}")


class Walker:
    def __init__(self, sources: dict[str, str]) -> None:
        self.trees = {path: ast.parse(text, path) for path, text in sources.items()}
        self.parents: dict[ast.AST, ast.AST] = {}
        self.defs: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda]] = {}
        self.scope_of: dict[ast.AST, tuple[str, ast.AST]] = {}  # node -> (path, its top-level scope)
        for path, tree in self.trees.items():
            for node in ast.walk(tree):  # scopes: the module, and each top-level function or method in it
                self.scope_of[node] = (path, tree)
                for child in ast.iter_child_nodes(node):
                    self.parents[child] = node
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    self.defs.setdefault(node.name, []).append(node)
            for top in tree.body:
                scopes = [top] if isinstance(top, ast.FunctionDef | ast.AsyncFunctionDef) else []
                if isinstance(top, ast.ClassDef):
                    scopes = [m for m in top.body if isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef)]
                for scope in scopes:
                    for node in ast.walk(scope):
                        self.scope_of[node] = (path, scope)
        self.factories: dict[str, tuple[str, Any]] = {}  # function -> ("const", service) | ("param", (index, name))
        self.names: dict[tuple[str, ast.AST], dict[str, str]] = {}  # scope -> variable -> service
        self.fields: dict[str, str] = {}  # attribute (dataclass field) -> service
        self.errors: list[str] = []
        self._resolve()

    # what a client expression is
    def _service_of(self, expr: ast.AST) -> str | None:
        """The service of a client-valued expression (a client creation, a factory call, a tracked name)."""
        if isinstance(expr, ast.Name):
            return self.names.get(self.scope_of.get(expr, ("", None)), {}).get(expr.id)
        if isinstance(expr, ast.Attribute) and not isinstance(expr.value, ast.Call):
            return self.fields.get(expr.attr)
        if isinstance(expr, ast.IfExp):  # ``given if given is not None else factory()``: either branch's client
            return self._service_of(expr.body) or self._service_of(expr.orelse)
        if not isinstance(expr, ast.Call):
            return None
        created = self._created(expr)
        if created is not None:
            return created if isinstance(created, str) else None
        name = _called_name(expr)
        kind, value = self.factories.get(name or "", (None, None))
        if kind == "const":
            return str(value)
        if kind == "param":
            index, param = value
            arg = expr.args[index] if index < len(expr.args) else next((k.value for k in expr.keywords if k.arg == param), None)
            return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None
        return None

    def _created(self, call: ast.Call) -> str | tuple[int, str] | None:
        """``<x>.client("svc")`` / ``<x>.resource("svc")``: the service, or (index, name) of the enclosing
        function's parameter that names it (a factory)."""
        if not (isinstance(call.func, ast.Attribute) and call.func.attr in ("client", "resource")):
            return None
        arg = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "service_name"), None)
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return arg.value
        if isinstance(arg, ast.Name):
            function = self._enclosing_def(call)
            params = [a.arg for a in function.args.args] if function else []
            if arg.id in params:
                return params.index(arg.id), arg.id
        return None

    def _enclosing_def(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                return node
        return None

    # fixed point: factories, then names bound by assignment, by argument and by dataclass field
    def _resolve(self) -> None:
        changed = True
        while changed:
            before = (dict(self.factories), {k: dict(v) for k, v in self.names.items()}, dict(self.fields))
            for node in self.parents:
                self._learn(node)
            changed = before != (self.factories, self.names, self.fields)
        # parameters named after a service the code makes clients of (``s3``, ``ecr``, ``cfn``...) that no
        # caller was seen passing a client to
        created = {v for names in self.names.values() for v in names.values()} | set(self.fields.values())
        for defs in self.defs.values():
            for function in defs:
                for arg in function.args.args:
                    service = PARAMETER_SERVICES.get(arg.arg, arg.arg)
                    if service in created:
                        self.names.setdefault(self.scope_of[function], {}).setdefault(arg.arg, service)

    def _bind(self, node: ast.AST, name: str, service: str) -> None:
        self.names.setdefault(self.scope_of[node], {})[name] = service

    def _learn(self, node: ast.AST) -> None:
        if isinstance(node, ast.Return) and node.value is not None:
            function = self._enclosing_def(node)
            created = self._created(node.value) if isinstance(node.value, ast.Call) else None
            service = self._service_of(node.value)
            if function is not None and isinstance(created, tuple):
                self.factories[function.name] = ("param", created)
            elif function is not None and service is not None:
                self.factories[function.name] = ("const", service)
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            service = self._service_of(node.value)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets if service else []:
                if isinstance(target, ast.Name):
                    self._bind(target, target.id, service)
                elif isinstance(target, ast.Attribute):
                    self.fields[target.attr] = service
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                service = self._service_of(keyword.value)
                if service and keyword.arg:
                    self.fields[keyword.arg] = service  # Clients(sns=session.client("sns")): clients.sns
                    self._bind_param(node, None, keyword.arg, service)
            for index, arg in enumerate(node.args):
                service = self._service_of(arg)
                if service:
                    self._bind_param(node, index, None, service)

    def _bind_param(self, call: ast.Call, index: int | None, keyword: str | None, service: str) -> None:
        functions = self.defs.get(_called_name(call) or "", [])
        if isinstance(call.func, ast.Name):  # a bare name calls its own module's def when there is one
            here = self.scope_of.get(call, ("", None))[0]
            functions = [f for f in functions if self.scope_of.get(f, ("", None))[0] == here] or functions
        for function in functions:
            params = [a.arg for a in function.args.args]
            if params[:1] in (["self"], ["cls"]) and isinstance(call.func, ast.Attribute):
                params = params[1:]
            name = keyword if keyword in params else (params[index] if index is not None and index < len(params) else None)
            if name:
                self._bind(function, name, service)

    def calls(self) -> list[Call]:
        out = []
        for node, parent in self.parents.items():
            if isinstance(node, ast.Call) and self._created(node) is not None:
                self._check_followed(node, parent)
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            service = self._service_of(node.func.value)
            if service is None:
                continue
            path = self.scope_of[node][0]
            method = node.func.attr
            for operation in self._operations_of(service, method, node, path):
                out.append(Call(path, node.lineno, service, operation, _action(service, operation)))
        return sorted(set(out))

    def _operations_of(self, service: str, method: str, node: ast.Call, path: str) -> list[str]:
        where = f"{path}:{node.lineno}"
        if method in NOT_OPERATIONS:
            return []
        if method in ("get_paginator", "get_waiter"):
            names = _strings(node.args[0]) if node.args else None
            if not names:
                self.errors.append(f"{where}: {service}.{method} with a name the walker cannot read")
                return []
            if method == "get_paginator":
                return [op for name in names for op in self._operations_of(service, name, node, path)]
            waiters = _session().get_waiter_model(service)
            by_snake = {xform_name(w): w for w in waiters.waiter_names}
            unknown = [name for name in names if name not in by_snake]
            if unknown:
                self.errors.append(f"{where}: {service} has no waiter {unknown}")
                return []
            return [waiters.get_waiter(by_snake[name]).operation for name in names]
        if service == "s3" and method in S3_TRANSFER:
            return [S3_TRANSFER[method]]
        operation = _operations(service).get(method)
        if operation is None:
            self.errors.append(f"{where}: {service} client has no operation {method!r}")
            return []
        return [operation]

    def _check_followed(self, created: ast.Call, parent: ast.AST) -> None:
        """A client must be assigned, returned, passed or called at once: else its calls are not walked."""
        followed = (
            isinstance(parent, ast.Assign | ast.AnnAssign | ast.Return | ast.keyword)
            or (isinstance(parent, ast.Call) and created in parent.args)
            or (isinstance(parent, ast.Attribute) and parent.value is created)
        )
        if not followed:
            path = self.scope_of[created][0]
            self.errors.append(f"{path}:{created.lineno}: a client the walker cannot follow ({type(parent).__name__})")


def _strings(expr: ast.AST) -> list[str] | None:
    """The string a constant holds, or the strings either branch of ``a if c else b`` holds."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.IfExp):
        body, orelse = _strings(expr.body), _strings(expr.orelse)
        return body + orelse if body and orelse else None
    return None


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def production_sources() -> dict[str, str]:
    out = {}
    for top in WALKED:
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative not in NOT_PRODUCTION and "__pycache__" not in relative:
                out[relative] = path.read_text(encoding="utf-8")
    return out


@cache
def walked() -> tuple[tuple[Call, ...], tuple[str, ...]]:
    walker = Walker(production_sources())
    return tuple(walker.calls()), tuple(walker.errors)


def area_calls(area: str) -> list[Call]:
    return [c for c in walked()[0] if c.path.startswith(area + "/")]


# --- the sample fleet and a small policy evaluator -------------------------------------------------------

ACCOUNT, REGION, STACK = "111122223333", "eu-west-1", "sagemaker-monitor-churn"
PSEUDO = {"AWS::Partition": "aws", "AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::StackName": STACK}
IMAGE = f"999988887777.dkr.ecr.{REGION}.amazonaws.com/tools/sagemaker-monitor@sha256:" + "a" * 64


def endpoint(name: str, **overrides: Any) -> Endpoint:
    values: dict[str, Any] = {
        "name": name,
        "capture_s3_uri": f"s3://capture-bucket/datacapture/{name}",
        "statistics": f"s3://baseline-bucket/{name}/statistics.json",
        "constraints": f"s3://baseline-bucket/{name}/constraints.json",
        **DEFAULTS,  # the fleet tool's own defaults for schedule, instance, topic and window
        "alarms": Alarms(drift_features=("income",), violations_threshold=0),
    }
    return Endpoint(**(values | overrides))


FLEET = Fleet(
    stack_name=STACK,
    image_uri=IMAGE,
    reports_s3_uri="s3://reports-bucket/monitor",
    cloudwatch_namespace="SageMakerMonitor",
    endpoints=(
        endpoint(
            "churn-endpoint", analysis_config="s3://baseline-bucket/churn/analysis_config.json", retrain_pipeline="Churn-Retrain"
        ),
        endpoint("fraud-endpoint", use_model_monitor=True),
    ),
    dead_letter_queue_arn=f"arn:aws:sqs:{REGION}:{ACCOUNT}:monitor-dlq",
    kms_key_arn=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    region=REGION,
)


def resolve(value: Any) -> Any:
    """CloudFormation intrinsics as the stack would resolve them in the sample account."""
    if isinstance(value, list):
        return [resolve(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "Fn::Sub" in value:
        return re.sub(r"\$\{([^}]+)\}", lambda m: PSEUDO[m.group(1)], value["Fn::Sub"])
    if "Fn::GetAtt" in value:
        logical, attribute = value["Fn::GetAtt"]
        assert attribute == "Arn"
        return f"arn:aws:iam::{ACCOUNT}:role/{STACK}-{logical}-A1B2C3"
    if "Ref" in value:
        return PSEUDO[value["Ref"]]
    return {k: resolve(v) for k, v in value.items()}


def _pattern(pattern: str, value: str, case: bool = True) -> bool:
    regex = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.fullmatch(regex, value, flags=0 if case else re.IGNORECASE) is not None


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _condition_holds(condition: dict[str, Any], context: dict[str, str]) -> bool:
    for operator, tests in condition.items():
        for key, wanted in tests.items():
            if key not in context:
                return False
            if operator in ("StringEquals", "ArnEquals") and context[key] not in _listed(wanted):
                return False
            if operator in ("StringLike", "ArnLike") and not any(_pattern(w, context[key]) for w in _listed(wanted)):
                return False
            if operator not in ("StringEquals", "ArnEquals", "StringLike", "ArnLike"):
                return False  # not understood here: not proven allowed
    return True


def allows(policy: dict[str, Any], action: str, resource: str | None = None, context: dict[str, str] | None = None) -> bool:
    """Whether an Allow statement grants ``action`` (on ``resource`` with ``context`` when given; else on some
    resource, conditions aside). Policies here have no Deny."""
    for statement in resolve(policy)["Statement"]:
        if statement["Effect"] != "Allow" or not any(_pattern(a, action, case=False) for a in _listed(statement["Action"])):
            continue
        if resource is not None and not any(_pattern(r, resource) for r in _listed(statement["Resource"])):
            continue
        if context is not None and not _condition_holds(statement.get("Condition", {}), context):
            continue
        return True
    return False


def policies_of(fleet: Fleet) -> dict[str, dict[str, Any]]:
    """function -> the permission policy of the role the stack creates for it."""
    resources = iam.role_resources(fleet)
    return {
        function: resources[logical]["Properties"]["Policies"][0]["PolicyDocument"]
        for function, logical in iam.ROLE_IDS.items()
        if logical in resources
    }


def actions_of(policy: dict[str, Any]) -> set[str]:
    return {a for s in policy["Statement"] for a in _listed(s["Action"])}


# What services do with the job role, beyond the container's own calls: SageMaker pulls the image, writes
# the job's logs and instance metrics, downloads the baseline Processing inputs (S3Prefix: list, then get),
# and in Model Monitor mode uploads the outputs and publishes the metrics file; S3 uses the key for SSE-KMS.
JOB_PLATFORM = {
    "ecr:GetAuthorizationToken",
    "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage",
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:DescribeLogStreams",
    "logs:PutLogEvents",
    "s3:ListBucket",
    "s3:GetObject",
    "s3:PutObject",
    "cloudwatch:PutMetricData",
    "kms:Decrypt",
    "kms:GenerateDataKey",
}
# What `docker login` and `docker push` (scripts/push_ecr.py runs them) call with the operator's credentials.
DOCKER_PUSH = {
    "ecr:GetAuthorizationToken",
    "ecr:BatchCheckLayerAvailability",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr:PutImage",
}
CAPTURE = "arn:aws:s3:::capture-bucket"
REPORTS = "arn:aws:s3:::reports-bucket/monitor/churn-endpoint/monitor-churn-endpoint/2024/01/19/20"
REPOSITORY = f"arn:aws:ecr:{REGION}:999988887777:repository/tools/sagemaker-monitor"
LOGS = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/sagemaker/ProcessingJobs"
# The job role's requests for the sample fleet, by action: (resource, condition context). Each must be allowed.
JOB_REQUESTS: dict[str, list[tuple[str, dict[str, str]]]] = {
    "s3:ListBucket": [
        (CAPTURE, {"s3:prefix": "datacapture/churn-endpoint/"}),  # the hour roots (Delimiter "/")
        (CAPTURE, {"s3:prefix": "datacapture/churn-endpoint/AllTraffic/2024/01/19/19/"}),  # an hour folder
        (CAPTURE, {"s3:prefix": "datacapture/fraud-endpoint/AllTraffic/2024/01/19/19/"}),
        ("arn:aws:s3:::baseline-bucket", {"s3:prefix": "churn-endpoint/statistics.json"}),  # S3Prefix inputs
        ("arn:aws:s3:::baseline-bucket", {"s3:prefix": "fraud-endpoint/constraints.json"}),
    ],
    "s3:GetObject": [
        (f"{CAPTURE}/datacapture/churn-endpoint/AllTraffic/2024/01/19/19/55-00-000-a.jsonl", {}),
        ("arn:aws:s3:::baseline-bucket/churn/analysis_config.json", {}),
        ("arn:aws:s3:::baseline-bucket/churn-endpoint/statistics.json", {}),
        ("arn:aws:s3:::baseline-bucket/fraud-endpoint/constraints.json", {}),
    ],
    "s3:PutObject": [(f"{REPORTS}/constraint_violations.json", {}), (f"{REPORTS}/message", {})],
    "cloudwatch:PutMetricData": [
        ("*", {"cloudwatch:namespace": "SageMakerMonitor"}),
        ("*", {"cloudwatch:namespace": "aws/sagemaker/Endpoints/data-metrics"}),  # Model Monitor mode
    ],
    "logs:CreateLogStream": [(f"{LOGS}:log-stream:monitor-churn-endpoint-1/algo-1-1700000000", {})],
    "logs:PutLogEvents": [(f"{LOGS}:log-stream:monitor-churn-endpoint-1/algo-1-1700000000", {})],
    "ecr:BatchGetImage": [(REPOSITORY, {})],
    "ecr:GetDownloadUrlForLayer": [(REPOSITORY, {})],
    "kms:Decrypt": [(FLEET.kms_key_arn, {})],
    "sagemaker:InvokeEndpoint": [(f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:endpoint/churn-endpoint", {})],
}
# ...and what it must not reach.
JOB_REFUSED = [
    ("s3:ListBucket", CAPTURE, {"s3:prefix": ""}),
    ("s3:ListBucket", CAPTURE, {"s3:prefix": "datacapture/other-endpoint/"}),
    ("s3:GetObject", f"{CAPTURE}/datacapture/other-endpoint/2024/01/19/19/a.jsonl", {}),
    ("s3:GetObject", "arn:aws:s3:::baseline-bucket/churn-endpoint/other.json", {}),
    ("s3:PutObject", f"{CAPTURE}/datacapture/churn-endpoint/2024/01/19/19/injected.jsonl", {}),
    ("s3:PutObject", "arn:aws:s3:::reports-bucket/elsewhere/x", {}),
    ("s3:DeleteObject", f"{REPORTS}/message", {}),
    ("cloudwatch:PutMetricData", "*", {"cloudwatch:namespace": "AWS/SageMaker"}),
    ("ecr:BatchGetImage", f"arn:aws:ecr:{REGION}:999988887777:repository/other", {}),
    ("sagemaker:CreateProcessingJob", f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:processing-job/x", {}),
    ("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/{STACK}-JobRole-A1B2C3", {"iam:PassedToService": "sagemaker.amazonaws.com"}),
    ("sagemaker:InvokeEndpoint", f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:endpoint/other-endpoint", {}),
]


# --- the coverage walk -------------------------------------------------------------------------------------


def test_the_walker_follows_every_client_it_meets():
    assert walked()[1] == (), "\n".join(walked()[1])


def test_the_walk_finds_the_calls_we_know_of():
    """A walker that found nothing would prove nothing: the calls every version of the code makes."""
    container = {c.action for c in area_calls("container")}
    assert {"s3:ListBucket", "s3:GetObject", "s3:PutObject", "cloudwatch:PutMetricData"} <= container
    scripts = {c.action for c in area_calls("scripts")}
    assert {"ecr:DescribeRepositories", "ecr:CreateRepository", "ecr:GetAuthorizationToken", "s3:GetObject"} <= scripts
    assert area_calls("analyzers") == [], "the analyzers are pure: no AWS call"


def test_every_container_call_is_allowed_by_the_job_role():
    job = policies_of(FLEET)["job"]
    missing = [f"{c.path}:{c.line} {c.action}" for c in area_calls("container") if c.action and not allows(job, c.action)]
    assert not missing, "the job role does not allow:\n" + "\n".join(missing)


def test_every_container_call_has_a_request_the_job_role_is_checked_against():
    """Resource level: the container's actions, on the sample fleet's own objects, prefixes and namespaces."""
    unchecked = sorted({c.action for c in area_calls("container") if c.action} - set(JOB_REQUESTS))
    assert not unchecked, f"add the sample fleet's requests for {unchecked} to JOB_REQUESTS"
    job = policies_of(FLEET)["job"]
    refused = [(a, r, ctx) for a, requests in JOB_REQUESTS.items() for r, ctx in requests if not allows(job, a, r, ctx)]
    assert not refused, refused


@pytest.mark.parametrize(
    ("action", "resource", "context"), JOB_REFUSED, ids=[f"{a} {r.rsplit(':', 1)[-1]}" for a, r, _ in JOB_REFUSED]
)
def test_the_job_role_reaches_nothing_else(action, resource, context):
    assert not allows(policies_of(FLEET)["job"], action, resource, context)


def test_the_job_role_cannot_start_jobs_nor_pass_roles():
    """The job parses untrusted data: it must not start Processing jobs with its own role (issue 15)."""
    actions = actions_of(policies_of(FLEET)["job"])
    assert not allows(policies_of(FLEET)["job"], "sagemaker:CreateProcessingJob")
    assert not allows(policies_of(FLEET)["job"], "iam:PassRole")
    # The one sagemaker action is invoking the monitored endpoints (feature attribution), which starts nothing.
    assert not {a for a in actions if a.split(":")[0] in ("sagemaker", "iam", "sts")} - {"sagemaker:InvokeEndpoint"}


def test_the_job_role_grants_only_what_the_container_and_sagemaker_use():
    used = {c.action for c in area_calls("container") if c.action} | JOB_PLATFORM
    assert actions_of(policies_of(FLEET)["job"]) <= used


def test_every_script_call_is_allowed_by_the_operator_policy():
    policy = iam.operator_policy()
    missing = [f"{c.path}:{c.line} {c.action}" for c in area_calls("scripts") if c.action and not allows(policy, c.action)]
    missing += [f"docker push: {a}" for a in sorted(DOCKER_PUSH) if not allows(policy, a)]
    assert not missing, "the operator policy does not allow:\n" + "\n".join(missing)


def test_a_call_the_policy_misses_is_reported():
    """The walk can fail: a container module that starts a Processing job, through each kind of client."""
    sources = production_sources() | {
        "container/evil.py": (
            "import boto3\n"
            "from container.sources import aws_client\n"
            "def run(session):\n"
            "    boto3.client('sagemaker').create_processing_job(ProcessingJobName='x')\n"
            "    sm = session.client('sagemaker')\n"
            "    start(sm)\n"
            "    for page in aws_client('s3').get_paginator('list_object_versions').paginate(Bucket='b'):\n"
            "        pass\n"
            "def start(client):\n"
            "    client.stop_processing_job(ProcessingJobName='x')\n"
        )
    }
    walker = Walker(sources)
    evil = {c.action for c in walker.calls() if c.path == "container/evil.py"}
    assert evil == {"sagemaker:CreateProcessingJob", "sagemaker:StopProcessingJob", "s3:ListObjectVersions"}
    job = policies_of(FLEET)["job"]
    assert [a for a in sorted(evil) if not allows(job, a)] == sorted(evil)


def test_clients_the_walker_cannot_follow_and_unknown_methods_are_errors():
    walker = Walker(
        {
            "container/odd.py": (
                "import boto3\n"
                "clients = [boto3.client('s3')]\n"
                "boto3.client('s3').get_objects(Bucket='b')\n"
                "boto3.client('cloudformation').get_waiter('stack_create_complete').wait(StackName='s')\n"
            )
        }
    )
    calls = walker.calls()
    assert [c.action for c in calls] == ["cloudformation:DescribeStacks"]
    assert any("cannot follow (List)" in e for e in walker.errors)
    assert any("no operation 'get_objects'" in e for e in walker.errors)


def test_the_files_left_out_exist_and_are_development_tools():
    assert all((ROOT / path).is_file() for path in NOT_PRODUCTION), "NOT_PRODUCTION names a file that is gone"
    assert not any(path.startswith("container/") for path in NOT_PRODUCTION)


# --- the operator: CloudFormation on its behalf ----------------------------------------------------------


def stack_resource_types() -> tuple[str, ...]:
    """The types fleet stacks hold: those of this file's fleet and of the fleet tests' sample (both modes, every
    kind of alarm, model quality, retraining), rendered."""
    from monitor_fleet.template import render

    from tests.scripts.test_fleet import fleet as sample_fleet

    return tuple(sorted({r["Type"] for f in (FLEET, sample_fleet()) for r in render(f)["Resources"].values()}))


@cache
def registry_schema(resource_type: str) -> dict[str, Any]:
    schemas = Path(cfnlint.__file__).parent / "data" / "schemas"
    digest = json.loads((schemas / "providers" / "us-east-1.json").read_text())[resource_type]
    return dict(json.loads((schemas / "resources" / f"{digest}.json").read_text()))


def handler_permissions(resource_type: str) -> set[str]:
    schema = registry_schema(resource_type)
    handlers = schema.get("handlers", {})
    out = {p for h in ("create", "read", "update", "delete") for p in handlers.get(h, {}).get("permissions", [])}
    return out | set(schema.get("tagging", {}).get("permissions", []))


def test_the_operator_may_do_what_cloudformation_does_for_every_resource_type_of_the_stack():
    policy = iam.operator_policy()
    missing = {t: sorted(p for p in handler_permissions(t) if not allows(policy, p)) for t in stack_resource_types()}
    assert not {t: p for t, p in missing.items() if p}, "add to STACK_RESOURCE_ACTIONS / ROLE_ACTIONS in iam.py"


def test_the_operator_policy_grants_nothing_unused():
    """Least privilege both ways: each action is a script's call, docker's, or one CloudFormation needs."""
    used = {c.action for c in area_calls("scripts") if c.action} | DOCKER_PUSH | {"sagemaker:AddTags"}
    used |= {p for t in set(stack_resource_types()) for p in handler_permissions(t)}
    granted = actions_of(iam.operator_policy())
    assert granted - used == set(), "granted but never used: remove from iam.py"


def test_the_operator_may_upload_a_large_template_where_fleet_py_puts_it():
    import fleet as fleet_cli

    if not hasattr(fleet_cli, "_template_url"):
        pytest.skip("scripts/fleet.py uploads no template")
    put: dict[str, Any] = {}

    class Session:
        region_name = REGION

        def client(self, service):
            assert service == "s3"
            return type("S3", (), {"put_object": lambda self, **request: put.update(request)})()

    fleet_cli._template_url(Session(), FLEET, "{}")
    arn = f"arn:aws:s3:::{put['Bucket']}/{put['Key']}"
    assert allows(iam.operator_policy(), "s3:PutObject", arn, {})
    assert not allows(iam.operator_policy(), "s3:PutObject", "arn:aws:s3:::reports-bucket/monitor/churn-endpoint/x", {})


def test_the_operator_passes_only_the_fleet_roles_and_only_to_the_fleet_services():
    passes = [s for s in iam.operator_policy()["Statement"] if "iam:PassRole" in _listed(s["Action"])]
    assert len(passes) == 1 and passes[0]["Action"] == ["iam:PassRole"]
    assert passes[0]["Resource"] == [f"arn:aws:iam::*:role/{iam.PREFIX}*"]
    services = set(passes[0]["Condition"]["StringEquals"]["iam:PassedToService"])
    assert services == {"sagemaker.amazonaws.com", "scheduler.amazonaws.com", "events.amazonaws.com"}


def test_the_committed_operator_policy_is_the_generated_one():
    committed = json.loads(POLICY_FILE.read_text()) if POLICY_FILE.exists() else None
    assert committed == iam.operator_policy(), f"docs/iam/operator-policy.json is stale: regenerate it with `{REGENERATE}`"
    printed = subprocess.run(
        [sys.executable, "scripts/monitor_fleet/iam.py"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert printed.stdout == POLICY_FILE.read_text(), f"regenerate it with `{REGENERATE}`"


def test_the_operator_policy_is_a_plain_iam_document_within_the_managed_policy_size():
    """It is attached by hand (no CloudFormation around it): an intrinsic like Fn::Sub would be invalid there."""
    text = json.dumps(iam.operator_policy(), separators=(",", ":"))
    assert "Fn::" not in text and '"Ref"' not in text
    assert len(text) <= 6144  # IAM's limit for a managed policy, whitespace not counted


# --- the roles -----------------------------------------------------------------------------------------------


def test_needed_functions_and_role_arns():
    scheduler_only = replace(FLEET, endpoints=(endpoint("a"),))
    monitor_only = replace(FLEET, endpoints=(endpoint("a", use_model_monitor=True),))
    assert iam.needed_functions(FLEET) == ("job", "scheduler", "events")
    assert iam.needed_functions(scheduler_only) == ("job", "scheduler")
    assert iam.needed_functions(monitor_only) == ("job",)
    assert set(iam.role_resources(monitor_only)) == {"JobRole"}
    supplied = replace(FLEET, roles=Roles(job=f"arn:aws:iam::{ACCOUNT}:role/platform-job"))
    assert iam.role_arn(supplied, "job") == f"arn:aws:iam::{ACCOUNT}:role/platform-job"
    assert iam.role_arn(supplied, "scheduler") == {"Fn::GetAtt": ["SchedulerRole", "Arn"]}
    assert set(iam.role_resources(supplied)) == {"SchedulerRole", "EventsRole"}
    everything = Roles(*(f"arn:aws:iam::{ACCOUNT}:role/p-{f}" for f in ("job", "scheduler", "events")))
    assert iam.role_resources(replace(FLEET, roles=everything)) == {}


@pytest.mark.parametrize(
    ("logical", "service", "source_account"),
    [("JobRole", "sagemaker", True), ("SchedulerRole", "scheduler", True), ("EventsRole", "events", False)],
)
def test_each_role_trusts_exactly_its_one_service(logical, service, source_account):
    resource = iam.role_resources(FLEET)[logical]
    assert resource["Type"] == "AWS::IAM::Role" and "RoleName" not in resource["Properties"]
    (statement,) = resource["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Effect"] == "Allow" and statement["Action"] == "sts:AssumeRole"
    assert statement["Principal"] == {"Service": f"{service}.amazonaws.com"}
    if source_account:
        assert resolve(statement["Condition"]) == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}


@pytest.mark.parametrize("job_role", [None, f"arn:aws:iam::{ACCOUNT}:role/platform-job"])
def test_the_scheduler_passes_only_the_job_role_and_only_to_sagemaker(job_role):
    fleet = replace(FLEET, roles=Roles(job=job_role))
    scheduler = policies_of(fleet)["scheduler"]
    passes = [s for s in scheduler["Statement"] if "iam:PassRole" in _listed(s["Action"])]
    assert [s["Action"] for s in passes] == [["iam:PassRole"]]
    assert passes[0]["Resource"] == [iam.role_arn(fleet, "job")]
    assert passes[0]["Condition"] == {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}
    job_arn = resolve(iam.role_arn(fleet, "job"))
    assert allows(scheduler, "iam:PassRole", job_arn, {"iam:PassedToService": "sagemaker.amazonaws.com"})
    assert not allows(scheduler, "iam:PassRole", job_arn, {"iam:PassedToService": "lambda.amazonaws.com"})
    assert not allows(
        scheduler, "iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/admin", {"iam:PassedToService": "sagemaker.amazonaws.com"}
    )
    job = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:processing-job/a1b2"
    assert allows(scheduler, "sagemaker:CreateProcessingJob", job, {})
    assert allows(scheduler, "sqs:SendMessage", FLEET.dead_letter_queue_arn, {})
    assert actions_of(scheduler) == {"sagemaker:CreateProcessingJob", "iam:PassRole", "sqs:SendMessage"}


def test_the_scheduler_may_tag_the_jobs_it_starts_only_if_their_requests_carry_tags():
    """Tags in CreateProcessingJob are authorised as sagemaker:AddTags too (tag on create)."""
    from monitor_fleet.template import render

    schedules = [r for r in render(FLEET)["Resources"].values() if r["Type"] == "AWS::Scheduler::Schedule"]
    assert schedules
    tagged = any('"Tags"' in json.dumps(s["Properties"]["Target"]["Input"]) for s in schedules)
    assert allows(policies_of(FLEET)["scheduler"], "sagemaker:AddTags") == tagged


def test_the_events_role_starts_only_the_fleets_pipelines():
    events = policies_of(FLEET)["events"]
    assert actions_of(events) == {"sagemaker:StartPipelineExecution"}
    pipeline = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:pipeline/"
    assert allows(events, "sagemaker:StartPipelineExecution", pipeline + "churn-retrain", {})
    assert allows(events, "sagemaker:StartPipelineExecution", pipeline + "Churn-Retrain", {})
    assert not allows(events, "sagemaker:StartPipelineExecution", pipeline + "other", {})


def test_optional_grants_follow_the_fleet():
    bare = replace(FLEET, kms_key_arn=None, dead_letter_queue_arn=None)
    assert not any(a.startswith("kms:") for a in actions_of(policies_of(bare)["job"]))
    assert "sqs:SendMessage" not in actions_of(policies_of(bare)["scheduler"])


# --- every policy is well formed -----------------------------------------------------------------------------

NOT_API_ACTIONS = {"iam:PassRole", "s3:ListBucket"}  # permissions with no API operation of that name
SERVICES_OF_PREFIX = {"sagemaker": ("sagemaker", "sagemaker-runtime")}  # IAM prefixes shared by several APIs


def all_policies() -> Iterable[tuple[str, dict[str, Any]]]:
    yield "operator", iam.operator_policy()
    for logical, resource in iam.role_resources(FLEET).items():
        yield f"{logical} trust", resource["Properties"]["AssumeRolePolicyDocument"]
        for inline in resource["Properties"]["Policies"]:
            yield f"{logical} {inline['PolicyName']}", inline["PolicyDocument"]


@pytest.mark.parametrize(("name", "policy"), list(all_policies()), ids=[n for n, _ in all_policies()])
def test_every_policy_is_well_formed(name, policy):
    assert policy["Version"] == "2012-10-17" and policy["Statement"]
    sids = [s["Sid"] for s in policy["Statement"] if "Sid" in s]
    assert len(sids) == len(set(sids))
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow" and not {"NotAction", "NotResource", "NotPrincipal"} & set(statement)
        assert statement["Action"] and ("Resource" in statement) != ("Principal" in statement), statement
        for action in _listed(statement["Action"]):
            prefix, _, operation = action.partition(":")
            assert "*" not in action and operation, action
            if action not in NOT_API_ACTIONS:
                services = SERVICES_OF_PREFIX.get(prefix, (prefix,))
                operations = [op for service in services for op in _session().get_service_model(service).operation_names]
                assert operation in operations, f"{name}: {action} is no {prefix} operation"
        for resource in _listed(statement.get("Resource", [])):
            assert resolve(resource) == "*" or str(resolve(resource)).startswith("arn:"), resource


def test_the_operator_policy_fits_a_managed_policy():
    assert len(json.dumps(iam.operator_policy(), separators=(",", ":"))) <= 6144  # IAM's managed policy limit
