"""Push the monitor image to Amazon ECR and print the ``image_uri`` to use in a monitoring schedule.

Creates the repository if needed (scan on push), logs Docker in with an ECR authorization token,
tags the local image with the project version and the git commit, and pushes both tags.

    python scripts/push_ecr.py --repository sagemaker-monitor [--image sagemaker-monitor:dev] [--region eu-west-1]

AWS credentials and region come from the usual places (environment, profile, instance role);
``AWS_ENDPOINT_URL_ECR`` / ``AWS_ENDPOINT_URL`` point it at another endpoint (the tests use moto).
"""

from __future__ import annotations

import argparse
import base64
import subprocess
import sys
import tomllib
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parents[1]


def project_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def git_sha() -> str:
    result = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else "nogit"


def ensure_repository(ecr, name: str) -> str:  # type: ignore[no-untyped-def]
    """The repository URI, creating the repository when it does not exist yet."""
    try:
        return str(ecr.describe_repositories(repositoryNames=[name])["repositories"][0]["repositoryUri"])
    except ecr.exceptions.RepositoryNotFoundException:
        created = ecr.create_repository(repositoryName=name, imageScanningConfiguration={"scanOnPush": True})
        print(f"created ECR repository {name}")
        return str(created["repository"]["repositoryUri"])


def docker(binary: str, *args: str, stdin: str | None = None) -> None:
    result = subprocess.run([binary, *args], input=stdin, text=True, capture_output=True)
    if result.returncode != 0:
        raise SystemExit(f"docker {args[0]} failed: {result.stderr.strip()[:500]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repository", required=True, help="ECR repository name")
    parser.add_argument("--image", default="sagemaker-monitor:dev", help="local image to push")
    parser.add_argument("--region", default=None)
    parser.add_argument("--docker", default="docker", help="docker client binary")
    args = parser.parse_args()

    ecr = boto3.client("ecr", region_name=args.region)
    uri = ensure_repository(ecr, args.repository)
    token = ecr.get_authorization_token()["authorizationData"][0]
    user, password = base64.b64decode(token["authorizationToken"]).decode().split(":", 1)
    registry = token["proxyEndpoint"].removeprefix("https://")
    docker(args.docker, "login", "--username", user, "--password-stdin", registry, stdin=password)
    tags = [project_version(), git_sha()]
    for tag in tags:
        docker(args.docker, "tag", args.image, f"{uri}:{tag}")
        docker(args.docker, "push", f"{uri}:{tag}")
    print(f"image_uri={uri}:{tags[0]}")
    print(f"also tagged {uri}:{tags[1]}")


if __name__ == "__main__":
    sys.exit(main())
