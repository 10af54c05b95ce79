"""Reader-level fuzzing: every dataset reader, called through ``ingest`` as a job calls it.

For each reader (capture lines, CSV, JSON lines, JSON documents, Parquet) two kinds of cases:

- ``known``: good records mixed with records whose fate is fixed (made bad on purpose, outside the
  window, one row of the wrong width); every count is checked exactly, and the good records' profiles
  must be the same as when they are read alone;
- ``hostile``: the same plus wild mutations (byte flips, unbalanced quotes, embedded newlines, BOMs,
  NaN text, huge numbers, deep nesting, wrong types anywhere); the invariants and bounds apply.

Seeded sweeps (``RandomDraw(seed)``) give the volume; hypothesis runs the same generators (shrinking in
the heavy run, so a failure comes back as a small reproducer). Every case runs in a worker process
(``runner.Isolated``): a native crash is a failure, not the end of the test run. Replay one sweep case with
``python scripts/fuzz_inputs.py --replay reader:<kind>:<known|hostile>:<seed>``.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.fuzz.draw import strategy
from tests.fuzz.hostile import READER_KINDS, exact_classes
from tests.fuzz.runner import Isolated, Task, chunks, failure_report, sweep

# Cases per (reader, known|hostile) in the normal run and in the heavy one (FUZZ_HEAVY=1).
SWEEP = {"capture": 800, "csv": 600, "jsonl": 600, "json": 500, "parquet": 500}
HEAVY_SWEEP = 3000
PROPERTY_EXAMPLES = 25
HEAVY_PROPERTY_EXAMPLES = 500
# The normal run does not shrink (a failing sweep already names its smallest seed; shrinking one of these
# cases can take minutes); the heavy run does, to hand back a minimal reproducer.
NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)
SETTINGS = {
    "derandomize": True,
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
}


def _sweep(isolated: Isolated, kind: str, fates: str, cases: int) -> None:
    tally = sweep(isolated, chunks("reader", kind, fates, 0, cases, 50))
    if tally.failing:
        pytest.fail(failure_report(f"{fates} {kind}", tally, Task("reader", kind, fates, 0, 0)), pytrace=False)


@pytest.mark.parametrize("fates", ["known", "hostile"])
@pytest.mark.parametrize("kind", sorted(READER_KINDS))
def test_reader_sweep(isolated: Isolated, kind: str, fates: str) -> None:
    _sweep(isolated, kind, fates, SWEEP[kind])


@pytest.mark.fuzz_heavy
@pytest.mark.parametrize("fates", ["known", "hostile"])
@pytest.mark.parametrize("kind", sorted(READER_KINDS))
def test_reader_sweep_heavy(isolated: Isolated, kind: str, fates: str) -> None:
    _sweep(isolated, kind, fates, HEAVY_SWEEP)


def _property(isolated: Isolated, kind: str, fates: str, data: st.DataObject) -> None:
    case = data.draw(strategy(READER_KINDS[kind], **(exact_classes(kind) if fates == "known" else {})), label="case")
    verdict = isolated.check(case)
    assert not verdict.failures, f"{verdict.summary()}\n{case.describe()}"


@pytest.mark.parametrize("fates", ["known", "hostile"])
@pytest.mark.parametrize("kind", sorted(READER_KINDS))
@settings(max_examples=PROPERTY_EXAMPLES, phases=NO_SHRINK, **SETTINGS)
@given(data=st.data())
def test_reader_property(isolated: Isolated, kind: str, fates: str, data: st.DataObject) -> None:
    _property(isolated, kind, fates, data)


@pytest.mark.fuzz_heavy
@pytest.mark.parametrize("fates", ["known", "hostile"])
@pytest.mark.parametrize("kind", sorted(READER_KINDS))
@settings(max_examples=HEAVY_PROPERTY_EXAMPLES, **SETTINGS)
@given(data=st.data())
def test_reader_property_heavy(isolated: Isolated, kind: str, fates: str, data: st.DataObject) -> None:
    _property(isolated, kind, fates, data)
