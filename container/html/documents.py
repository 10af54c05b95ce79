"""A run's documents, as the job wrote them: what the page and the trend are drawn from.

Each page is built from the files of its output folder (and the baseline's statistics), never from the
job's objects, so the trend page reads past runs with the same code. A file that is absent is simply a
section the run did not have; one that cannot be decoded is named on the page rather than sinking it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from container.contract import (
    ATTRIBUTION_FILE,
    BIAS_REPORT_FILE,
    DRIFT_REPORT_FILE,
    EXPECTATION_RESULTS_FILE,
    MULTIVARIATE_FILE,
    STATISTICS_FILE,
    VIOLATIONS_FILE,
)


@dataclass(frozen=True, slots=True)
class RunDocuments:
    statistics: dict[str, Any] | None = None
    violations: list[dict[str, Any]] = field(default_factory=list)
    drift: dict[str, Any] | None = None
    expectations: dict[str, Any] | None = None
    bias: dict[str, Any] | None = None
    multivariate: dict[str, Any] | None = None
    attribution: dict[str, Any] | None = None  # a feature-attribution job's feature_attribution.json
    unreadable: tuple[str, ...] = ()  # files present that could not be decoded, with the reason

    @property
    def model_quality(self) -> dict[str, Any]:
        """The model-quality sections of a model-quality job's statistics (``binary_classification_metrics``...)."""
        stats = self.statistics or {}
        return {k: v for k, v in stats.items() if k.endswith("_metrics") or k == "estimate_gap"}


def read_run(folder: Path) -> RunDocuments:
    problems: list[str] = []
    statistics = _read(folder / STATISTICS_FILE, problems)
    violations = _read(folder / VIOLATIONS_FILE, problems)
    analysis = _read(folder / BIAS_REPORT_FILE, problems)
    return RunDocuments(
        statistics=statistics,
        violations=list((violations or {}).get("violations") or []),
        drift=_read(folder / DRIFT_REPORT_FILE, problems),
        expectations=_read(folder / EXPECTATION_RESULTS_FILE, problems),
        # Clarify names both its bias report and its explanations analysis.json: explanations are not bias metrics.
        bias=None if analysis is None or "explanations" in analysis else analysis,
        multivariate=_read(folder / MULTIVARIATE_FILE, problems),
        attribution=_read(folder / ATTRIBUTION_FILE, problems),
        unreadable=tuple(problems),
    )


def read_json(path: Path | None, problems: list[str]) -> dict[str, Any] | None:
    return None if path is None else _read(path, problems)


def _read(path: Path, problems: list[str]) -> dict[str, Any] | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        problems.append(f"{path.name}: {exc}")
        return None
    if not isinstance(value, dict):
        problems.append(f"{path.name}: not a JSON object")
        return None
    return value
