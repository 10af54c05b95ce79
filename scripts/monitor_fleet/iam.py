"""Least-privilege IAM for a fleet (pure: no AWS call): one role per function, and the operator's own policy.

- job: the Processing / monitoring job. It parses untrusted captured data, so it may only read its inputs,
  write its reports, publish its metrics and logs, pull its image and invoke the endpoint it monitors (feature
  attribution): no other sagemaker:*, no iam:PassRole (a job that could start jobs with its own role could
  re-run itself with any input and any image).
- scheduler: EventBridge Scheduler calls sagemaker:CreateProcessingJob with it, passing the job role.
- events: EventBridge rules start the retraining pipelines with it.

A role the fleet file supplies (``roles: {job: arn, ...}``, where a platform team owns IAM) is used as is;
the others are created in the fleet's stack. ``operator_policy()`` is what whoever runs scripts/fleet.py
and scripts/push_ecr.py needs; docs/iam/operator-policy.json is its output:

    python scripts/monitor_fleet/iam.py > docs/iam/operator-policy.json
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only typed against: `python scripts/monitor_fleet/iam.py` runs without the package on sys.path
    from monitor_fleet.fleet_model import Fleet

ROLE_IDS = {"job": "JobRole", "scheduler": "SchedulerRole", "events": "EventsRole"}
VERSION = "2012-10-17"
PREFIX = "sagemaker-monitor"  # stacks, the roles CloudFormation names after them, ECR repositories (operator policy)
PROCESSING_LOG_GROUP = "/aws/sagemaker/ProcessingJobs"  # monitoring schedules run Processing jobs too
# Namespaces the job role may publish to besides the fleet's own: SageMaker's instance metrics of the job,
# and (Model Monitor mode) the namespaces Model Monitor publishes the container's metrics file to.
PROCESSING_METRICS_NAMESPACE = "/aws/sagemaker/ProcessingJobs"
MODEL_MONITOR_NAMESPACES = ("aws/sagemaker/Endpoints/data-metrics", "aws/sagemaker/Endpoints/bias-metrics")
_ECR_IMAGE = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/(?P<repo>[^:@]+)"
)


def needed_functions(fleet: Fleet) -> tuple[str, ...]:
    functions = ["job"]
    if any(not e.use_model_monitor for e in fleet.endpoints):
        functions.append("scheduler")
    if any(e.retrain_pipeline for e in fleet.endpoints):
        functions.append("events")
    return tuple(functions)


def role_arn(fleet: Fleet, function: str) -> str | dict[str, Any]:
    supplied = getattr(fleet.roles, function)
    return supplied if supplied else {"Fn::GetAtt": [ROLE_IDS[function], "Arn"]}


def role_resources(fleet: Fleet) -> dict[str, dict[str, Any]]:
    """The ``AWS::IAM::Role`` resources the stack creates: each needed function the fleet supplies no ARN for.
    No RoleName: CloudFormation names them ``<stack>-<logical id>-<suffix>``, so two fleets never clash."""
    builders = {"job": _job, "scheduler": _scheduler, "events": _events}
    out = {}
    for function in needed_functions(fleet):
        if getattr(fleet.roles, function):
            continue
        service, description, statements = builders[function](fleet)
        out[ROLE_IDS[function]] = {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "Description": f"sagemaker-monitor {function} role of stack {fleet.stack_name}: {description}",
                "AssumeRolePolicyDocument": trust_policy(service, source_account=function != "events"),
                "Policies": [{"PolicyName": f"{function}-least-privilege", "PolicyDocument": _document(statements)}],
            },
        }
    return out


def trust_policy(service: str, source_account: bool = True) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if source_account:  # confused deputy: only the service acting for this account may assume the role
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
    return _document([statement])


# --- the three roles ------------------------------------------------------------------------------------


def _job(fleet: Fleet) -> tuple[str, str, list[dict[str, Any]]]:
    reads: list[Any] = []  # object ARNs (a folder as "<prefix>/*")
    listed: dict[str, list[str]] = {}  # bucket -> s3:prefix patterns
    for e in fleet.endpoints:
        bucket, prefix = _split(e.capture_s3_uri)
        # container/load lists the capture folder itself (Delimiter "/", down to the yyyy/ level) and then
        # each hour folder yyyy/mm/dd/hh/ below it: "<prefix>/*" covers both ("*" matches nothing too).
        reads.append(_s3_arn(bucket, f"{prefix}/*" if prefix else "*"))
        listed.setdefault(bucket, []).append(f"{prefix}/*" if prefix else "*")
        quality = e.model_quality
        baselines = (e.statistics, e.constraints) + ((quality.statistics, quality.constraints) if quality else ())
        if quality:  # the model-quality job lists and reads the ground truth's hour folders like the capture's
            bucket, prefix = _split(quality.ground_truth_s3_uri)
            reads.append(_s3_arn(bucket, f"{prefix}/*" if prefix else "*"))
            listed.setdefault(bucket, []).append(f"{prefix}/*" if prefix else "*")
        for uri in baselines:
            # Processing inputs of S3DataType S3Prefix: SageMaker lists the key as a prefix, then gets it.
            b, key = _split(uri)
            reads.append(_s3_arn(b, key))
            listed.setdefault(b, []).append(key)
        if e.analysis_config:
            b, key = _split(e.analysis_config)
            reads.append(_s3_arn(b, key))
    reports_bucket, reports_prefix = _split(fleet.reports_s3_uri)
    namespaces = [fleet.cloudwatch_namespace, PROCESSING_METRICS_NAMESPACE]
    if any(e.use_model_monitor for e in fleet.endpoints):
        namespaces += MODEL_MONITOR_NAMESPACES
    log_group = _arn("logs", f"log-group:{PROCESSING_LOG_GROUP}")
    statements = [
        _allow("ReadInputs", ["s3:GetObject"], _unique(reads)),
        *(
            _allow(f"ListInputs{i}", ["s3:ListBucket"], [_s3_arn(bucket)], {"StringLike": {"s3:prefix": _unique(prefixes)}})
            for i, (bucket, prefixes) in enumerate(sorted(listed.items()))
        ),
        _allow("WriteReports", ["s3:PutObject"], [_s3_arn(reports_bucket, f"{reports_prefix}/*" if reports_prefix else "*")]),
        # PutMetricData has no resource: the namespace condition is the only scope there is.
        _allow("PublishMetrics", ["cloudwatch:PutMetricData"], ["*"], {"StringEquals": {"cloudwatch:namespace": namespaces}}),
        _allow(
            "WriteLogs",
            ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
            [log_group, {"Fn::Sub": log_group["Fn::Sub"] + ":*"}],
        ),
        # GetAuthorizationToken is account-wide by design; the layer and manifest reads are this repository's.
        _allow("EcrLogin", ["ecr:GetAuthorizationToken"], ["*"]),
        # The feature-attribution job (analysis_type=MODEL_EXPLAINABILITY) explains the model through the endpoint
        # it monitors: that endpoint only (SageMaker's ARNs spell names in lower case), never another.
        _allow(
            "ExplainMonitoredModels",
            ["sagemaker:InvokeEndpoint"],
            _unique([_arn("sagemaker", f"endpoint/{e.name.lower()}") for e in fleet.endpoints]),
        ),
    ]
    image = _ECR_IMAGE.match(fleet.image_uri)
    if image:  # the registry account may differ from the stack's (a shared tooling account): take it from the URI
        repository = {"Fn::Sub": f"arn:${{AWS::Partition}}:ecr:{image['region']}:{image['account']}:repository/{image['repo']}"}
        pull = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
        statements.append(_allow("PullImage", pull, [repository]))
    if fleet.kms_key_arn:  # SSE-KMS: reading needs Decrypt, writing GenerateDataKey
        statements.append(_allow("UseKey", ["kms:Decrypt", "kms:GenerateDataKey"], [fleet.kms_key_arn]))
    return "sagemaker.amazonaws.com", "reads capture and baselines, writes reports, metrics and logs", statements


def _scheduler(fleet: Fleet) -> tuple[str, str, list[dict[str, Any]]]:
    statements = [
        # The job request carries no Tags: with them, tag on create would need sagemaker:AddTags too (a test checks).
        _allow("StartJobs", ["sagemaker:CreateProcessingJob"], [_arn("sagemaker", "processing-job/*")]),
        _allow(
            "PassJobRole",
            ["iam:PassRole"],
            [role_arn(fleet, "job")],
            {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
        ),
    ]
    if fleet.dead_letter_queue_arn:
        statements.append(_allow("DeadLetters", ["sqs:SendMessage"], [fleet.dead_letter_queue_arn]))
    return "scheduler.amazonaws.com", "starts the monitoring Processing jobs, passing the job role", statements


def _events(fleet: Fleet) -> tuple[str, str, list[dict[str, Any]]]:
    names = sorted({e.retrain_pipeline for e in fleet.endpoints if e.retrain_pipeline})
    # SageMaker writes resource names in lower case in its ARNs; both spellings, so either is matched.
    pipelines = _unique([_arn("sagemaker", f"pipeline/{n}") for name in names for n in (name, name.lower())])
    statements = [_allow("StartRetraining", ["sagemaker:StartPipelineExecution"], pipelines)]
    # The events trust has no aws:SourceAccount condition: not verified that EventBridge sets it when it assumes
    # a rule target's role, and a condition it does not set would stop every retraining.
    return "events.amazonaws.com", "starts the retraining pipelines when drift alarms fire", statements


# --- the operator ---------------------------------------------------------------------------------------

# What CloudFormation needs, on the operator's behalf, for each resource type a fleet stack holds: the
# create/read/update/delete handler and tagging permissions of its registry schema (cfn-lint bundles them;
# tests/scripts/test_iam.py checks every one is here), plus sagemaker:AddTags, which tag-on-create needs for
# the stack tags CloudFormation propagates to a monitoring schedule and the schema does not list.
STACK_RESOURCE_ACTIONS = {
    "cloudwatch": [
        "DeleteAlarms",
        "DeleteDashboards",
        "DescribeAlarms",
        "GetDashboard",
        "ListTagsForResource",
        "PutCompositeAlarm",
        "PutDashboard",
        "PutMetricAlarm",
        "TagResource",
        "UntagResource",
    ],
    "events": [
        "DeleteRule",
        "DescribeRule",
        "ListTagsForResource",
        "ListTargetsByRule",
        "PutRule",
        "PutTargets",
        "RemoveTargets",
        "TagResource",
        "UntagResource",
    ],
    "sagemaker": [
        "AddTags",
        "CreateMonitoringSchedule",
        "DeleteMonitoringSchedule",
        "DescribeMonitoringSchedule",
        "UpdateMonitoringSchedule",
    ],
    "scheduler": ["CreateSchedule", "DeleteSchedule", "GetSchedule", "UpdateSchedule"],
    "sns": [
        "CreateTopic",
        "DeleteTopic",
        "GetDataProtectionPolicy",
        "GetTopicAttributes",
        "ListSubscriptionsByTopic",
        "ListTagsForResource",
        "PutDataProtectionPolicy",
        "SetTopicAttributes",
        "Subscribe",
        "TagResource",
        "Unsubscribe",
        "UntagResource",
    ],
}
# The roles the stack creates: CloudFormation names them after the stack, so a "sagemaker-monitor*" stack's
# roles are "sagemaker-monitor*" roles. Creating roles is the operator's one escalation path: where a platform
# team owns IAM, supply the roles in the fleet file and drop the ManageFleetRoles statement.
ROLE_ACTIONS = [
    "AttachRolePolicy",
    "CreateRole",
    "DeleteRole",
    "DeleteRolePermissionsBoundary",
    "DeleteRolePolicy",
    "DetachRolePolicy",
    "GetRole",
    "GetRolePolicy",
    "ListAttachedRolePolicies",
    "ListRolePolicies",
    "ListRoleTags",
    "PutRolePermissionsBoundary",
    "PutRolePolicy",
    "TagRole",
    "UntagRole",
    "UpdateAssumeRolePolicy",
    "UpdateRole",
    "UpdateRoleDescription",
]
STACK_ACTIONS = [  # scripts/monitor_fleet/stack.py: change sets, their execution and the stack's events
    "CreateChangeSet",
    "DeleteChangeSet",
    "DeleteStack",
    "DescribeChangeSet",
    "DescribeStackEvents",
    "DescribeStacks",
    "ExecuteChangeSet",
]
# A template over CreateChangeSet's inline limit goes through S3: scripts/fleet.py puts it under the reports
# prefix in this folder (any bucket: the reports bucket is the fleet file's), and CloudFormation reads it back.
TEMPLATE_FOLDER = "_fleet-templates"
PIPELINE_CODE_FOLDER = "code"  # scripts/retrain_pipeline.py uploads the step scripts to <s3-prefix>/code/
# scripts/push_ecr.py: its own calls, and what `docker login` / `docker push` call.
PUSH_ACTIONS = [
    "BatchCheckLayerAvailability",
    "BatchGetImage",
    "CompleteLayerUpload",
    "CreateRepository",
    "DescribeImages",
    "DescribeRepositories",
    "InitiateLayerUpload",
    "PutImage",
    "UploadLayerPart",
]


def operator_policy() -> dict[str, Any]:
    stacks = [f"arn:aws:cloudformation:*:*:stack/{PREFIX}*/*", "arn:aws:cloudformation:*:*:changeSet/*/*"]
    roles = [f"arn:aws:iam::*:role/{PREFIX}*"]
    services = ["events.amazonaws.com", "sagemaker.amazonaws.com", "scheduler.amazonaws.com"]
    statements = [
        _allow("DeployStacks", [f"cloudformation:{a}" for a in STACK_ACTIONS], stacks),
        _allow("UploadLargeTemplates", ["s3:PutObject"], [f"arn:aws:s3:::*/{TEMPLATE_FOLDER}/*"]),
        _allow("ManageFleetRoles", [f"iam:{a}" for a in ROLE_ACTIONS], roles),
        # CloudFormation hands the job role to SageMaker (monitoring schedules), the scheduler role to the
        # Scheduler and the events role to EventBridge; to nothing else.
        _allow("PassFleetRoles", ["iam:PassRole"], roles, {"StringEquals": {"iam:PassedToService": services}}),
        # Schedules, alarms, topics and rules are named from the fleet file: not a fixed prefix to scope to.
        _allow(
            "ManageFleetResources",
            [f"{service}:{a}" for service, actions in sorted(STACK_RESOURCE_ACTIONS.items()) for a in actions],
            ["*"],
        ),
        # `fleet.py runs` lists and reads the reports, CloudFormation reads an uploaded template: the reports
        # bucket is the fleet file's, so any bucket here; narrow it to yours.
        _allow("ReadRunReports", ["s3:GetObject", "s3:ListBucket"], ["*"]),
        # scripts/retrain_pipeline.py --upsert: the example retraining pipeline and its step scripts; its role
        # (--role-arn) is passed under PassFleetRoles, so name it sagemaker-monitor*.
        _allow(
            "UpsertRetrainingPipelines",
            ["sagemaker:CreatePipeline", "sagemaker:UpdatePipeline"],
            ["arn:aws:sagemaker:*:*:pipeline/*"],
        ),
        _allow("FindRetrainingPipelines", ["sagemaker:ListPipelines"], ["*"]),  # has no resource
        _allow("UploadPipelineCode", ["s3:PutObject"], [f"arn:aws:s3:::*/{PIPELINE_CODE_FOLDER}/*"]),
        _allow("EcrLogin", ["ecr:GetAuthorizationToken"], ["*"]),  # has no resource
        _allow("PushImages", [f"ecr:{a}" for a in PUSH_ACTIONS], [f"arn:aws:ecr:*:*:repository/{PREFIX}*"]),
    ]
    return _document(statements)


# --- helpers ----------------------------------------------------------------------------------------------


def _document(statements: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Version": VERSION, "Statement": statements}


def _allow(sid: str, actions: list[str], resources: list[Any], condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Sid": sid, "Effect": "Allow", "Action": sorted(actions), "Resource": resources}
    if condition:
        statement["Condition"] = condition
    return statement


def _arn(service: str, resource: str) -> dict[str, str]:
    """An ARN in the stack's own partition, region and account."""
    return {"Fn::Sub": f"arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{resource}"}


def _s3_arn(bucket: str, key: str | None = None) -> dict[str, str]:
    return {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::{bucket}" + (f"/{key}" if key is not None else "")}


def _split(uri: str) -> tuple[str, str]:
    """Bucket and key (a folder's without its trailing "/") of an s3:// URI."""
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return bucket, key.rstrip("/")


def _unique(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


if __name__ == "__main__":
    print(json.dumps(operator_policy(), indent=2, sort_keys=True))
