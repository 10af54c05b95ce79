"""Stopping a job with real signals, as StopProcessingJob and ``docker stop`` do, at uncontrolled moments.

Whatever the moment, a job ends with a message that matches its exit code (``Stopped: ...`` and 128 + the
signal, or a normal ending), and leaves no temporary file in the folders SageMaker uploads.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import ROOT
from tests.e2e.jobs import CAPTURE_FORMAT, message

STARTED = "Job starting"


def _start(base: Path, **env: str) -> tuple[subprocess.Popen[bytes], Path]:
    base.mkdir(parents=True, exist_ok=True)
    log = base / "stdout.log"
    full = {"PATH": os.environ.get("PATH", ""), "SAGEMAKER_BASE_DIR": str(base), **env}
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "container"], cwd=ROOT, env=full, stdout=out, stderr=subprocess.STDOUT)
    return process, log


def _wait_for_start(process: subprocess.Popen[bytes], log: Path) -> None:
    """Until the job logs that it started: its stop handler is installed from then on."""
    deadline = time.monotonic() + 60
    while STARTED not in log.read_text() and process.poll() is None:
        assert time.monotonic() < deadline, "the job never logged its start"
        time.sleep(0.001)


def _stop_repeatedly(process: subprocess.Popen[bytes], signum: int = signal.SIGTERM) -> None:
    # Stoppers repeat themselves: the second and later signals must not disturb the stop path.
    for _ in range(5):
        process.send_signal(signum)
        time.sleep(0.002)


def _assert_clean_end(base: Path, code: int, signum: int = signal.SIGTERM) -> str:
    text = message(base)
    if code == 128 + signum:
        assert text == f"Stopped: the job received {signal.Signals(signum).name} before it finished; no report was completed."
    else:
        assert code == 0 and text.startswith(("Completed: ", "CompletedWithViolations: ")), (code, text)
    assert sorted(p.name for p in base.rglob("*.tmp")) == []
    for path in (base / "processing" / "output").glob("*.json"):
        json.loads(path.read_text())  # every output there is whole
    return text


def _monitoring_env(base: Path, sample: Path, baseline: Path) -> dict[str, str]:
    return {
        "dataset_format": CAPTURE_FORMAT,
        "dataset_source": str(sample / "capture"),
        "output_path": str(base / "processing" / "output"),
        "baseline_statistics": str(baseline / "statistics.json"),
        "baseline_constraints": str(baseline / "constraints.json"),
        "publish_cloudwatch_metrics": "Enabled",
    }


@pytest.mark.slow
def test_sigterm_at_random_moments_ends_with_a_message_and_no_temporary_files(sample, baseline, tmp_path):
    whole = tmp_path / "whole"
    process, log = _start(whole, **_monitoring_env(whole, sample, baseline))
    _wait_for_start(process, log)
    started = time.monotonic()
    assert process.wait(timeout=120) == 0
    duration = time.monotonic() - started
    # The first stop lands during the start-up imports; the others anywhere in the job, or just after it.
    delays = [0.0, *np.random.default_rng(12).uniform(0, 1.2 * duration, 7)]
    codes = []
    for i, delay in enumerate(delays):
        base = tmp_path / f"run{i}"
        process, log = _start(base, **_monitoring_env(base, sample, baseline))
        _wait_for_start(process, log)
        time.sleep(delay)
        _stop_repeatedly(process)
        codes.append(process.wait(timeout=60))
        _assert_clean_end(base, codes[-1])
        if i == 0:
            assert codes[0] == 143 and "Reading" not in log.read_text()  # stopped before the job read anything
    assert codes.count(143) >= 2


@pytest.mark.slow
def test_sigint_stops_the_job_too(sample, baseline, tmp_path):
    process, log = _start(tmp_path, **_monitoring_env(tmp_path, sample, baseline))
    _wait_for_start(process, log)
    _stop_repeatedly(process, signal.SIGINT)
    assert process.wait(timeout=60) == 128 + signal.SIGINT
    _assert_clean_end(tmp_path, 128 + signal.SIGINT, signal.SIGINT)
    assert "Traceback" not in log.read_text()


@pytest.fixture(scope="module")
def wide(tmp_path_factory) -> Path:
    """60 numeric features, constraints only: a quick monitoring job whose statistics.json is ~4 MB,
    so its write (and fsync) lasts long enough to be caught."""
    root = tmp_path_factory.mktemp("wide")
    (root / "data").mkdir()
    frame = pd.DataFrame(np.random.default_rng(3).normal(size=(6000, 60)), columns=[f"f{i}" for i in range(60)])
    frame.to_csv(root / "data" / "window.csv", index=False)
    features = [{"name": f"f{i}", "inferred_type": "Fractional", "completeness": 1.0} for i in range(60)]
    (root / "constraints.json").write_text(json.dumps({"version": 0.0, "features": features}))
    return root


@pytest.mark.slow
def test_sigterm_while_an_output_is_being_written(wide, tmp_path):
    hits = 0
    for attempt in range(6):
        base = tmp_path / f"run{attempt}"
        output = base / "processing" / "output"
        process, log = _start(
            base,
            dataset_format='{"csv": {"header": true}}',
            dataset_source=str(wide / "data"),
            output_path=str(output),
            baseline_constraints=str(wide / "constraints.json"),
        )
        _wait_for_start(process, log)
        seen = _wait_for_a_temporary_file(output, process)
        _stop_repeatedly(process)
        code = process.wait(timeout=60)
        _assert_clean_end(base, code)
        hits += seen and code == 143
        if hits >= 2:
            break
    assert hits >= 2, "no stop landed while an output was being written"


def _wait_for_a_temporary_file(folder: Path, process: subprocess.Popen[bytes]) -> bool:
    """Poll as fast as Python can until a write's temporary file appears (True) or the job ends (False)."""
    while process.poll() is None:
        try:
            if any(name.endswith(".tmp") for name in os.listdir(folder)):
                return True
        except FileNotFoundError:
            pass
    return False


def test_a_stop_that_python_wraps_is_still_a_stop(tmp_path, monkeypatch):
    """A SIGTERM during class creation (an import) reaches us as ``RuntimeError: Error calling __set_name__``
    caused by our Stopped: the job must still end as stopped (143, the Stopped message), not as our bug."""
    import container.jobs
    from container.__main__ import Stopped, main, stop_within

    class StoppedWhileNamed:
        def __set_name__(self, owner, name):
            raise Stopped(signal.SIGTERM)

    def run(contract):
        type("Settings", (), {"limits": StoppedWhileNamed()})  # what the interrupted import was doing

    with pytest.raises(RuntimeError) as wrapped:
        run(None)
    assert isinstance(stop_within(wrapped.value), Stopped) and stop_within(ValueError("x")) is None
    monkeypatch.setattr(container.jobs, "run", run)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        code = main({"SAGEMAKER_BASE_DIR": str(tmp_path), "dataset_source": str(tmp_path)})
    finally:
        for each, handler in handlers.items():
            signal.signal(each, handler)
    assert code == 128 + signal.SIGTERM
    assert message(tmp_path) == "Stopped: the job received SIGTERM before it finished; no report was completed."
