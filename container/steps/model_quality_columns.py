"""The model's outputs and the labels as typed arrays: the columns the model-quality settings name,
read from the window's (or the baseline's) row sample."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzers.model_quality import metrics as m
from analyzers.model_quality.report import Labelled
from container.errors import ConfigError
from container.load.rows import KEY_COLUMN
from container.model_quality_settings import ModelQualitySettings


def column(frame: pd.DataFrame, attribute: str | None, what: str) -> pd.Series | None:
    if attribute is None:
        return None
    # A column's own name first (a header may name a column "1"), else a CSV position.
    name = attribute if attribute in frame or not attribute.isdigit() else f"_c{attribute}"
    if name not in frame:
        shown = ", ".join(c for c in frame.columns if c != KEY_COLUMN)[:200]
        raise ConfigError(f"{what}={attribute!r} names no column of the data (columns: {shown}). Fix the attribute.")
    return frame[name]


def labelled(settings: ModelQualitySettings, frame: pd.DataFrame, labels: pd.Series) -> Labelled:
    """Typed ground truth, predictions and (binary) scores of the labelled rows."""
    keep = labels.notna().to_numpy()
    score = column(frame, settings.probability_attribute, "probability_attribute")
    inference = column(frame, settings.inference_attribute, "inference_attribute")
    if inference is None and score is None:
        raise ConfigError("set inference_attribute (the predicted label or value) or probability_attribute (the score).")
    if inference is None and settings.problem_type != m.BINARY:
        raise ConfigError(
            f"problem_type={settings.problem_type} needs inference_attribute (the predicted label or value); "
            "a score gives a prediction only for BinaryClassification."
        )
    scores = None if score is None else pd.to_numeric(score, errors="coerce").to_numpy(dtype=float)
    if settings.problem_type == m.REGRESSION:
        return Labelled(m.REGRESSION, floats(labels)[keep], floats(inference)[keep])
    if settings.problem_type == m.BINARY:
        y = floats(labels)[keep] == 1
        yhat = scores[keep] > settings.probability_threshold if inference is None else floats(inference)[keep] == 1
        return Labelled(m.BINARY, y, yhat, None if scores is None else scores[keep])
    return Labelled(m.MULTICLASS, texts(labels)[keep], texts(inference)[keep])


def floats(column: pd.Series | None) -> np.ndarray:
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)  # type: ignore[arg-type]


def texts(column: pd.Series | None) -> np.ndarray:
    column = pd.Series(column)  # a lone value (one labelled row) reads as a scalar
    numbers = pd.to_numeric(column, errors="coerce")
    if numbers.notna().all() and (numbers == numbers.round()).all():
        return numbers.astype("int64").astype(str).to_numpy()
    return column.astype(str).to_numpy()  # type: ignore[union-attr]


def class_scores(settings: ModelQualitySettings, frame: pd.DataFrame) -> np.ndarray:
    """One column of scores per class named in ``class_probability_attributes``, in that order."""
    return np.column_stack(
        [floats(column(frame, a, f"class_probability_attributes[{c!r}]")) for c, a in settings.class_probabilities]
    )
