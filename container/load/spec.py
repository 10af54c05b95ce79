"""What reading a dataset needs to know, and nothing more: the readers and the worker processes get this
small, picklable specification, never the whole contract or analysis config."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from analyzers.quality.native_expectations import NativeExpectation
from analyzers.types import InferredType
from container.contract import RECORD_PREPROCESSOR_SCRIPT, MonitorContract
from container.dataset_format import DatasetFormat, FormatKind
from container.hooks.script import UserScript
from container.load.window import TimeWindow
from container.settings import AnalysisConfig, ColumnsConfig, LimitsConfig, PayloadConfig, TrafficConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReaderSettings:
    """The analysis config's sections the readers use: record limits, where records sit in a payload, the
    names of a capture's input and output columns, the traffic filters; and the user's record preprocessor."""

    limits: LimitsConfig = field(default_factory=LimitsConfig)
    payload: PayloadConfig = field(default_factory=PayloadConfig)
    columns: ColumnsConfig = field(default_factory=ColumnsConfig)
    traffic: TrafficConfig = field(default_factory=TrafficConfig)
    preprocessor: UserScript | None = None

    @classmethod
    def of(cls, config: AnalysisConfig, preprocessor: UserScript | None = None) -> ReaderSettings:
        return cls(config.limits, config.payload, config.columns, config.traffic, preprocessor)

    @property
    def record_by_record(self) -> bool:
        """Filters and a preprocessor see every record whole: no vectorised block skips them."""
        return self.traffic.active or self.preprocessor is not None


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
    expectations: tuple[NativeExpectation, ...] = ()  # column expectations evaluated on every row as it is read


def read_spec(
    contract: MonitorContract,
    config: AnalysisConfig,
    names: tuple[str, ...] | None,
    types: dict[str, InferredType] | None,
    sample_rows: int | None = None,
    seed: int = 0,
    record_keys: bool = False,
    expectations: tuple[NativeExpectation, ...] = (),
) -> ReadSpec:
    return ReadSpec(
        source=contract.dataset_source,
        uri=contract.dataset_uri,
        format=contract.dataset_format,
        window=TimeWindow(contract.start_time, contract.end_time),
        names=names,
        types=types,
        settings=ReaderSettings.of(config, _preprocessor(contract)),
        sample_rows=sample_rows,
        seed=seed,
        record_keys=record_keys,
        expectations=expectations,
    )


def _preprocessor(contract: MonitorContract) -> UserScript | None:
    """The user's record preprocessor, read and loaded here, so a broken script stops the job before any data
    is read. It applies to captured records (AWS's hook receives a capture record); other formats are read as
    they are, and the log says so."""
    if contract.record_preprocessor_script is None:
        return None
    if contract.dataset_format.kind is not FormatKind.CAPTURE:
        log.warning(
            "%s is set but the dataset is %s, not captured records: the script is not applied",
            RECORD_PREPROCESSOR_SCRIPT,
            contract.dataset_format.kind,
        )
        return None
    script = UserScript.read(RECORD_PREPROCESSOR_SCRIPT, contract.record_preprocessor_script)
    script.function("preprocess_handler")
    return script
