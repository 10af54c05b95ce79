"""Strict checks of single fleet-file values: types, ranges, enums, patterns and AWS name/size limits.

Every failure is one line, ``<file>: <where>.<key>: <what is wrong> (got <value>); <fix>.``, raised as
``FleetError`` before any AWS call. Enums, lengths and patterns come from botocore's service models (loaded
at check time) where botocore has them. Schedule expressions are checked in schedules.py; the limits on what
the tool derives from an entry (names, environment sizes, the EventBridge pattern) in derived_limits.py.
"""

from __future__ import annotations

import json
import math
import re
from difflib import get_close_matches
from functools import cache
from typing import Any, NoReturn


class FleetError(ValueError):
    """The fleet file is wrong; nothing was sent to AWS."""


_NOTHING = object()


def show(value: Any) -> str:
    """A value as the fleet file would spell it, on one line, shortened when long."""
    if isinstance(value, str) and len(value) > 72:
        return f'{json.dumps(value[:48])[:-1]}…", {len(value)} characters'
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except ValueError:
        text = repr(value)
    return text if len(text) <= 80 else f"{text[:72]}… ({type(value).__name__})"


def fail(where: str, problem: str, got: Any = _NOTHING, fix: str = "") -> NoReturn:
    text = f"{where}: {problem}"
    if got is not _NOTHING:
        text += f" (got {show(got)})"
    if fix:
        text += f"; {fix}"
    text = text.replace("\n", " ").rstrip(".")
    raise FleetError(text if text.endswith("?") else f"{text}.")


# --- botocore's service models -------------------------------------------------------------------------


@cache
def _model(service: str) -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


@cache
def shape(service: str, name: str) -> tuple[dict[str, Any], tuple[str, ...]]:
    """(metadata, enum) of a named shape, e.g. shape("sagemaker", "ProcessingInstanceType")."""
    s = _model(service).shape_for(name)
    return dict(s.metadata), tuple(getattr(s, "enum", None) or ())


def limit(service: str, name: str, key: str = "max") -> int:
    return int(shape(service, name)[0][key])


def pattern(service: str, name: str) -> re.Pattern[str]:
    return re.compile(shape(service, name)[0]["pattern"])


# --- single values --------------------------------------------------------------------------------------


