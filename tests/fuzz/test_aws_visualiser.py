"""AWS's Model Monitor visualisation notebook groups violations by ``feature_name`` before drawing its table.

Source: aws/amazon-sagemaker-examples, ``sagemaker_model_monitor/visualization/utils.py``,
``group_by_feature(baseline_statistics, latest_statistics, violations)``, which reads
``violation["feature_name"]`` for every violation (used by ``SageMaker-Model-Monitor-Visualize.ipynb``).
``checks.group_by_feature`` applies the same grouping with pandas. Every data-quality
``constraint_violations.json`` our jobs write must survive it: the ones written here for every kind of
violation (column-count violations included), and every one other tests of this session left in pytest's
temporary folders. Model-quality violation files (AWS's MonitoringCustomMetrics format, grouped by metric)
are not for this notebook and are left out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import AWS
from tests.fuzz.cases import CAPTURE_FORMAT
from tests.fuzz.documents import clarify_config
from tests.fuzz.job_checks import run_main
from tests.fuzz.schemas import MODEL_QUALITY_OPERATORS, group_by_feature
from tests.fuzz.world import World


def test_the_grouping_reads_aws_own_violations():
    violations = json.loads((AWS / "monitor_constraint_violations.json").read_text())["violations"]
    groups = group_by_feature(violations)
    assert groups["fare_amount"] == ["data_type_check"]
    assert sum(len(v) for v in groups.values()) == len(violations)


def test_the_grouping_refuses_a_violation_without_feature_name():
    with pytest.raises(KeyError):
        group_by_feature([{"constraint_check_type": "missing_column_check", "description": "x"}])


def _capture(folder: Path, rows: list[str], output: str = "0.5") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps(
            {
                "captureData": {
                    "endpointInput": {"observedContentType": "text/csv", "mode": "INPUT", "data": row, "encoding": "CSV"},
                    "endpointOutput": {"observedContentType": "text/csv", "mode": "OUTPUT", "data": output, "encoding": "CSV"},
                },
                "eventMetadata": {"eventId": f"v{i}", "inferenceTime": "2024-01-19T19:30:00Z"},
                "eventVersion": "0",
            }
        )
        for i, row in enumerate(rows)
    ]
    (folder / "c.jsonl").write_text("\n".join(lines) + "\n")
    return folder


def _jobs(world: World, root: Path) -> dict[str, dict[str, str]]:
    """One job per kind of data-quality violation our container writes."""
    good = "40,50000.5,F,north,basic"
    csv = root / "named"
    csv.mkdir(parents=True)
    (csv / "d.csv").write_text(
        "score,age,income,sex,region,zip\n" + "\n".join(f"0.5,{30 + i},4000{i}.5,M,south,{i}" for i in range(40)) + "\n"
    )
    drift = root / "drift.json"
    drift.write_text(json.dumps({"drift": {"level": 0.05, "min_samples": 10}}))
    clarify = root / "clarify.json"
    clarify.write_text(json.dumps(clarify_config() | {"baseline": str(world.bias_baseline)}))

    def env(name: str, **extra: str) -> dict[str, str]:
        return world.monitor_env(str(root / name)) | extra

    return {
        "drift and unseen categories": env("plain"),
        "too few columns (column count)": env("narrow", dataset_source=str(_capture(root / "narrow-data", ["1,2,3"] * 30))),
        "too many columns (column count)": env("wide", dataset_source=str(_capture(root / "wide-data", [good + ",x,y"] * 30))),
        "missing and extra columns by name": env("named", dataset_format='{"csv": {"header": true}}', dataset_source=str(csv)),
        "types, completeness, negatives": env(
            "types", dataset_source=str(_capture(root / "types-data", ["abc,,F,north,basic", "41,-5.5,F,south,plus"] * 20))
        ),
        "expectation suite": env("suite", expectation_suite=str(world.suite)),
        "statistical drift": env("statdrift", analysis_config=str(drift)),
        "bias drift": env("bias", bias_config=str(clarify), ground_truth_source=str(world.truth)),
        "capture format named in full": env("format", dataset_format=CAPTURE_FORMAT),
    }


def _data_quality(path: Path) -> list[dict] | None:
    """The violations of a data-quality violations file (None for model-quality ones)."""
    violations = json.loads(path.read_text(encoding="utf-8")).get("violations", [])
    if violations and all(v.get("constraint_check_type") in MODEL_QUALITY_OPERATORS for v in violations):
        return None
    return violations


def test_every_violations_file_groups_by_feature_as_aws_visualiser_does(world, tmp_path, tmp_path_factory):
    written = []
    for name, env in _jobs(world, tmp_path).items():
        code, logged, escaped = run_main(env)
        assert code in (0, 2) and escaped is None, f"{name}: exit {code} {logged} {escaped}"
        path = Path(env["output_path"]) / "constraint_violations.json"
        if path.exists():
            written.append((name, path))
    kinds = {v["constraint_check_type"] for _, p in written for v in json.loads(p.read_text())["violations"]}
    assert {"missing_column_check", "extra_column_check", "baseline_drift_check", "data_type_check"} <= kinds, kinds
    # Every other violations file this session's tests wrote (pytest keeps their temporary folders).
    written += [("another test", p) for p in sorted(tmp_path_factory.getbasetemp().rglob("constraint_violations.json"))]
    lacking = []
    for name, path in dict.fromkeys(written):
        violations = _data_quality(path)
        if violations is None:
            continue
        try:
            group_by_feature(violations)
        except KeyError:
            lacking += [f"{name}: {path}: {v}" for v in violations if not v.get("feature_name")]
    assert not lacking, "violations AWS's visualiser cannot group (no feature_name):\n" + "\n".join(lacking[:20])
