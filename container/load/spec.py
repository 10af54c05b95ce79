"""What reading a dataset needs to know, and nothing more: the readers and the worker processes get this
small, picklable specification, never the whole contract or analysis config."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from analyzers.types import InferredType
from container.contract import MonitorContract
from container.dataset_format import DatasetFormat
from container.load.window import TimeWindow
from container.settings import AnalysisConfig, ColumnsConfig, LimitsConfig, PayloadConfig


@dataclass(frozen=True, slots=True)
class ReaderSettings:
    """The analysis config's sections the readers use: record limits, where records sit in a payload,
    and the names of a capture's input and output columns."""

    limits: LimitsConfig = field(default_factory=LimitsConfig)
    payload: PayloadConfig = field(default_factory=PayloadConfig)
    columns: ColumnsConfig = field(default_factory=ColumnsConfig)

    @classmethod
    def of(cls, config: AnalysisConfig) -> ReaderSettings:
        return cls(config.limits, config.payload, config.columns)


@dataclass(frozen=True, slots=True)
class ReadSpec:
    """One dataset to read: where, in which format, which window, with which column names and types
    (``types`` None: a baseline job, which infers them), and what row sample to keep."""

    source: Path
    uri: str | None  # dataset_source given as an s3:// prefix: fetched into ``source`` first
    format: DatasetFormat
    window: TimeWindow
    names: tuple[str, ...] | None
    types: dict[str, InferredType] | None
    settings: ReaderSettings
    sample_rows: int | None = None
    seed: int = 0
    record_keys: bool = False  # the sample also holds each captured record's ground-truth join key


def read_spec(
    contract: MonitorContract,
    config: AnalysisConfig,
    names: tuple[str, ...] | None,
    types: dict[str, InferredType] | None,
    sample_rows: int | None = None,
    seed: int = 0,
    record_keys: bool = False,
) -> ReadSpec:
    return ReadSpec(
        source=contract.dataset_source,
        uri=contract.dataset_uri,
        format=contract.dataset_format,
        window=TimeWindow(contract.start_time, contract.end_time),
        names=names,
        types=types,
        settings=ReaderSettings.of(config),
        sample_rows=sample_rows,
        seed=seed,
        record_keys=record_keys,
    )
