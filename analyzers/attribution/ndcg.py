"""Feature attribution drift as SageMaker Clarify measures it: nDCG of the window's ranking of features against
the baseline's, with the baseline's attributions as the gains.

    DCG  = sum_i a(f'_i) / log2(i + 1)   (f'_i: the features ranked by the window's attributions)
    iDCG = sum_i a(f_i)  / log2(i + 1)   (f_i: ranked by the baseline's own)
    nDCG = DCG / iDCG; Clarify's monitor reports a violation when nDCG < 0.9.

A feature the window lacks ranks last; ties in the window's ranking are broken by the baseline's order, so a
window that changes nothing scores exactly 1.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

THRESHOLD = 0.9  # Clarify's default: nDCG below it is a violation


def ndcg(baseline: Mapping[str, float], current: Mapping[str, float]) -> float:
    """nDCG of ``current``'s ranking of the baseline's features, gains = the baseline's attributions."""
    if not baseline:
        return math.nan
    ideal = sorted(baseline, key=lambda f: -baseline[f])
    place = {f: i for i, f in enumerate(ideal)}
    ranked = sorted(ideal, key=lambda f: (-current.get(f, -math.inf), place[f]))
    idcg = sum(baseline[f] / math.log2(i + 2) for i, f in enumerate(ideal))
    dcg = sum(baseline[f] / math.log2(i + 2) for i, f in enumerate(ranked))
    return dcg / idcg if idcg else math.nan
