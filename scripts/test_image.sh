#!/usr/bin/env bash
# Build the image from our Dockerfile and run it with docker-compose on the bundled sample data, then
# check that its outputs equal the in-process run byte for byte, that it runs as the non-root user, that
# a SIGTERM stops a running job within seconds, and that hadolint passes.
#
# Works with any Docker engine that answers. If none does (these machines reach package registries but
# no container registry), it starts Debian's dockerd in a private network namespace, builds a local
# Python base image from Debian packages (mmdebstrap) and builds offline from wheels downloaded on the
# host. The engine it started is always stopped.
# The image itself is built by scripts/build_image.sh, the same script `make image` runs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PYTHON:-python3}
W=${DOCKER_WORK:-/tmp/monitor-docker}
BASE=${BASE_IMAGE:-local/python-base:bookworm}
mkdir -p "$W"
t0=$(date +%s)
say() { echo "[image $(( $(date +%s) - t0 ))s] $*"; }

started_pid=""
stop_engine() {
  if [ -n "$started_pid" ] && kill -0 "$started_pid" 2>/dev/null; then
    kill -TERM "$started_pid"
    for _ in $(seq 1 100); do kill -0 "$started_pid" 2>/dev/null || break; sleep 0.2; done
    say "stopped the engine this script started (pid $started_pid)"
  fi
}
trap stop_engine EXIT

mirror() {
  local uri
  uri=$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
        | grep -v security | head -1 | awk '{print ($1=="deb") ? $2 : $2}')
  echo "${DEBIAN_MIRROR:-${uri:-http://deb.debian.org/debian}}"
}

