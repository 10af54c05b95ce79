"""Fuzz fixtures: the world job-level cases run against, the worker pool every case runs in, and the
``fuzz_heavy`` marker.

Cases run in spawned worker processes (``runner.Isolated``): a hostile input can crash the interpreter
natively, and that must be a failing test, not the end of the test run. Tests marked ``fuzz_heavy``
(thousands of cases per reader, hundreds per document, hypothesis with shrinking) are skipped in the
normal run, which stays near two minutes; run them with ``FUZZ_HEAVY=1`` or ``-m fuzz_heavy``.
``scripts/fuzz_inputs.py`` runs the same properties for 10^5 cases and more.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.fuzz.runner import Isolated
from tests.fuzz.world import World, build_world

HEAVY = "fuzz_heavy"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{HEAVY}: long fuzz runs, skipped unless FUZZ_HEAVY=1 or -m {HEAVY}")


def heavy_selected(config: pytest.Config) -> bool:
    return bool(os.environ.get("FUZZ_HEAVY")) or HEAVY in (config.getoption("-m", default="") or "")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if heavy_selected(config):
        return
    skip = pytest.mark.skip(reason=f"heavy fuzz run: set FUZZ_HEAVY=1 or select -m {HEAVY}")
    for item in items:
        if HEAVY in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("fuzz-world"))


@pytest.fixture(scope="session")
def isolated(world: World) -> Iterator[Isolated]:
    with Isolated(min(2, len(os.sched_getaffinity(0))), world) as pool:
        yield pool