def mapping(value: Any, allowed: set[str], where: str, *, required: bool = True) -> dict[str, Any]:
    if not isinstance(value, dict):
        fail(where, "must be a mapping of keys to values", value, "write it as key: value lines or {key: value}")
    unknown = sorted((str(k) for k in value if k not in allowed), key=str)
    if unknown:
        near = get_close_matches(unknown[0], sorted(allowed), n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        fail(where, f"unknown key {unknown[0]!r}{hint}", fix=f"allowed keys are {', '.join(sorted(allowed))}")
    return value


def text(value: Any, where: str, example: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str):
        fix = f'quote it: "{value}"' if isinstance(value, int | float) and not isinstance(value, bool) else f"e.g. {example}"
        fail(where, "must be a string", value, fix)
    if not value.strip():
        fail(where, "must not be empty", value, f"e.g. {example}")
    if value != value.strip():
        fail(where, "has leading or trailing spaces", value, "remove them")
    return value


def boolean(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "yes", "no", "on", "off"):
        word = "true" if value.strip().lower() in ("true", "yes", "on") else "false"
        fail(where, "must be a YAML boolean, not a string", value, f'use {word}, not "{value}"')
    fail(where, "must be a YAML boolean", value, "use true or false")


def integer(value: Any, where: str, low: int, high: int, why: str = "") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            fail(where, "must be a whole number", value, f"write {int(value)}")
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
            fail(where, "must be a number, not a string", value, f'use {value.strip()}, not "{value}"')
        fail(where, "must be a whole number", value, f"use a number from {low:,} to {high:,}")
    if not low <= value <= high:
        fail(where, f"must be from {low:,} to {high:,}{why}", value, f"use a number from {low:,} to {high:,}")
    return value


def number(value: Any, where: str, low: float, high: float = math.inf) -> float:
    span = f"from {low:g} to {high:g}" if high != math.inf else f"{low:g} or more"
    if isinstance(value, bool) or not isinstance(value, int | float):
        if isinstance(value, str):
            try:
                float(value)
            except ValueError:
                pass
            else:
                fail(where, "must be a number, not a string", value, f'use {value.strip()}, not "{value}"')
        fail(where, "must be a number", value, f"use a number {span}")
    if not math.isfinite(value) or not low <= value <= high:
        fail(where, f"must be {span}", value, f"use a number {span}")
    return float(value)


def string_list(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        fail(where, "must be a list", value, f"write a list, e.g. [{value}]")
    if not isinstance(value, list):
        fail(where, "must be a list of names", value, "write a list, e.g. [income, plan]")
    out = []
    for i, item in enumerate(value):
        out.append(text(item, f"{where}[{i}]", "income"))
    dupes = sorted({x for x in out if out.count(x) > 1})
    if dupes:
        fail(where, f"lists {dupes[0]!r} twice", value, "list each name once")
    return tuple(out)


_S3 = re.compile(r"^s3://(?P<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(/.*)?$")


def s3_uri(value: Any, where: str, example: str, max_len: int) -> str:
    uri = text(value, where, example)
    if not _S3.match(uri):
        fail(where, "must be an s3:// URI with a valid bucket name", uri, f"e.g. {example}")
    if len(uri) > max_len:
        fail(where, f"is {len(uri)} characters, over AWS's limit of {max_len}", uri, "use a shorter S3 prefix")
    return uri


# --- fleet-level values ---------------------------------------------------------------------------------

# <registry>/<repository>[:tag|@sha256:digest]; ECR registries name their region.
_IMAGE = re.compile(
    r"^(?P<registry>[A-Za-z0-9.-]+(?::\d+)?)/(?P<repo>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)"
    r"(?::(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})|@sha256:[0-9a-f]{64})?$"
)
_ECR = re.compile(r"^\d{12}\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$")
IMAGE_EXAMPLE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/sagemaker-monitor:0.1.0"


def image_uri(value: Any, where: str, region: str | None) -> str:
    uri = text(value, where, IMAGE_EXAMPLE)
    most = limit("sagemaker", "ImageUri")
    if len(uri) > most:
        fail(where, f"is {len(uri)} characters, over SageMaker's limit of {most}", uri, "use a shorter repository name or tag")
    match = _IMAGE.match(uri)
    if not match or not pattern("sagemaker", "ImageUri").fullmatch(uri):
        fail(
            where,
            "is not an image URI <registry>/<repository>[:tag] or <registry>/<repository>@sha256:<digest>",
            uri,
            f"e.g. {IMAGE_EXAMPLE}",
        )
    ecr = _ECR.match(match["registry"])
    if ecr and region and ecr["region"] != region:
        fail(
            where,
            f"is in {ecr['region']}, but the fleet is deployed to {region}",
            uri,
            f"push the image to ECR in {region} (scripts/push_ecr.py) or deploy with --region {ecr['region']}",
        )
    return uri


ROLE_EXAMPLE = "arn:aws:iam::123456789012:role/sagemaker-monitor"


def role_arn(value: Any, where: str) -> str:
    arn = text(value, where, ROLE_EXAMPLE)
    # SageMaker runs the job with it and EventBridge Scheduler assumes it: both patterns must hold.
    for service, name in (("sagemaker", "RoleArn"), ("scheduler", "RoleArn")):
        meta = shape(service, name)[0]
        if not re.fullmatch(meta["pattern"], arn) or not meta.get("min", 0) <= len(arn) <= meta["max"]:
            fail(where, "is not an IAM role ARN arn:aws:iam::<12-digit account>:role/<name>", arn, f"e.g. {ROLE_EXAMPLE}")
    return arn


STACK_EXAMPLE = "sagemaker-monitor-churn"
STACK_NAME_MAX = 128  # CloudFormation's documented limit (botocore's model states none)
STACK_PREFIX = "sagemaker-monitor"  # what the operator policy (docs/iam/operator-policy.json) allows


def stack_name(value: Any, where: str) -> str:
    name = text(value, where, STACK_EXAMPLE)
    most = STACK_NAME_MAX
    if not re.fullmatch(r"[A-Za-z][-A-Za-z0-9]*", name) or len(name) > most:
        fail(
            where,
            f"is not a CloudFormation stack name (a letter, then letters, digits and hyphens; at most {most})",
            name,
            f"e.g. {STACK_EXAMPLE}",
        )
    if not name.startswith(STACK_PREFIX):
        fail(
            where,
            f"must start with {STACK_PREFIX} (the operator policy, docs/iam/operator-policy.json, allows those stacks)",
            name,
            f"e.g. {STACK_EXAMPLE}",
        )
    return name


KMS_EXAMPLE = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def kms_key_arn(value: Any, where: str, region: str | None) -> str:
    arn = text(value, where, KMS_EXAMPLE)
    found = re.fullmatch(r"arn:aws[-a-z]*:kms:([a-z0-9-]+):\d{12}:key/[A-Za-z0-9-]{1,128}", arn)
    if not found:
        fail(where, "is not a KMS key ARN arn:aws:kms:<region>:<12-digit account>:key/<key id>", arn, f"e.g. {KMS_EXAMPLE}")
    if region and found.group(1) != region:
        fail(where, f"is in {found.group(1)}, but the fleet is deployed to {region}", arn, f"use a key in {region}")
    return arn


DLQ_EXAMPLE = "arn:aws:sqs:us-east-1:123456789012:monitor-dlq"


def queue_arn(value: Any, where: str, region: str | None) -> str:
    arn = text(value, where, DLQ_EXAMPLE)
    member = _model("scheduler").shape_for("DeadLetterConfig").members["Arn"].metadata
    if not re.fullmatch(member["pattern"], arn) or len(arn) > member["max"] or not re.fullmatch(r".*:[\w-]{1,80}(\.fifo)?", arn):
        fail(where, "is not an SQS queue ARN arn:aws:sqs:<region>:<12-digit account>:<queue>", arn, f"e.g. {DLQ_EXAMPLE}")
    queue_region = arn.split(":")[3]
    if region and queue_region != region:
        fail(where, f"is in {queue_region}, but the fleet is deployed to {region}", arn, f"use a queue in {region}")
    return arn


def namespace(value: Any, where: str) -> str:
    ns = text(value, where, "SageMakerMonitor")
    most = limit("cloudwatch", "Namespace")
    if len(ns) > most or not pattern("cloudwatch", "Namespace").fullmatch(ns):
        fail(where, f"is not a CloudWatch namespace (1 to {most} characters, not starting with ':')", ns, "e.g. SageMakerMonitor")
    if ns.startswith("AWS/"):
        fail(where, "starts with AWS/, which CloudWatch reserves for AWS services", ns, "e.g. SageMakerMonitor")
    return ns


# --- analysis window (the container's own parser: container/contract.py _duration) ----------------------

_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")


def duration(value: Any, where: str) -> str:
    raw = text(value, where, "PT1H")
    match = _DURATION.match(raw)
    if not match or raw in ("P", "PT") or raw.endswith("T"):
        fail(where, "is not an ISO-8601 duration of days, hours and minutes", raw, "e.g. PT1H, PT30M or P1D")
    if not any(int(g or 0) for g in match.groups()):
        fail(where, "is an empty window", raw, "e.g. PT1H, PT30M or P1D")
    return raw
