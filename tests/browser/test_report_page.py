"""report.html in a real browser: the sample run's page, a hostile feature name, model quality, and its size."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from analyzers.profile import profile_column
from analyzers.suggest import infer_type
from container.html.context import RunContext
from container.html.documents import read_run
from container.html.page import report_page
from container.load.columns import normalise
from container.write.statistics import statistics_document
from tests.e2e.conftest import baseline, sample  # noqa: F401 - fixtures of the sample run
from tests.e2e.jobs import monitor
from tests.golden.record import EXPECTED

DRIFT = {"drift": {"correction": "benjamini-hochberg", "level": 0.01}}


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory, sample, baseline):  # noqa: F811
    base = tmp_path_factory.mktemp("report-run")
    config = base / "analysis_config.json"
    config.write_text(json.dumps(DRIFT))
    result = monitor(
        base, sample, baseline, analysis_config=str(config), expectation_suite=str(baseline / "expectation_suite.json")
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return base / "processing" / "output"


def test_the_sample_runs_page_shows_every_violation_and_feature_with_its_evidence(sample_run, open_page):
    violations = json.loads((sample_run / "constraint_violations.json").read_text())["violations"]
    features = [f["name"] for f in json.loads((sample_run / "statistics.json").read_text())["features"]]
    drift = json.loads((sample_run / "drift_report.json").read_text())
    opened = open_page(sample_run / "report.html", screenshot="report-sample-run.png")
    page = opened.page
    assert opened.console_errors == [] and opened.requests == []
    assert page.evaluate("document.scripts.length") == 0

    listed = page.locator("#violations ol > li")
    assert listed.count() == len(violations) > 0
    texts = listed.all_inner_texts()
    for v in violations:  # every violation, by its own description
        assert sum(v["description"] in t for t in texts) >= 1, v["description"]
    for href in page.locator("#violations a.evidence").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert page.locator(href).count() == 1, href  # each link lands on its evidence

    assert sorted(page.locator("#features .feature h3 .name").all_inner_texts()) == sorted(features)
    assert page.locator("#features svg.chart").count() == len(features)  # a distribution for every feature

    drifted = sorted(r["name"] for r in drift["features"] + drift["predictions"] if r["status"] == "drift")
    shown = sorted(page.locator(".feature.drifted h3 .name").all_inner_texts())
    assert shown == drifted and drifted  # the sample window's shifted features, and only those
    first = page.locator("#features .feature h3 .name").first.inner_text()
    assert first in {v["feature_name"] for v in violations}  # the features with violations come first
    assert page.locator("#expectations tr").count() > 1
    age = page.locator(".feature", has=page.locator("h3 .name", has_text="age")).locator("tr", has_text="value types")
    assert age.inner_text().split("\t")[-1] == "integral 100%"  # the sample's ages are whole numbers
    read = page.locator("#summary tr", has_text="records").first.inner_text()
    assert "2,000 read = 1,925 kept + 2 bad + 73 outside the window" in read  # the log's counts (bench: tests/e2e)


def test_a_hostile_feature_name_and_values_are_text(tmp_path, open_page):
    name = "<script>window.pwned = 1</script>"
    value = '<img src="x" onerror="window.pwned = 2">'
    texts = pa.array([value, "$x$ mathtext", "plain"] * 30)
    profile = profile_column(normalise(name, texts, keep_texts=True))
    stats = statistics_document(profile.types.total, [(profile, infer_type(profile.types))])
    (tmp_path / "statistics.json").write_text(json.dumps(stats))
    violation = {"constraint_check_type": "data_type_check", "feature_name": name, "description": f"<b>{value}</b>"}
    (tmp_path / "constraint_violations.json").write_text(json.dumps({"violations": [violation]}))
    context = RunContext(
        job="monitoring", message="CompletedWithViolations: </div><script>window.pwned=3</script>", baseline_statistics=stats
    )
    (tmp_path / "report.html").write_text(report_page(context, read_run(tmp_path)))

    opened = open_page(tmp_path / "report.html", screenshot="report-hostile-names.png")
    page = opened.page
    assert opened.console_errors == [] and opened.requests == []
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.evaluate("document.scripts.length") == 0 and page.locator("img").count() == 0
    assert page.locator("#features h3 .name").first.evaluate("n => n.textContent") == name
    assert value in page.locator("#violations li").first.inner_text()
    assert "window.pwned=3" in page.locator("#status").inner_text()
    labels = page.locator("svg.chart text").evaluate_all("ts => ts.map(t => t.textContent)")
    assert value[:23] + "…" in labels and "$x$ mathtext" in labels  # as text, cut to 24 characters; no mathtext


def test_model_quality_shows_its_curves_confusion_matrix_and_estimate(tmp_path, open_page):
    folder = EXPECTED / "mq_binary_monitor" / "processing" / "output"
    stats = json.loads((folder / "statistics.json").read_text())
    count = len(json.loads((folder / "constraint_violations.json").read_text())["violations"])
    context = RunContext(
        job="model quality", message=f"CompletedWithViolations: Job completed successfully with {count} violations."
    )
    (tmp_path / "report.html").write_text(report_page(context, read_run(folder)))
    opened = open_page(tmp_path / "report.html", screenshot="report-model-quality.png")
    page = opened.page
    assert opened.console_errors == [] and opened.requests == []
    titles = page.locator("#model-quality svg.chart > title").evaluate_all("ts => ts.map(t => t.textContent)")
    assert titles == ["ROC curve", "Precision-recall curve"]
    matrix = stats["binary_classification_metrics"]["confusion_matrix"]
    cells = page.locator("#model-quality table").nth(-1).locator("td").all_inner_texts()
    assert [int(c.replace(",", "")) for c in cells] == [matrix[a][p] for a in sorted(matrix) for p in sorted(matrix)]
    estimated = stats["estimated_binary_classification_metrics"]["auc"]
    body = page.locator("#model-quality").inner_text()
    assert "estimated binary classification metrics" in body
    realised = stats["binary_classification_metrics"]["auc"]["value"]
    row = page.locator("#model-quality table", has_text="realised (labels)").locator("tr", has_text="auc").first.inner_text()
    assert row.split("\t") == [
        "auc",
        f"{estimated['value']:.6g}",
        f"{estimated['lower']:.6g} – {estimated['upper']:.6g}",
        f"{realised:.6g}",
    ]


def _statistics(features: int, records: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    profiles = []
    for i in range(features):
        if i % 4 == 3:
            values = pa.array(rng.choice(["a", "b", "c", "d", "e"], records).tolist())
        else:
            values = pa.array([repr(float(v)) for v in rng.normal(i, 1 + i, records)])
        profile = profile_column(normalise(f"feature_{i}", values, keep_texts=True))
        profiles.append((profile, infer_type(profile.types)))
    return statistics_document(records, profiles)


def page_size(tmp_path: Path, features: int, records: int) -> int:
    folder = tmp_path / f"{features}-{records}"
    folder.mkdir()
    (folder / "statistics.json").write_text(json.dumps(_statistics(features, records, 1)))
    context = RunContext(job="monitoring", message="Completed: ok", baseline_statistics=_statistics(features, 2_000, 2))
    return len(report_page(context, read_run(folder)).encode())


def test_the_page_does_not_grow_with_the_records(tmp_path):
    small, large = page_size(tmp_path, 12, 1_000), page_size(tmp_path, 12, 100_000)
    assert abs(large - small) / small < 0.03, (small, large)  # only the digits of the counts differ
    assert small / 12 < 10_000  # bytes per feature: 200 features stay far below 2 MB


def test_multivariate_drift_has_its_section_and_its_violations_link_to_it(tmp_path, open_page):
    from tests.e2e.test_multivariate_job import CONFIG, _monitor, baseline_job

    done = baseline_job(tmp_path, CONFIG, rows_=6_000)
    assert done.returncode == 0, done.stdout + done.stderr
    doc, violations, _ = _monitor(tmp_path / "run", tmp_path, "broken dependency")
    opened = open_page(tmp_path / "run" / "processing" / "output" / "report.html", screenshot="report-multivariate.png")
    page = opened.page
    assert opened.console_errors == [] and opened.requests == []
    methods = page.locator("#multivariate tr").all_inner_texts()[1:]
    assert len(methods) == 2 and all("\tdrifted\t" in m for m in methods), methods
    assert f"{doc['domain_classifier']['auc']:.6g}"[:5] in methods[1]
    assert "currency" in methods[1] and "country" in methods[1]
    found = [v for v in violations if v["constraint_check_type"] == "multivariate_drift_check"]
    links = page.locator("#violations li", has_text="Multivariate").locator("a.evidence")
    assert links.count() == len(found) == 2
    assert set(links.evaluate_all("links => links.map(a => a.getAttribute('href'))")) == {"#multivariate"}
