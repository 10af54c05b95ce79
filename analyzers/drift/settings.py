"""Settings of the statistical drift rule, layered: per feature > per kind > global > default."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Correction(StrEnum):
    BENJAMINI_HOCHBERG = "benjamini-hochberg"
    HOLM = "holm"


class Effect(StrEnum):
    """Effect sizes a drift verdict can require; each has its own practical floor."""

    LINF = "linf"  # largest CDF gap (numeric) or share gap (categorical)
    PSI = "psi"  # population stability index on aligned buckets
    JS = "js"  # Jensen-Shannon distance (base 2, in [0, 1]) on aligned buckets
    WASSERSTEIN = "wasserstein"  # earth mover's distance in units of the baseline's standard deviation


# Floors for the *estimated* effect. L-infinity 0.075 catches 95% of true shifts of 0.1 from 1,000
# records on (the estimate's own noise is about 0.016 there) while ignoring harmless ones; the others
# follow common practice (PSI 0.1 "moderate shift", JS 0.1, a tenth of a standard deviation moved).
DEFAULT_FLOORS = {Effect.LINF: 0.075, Effect.PSI: 0.1, Effect.JS: 0.1, Effect.WASSERSTEIN: 0.1}


@dataclass(frozen=True, slots=True)
class MethodSettings:
    """What one feature needs to be called drifted. ``None`` fields inherit from the next layer."""

    effect: Effect | None = None
    floor: float | None = None
    min_samples: int | None = None


@dataclass(frozen=True, slots=True)
class Resolved:
    effect: Effect
    floor: float
    min_samples: int


@dataclass(frozen=True, slots=True)
class DriftSettings:
    correction: Correction = Correction.BENJAMINI_HOCHBERG
    # Under no drift at all, about this share of jobs raise any alarm (BH and Holm both control the
    # chance of any false alarm at this level); half the 1% we promise, to leave room for noise.
    level: float = 0.005
    default: MethodSettings = field(default_factory=MethodSettings)
    numeric: MethodSettings = field(default_factory=MethodSettings)
    categorical: MethodSettings = field(default_factory=MethodSettings)
    features: tuple[tuple[str, MethodSettings], ...] = ()

    def resolve(self, feature: str, numeric: bool) -> Resolved:
        """
        >>> s = DriftSettings(numeric=MethodSettings(effect=Effect.PSI), features=(("x", MethodSettings(floor=0.3)),))
        >>> s.resolve("x", numeric=True)
        Resolved(effect=<Effect.PSI: 'psi'>, floor=0.3, min_samples=50)
        >>> s.resolve("c", numeric=False)
        Resolved(effect=<Effect.LINF: 'linf'>, floor=0.075, min_samples=50)
        """
        layers = [dict(self.features).get(feature), self.numeric if numeric else self.categorical, self.default]
        effect = next((m.effect for m in layers if m is not None and m.effect is not None), Effect.LINF)
        floor = next((m.floor for m in layers if m is not None and m.floor is not None), DEFAULT_FLOORS[effect])
        min_samples = next((m.min_samples for m in layers if m is not None and m.min_samples is not None), 50)
        return Resolved(effect=effect, floor=floor, min_samples=min_samples)
