"""scripts/push_ecr.py against a real moto server over HTTP (the ECR API calls are real), and
scripts/build_image.sh's docker command line.

There is no container registry here, so docker is a recording stand-in binary. Its ``push`` plays the
registry's part: it stores a manifest for the local image in (moto's) ECR with PutImage, as a real push would,
and prints the digest line docker prints. The script runs from a copy in a throwaway git repository, so
clean, dirty and version cases are under the test's control. Every ECR request is also checked against
botocore's service model, enum values included (moto accepts values that AWS would reject).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from tests.botocore_model import request_errors
from tests.conftest import ROOT, moto_client

IMAGE_ID = "sha256:" + "a" * 64
OTHER_ID = "sha256:" + "b" * 64

FAKE_DOCKER = f"""#!{sys.executable}
import hashlib, json, os, re, sys
import boto3

args = sys.argv[1:]
with open(os.environ["DOCKER_LOG"], "a") as log:
    log.write(" ".join(args) + "\\n")
if args[0] == "login":
    open(os.environ["DOCKER_LOG"] + ".password", "w").write(sys.stdin.read())
elif args[:2] == ["image", "inspect"]:
    if args[2] not in os.environ["FAKE_IMAGES"].split():
        sys.exit("Error: No such image: " + args[2])
    arch = os.environ.get("FAKE_ARCH", "amd64")
    print(json.dumps([{{"Id": os.environ["FAKE_IMAGE_ID"], "RepoDigests": [], "Os": "linux", "Architecture": arch}}]))
elif args[0] == "push":
    ref = args[1]
    repo, tag = ref.split("/", 1)[1].rsplit(":", 1)
    layer = "sha256:" + hashlib.sha256(os.environ["FAKE_IMAGE_ID"].encode()).hexdigest()
    manifest = json.dumps({{
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {{"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1, "digest": os.environ["FAKE_IMAGE_ID"]}},
        "layers": [{{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 1, "digest": layer}}],
    }})
    digest = "sha256:" + hashlib.sha256(manifest.encode()).hexdigest()
    boto3.client("ecr").put_image(repositoryName=repo, imageManifest=manifest, imageTag=tag, imageDigest=digest)
    print(tag + ": digest: " + digest + " size: " + str(len(manifest)))
"""

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A throwaway git repository with the script and a pyproject.toml, committed."""
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "push_ecr.py", repo / "scripts" / "push_ecr.py")
    (repo / "pyproject.toml").write_text('[project]\nname = "m"\nversion = "0.1.0"\n')
    subprocess.run([*GIT, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*GIT, "add", "."], cwd=repo, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "init"], cwd=repo, check=True)
    return repo


def _sha(repo: Path) -> str:
    return subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()


def _docker(tmp_path: Path) -> Path:
    docker = tmp_path / "docker"
    docker.write_text(FAKE_DOCKER)
    docker.chmod(0o755)
    return docker


def _env(tmp_path: Path, aws_env: dict[str, str], image_id: str = IMAGE_ID, images: str = "", **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        **aws_env,
        "DOCKER_LOG": str(tmp_path / "docker.log"),
        "FAKE_IMAGE_ID": image_id,
        "FAKE_IMAGES": images,
        **extra,
    }


def _push(repo: Path, tmp_path: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "scripts/push_ecr.py", "--repository", "monitor", "--docker", str(_docker(tmp_path)), *extra],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _calls(tmp_path: Path) -> list[str]:
    log = tmp_path / "docker.log"
    calls = log.read_text().splitlines() if log.exists() else []
    log.unlink(missing_ok=True)
    return calls


