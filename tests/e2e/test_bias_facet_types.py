"""Numeric-coded facets end to end (issue 13, "types survive from capture to every step"): census columns
are codes (SEX 1/2, RAC1P 1..9). The profile calls them Integral, the bias step sees them as integers, and
Clarify's rule (an integer column with under 5% distinct values is categorical) makes ``value_or_threshold:
[2]`` the group ``SEX == 2``, not the threshold ``SEX > 2``. Every metric is checked against pandas on that
group; a facet value that selects nothing fails the baseline and is a violation in a window."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from analyzers.types import InferredType
from container.steps.sample_frame import window_frame
from tests.e2e.jobs import message, run_container

BIAS = {
    "label": "label",
    "label_values_or_threshold": [1],
    "facet": [
        {"name_or_index": "SEX", "value_or_threshold": [2]},
        {"name_or_index": "RAC1P", "value_or_threshold": [2]},
    ],
    "predicted_label": "score",
    "probability_threshold": 0.5,
    "bootstrap": {"resamples": 0},
}
HOUR = ("2024", "01", "19", "19")


def _census(rng: np.random.Generator, n: int, sex: np.ndarray | None = None) -> pd.DataFrame:
    sex = rng.choice(np.array([1, 2]), n) if sex is None else sex
    race = rng.choice(np.arange(1, 10), n, p=[0.6, 0.12, 0.02, 0.02, 0.02, 0.08, 0.02, 0.06, 0.06])
    age = rng.integers(18, 91, n)
    income = np.round(rng.lognormal(10.5, 0.5, n), 2)
    merit = (age - 45) / 20 + (np.log(income) - 10.5) / 0.5 - 0.4 * (sex == 2) - 0.3 * (race == 2)
    label = (merit + rng.normal(0, 1, n) > 0).astype(int)
    score = np.round(1 / (1 + np.exp(-(1.2 * merit - 0.5 * (sex == 2)))), 4)
    return pd.DataFrame({"score": score, "AGEP": age, "SEX": sex, "RAC1P": race, "PINCP": income, "label": label})


def _expected(frame: pd.DataFrame, d: pd.Series) -> dict[str, float]:
    """CI, DPL, DPPL, DI by their definitions, on the group d, in pandas."""
    y, yhat = frame["label"] == 1, frame["score"] > 0.5
    n_a, n_d = int((~d).sum()), int(d.sum())
    return {
        "CI": (n_a - n_d) / (n_a + n_d),
        "DPL": y[~d].mean() - y[d].mean(),
        "DPPL": yhat[~d].mean() - yhat[d].mean(),
        "DI": yhat[d].mean() / yhat[~d].mean(),
    }


def _metrics(report: dict, facet: str) -> tuple[str, dict[str, float]]:
    values = {}
    for stage in ("pre_training_bias_metrics", "post_training_bias_metrics"):
        [entry] = report[stage]["facets"][facet]
        values |= {m["name"]: m["value"] for m in entry["metrics"]}
    return entry["value_or_threshold"], values


def _write_config(path, **bias):
    path.write_text(json.dumps({"bias": {**BIAS, **bias}}))
    return path


@pytest.fixture(scope="module")
def census(tmp_path_factory):
    root = tmp_path_factory.mktemp("census")
    rng = np.random.default_rng(7)
    (root / "train").mkdir()
    train = _census(rng, 3000)
    train.to_csv(root / "train" / "census.csv", index=False)
    config = _write_config(root / "analysis_config.json")
    result = run_container(
        root,
        dataset_format='{"csv": {"header": true}}',
        dataset_source=str(root / "train"),
        output_path=str(root / "baseline"),
        analysis_config=str(config),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return root, config, train, rng


def _capture(root, window: pd.DataFrame, name: str):
    """Endpoint capture of ``window`` (CSV text, as an endpoint sees it) and its ground truth."""
    capture = root / name / "capture" / "ep" / "AllTraffic" / "/".join(HOUR)
    truth = root / name / "truth" / "/".join(HOUR[:3]) / "20"
    capture.mkdir(parents=True)
    truth.mkdir(parents=True)
    lines, labels = [], []
    for i, row in window.iterrows():
        inputs = f"{row.AGEP},{row.SEX},{row.RAC1P},{row.PINCP}"
        record = {
            "captureData": {
                "endpointInput": {"observedContentType": "text/csv", "mode": "INPUT", "data": inputs, "encoding": "CSV"},
                "endpointOutput": {
                    "observedContentType": "text/csv",
                    "mode": "OUTPUT",
                    "data": str(row.score),
                    "encoding": "CSV",
                },
            },
            "eventMetadata": {"eventId": f"e{i}", "inferenceTime": "2024-01-19T19:30:00Z"},
            "eventVersion": "0",
        }
        lines.append(json.dumps(record))
        labels.append(
            json.dumps(
                {
                    "groundTruthData": {"data": str(row.label), "encoding": "CSV"},
                    "eventMetadata": {"eventId": f"e{i}"},
                    "eventVersion": "0",
                }
            )
        )
    (capture / "00.jsonl").write_text("\n".join(lines) + "\n")
    (truth / "labels.jsonl").write_text("\n".join(labels) + "\n")
    return root / name


def _monitor(root, config, window_dir, tmp_path):
    return run_container(
        tmp_path,
        dataset_source=str(window_dir / "capture"),
        output_path=str(tmp_path / "out"),
        baseline_statistics=str(root / "baseline" / "statistics.json"),
        baseline_constraints=str(root / "baseline" / "constraints.json"),
        analysis_config=str(config),
        ground_truth_source=str(window_dir / "truth"),
        publish_cloudwatch_metrics="Enabled",
        sagemaker_endpoint_name="ep",
        sagemaker_monitoring_schedule_name="census",
        start_time="2024-01-19T19:00:00Z",
        end_time="2024-01-19T20:00:00Z",
    )


def test_coded_facets_are_categorical_at_the_baseline(census):
    root, _, train, _ = census
    report = json.loads((root / "baseline" / "analysis.json").read_text())
    shown, values = _metrics(report, "SEX")
    assert shown == "2"  # a category, not the interval (2, 2]
    for name, expected in _expected(train, train["SEX"] == 2).items():
        assert values[name] == pytest.approx(expected, abs=1e-12), name
    shown, values = _metrics(report, "RAC1P")
    assert shown == "2"
    for name, expected in _expected(train, train["RAC1P"] == 2).items():
        assert values[name] == pytest.approx(expected, abs=1e-12), name
    stats = {f["name"]: f["inferred_type"] for f in json.loads((root / "baseline" / "statistics.json").read_text())["features"]}
    assert stats == {"score": "Fractional", "AGEP": "Integral", "SEX": "Integral", "RAC1P": "Integral", "PINCP": "Fractional"}


def test_coded_facets_survive_endpoint_capture(census, tmp_path):
    """Captured CSV text, typed by the baseline, selects SEX == 2 in the window too."""
    root, config, _, rng = census
    window = _census(rng, 1500)
    result = _monitor(root, config, _capture(root, window, "window"), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((tmp_path / "out" / "analysis.json").read_text())
    shown, values = _metrics(report, "SEX")
    assert shown == "2"
    for name, expected in _expected(window, window["SEX"] == 2).items():
        assert values[name] == pytest.approx(expected, abs=1e-12), name
    violations = json.loads((tmp_path / "out" / "constraint_violations.json").read_text())["violations"]
    assert not [v for v in violations if v["constraint_check_type"] == "bias_facet_check"]


def test_a_facet_value_the_baseline_lacks_is_a_client_error(census, tmp_path):
    root, _, _, _ = census
    config = _write_config(tmp_path / "config.json", facet=[{"name_or_index": "SEX", "value_or_threshold": [3]}])
    result = run_container(
        tmp_path,
        dataset_format='{"csv": {"header": true}}',
        dataset_source=str(root / "train"),
        output_path=str(tmp_path / "baseline"),
        analysis_config=str(config),
    )
    assert result.returncode == 2, result.stdout + result.stderr
    text = message(tmp_path)
    assert text.startswith("ClientError: bias config: Facet 'SEX' with value_or_threshold [3] selects no row")
    assert "categorical, so the facet is the rows where SEX is one of [3]" in text
    assert "the column holds 1 (" in text and ", 2 (" in text


def test_a_window_without_the_facet_is_a_violation_not_empty_metrics(census, tmp_path):
    root, config, _, rng = census
    window = _census(rng, 600, sex=np.ones(600, dtype=int))  # only SEX == 1 this hour
    result = _monitor(root, config, _capture(root, window, "men_only"), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((tmp_path / "out" / "analysis.json").read_text())
    for stage in ("pre_training_bias_metrics", "post_training_bias_metrics"):
        [entry] = report[stage]["facets"]["SEX"]
        assert entry["metrics"] == [] and "selects no row of the 600 labelled rows" in entry["error"]
    _, race = _metrics(report, "RAC1P")  # the other facet is unaffected
    assert race["CI"] == pytest.approx(_expected(window, window["RAC1P"] == 2)["CI"], abs=1e-12)
    violations = json.loads((tmp_path / "out" / "constraint_violations.json").read_text())["violations"]
    [facet] = [v for v in violations if v["constraint_check_type"] == "bias_facet_check"]
    assert facet["feature_name"] == "SEX" and facet["facet_value"] == "2" and facet["selected_rows"] == 0
    assert "the column holds 1 (600 rows)" in facet["description"]
    assert "WARNING" in result.stdout + result.stderr and "Facet 'SEX'" in result.stdout + result.stderr
    assert message(tmp_path).startswith("CompletedWithViolations")


def test_window_frame_keeps_the_inferred_types():
    table = pa.table(
        {
            "SEX": ["1", "2", "2"],
            "AGEP": ["40", "", "41"],
            "PINCP": ["1", "2.5", "x"],
            "RAC1P": ["1", "2.5", "3"],  # Integral in the baseline, a fraction this window: no number is lost
            "region": ["a", None, "b"],
        }
    )
    types = {
        "SEX": InferredType.INTEGRAL,
        "AGEP": InferredType.INTEGRAL,
        "PINCP": InferredType.FRACTIONAL,
        "RAC1P": InferredType.INTEGRAL,
        "region": InferredType.STRING,
    }
    frame = window_frame(table, types)
    assert {c: str(t) for c, t in frame.dtypes.items()} == {
        "SEX": "int64",
        "AGEP": "Int64",
        "PINCP": "float64",
        "RAC1P": "float64",
        "region": "object",
    }
    assert frame["AGEP"].isna().tolist() == [False, True, False] and frame["RAC1P"].tolist() == [1.0, 2.5, 3.0]
    empty = window_frame(None, types)
    assert [str(t) for t in empty.dtypes] == ["int64", "int64", "float64", "int64", "object"]
