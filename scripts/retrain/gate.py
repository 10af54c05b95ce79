"""The QualityGate step's entrypoint in the monitor image: run the monitoring job as the image's own
entrypoint would, then fail the step when the new training data breaks the baseline.

The container ends a job with violations with exit 0 (that is the Model Monitor contract), so a Pipelines
step running it as is would always pass. Here any violation whose ``constraint_check_type`` is not listed in
env ``gate_ignored_checks`` (comma-separated; the pipeline passes ``baseline_drift_check``: drift is why the
pipeline was started, broken data is not) ends the job with exit 3 and a message SageMaker shows as the
job's FailureReason, and the pipeline stops before training.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from container.__main__ import main  # installs the stop handler first, as `python -m container` does

EXIT_GATE_CLOSED = 3


def gate(env: dict[str, str]) -> int:
    code = main(env)
    if code != 0:
        return code  # a ClientError, a bug or a stop: the container's message already says which
    from container.contract import base_paths
    from container.write.message import write_message

    ignored = {c.strip() for c in env.get("gate_ignored_checks", "").split(",") if c.strip()}
    report = Path(env["output_path"]) / "constraint_violations.json"
    if not report.is_file():
        text = f"QualityGate: {report} was not written (nothing was compared); not retraining on this data."
    else:
        blocking = [v for v in json.loads(report.read_text())["violations"] if v["constraint_check_type"] not in ignored]
        if not blocking:
            return 0
        found = "; ".join(f"{v['constraint_check_type']} on {v['feature_name']}" for v in blocking[:10])
        text = f"QualityGate: {len(blocking)} violation(s) in the new training data block retraining: {found}"
    print(text, flush=True)
    write_message(base_paths(env).message, text[:1000])
    return EXIT_GATE_CLOSED


if __name__ == "__main__":
    sys.exit(gate(dict(os.environ)))