def test_push_creates_an_immutable_repository_and_prints_the_digest_pinned_uri(checkout, tmp_path, aws_env):
    tag = f"0.1.0-{_sha(checkout)}"
    env = _env(tmp_path, aws_env, images=f"sagemaker-monitor:{tag}")
    first = _push(checkout, tmp_path, env)
    assert first.returncode == 0, first.stderr
    assert "created ECR repository monitor (immutable tags, scan on push)" in first.stdout

    ecr = moto_client("ecr", aws_env)
    repo = ecr.describe_repositories(repositoryNames=["monitor"])["repositories"][0]
    assert repo["imageTagMutability"] == "IMMUTABLE"
    assert repo["imageScanningConfiguration"] == {"scanOnPush": True}
    uri = repo["repositoryUri"]
    digest = ecr.describe_images(repositoryName="monitor", imageIds=[{"imageTag": tag}])["imageDetails"][0]["imageDigest"]
    assert first.stdout.splitlines()[-2:] == [f"tag={uri}:{tag}", f"image_uri={uri}@{digest}"]
    assert f"image_uri={uri.split('/')[0]}/monitor@sha256:" in first.stdout

    registry = uri.split("/")[0]
    assert _calls(tmp_path) == [
        f"image inspect sagemaker-monitor:{tag}",
        f"login --username AWS --password-stdin {registry}",
        f"tag sagemaker-monitor:{tag} {uri}:{tag}",
        f"push {uri}:{tag}",
    ]
    assert (tmp_path / "docker.log.password").read_text()  # the token's password went to stdin, not argv

    again = _push(checkout, tmp_path, env)
    assert again.returncode == 0, again.stderr
    assert "already in ECR and is this image; nothing pushed" in again.stdout
    assert "created" not in again.stdout
    assert again.stdout.splitlines()[-1] == f"image_uri={uri}@{digest}"
    assert _calls(tmp_path) == [f"image inspect sagemaker-monitor:{tag}"]
    assert len(ecr.describe_repositories()["repositories"]) == 1


def test_an_existing_tag_with_another_image_is_refused_not_overwritten(checkout, tmp_path, aws_env):
    tag = f"0.1.0-{_sha(checkout)}"
    assert _push(checkout, tmp_path, _env(tmp_path, aws_env, images=f"sagemaker-monitor:{tag}")).returncode == 0
    ecr = moto_client("ecr", aws_env)
    before = ecr.describe_images(repositoryName="monitor")["imageDetails"]
    _calls(tmp_path)

    rebuilt = _push(checkout, tmp_path, _env(tmp_path, aws_env, image_id=OTHER_ID, images=f"sagemaker-monitor:{tag}"))
    assert rebuilt.returncode != 0
    assert f"monitor:{tag} already exists with digest {before[0]['imageDigest']}" in rebuilt.stderr
    assert "Tags are immutable" in rebuilt.stderr and "bump" in rebuilt.stderr
    assert not any(c.startswith(("push", "tag", "login")) for c in _calls(tmp_path))
    assert ecr.describe_images(repositoryName="monitor")["imageDetails"] == before


def test_a_dirty_work_tree_is_refused_unless_allowed_and_then_tagged_dirty(checkout, tmp_path, aws_env):
    (checkout / "pyproject.toml").write_text('[project]\nname = "m"\nversion = "0.2.0"\n')
    tag = f"0.2.0-{_sha(checkout)}-dirty"
    env = _env(tmp_path, aws_env, images=f"sagemaker-monitor:{tag}")
    refused = _push(checkout, tmp_path, env)
    assert refused.returncode != 0
    assert "uncommitted changes" in refused.stderr and "M pyproject.toml" in refused.stderr
    assert moto_client("ecr", aws_env).describe_repositories()["repositories"] == []  # refused before any AWS call

    allowed = _push(checkout, tmp_path, env, "--allow-dirty")
    assert allowed.returncode == 0, allowed.stderr
    assert f"monitor:{tag}\n" in allowed.stdout
    printed = subprocess.run(
        [sys.executable, "scripts/push_ecr.py", "--print-tag", "--allow-dirty"], cwd=checkout, capture_output=True, text=True
    )
    assert printed.stdout == tag + "\n"


