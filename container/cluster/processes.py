"""The Dask scheduler and worker processes a host starts, as command lines of Dask's own CLI.

Workers are one process per core with one thread each (the reading is CPU-bound Python), under a nanny that
restarts a killed worker process (the scheduler then reruns its tasks). They import our code, so they get
its folder on ``PYTHONPATH``, and the host's name in ``SAGEMAKER_MONITOR_HOST`` (remote.finished uses it).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from container.settings import ClusterConfig

HOST_VARIABLE = "SAGEMAKER_MONITOR_HOST"
_CODE_ROOT = str(Path(__file__).resolve().parents[2])  # the folder holding container/ and analyzers/


def scheduler_command(address: str, settings: ClusterConfig) -> list[str]:
    return [
        sys.executable,
        "-m",
        "dask",
        "scheduler",
        "--host",
        address,
        "--port",
        str(settings.scheduler_port),
        "--no-dashboard",
    ]


def worker_command(scheduler: str, address: str, host: str, settings: ClusterConfig, death_timeout_s: float) -> list[str]:
    """A host's workers: ``--death-timeout`` ends them when the scheduler never answers."""
    command = [sys.executable, "-m", "dask", "worker", f"tcp://{scheduler}:{settings.scheduler_port}", "--host", address]
    command += ["--name", host, "--nworkers", str(cores()), "--nthreads", "1", "--no-dashboard"]
    command += ["--death-timeout", f"{death_timeout_s:g}"]
    if settings.worker_ports:
        command += ["--worker-port", settings.worker_ports]
    if settings.nanny_ports:
        command += ["--nanny-port", settings.nanny_ports]
    return command


def start(command: list[str], host: str) -> subprocess.Popen[bytes]:
    """Start a Dask process with our code importable; its output joins the job's log."""
    path = os.pathsep.join(p for p in (_CODE_ROOT, os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONPATH": path, HOST_VARIABLE: host, "DASK_DISTRIBUTED__WORKER__DAEMON": "True"}
    return subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL)


def stop(process: subprocess.Popen[bytes], grace_s: float = 10.0) -> int:
    """Wait for a process that should be ending; terminate it after ``grace_s``, kill it after as long again."""
    for signal_it in (None, process.terminate, process.kill):
        if signal_it is not None:
            signal_it()
        try:
            return process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            continue
    return process.wait()


def cores() -> int:
    return len(os.sched_getaffinity(0))
