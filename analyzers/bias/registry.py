"""The metrics by short name, in report order; each description is its function's first doc line."""

from __future__ import annotations

from collections.abc import Callable

from analyzers.bias import posttraining as post
from analyzers.bias import pretraining as pre
from analyzers.bias.inputs import BiasInputs

Metric = Callable[[BiasInputs], "float | int"]


def _index(metrics: dict[str, Metric]) -> dict[str, tuple[Metric, str]]:
    out = {}
    for name, fn in sorted(metrics.items()):
        doc = (fn.__doc__ or "").strip().splitlines()
        if not doc or not doc[0].endswith(f"({name})"):
            raise ValueError(f"bias metric {name}: its docstring must start with its description ending in ({name})")
        out[name] = (fn, doc[0])
    return out


PRE_TRAINING = _index(
    {
        "CI": pre.class_imbalance,
        "DPL": pre.dpl,
        "KL": pre.kl_divergence,
        "JS": pre.js_divergence,
        "LP": pre.lp_norm,
        "TVD": pre.total_variation_distance,
        "KS": pre.kolmogorov_smirnov,
        "CDDL": pre.cddl,
    }
)
POST_TRAINING = _index(
    {
        "DPPL": post.dppl,
        "DI": post.disparate_impact,
        "DCA": post.dca,
        "DCR": post.dcr,
        "RD": post.recall_difference,
        "SD": post.specificity_difference,
        "DAR": post.dar,
        "DRR": post.drr,
        "AD": post.accuracy_difference,
        "CDDPL": post.cddpl,
        "TE": post.treatment_equality,
        "FT": post.flip_test,
        "GE": post.generalized_entropy,
    }
)