@pytest.mark.parametrize(
    ("images", "arch", "message"),
    [
        ("", "amd64", "no local image sagemaker-monitor:0.1.0-"),
        ("*", "arm64", "is linux/arm64; SageMaker runs linux/amd64"),
    ],
)
def test_a_missing_or_foreign_platform_image_is_refused(checkout, tmp_path, aws_env, images, arch, message):
    tag = f"0.1.0-{_sha(checkout)}"
    env = _env(tmp_path, aws_env, images=images.replace("*", f"sagemaker-monitor:{tag}"), FAKE_ARCH=arch)
    result = _push(checkout, tmp_path, env)
    assert result.returncode != 0 and message in result.stderr
    assert "make image" in result.stderr


def test_every_ecr_request_fits_botocores_service_model(checkout, tmp_path, aws_env, monkeypatch):
    tag = f"0.1.0-{_sha(checkout)}"
    for key, value in _env(tmp_path, aws_env, images=f"sagemaker-monitor:{tag}").items():
        monkeypatch.setenv(key, value)
    monkeypatch.syspath_prepend(str(checkout / "scripts"))
    monkeypatch.delitem(sys.modules, "push_ecr", raising=False)
    import push_ecr

    assert push_ecr.ROOT == checkout
    session = boto3.session.Session()
    requests: list[tuple[str, dict]] = []
    session.events.register("provide-client-params.ecr", lambda params, model, **_: requests.append((model.name, dict(params))))
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", session)
    assert push_ecr.main(["--repository", "monitor", "--docker", str(_docker(tmp_path))]) == 0

    names = [name for name, _ in requests]
    assert names[:2] == ["DescribeRepositories", "CreateRepository"]
    assert {"DescribeImages", "BatchGetImage", "GetAuthorizationToken"} <= set(names)
    for name, params in requests:
        assert request_errors("ecr", name, params) == [], name
    create = dict(requests)["CreateRepository"]
    assert create == {
        "repositoryName": "monitor",
        "imageTagMutability": "IMMUTABLE",
        "imageScanningConfiguration": {"scanOnPush": True},
    }


def test_build_script_builds_for_linux_amd64_with_the_tag_push_ecr_pushes(tmp_path):
    log = tmp_path / "calls.log"
    docker = tmp_path / "docker"
    docker.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> {log}\n')
    docker.chmod(0o755)
    python = tmp_path / "python"  # the real interpreter, except that pip download is only recorded
    python.write_text(
        f'#!/bin/sh\nif [ "$1 $2" = "-m pip" ]; then printf "%s\\n" "$*" >> {log}; exit 0; fi\nexec {sys.executable} "$@"\n'
    )
    python.chmod(0o755)
    env = {**os.environ, "DOCKER": str(docker), "PYTHON": str(python), "ALLOW_DIRTY": "1", "BASE_IMAGE": "local/base:1"}
    result = subprocess.run(["scripts/build_image.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    tag = subprocess.run(
        [sys.executable, "scripts/push_ecr.py", "--print-tag", "--allow-dirty"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    assert result.stdout == f"sagemaker-monitor:{tag}\n"
    download, build = log.read_text().splitlines()
    assert download.startswith("-m pip download") and "--only-binary=:all:" in download
    assert "--platform manylinux2014_x86_64" in download and "-r requirements.lock" in download
    assert build.startswith("build --platform linux/amd64 --build-arg BASE_IMAGE=local/base:1 ")
    assert build.endswith(f"-t sagemaker-monitor:{tag} -t sagemaker-monitor:latest .")
    assert f"org.opencontainers.image.version={tag}" in build


def test_the_repositorys_own_pyproject_has_a_tag_safe_version():
    import tomllib

    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    printed = subprocess.run(
        [sys.executable, "scripts/push_ecr.py", "--print-tag", "--allow-dirty"], cwd=ROOT, capture_output=True, text=True
    )
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.startswith(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"] + "-")
