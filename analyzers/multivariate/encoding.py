"""The numeric encoding the multivariate drift methods share, fitted on the baseline's row sample.

A numeric feature is standardised by the baseline's mean and standard deviation (a missing value becomes the
mean, 0); a categorical feature becomes indicators of its most frequent levels (at most ``max_levels``), one
for every other level and one for missing, centred by the baseline's shares and scaled so that the feature's
indicators together have variance 1, as a numeric feature has. So every feature weighs the same in a
reconstruction, however many levels it has. Plain numbers and strings: it round-trips through JSON.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

OTHER, MISSING = "<other>", "<missing>"


@dataclass(frozen=True, slots=True)
class NumericCode:
    name: str
    mean: float
    scale: float


@dataclass(frozen=True, slots=True)
class CategoricalCode:
    name: str
    levels: tuple[str, ...]  # the kept levels, then OTHER and MISSING
    shares: tuple[float, ...]  # the baseline's share of each
    scale: float  # sqrt of the sum of the indicators' variances


@dataclass(frozen=True, slots=True)
class Encoding:
    numeric: tuple[NumericCode, ...]
    categorical: tuple[CategoricalCode, ...]

    @property
    def features(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.numeric) + tuple(c.name for c in self.categorical)

    @property
    def owners(self) -> tuple[str, ...]:
        """The feature each encoded column belongs to, in column order."""
        return tuple(c.name for c in self.numeric) + tuple(c.name for c in self.categorical for _ in c.levels)

    def encode(self, numbers: Mapping[str, np.ndarray], texts: Mapping[str, np.ndarray]) -> np.ndarray:
        """Rows x encoded columns. ``numbers``: float64 per numeric feature (NaN missing); ``texts``: object arrays
        of str or None per categorical feature."""
        blocks = []
        for code in self.numeric:
            x = np.asarray(numbers[code.name], dtype=np.float64)
            blocks.append(np.nan_to_num((x - code.mean) / code.scale, nan=0.0, posinf=0.0, neginf=0.0)[:, None])
        for code in self.categorical:
            blocks.append(_indicators(code, texts[code.name]))
        if not blocks:
            return np.empty((0, 0))
        return np.hstack(blocks)

    def to_json(self) -> dict[str, Any]:
        return {
            "numeric": [{"name": c.name, "mean": c.mean, "scale": c.scale} for c in self.numeric],
            "categorical": [
                {"name": c.name, "levels": list(c.levels), "shares": list(c.shares), "scale": c.scale} for c in self.categorical
            ],
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Encoding:
        return cls(
            tuple(NumericCode(d["name"], float(d["mean"]), float(d["scale"])) for d in doc["numeric"]),
            tuple(
                CategoricalCode(d["name"], tuple(d["levels"]), tuple(float(s) for s in d["shares"]), float(d["scale"]))
                for d in doc["categorical"]
            ),
        )


def fit_encoding(numbers: Mapping[str, np.ndarray], texts: Mapping[str, np.ndarray], max_levels: int) -> Encoding:
    numeric = []
    for name, values in numbers.items():
        x = np.asarray(values, dtype=np.float64)
        x = x[np.isfinite(x)]
        mean = float(x.mean()) if x.size else 0.0
        sd = float(x.std()) if x.size else 0.0
        numeric.append(NumericCode(name, mean, sd if sd > 0 and math.isfinite(sd) else 1.0))
    categorical = []
    for name, values in texts.items():
        counts = Counter(v for v in values if v is not None)
        kept = tuple(level for level, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:max_levels])
        levels = (*kept, OTHER, MISSING)
        shares = _indicators_raw(levels, values).mean(axis=0) if len(values) else np.zeros(len(levels))
        variance = float((shares * (1 - shares)).sum())
        categorical.append(CategoricalCode(name, levels, tuple(float(s) for s in shares), math.sqrt(variance) or 1.0))
    return Encoding(tuple(numeric), tuple(categorical))


def _indicators_raw(levels: tuple[str, ...], values: np.ndarray) -> np.ndarray:
    place = {level: i for i, level in enumerate(levels[:-2])}
    other, missing = len(levels) - 2, len(levels) - 1
    where = np.fromiter((missing if v is None else place.get(v, other) for v in values), dtype=np.int64, count=len(values))
    out = np.zeros((len(values), len(levels)))
    out[np.arange(len(values)), where] = 1.0
    return out


def _indicators(code: CategoricalCode, values: np.ndarray) -> np.ndarray:
    return (_indicators_raw(code.levels, values) - np.asarray(code.shares)) / code.scale
