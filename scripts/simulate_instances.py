"""Several SageMaker processing instances on one machine, each running the unchanged entrypoint.

Each "instance" gets its own mount and UTS namespace: a tmpfs on /opt with its own tree bind-mounted on
/opt/ml (config/resourceconfig.json, processingjobconfig.json, its inputs), a hosts file mapping algo-1..n to
loopback addresses 127.0.0.11... (all of 127.0.0.0/8 is local on Linux, so each host binds its own), and its
own host name. Nothing in the product knows it is under test. Needs root (CI runs as root) and unshare(1).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

INPUT = "/opt/ml/processing/input/endpoint"
CONFIG_PATH = "/opt/ml/processing/config/analysis_config.json"
CONFIG = {"cluster": {"join_timeout_s": 8}}  # fault cases: a host that never comes is given up on quickly


def available() -> bool:
    return os.geteuid() == 0 and shutil.which("unshare") is not None


@dataclass
class Host:
    name: str
    ml: Path  # what this host sees as /opt/ml
    process: subprocess.Popen[str] | None = None

    @property
    def output(self) -> Path:
        return self.ml / "processing" / "output"

    @property
    def message(self) -> Path:
        return self.ml / "output" / "message"


def make_hosts(
    work: Path, count: int, files: list[Path], capture_root: Path, baseline: Path, distribution: str, env: dict[str, str]
) -> list[Host]:
    """``count`` host trees; FullyReplicated: every host holds every file; ShardedByS3Key: file i on host i % count."""
    names = [f"algo-{i + 1}" for i in range(count)]
    work.mkdir(parents=True, exist_ok=True)
    (work / "hosts").write_text("127.0.0.1 localhost\n" + "".join(f"127.0.0.{11 + i} {n}\n" for i, n in enumerate(names)))
    hosts = []
    for i, name in enumerate(names):
        ml = work / name / "ml"
        config = ml / "config"
        config.mkdir(parents=True)
        config.joinpath("resourceconfig.json").write_text(json.dumps({"current_host": name, "hosts": names}))
        job = {
            "ProcessingResources": {"ClusterConfig": {"InstanceCount": count}},
            "ProcessingInputs": [
                {"InputName": "endpoint", "S3Input": {"LocalPath": INPUT, "S3DataDistributionType": distribution}}
            ],
            "Environment": env,
        }
        config.joinpath("processingjobconfig.json").write_text(json.dumps(job))
        for j, path in enumerate(files):
            if distribution == "ShardedByS3Key" and j % count != i:
                continue
            target = ml / "processing" / "input" / "endpoint" / path.relative_to(capture_root)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target)  # a hard link: many hosts, one copy on disk
        shutil.copytree(baseline, ml / "processing" / "baseline")
        if "analysis_config" in env:  # the same config on every host, as a ProcessingInput would give it
            target = ml / Path(env["analysis_config"]).relative_to("/opt/ml")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(CONFIG))
        hosts.append(Host(name, ml))
    return hosts


def start(work: Path, host: Host) -> None:
    inner = (
        f"mount -t tmpfs tmpfs /opt && mkdir /opt/ml && mount --bind {host.ml} /opt/ml && "
        f"mount --bind {work / 'hosts'} /etc/hosts && hostname {host.name} && exec {sys.executable} -m container"
    )
    log = (work / f"{host.name}.log").open("w")
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)}
    host.process = subprocess.Popen(
        ["unshare", "--mount", "--uts", "--propagation", "private", "bash", "-c", inner],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait(hosts: list[Host], timeout_s: float = 240) -> list[int]:
    codes = []
    for host in hosts:
        assert host.process is not None
        try:
            codes.append(host.process.wait(timeout=timeout_s))
        except subprocess.TimeoutExpired:
            host.process.kill()
            codes.append(host.process.wait())
    return codes
