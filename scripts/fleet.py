"""Put the monitor on a schedule for a fleet of endpoints, from one file; remove it; list recent runs.

    python scripts/fleet.py apply fleet.yaml      # create or update; prints what changed
    python scripts/fleet.py remove fleet.yaml
    python scripts/fleet.py runs fleet.yaml churn-endpoint [--last 24]

Uses the standard AWS credentials, region and AWS_ENDPOINT_URL* variables. Without Model Monitor (the
default, for accounts that cannot create monitoring schedules), each endpoint gets an EventBridge Scheduler
schedule that starts a Processing job with this image; ``use_model_monitor: true`` creates a monitoring
schedule instead. The fleet file is checked in full before any AWS call.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from monitor_fleet import apply as fleet_apply
from monitor_fleet import requests as req
from monitor_fleet.runs import list_runs
from monitor_fleet.spec import FleetError, load


def _clients(region: str | None) -> fleet_apply.Clients:
    import boto3

    session = boto3.session.Session(region_name=region)
    return fleet_apply.Clients(
        scheduler=session.client("scheduler"),
        sagemaker=session.client("sagemaker"),
        cloudwatch=session.client("cloudwatch"),
        sns=session.client("sns"),
        events=session.client("events"),
        region=session.region_name or "us-east-1",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["apply", "remove", "runs"])
    parser.add_argument("fleet", type=Path)
    parser.add_argument("endpoint", nargs="?")
    parser.add_argument("--region")
    parser.add_argument("--last", type=int, default=24)
    args = parser.parse_args()
    import boto3

    # The region the calls go to: the image and the dead-letter queue must be in it (checked before any call).
    region = args.region or boto3.session.Session().region_name
    try:
        fleet = load(args.fleet, region=region)
    except (FleetError, OSError) as exc:
        print(f"fleet file rejected: {exc}", file=sys.stderr)
        return 2
    if args.command == "runs":
        endpoint = next((e for e in fleet.endpoints if e.name == args.endpoint), None)
        if endpoint is None:
            print(f"no endpoint {args.endpoint!r} in {args.fleet.name}", file=sys.stderr)
            return 2
        import boto3

        s3 = boto3.client("s3", region_name=args.region)
        for run in list_runs(s3, fleet.reports_s3_uri, endpoint.name, req.schedule_name(endpoint), args.last):
            count = "" if run.violations is None else run.violations
            print(f"{run.hour}  {run.status:25} {count}" + (f"  {run.message}" if run.message else ""))
        return 0
    clients = _clients(args.region)
    if args.command == "apply":
        fleet_apply.apply(fleet, clients)
    else:
        fleet_apply.remove(fleet, clients)
    return 0


if __name__ == "__main__":
    sys.exit(main())
