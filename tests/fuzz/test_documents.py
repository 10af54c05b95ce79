"""Job-level fuzzing: ``container.__main__.main`` in-process with one hostile input at a time.

Every document a job reads (baseline statistics.json and constraints.json, AWS's and ours; the analysis
config; a Clarify bias config; a Great Expectations suite; processingjobconfig.json; resourceconfig.json),
every environment value, the dataset itself and ground truth, each mutated (types swapped list <-> dict <->
string <-> number <-> NaN <-> null, keys deleted or added, truncation, byte flips, BOM, non-UTF-8, UTF-16,
deep nesting). Whatever the input: exit 0 or 2, never 1; a message that starts with Completed,
CompletedWithViolations or ClientError; outputs valid JSON in AWS's schema, or absent; no ``.tmp`` left.

Replay one case with ``python scripts/fuzz_inputs.py --replay job:<kind>:<seed>``.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.fuzz.draw import strategy
from tests.fuzz.jobs import BUILDERS, DOCUMENT_KINDS
from tests.fuzz.runner import Isolated, Task, chunks, failure_report, sweep
from tests.fuzz.world import World

# Cases per document kind: the normal run, and the heavy one (FUZZ_HEAVY=1). Fairness and Great
# Expectations runs cost 0.3-1 s each, the others 10-50 ms.
SWEEP = {
    "statistics": 150, "constraints": 150, "analysis_config": 50, "bias_config": 25, "suite": 8,
    "processingjobconfig": 100, "resourceconfig": 80, "env": 200, "data": 150, "ground_truth": 10,
}  # fmt: skip
HEAVY_SWEEP = {kind: 300 for kind in DOCUMENT_KINDS} | {"suite": 100, "ground_truth": 100, "bias_config": 150}


def _sweep(isolated: Isolated, kind: str, cases: int) -> None:
    tally = sweep(isolated, chunks("job", kind, "", 0, cases, 10))
    if tally.failing:
        pytest.fail(failure_report(kind, tally, Task("job", kind, "", 0, 0)), pytrace=False)


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_job_sweep(isolated: Isolated, kind: str) -> None:
    _sweep(isolated, kind, SWEEP[kind])


@pytest.mark.fuzz_heavy
@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_job_sweep_heavy(isolated: Isolated, kind: str) -> None:
    _sweep(isolated, kind, HEAVY_SWEEP[kind])


@pytest.mark.fuzz_heavy
@pytest.mark.parametrize("kind", [k for k in DOCUMENT_KINDS if k not in ("suite", "ground_truth", "bias_config")])
@settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    database=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
@given(data=st.data())
def test_job_property(world: World, isolated: Isolated, kind: str, data: st.DataObject) -> None:
    case = data.draw(strategy(BUILDERS[kind], world=world), label="case")
    verdict = isolated.check(case)
    assert not verdict.failures, f"{verdict.summary()}\n{case.describe()}"
