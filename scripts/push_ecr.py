"""Push the image that ``make image`` built to Amazon ECR under an immutable, versioned tag, and print the
digest-pinned ``image_uri`` to put in a monitoring schedule.

    make image                                                         # builds sagemaker-monitor:<tag>
    python scripts/push_ecr.py --repository sagemaker-monitor [--region eu-west-1]

The tag is ``<version>-<commit>``: the ``[project] version`` of pyproject.toml and the 12-character commit of
HEAD (``scripts/push_ecr.py --print-tag`` prints it; scripts/build_image.sh tags the local image with it).
A work tree with uncommitted changes is refused, because the tag would name a commit the image does not
match; ``--allow-dirty`` pushes it anyway as ``<version>-<commit>-dirty``.

The repository is created when missing, with ``imageTagMutability=IMMUTABLE`` and scan on push. A tag that
already exists in ECR is never overwritten: if it holds the same image the push is skipped, otherwise the
script stops and explains. The printed ``image_uri`` is pinned by digest
(``<account>.dkr.ecr.<region>.amazonaws.com/<repository>@sha256:...``), so a schedule keeps running exactly
this image whatever happens to tags later.

AWS credentials and region come from the usual places (environment, profile, instance role);
``AWS_ENDPOINT_URL_ECR`` / ``AWS_ENDPOINT_URL`` point it at another endpoint (the tests use moto).
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LOCAL_NAME = "sagemaker-monitor"
MANIFEST_TYPES = [
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.index.v1+json",
]


def project_version() -> str:
    path = ROOT / "pyproject.toml"
    version = tomllib.loads(path.read_text())["project"]["version"]
    if not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z._]*", version):
        raise SystemExit(f"{path}: version {version!r} cannot be part of an image tag")
    return str(version)


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)


def image_tag(allow_dirty: bool) -> str:
    """``<version>-<commit>``, or ``<version>-<commit>-dirty`` for a changed work tree when that is allowed."""
    head = _git("rev-parse", "--short=12", "HEAD")
    if head.returncode != 0:
        raise SystemExit(f"not a git checkout with a commit ({head.stderr.strip()}): the image tag names a commit")
    status = _git("status", "--porcelain")
    changed = status.stdout.splitlines()
    tag = f"{project_version()}-{head.stdout.strip()}"
    if not changed:
        return tag
    if not allow_dirty:
        shown = "\n  ".join(changed[:10]) + ("\n  ..." if len(changed) > 10 else "")
        raise SystemExit(
            f"the work tree has uncommitted changes, so {tag} would not name what the image contains:\n  {shown}\n"
            "Commit them (and rebuild with `make image`), or pass --allow-dirty to push it as "
            f"{tag}-dirty (build it with ALLOW_DIRTY=1 make image)."
        )
    return f"{tag}-dirty"


def docker(binary: str, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run([binary, *args], input=stdin, text=True, capture_output=True)
    if result.returncode != 0:
        raise SystemExit(f"docker {args[0]} failed: {(result.stderr or result.stdout).strip()[:800]}")
    return result.stdout


def local_image(binary: str, image: str) -> dict[str, Any]:
    result = subprocess.run([binary, "image", "inspect", image], text=True, capture_output=True)
    if result.returncode != 0:
        raise SystemExit(f"no local image {image}: build it first with `make image` (docker: {result.stderr.strip()[:300]})")
    return dict(json.loads(result.stdout)[0])


def ensure_repository(ecr: Any, name: str) -> dict[str, Any]:
    """The repository, created with immutable tags and scan on push when it does not exist yet."""
    try:
        repo = ecr.describe_repositories(repositoryNames=[name])["repositories"][0]
    except ecr.exceptions.RepositoryNotFoundException:
        repo = ecr.create_repository(
            repositoryName=name,
            imageTagMutability="IMMUTABLE",
            imageScanningConfiguration={"scanOnPush": True},
        )["repository"]
        print(f"created ECR repository {name} (immutable tags, scan on push)")
        return dict(repo)
    if not str(repo.get("imageTagMutability", "MUTABLE")).startswith("IMMUTABLE"):
        print(
            f"warning: repository {name} has mutable tags; this script never overwrites a tag, but others can. "
            f"Make it immutable with: aws ecr put-image-tag-mutability --repository-name {name} "
            "--image-tag-mutability IMMUTABLE",
            file=sys.stderr,
        )
    if not repo.get("imageScanningConfiguration", {}).get("scanOnPush"):
        print(f"warning: repository {name} does not scan on push", file=sys.stderr)
    return dict(repo)


def remote_image(ecr: Any, repository: str, tag: str) -> dict[str, Any] | None:
    """The image ECR holds under ``tag`` (digest and manifest), or None."""
    try:
        detail = ecr.describe_images(repositoryName=repository, imageIds=[{"imageTag": tag}])["imageDetails"][0]
    except ecr.exceptions.ImageNotFoundException:
        return None
    got = ecr.batch_get_image(repositoryName=repository, imageIds=[{"imageTag": tag}], acceptedMediaTypes=MANIFEST_TYPES)[
        "images"
    ]
    manifest = json.loads(got[0]["imageManifest"]) if got else {}
    return {"digest": detail["imageDigest"], "config": manifest.get("config", {}).get("digest")}


def same_image(local: dict[str, Any], remote: dict[str, Any], uri: str) -> bool:
    """Whether the local image is the one ECR holds: by config digest (classic image store), by manifest
    digest (containerd image store) or by a repo digest Docker recorded when it pushed."""
    ids = {local.get("Id"), *(d.split("@", 1)[1] for d in local.get("RepoDigests", []) if d.startswith(uri + "@"))}
    return bool(ids & {remote["digest"], remote["config"]})


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repository", help="ECR repository name (created if missing)")
    parser.add_argument("--image", default=None, help="local image to push (default: sagemaker-monitor:<tag>)")
    parser.add_argument("--region", default=None)
    parser.add_argument("--docker", default="docker", help="docker client binary")
    parser.add_argument("--allow-dirty", action="store_true", help="push from a work tree with uncommitted changes")
    parser.add_argument("--print-tag", action="store_true", help="print the image tag for this checkout and exit")
    return parser


def linux_amd64_image(binary: str, image: str) -> dict[str, Any]:
    """The local image's inspect record; refused unless it is linux/amd64, the platform SageMaker runs."""
    local = local_image(binary, image)
    if local.get("Os", "linux") != "linux" or local.get("Architecture", "amd64") != "amd64":
        raise SystemExit(f"{image} is {local.get('Os')}/{local.get('Architecture')}; SageMaker runs linux/amd64 (make image)")
    return local


