"""What a job reads before any data: the baseline (statistics and constraints) and our settings (the
analysis config, and the Clarify bias or explainability config named by env)."""

from __future__ import annotations

from dataclasses import dataclass

from analyzers.constraints import Constraints
from analyzers.evaluate import BaselineFeatureView
from analyzers.types import InferredType
from container import settings as analysis_config
from container.bias_settings import parse_clarify
from container.contract import ANALYSIS_CONFIG, BIAS_CONFIG, EXPLAINABILITY_CONFIG, MonitorContract
from container.documents import parse_json
from container.errors import BaselineError, ConfigError
from container.explainability_settings import ExplainabilitySettings, parse_clarify_explainability
from container.load.baseline import BaselineStatistics, read_constraints, read_statistics
from container.settings import AnalysisConfig, BiasConfig
from container.settings_schema import DOCUMENT_KEYS
from container.sources import read_text

CLARIFY_KEYS = frozenset({"methods", "predictor"})  # a Clarify analysis_config.json at the top of ours


@dataclass(frozen=True, slots=True)
class Baseline:
    statistics: BaselineStatistics | None
    constraints: Constraints | None

    @property
    def names(self) -> tuple[str, ...]:
        if self.statistics is not None and self.statistics.features:
            return self.statistics.names
        return tuple(f.name for f in self.constraints.features) if self.constraints else ()

    @property
    def evaluate_columns(self) -> bool:
        return self.constraints is None or self.constraints.monitoring_config.evaluate_constraints

    def views(self) -> dict[str, BaselineFeatureView]:
        profiles = {f.profile.name: f.profile for f in self.statistics.features} if self.statistics else {}
        return {
            name: BaselineFeatureView(
                inferred_type=self.inferred_type(name),
                profile=profiles.get(name),
                constraint=self.constraints.feature(name) if self.constraints else None,
            )
            for name in self.names
        }

    def inferred_type(self, name: str) -> InferredType:
        for feature in self.statistics.features if self.statistics else ():
            if feature.profile.name == name:
                return feature.inferred_type
        constraint = self.constraints.feature(name) if self.constraints else None
        return constraint.inferred_type if constraint else InferredType.UNKNOWN


def read_baseline(contract: MonitorContract) -> tuple[Baseline, object]:
    statistics = read_statistics(contract.baseline_statistics) if contract.baseline_statistics else None
    constraints, embedded = (None, None)
    if contract.baseline_constraints:
        constraints, embedded = read_constraints(contract.baseline_constraints)
    baseline = Baseline(statistics, constraints)
    if not contract.is_baseline_job and not baseline.names:
        raise BaselineError(
            "the baseline lists no features (is it a model-quality or bias baseline?); point baseline_statistics "
            "and baseline_constraints at the statistics.json and constraints.json of a data-quality baseline job."
        )
    return baseline, embedded


def read_inputs(contract: MonitorContract) -> tuple[Baseline, AnalysisConfig]:
    """The data-quality baseline and our settings: env ``analysis_config`` first, else the section AWS's
    constraints carry (``read_config``)."""
    baseline, embedded = read_baseline(contract)
    return baseline, read_config(contract, embedded)


def read_config(contract: MonitorContract, embedded: object) -> AnalysisConfig:
    source = contract.analysis_config
    if source is not None:
        text = read_text(ANALYSIS_CONFIG, source)
        return analysis_config.parse_text(text, source=f"{ANALYSIS_CONFIG} {source}")
    if embedded is not None:
        return analysis_config.parse(embedded, source=f"{contract.baseline_constraints}: analysis_config")
    return AnalysisConfig()


def bias_config(contract: MonitorContract, config: AnalysisConfig) -> BiasConfig | None:
    """A Clarify analysis_config.json named by env ``bias_config`` wins over the config's ``bias``."""
    if contract.bias_config is None:
        return config.bias
    source, data = _settings_document(BIAS_CONFIG, contract.bias_config)
    return parse_clarify(data, source=source)


def explainability_inputs(contract: MonitorContract) -> tuple[AnalysisConfig, ExplainabilitySettings]:
    """Our settings and the feature-attribution settings, from the first of:

    - env ``explainability_config``: a Clarify explainability analysis_config.json (beside our analysis config);
    - env ``analysis_config`` holding Clarify's keys at its top level (``methods`` or ``predictor``), as Clarify's
      own file does: those keys are Clarify's, the keys of our analysis config (``limits``, ``report``, ...) ours;
    - our analysis config's ``explainability`` section;
    - neither: Kernel SHAP through the job's own endpoint with the defaults."""
    if contract.explainability_config is not None:
        source, data = _settings_document(EXPLAINABILITY_CONFIG, contract.explainability_config)
        return read_config(contract, None), parse_clarify_explainability(data, source=source)
    if contract.analysis_config is not None:
        source, data = _settings_document(ANALYSIS_CONFIG, contract.analysis_config)
        if isinstance(data, dict) and CLARIFY_KEYS & set(data):
            ours = {k: v for k, v in data.items() if k in DOCUMENT_KEYS}
            clarify = {k: v for k, v in data.items() if k not in DOCUMENT_KEYS}
            return analysis_config.parse(ours, source=source), parse_clarify_explainability(clarify, source=source)
        config = analysis_config.parse(data, source=source)
        return config, config.explainability or ExplainabilitySettings()
    return AnalysisConfig(), ExplainabilitySettings()


def _settings_document(setting: str, location: str) -> tuple[str, object]:
    """The decoded JSON document env ``setting`` names, and how messages name it."""
    source = f"{setting} {location}"
    return source, parse_json(read_text(setting, location), source=source, error=ConfigError)
