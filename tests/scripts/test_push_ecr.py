"""scripts/push_ecr.py against a real moto server over HTTP; docker is a recording stand-in binary
(there is no registry to push to here), so the ECR calls are real and the docker calls are checked."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib

from tests.conftest import ROOT, moto_client

FAKE_DOCKER = """#!/bin/sh
printf '%s\\n' "$*" >> "$DOCKER_LOG"
[ "$1" = login ] && cat > "$DOCKER_LOG.password"
exit 0
"""


def _push(tmp_path, aws_env):
    docker = tmp_path / "docker"
    docker.write_text(FAKE_DOCKER)
    docker.chmod(0o755)
    env = {**os.environ, **aws_env, "DOCKER_LOG": str(tmp_path / "docker.log")}
    return subprocess.run(
        [sys.executable, "scripts/push_ecr.py", "--repository", "monitor", "--docker", str(docker)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_push_creates_the_repository_once_and_tags_version_and_sha(tmp_path, aws_env):
    first = _push(tmp_path, aws_env)
    assert first.returncode == 0, first.stderr
    assert "created ECR repository monitor" in first.stdout
    ecr = moto_client("ecr", aws_env)
    repo = ecr.describe_repositories(repositoryNames=["monitor"])["repositories"][0]
    assert repo["imageScanningConfiguration"] == {"scanOnPush": True}
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    sha = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    uri = repo["repositoryUri"]
    assert f"image_uri={uri}:{version}" in first.stdout
    calls = (tmp_path / "docker.log").read_text().splitlines()
    registry = uri.split("/")[0]
    assert calls[0] == f"login --username AWS --password-stdin {registry}"
    assert calls[1:] == [
        f"tag sagemaker-monitor:dev {uri}:{version}",
        f"push {uri}:{version}",
        f"tag sagemaker-monitor:dev {uri}:{sha}",
        f"push {uri}:{sha}",
    ]
    assert (tmp_path / "docker.log.password").read_text()  # the token's password went to stdin, not argv
    second = _push(tmp_path, aws_env)
    assert second.returncode == 0 and "created" not in second.stdout
    assert len(ecr.describe_repositories()["repositories"]) == 1
