"""Put the monitor on a schedule for a fleet of endpoints, from one file, as one CloudFormation stack.

    python scripts/fleet.py template fleet.yaml -o fleet.template.json   # render and check; no AWS call
    python scripts/fleet.py deploy fleet.yaml          # show the change set, ask, then execute it
    python scripts/fleet.py deploy fleet.yaml --yes    # execute without asking (CI)
    python scripts/fleet.py deploy fleet.yaml --review # create the change set and leave it for review
    python scripts/fleet.py remove fleet.yaml [--yes]  # delete the stack: everything of the fleet, nothing else
    python scripts/fleet.py runs fleet.yaml churn-endpoint [--last 24]

Uses the standard AWS credentials, region and AWS_ENDPOINT_URL* variables. The fleet file is checked in full,
and the rendered template with cfn-lint, before any AWS call. Without Model Monitor (the default, for accounts
that cannot create monitoring schedules), each endpoint gets an EventBridge Scheduler schedule that starts a
Processing job with this image; ``use_model_monitor: true`` gives it a monitoring schedule instead.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from monitor_fleet import lint, stack
from monitor_fleet import requests as req
from monitor_fleet.runs import list_runs
from monitor_fleet.spec import Fleet, FleetError, load
from monitor_fleet.template import render


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["template", "deploy", "remove", "runs"])
    parser.add_argument("fleet", type=Path)
    parser.add_argument("endpoint", nargs="?", help="runs: the endpoint whose runs to list")
    parser.add_argument("--region")
    parser.add_argument("-o", "--output", type=Path, help="template: write the template here (default: stdout)")
    parser.add_argument("--yes", action="store_true", help="deploy/remove: go ahead without asking")
    parser.add_argument("--review", action="store_true", help="deploy: leave the change set for review, do not execute")
    parser.add_argument("--last", type=int, default=24, help="runs: how many hours back")
    args = parser.parse_args()
    import boto3

    # The region the stack goes to: the image and the dead-letter queue must be in it (checked before any call).
    session = boto3.session.Session(region_name=args.region)
    region = session.region_name or "us-east-1"
    try:
        fleet = load(args.fleet, region=region)
    except (FleetError, OSError) as exc:
        print(f"fleet file rejected: {exc}", file=sys.stderr)
        return 2
    if args.command == "runs":
        return _runs(session, fleet, args.endpoint, args.last, args.fleet.name)
    if args.command == "remove":
        if not (args.yes or _confirm(f"delete stack {fleet.stack_name} and every resource of the fleet?")):
            return 1
        return _stack_call(lambda: _remove(session, fleet))
    template = render(fleet)
    found = lint.problems(template, region)
    if found:
        print(f"{args.fleet.name}: the rendered template has {len(found)} error(s):", *found, sep="\n  ", file=sys.stderr)
        return 2
    if args.command == "template":
        text = json.dumps(template, indent=2, sort_keys=True) + "\n"
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    return _stack_call(lambda: _deploy(session, fleet, template, args))


def _deploy(session, fleet: Fleet, template: dict, args: argparse.Namespace) -> int:
    cfn = session.client("cloudformation")
    body = json.dumps(template, sort_keys=True)
    url = _template_url(session, fleet, body) if len(body.encode()) > stack.TEMPLATE_BODY_MAX else None
    change_set = stack.create_change_set(cfn, fleet.stack_name, template, url)
    if change_set is None:
        print(f"stack {fleet.stack_name}: no changes")
        return 0
    print(f"change set for stack {fleet.stack_name} ({len(change_set.changes)} changes):")
    for change in change_set.changes:
        print(f"  {change.line()}")
    if args.review or not (args.yes or _confirm("execute this change set?")):
        print(f"left for review: aws cloudformation execute-change-set --change-set-name {change_set.arn}")
        return 0
    stack.execute(cfn, change_set)
    return 0


def _remove(session, fleet: Fleet) -> int:
    if not stack.delete(session.client("cloudformation"), fleet.stack_name):
        print(f"stack {fleet.stack_name}: none to delete")
    return 0


def _template_url(session, fleet: Fleet, body: str) -> str:
    """Upload a template too big to send inline next to the reports; CloudFormation reads it from there."""
    bucket, _, prefix = fleet.reports_s3_uri.removeprefix("s3://").partition("/")
    digest = hashlib.sha256(body.encode()).hexdigest()[:16]
    key = f"{prefix + '/' if prefix else ''}_fleet-templates/{fleet.stack_name}-{digest}.json"
    s3 = session.client("s3")
    s3.put_object(Bucket=bucket, Key=key, Body=body.encode(), ContentType="application/json")
    return f"https://{bucket}.s3.{session.region_name or 'us-east-1'}.amazonaws.com/{key}"


def _runs(session, fleet: Fleet, endpoint_name: str | None, last: int, source: str) -> int:
    endpoint = next((e for e in fleet.endpoints if e.name == endpoint_name), None)
    if endpoint is None:
        print(f"no endpoint {endpoint_name!r} in {source}", file=sys.stderr)
        return 2
    for run in list_runs(session.client("s3"), fleet.reports_s3_uri, endpoint.name, req.schedule_name(endpoint), last):
        count = "" if run.violations is None else run.violations
        print(f"{run.hour}  {run.status:25} {count}" + (f"  {run.message}" if run.message else ""))
    return 0


def _confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        print(f"{question} not asked: no terminal; pass --yes", file=sys.stderr)
        return False
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def _stack_call(call) -> int:
    """Run a CloudFormation step; its refusal or a rollback is one line on stderr and exit status 1."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        result = call()
    except stack.StackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (ClientError, BotoCoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return result


if __name__ == "__main__":
    sys.exit(main())