def refuse_other_image(local: dict[str, Any], existing: dict[str, Any], uri: str, tag: str, image: str) -> None:
    """Stop when ECR already holds a different image under the tag: tags are never overwritten."""
    if not same_image(local, existing, uri):
        raise SystemExit(
            f"{uri}:{tag} already exists with digest {existing['digest']} (config {existing['config']}), "
            f"and it is not the local image {image} ({local.get('Id')}).\n"
            "Tags are immutable: schedules that use this tag keep the image they have. Rebuilding the same "
            "commit does not give byte-identical images; to publish a change, commit it (new tag) or bump "
            "the version in pyproject.toml, then `make image` and push again."
        )


def push(ecr: Any, binary: str, image: str, repository: str, uri: str, tag: str) -> dict[str, Any]:
    """Log docker in to ECR, push ``image`` as ``uri:tag`` and give the image ECR then holds under the tag,
    checked against the digest docker reported."""
    token = ecr.get_authorization_token()["authorizationData"][0]
    user, password = base64.b64decode(token["authorizationToken"]).decode().split(":", 1)
    registry = token["proxyEndpoint"].removeprefix("https://")
    docker(binary, "login", "--username", user, "--password-stdin", registry, stdin=password)
    docker(binary, "tag", image, f"{uri}:{tag}")
    pushed = docker(binary, "push", f"{uri}:{tag}")
    existing = remote_image(ecr, repository, tag)
    if existing is None:
        raise SystemExit(f"docker pushed {uri}:{tag} but ECR does not list it")
    said = re.findall(r"digest: (sha256:[0-9a-f]{64})", pushed)
    if said and said[-1] != existing["digest"]:
        raise SystemExit(f"docker pushed digest {said[-1]} but ECR holds {existing['digest']} under {tag}")
    return existing


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)

    tag = image_tag(args.allow_dirty)
    if args.print_tag:
        print(tag)
        return 0
    if not args.repository:
        parser.error("--repository is required")
    image = args.image or f"{LOCAL_NAME}:{tag}"
    local = linux_amd64_image(args.docker, image)

    import boto3

    ecr = boto3.client("ecr", region_name=args.region)
    repo = ensure_repository(ecr, args.repository)
    uri = repo["repositoryUri"]

    existing = remote_image(ecr, args.repository, tag)
    if existing is not None:
        refuse_other_image(local, existing, uri, tag, image)
        print(f"{uri}:{tag} is already in ECR and is this image; nothing pushed")
    else:
        existing = push(ecr, args.docker, image, args.repository, uri, tag)
        print(f"pushed {uri}:{tag}")
    print(f"tag={uri}:{tag}")
    print(f"image_uri={uri}@{existing['digest']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
