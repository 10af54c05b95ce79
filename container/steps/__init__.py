"""The optional analyses of a monitoring job, behind one shape.

A step takes what it needs (settings, the window's profiles or row sample, the baseline) and returns a
``StepResult``: its findings (violations), CloudWatch metrics, the documents it reports (written by
``write.report``, the only writer) and a note for the status message. Steps never write files; a job
lists the steps it runs and adds their results up.

- ``drift``: the statistical drift rule over the window's profiles (``drift`` section of the config).
- ``expectations``: a Great Expectations suite over the row sample.
- ``bias``: Clarify's bias metrics over the labelled row sample, and bias drift against a baseline.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzers.findings import Finding
from container.write.cloudwatch import Metric
from container.write.report import Document


@dataclass(frozen=True, slots=True)
class StepResult:
    findings: tuple[Finding, ...] = ()
    metrics: tuple[Metric, ...] = ()
    documents: tuple[Document, ...] = ()
    note: str = ""

    def __add__(self, other: StepResult) -> StepResult:
        return StepResult(
            self.findings + other.findings,
            self.metrics + other.metrics,
            self.documents + other.documents,
            self.note + other.note,
        )