need_apt() {
  local missing=()
  for pair in "$@"; do command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair##*:}"); done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} with apt"
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# 1. A Docker engine: the one that answers, or Debian's, started here in its own network namespace.
if ! docker info >/dev/null 2>&1; then
  need_apt runc:runc iptables:iptables docker-compose:docker-compose mmdebstrap:mmdebstrap
  if [ ! -x "$W/eng/usr/sbin/dockerd" ]; then
    (cd "$W" && apt-get download -qq docker.io containerd tini >/dev/null && for d in ./*.deb; do dpkg-deb -x "$d" eng; done && rm -f ./*.deb)
  fi
  export PATH=$W/eng/usr/bin:$W/eng/usr/sbin:$PATH
  rm -f "$W/docker.sock" "$W/dockerd.pid"
  setsid unshare --net -- sh -c "ip link set lo up; exec dockerd --data-root $W/data --exec-root $W/exec \
     -H unix://$W/docker.sock --pidfile $W/dockerd.pid --storage-driver overlay2" >"$W/dockerd.log" 2>&1 </dev/null &
  export DOCKER_HOST=unix://$W/docker.sock
  for _ in $(seq 1 100); do docker version >/dev/null 2>&1 && break; sleep 0.3; done
  docker version >/dev/null 2>&1 || { tail -20 "$W/dockerd.log"; echo "dockerd did not start"; exit 1; }
  started_pid=$(cat "$W/dockerd.pid")
  say "started dockerd (pid $started_pid) in a private network namespace"
fi
command -v docker-compose >/dev/null 2>&1 || need_apt docker-compose:docker-compose

# 2. The base image: public when a registry answers, else built from Debian packages once per engine.
if ! docker image inspect "$BASE" >/dev/null 2>&1; then
  need_apt mmdebstrap:mmdebstrap
  say "building $BASE from Debian bookworm packages"
  TMPDIR=$W mmdebstrap --quiet --variant=minbase --include=python3,python3-venv,ca-certificates \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook='rm -f "$1"/etc/hostname; : > "$1"/etc/resolv.conf' \
    bookworm "$W/base.tar" "$(mirror)"
  docker import --change 'ENV LANG=C.UTF-8' --change 'CMD ["python3"]' "$W/base.tar" "$BASE" >/dev/null
  rm -f "$W/base.tar"
fi

# 3. Lint, then build exactly as `make image` does (scripts/build_image.sh: wheels for linux/amd64 downloaded
#    on the host, docker build --platform linux/amd64). A test build, so a changed work tree is fine (-dirty tag).
"$(dirname "$PY")/hadolint" Dockerfile
say "hadolint: clean"
IMAGE=$(PYTHON=$PY BASE_IMAGE=$BASE ALLOW_DIRTY=1 scripts/build_image.sh 2>"$W/build.log") \
  || { tail -40 "$W/build.log"; echo "scripts/build_image.sh failed"; exit 1; }
size=$(docker image inspect -f '{{.Size}}' "$IMAGE")
platform=$(docker image inspect -f '{{.Os}}/{{.Architecture}}' "$IMAGE")
[ "$platform" = linux/amd64 ] || { echo "built $IMAGE for $platform, expected linux/amd64"; exit 1; }
say "built $IMAGE ($platform): $((size / 1000000)) MB"
export MONITOR_IMAGE=$IMAGE

# 4. Run both services on the sample data, and the same jobs in-process, and compare.
[ -d sample-data/capture ] && [ -f sample-data/analysis_config.json ] && [ -d sample-data/attribution ] \
  || "$PY" scripts/make_sample_data.py sample-data >/dev/null
rm -rf demo-output/compose demo-output/local
mkdir -p demo-output/compose/{baseline,baseline-job/output,monitoring,monitoring-job/output}
mkdir -p demo-output/compose/attribution-{baseline,baseline-job/output,monitoring,monitoring-job/output}
export MONITOR_UID=${MONITOR_UID:-10001} MONITOR_GID=${MONITOR_GID:-10001}
chown -R "$MONITOR_UID:$MONITOR_GID" demo-output/compose 2>/dev/null || chmod -R a+rwx demo-output/compose
docker-compose up >"$W/compose.log" 2>&1 || { cat "$W/compose.log"; echo "compose up failed"; exit 1; }
for service in baseline monitor attribution-baseline attribution-monitor; do
  code=$(docker inspect -f '{{.State.ExitCode}}' "$(docker-compose ps -q "$service")")
  [ "$code" = 0 ] || { cat "$W/compose.log"; echo "compose service $service exited with $code"; exit 1; }
done
docker-compose down >/dev/null 2>&1 || true
PYTHON=$PY scripts/run_local.sh sample-data demo-output/local >/dev/null
local_files=$(cd demo-output/local && find . -type f | sort)
compose_files=$(cd demo-output/compose && find . -type f | sort)
[ "$local_files" = "$compose_files" ] || { diff <(echo "$local_files") <(echo "$compose_files"); echo "file sets differ"; exit 1; }
for f in $local_files; do
  cmp "demo-output/local/$f" "demo-output/compose/$f" || { echo "image output differs: $f"; exit 1; }
done
for page in baseline/report.html monitoring/report.html; do
  grep -q '<svg role="img" class="chart"' "demo-output/compose/$page" || { echo "the image wrote no charts in $page"; exit 1; }
done
say "compose wrote the same $(echo "$local_files" | wc -l) files as the in-process run, byte for byte (report.html included)"
say "monitoring message: $(cat demo-output/compose/monitoring-job/output/message)"

# 5. It runs as the non-root user, and SIGTERM stops a running job within seconds.
uid=$(docker run --rm --network none --entrypoint /usr/bin/id "$IMAGE" -u)
[ "$uid" = 10001 ] || { echo "image runs as uid $uid, expected 10001"; exit 1; }
mkdir -p "$W/slow" && rm -f "$W/slow/"* && truncate -s 40G "$W/slow/endless.jsonl"  # sparse: no disk used
cid=$(docker run -d --network none -v "$W/slow:/opt/ml/processing/input/endpoint:ro" \
      -e dataset_format='{"sagemakerCaptureJson": {}}' -e dataset_source=/opt/ml/processing/input/endpoint "$IMAGE")
sleep 3
[ "$(docker inspect -f '{{.State.Running}}' "$cid")" = true ] || { docker logs "$cid"; echo "slow job ended early"; exit 1; }
s0=$(date +%s%N); docker stop -t 30 "$cid" >/dev/null; s1=$(date +%s%N)
code=$(docker inspect -f '{{.State.ExitCode}}' "$cid"); docker rm "$cid" >/dev/null
stop_ms=$(( (s1 - s0) / 1000000 ))
[ "$code" = 143 ] && [ "$stop_ms" -lt 5000 ] || { echo "SIGTERM: exit $code after ${stop_ms} ms"; exit 1; }
rm -f "$W/slow/endless.jsonl"
say "runs as uid 10001; SIGTERM stopped a running job in ${stop_ms} ms (exit 143)"
say "image test passed"
