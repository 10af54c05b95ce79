"""Deploying the fleet's template as a CloudFormation stack through a change set, and removing the stack.

A deploy shows the change set (each resource added, modified or removed, and whether CloudFormation replaces
it) before anything changes; it executes only when asked to. Ownership, convergence, deletion of what the fleet
file dropped, rollback on failure and drift detection are CloudFormation's.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError, WaiterError

TEMPLATE_BODY_MAX = 51_200  # bytes CreateChangeSet takes inline; a bigger template goes through S3 (TemplateURL)
FLEET_TAG = "sagemaker-monitor:fleet"
_NO_CHANGES = ("didn't contain changes", "No updates are to be performed")


class StackError(Exception):
    """CloudFormation refused or rolled back: the message says what and where."""


@dataclass(frozen=True, slots=True)
class Change:
    action: str  # Add, Modify, Remove
    logical_id: str
    resource_type: str
    replacement: str = ""  # True, False or Conditional for a Modify

    def line(self) -> str:
        replaced = " (replaced)" if self.replacement == "True" else ""
        return f"{self.action:6} {self.resource_type:38} {self.logical_id}{replaced}"


@dataclass(frozen=True, slots=True)
class ChangeSet:
    arn: str
    stack_name: str
    changes: tuple[Change, ...]


def stack_status(cfn: Any, stack_name: str) -> str | None:
    """The stack's status, or None when there is none to update (never created, or only a change set under
    review: CloudFormation then wants a CREATE change set again)."""
    try:
        stack = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
    except ClientError as exc:
        if "does not exist" in str(exc):
            return None
        raise
    return None if stack["StackStatus"] == "REVIEW_IN_PROGRESS" else stack["StackStatus"]


def create_change_set(cfn: Any, stack_name: str, template: dict[str, Any], template_url: str | None = None) -> ChangeSet | None:
    """A change set from the deployed stack (or from nothing) to ``template``; None when nothing would change."""
    change_type = "UPDATE" if stack_status(cfn, stack_name) else "CREATE"
    source = {"TemplateURL": template_url} if template_url else {"TemplateBody": json.dumps(template, sort_keys=True)}
    name = f"fleet-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}"
    created = cfn.create_change_set(
        StackName=stack_name,
        ChangeSetName=name,
        ChangeSetType=change_type,
        Capabilities=["CAPABILITY_IAM"],  # the stack creates the fleet's roles (unnamed: CAPABILITY_IAM suffices)
        Tags=[{"Key": FLEET_TAG, "Value": stack_name}],
        Description=f"sagemaker-monitor fleet {stack_name}",
        **source,
    )
    arn = created["Id"]
    described = _described(cfn, arn, stack_name)
    if described["Status"] == "FAILED":
        reason = described.get("StatusReason", "")
        if any(text in reason for text in _NO_CHANGES):
            cfn.delete_change_set(ChangeSetName=arn, StackName=stack_name)
            return None
        raise StackError(f"CloudFormation refused the change set for {stack_name}: {reason}")
    changes = tuple(_change(c["ResourceChange"]) for c in described.get("Changes", []) if "ResourceChange" in c)
    return ChangeSet(arn=arn, stack_name=stack_name, changes=tuple(sorted(changes, key=lambda c: (c.action, c.logical_id))))


def execute(cfn: Any, change_set: ChangeSet, say: Callable[[str], None] = print) -> None:
    """Execute the change set and wait; a failure (CloudFormation rolls back) raises with the first cause."""
    create = stack_status(cfn, change_set.stack_name) is None
    cfn.execute_change_set(ChangeSetName=change_set.arn, StackName=change_set.stack_name)
    waiter = cfn.get_waiter("stack_create_complete" if create else "stack_update_complete")
    try:
        waiter.wait(StackName=change_set.stack_name, WaiterConfig={"Delay": 5, "MaxAttempts": 360})
    except WaiterError:
        raise StackError(
            f"deploying {change_set.stack_name} failed and was rolled back: {_first_failure(cfn, change_set.stack_name)}"
        ) from None
    say(f"stack {change_set.stack_name}: {stack_status(cfn, change_set.stack_name)}")


def delete(cfn: Any, stack_name: str, say: Callable[[str], None] = print) -> bool:
    """Delete the stack and everything in it; False when there was none."""
    if stack_status(cfn, stack_name) is None:
        return False
    cfn.delete_stack(StackName=stack_name)
    try:
        cfn.get_waiter("stack_delete_complete").wait(StackName=stack_name, WaiterConfig={"Delay": 5, "MaxAttempts": 360})
    except WaiterError:
        raise StackError(f"deleting {stack_name} failed: {_first_failure(cfn, stack_name)}") from None
    say(f"stack {stack_name}: deleted")
    return True


def _described(cfn: Any, arn: str, stack_name: str) -> dict[str, Any]:
    """The change set once CloudFormation has computed it (CREATE_COMPLETE or FAILED), every page of changes."""
    for _ in range(360):
        described = cfn.describe_change_set(ChangeSetName=arn, StackName=stack_name)
        if described["Status"] in ("CREATE_COMPLETE", "FAILED"):
            changes = list(described.get("Changes", []))
            while described.get("NextToken"):
                described = cfn.describe_change_set(ChangeSetName=arn, StackName=stack_name, NextToken=described["NextToken"])
                changes += described.get("Changes", [])
            return described | {"Changes": changes}
        time.sleep(2)
    raise StackError(f"the change set for {stack_name} was not ready after 12 minutes")


def _change(change: dict[str, Any]) -> Change:
    return Change(
        action=change["Action"],
        logical_id=change["LogicalResourceId"],
        resource_type=change["ResourceType"],
        replacement=str(change.get("Replacement", "")),
    )


def _first_failure(cfn: Any, stack_name: str) -> str:
    """The earliest resource failure of the last operation, which is the cause (later ones are its echo)."""
    events = cfn.describe_stack_events(StackName=stack_name)["StackEvents"]
    failed = [e for e in events if e.get("ResourceStatus", "").endswith("_FAILED")]
    if not failed:
        return "no resource failure was recorded; see the stack's events in the CloudFormation console"
    first = failed[-1]  # events are newest first
    return f"{first['LogicalResourceId']} ({first['ResourceType']}): {first.get('ResourceStatusReason', '')}"
