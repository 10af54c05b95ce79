#!/usr/bin/env bash
# Build the monitor image for linux/amd64 (what SageMaker runs) on any machine with a Docker engine:
#   1. download the wheels of requirements.lock for CPython 3.11 on manylinux x86_64 into build/wheels
#      (on the host: the image build itself never reaches an index), whatever the host's own platform;
#   2. docker build --platform linux/amd64, tagged sagemaker-monitor:<version>-<commit> and sagemaker-monitor:latest.
# The tag comes from `scripts/push_ecr.py --print-tag` (the one push_ecr.py pushes). A work tree with
# uncommitted changes is refused unless ALLOW_DIRTY=1, which tags <version>-<commit>-dirty.
#
# Environment: PYTHON (an interpreter with pip, default python3), BASE_IMAGE (the Dockerfile's base, e.g.
# local/python-base:bookworm offline), IMAGE_NAME (default sagemaker-monitor), DOCKER (default docker),
# ALLOW_DIRTY=1. The last line printed is the versioned image reference.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
DOCKER=${DOCKER:-docker}
NAME=${IMAGE_NAME:-sagemaker-monitor}
PLATFORM=linux/amd64

dirty=()
[ "${ALLOW_DIRTY:-0}" = 1 ] && dirty=(--allow-dirty)
tag=$("$PY" scripts/push_ecr.py --print-tag ${dirty[@]+"${dirty[@]}"})   # (bash 3.2-safe empty array)

mkdir -p build/wheels
"$PY" -m pip download -q --disable-pip-version-check --no-cache-dir --only-binary=:all: \
  --python-version 3.11 --implementation cp --abi cp311 \
  --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --platform manylinux_2_28_x86_64 \
  -d build/wheels -r requirements.lock
echo "wheels for $PLATFORM ready ($(ls build/wheels | wc -l) files in build/wheels)" >&2

build_args=()
[ -n "${BASE_IMAGE:-}" ] && build_args=(--build-arg "BASE_IMAGE=$BASE_IMAGE")
"$DOCKER" build --platform "$PLATFORM" ${build_args[@]+"${build_args[@]}"} \
  --label "org.opencontainers.image.version=$tag" \
  --label "org.opencontainers.image.revision=$(git rev-parse HEAD)" \
  -t "$NAME:$tag" -t "$NAME:latest" . >&2
echo "built $NAME:$tag (also $NAME:latest) for $PLATFORM" >&2
echo "$NAME:$tag"
