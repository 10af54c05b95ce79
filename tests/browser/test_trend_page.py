"""trend.html from past runs (a local folder, the report_s3_uri hours on a moto server, and the job's own step)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, moto_client
from tests.e2e.conftest import baseline, sample  # noqa: F401 - fixtures of the sample run
from tests.e2e.jobs import monitor
from tests.golden.record import EXPECTED

# Three past runs of the churn schedule, in the hour layout the job uploads to.
RUNS = {
    "2024/01/19/17": "dq_monitor_plain",
    "2024/01/19/18": "dq_monitor_bad_share",
    "2024/01/19/19": "dq_monitor_drift_suite_bias",
}


@pytest.fixture
def history(tmp_path: Path) -> Path:
    root = tmp_path / "history"
    for hour, case in RUNS.items():
        shutil.copytree(EXPECTED / case / "processing" / "output", root / hour)
    return root


def _trend(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "scripts/report_trend.py", *args], cwd=ROOT, env=full, capture_output=True, text=True, timeout=120
    )


def _violations(hour: str) -> int:
    return len(
        json.loads((EXPECTED / RUNS[hour] / "processing" / "output" / "constraint_violations.json").read_text())["violations"]
    )


def test_the_trend_of_a_local_history(history, tmp_path, open_page):
    done = _trend(str(history), "-o", str(tmp_path / "trend.html"), "--title", "churn-hourly")
    assert done.returncode == 0, done.stderr
    opened = open_page(tmp_path / "trend.html", screenshot="trend-local-history.png")
    page = opened.page
    assert opened.console_errors == [] and opened.requests == []
    assert page.evaluate("document.scripts.length") == 0
    rows = page.locator("#violations table tr").all_inner_texts()[1:]
    assert [r.split("\t")[:2] for r in rows] == [[hour, str(_violations(hour))] for hour in RUNS]
    assert page.locator("#violations tr.current td").first.inner_text() == "2024/01/19/19"  # the latest is this run
    drift = json.loads((EXPECTED / RUNS["2024/01/19/19"] / "processing" / "output" / "drift_report.json").read_text())
    income = next(r for r in drift["features"] if r["name"] == "income")
    cells = page.locator("#drift table tr", has_text="income").first.locator("td").all_inner_texts()
    assert cells[0] == "income" and cells[-1] == f"{income['distances']['linf']:.3f}"
    assert cells[1] == "0.252"  # the run without a drift report: the distance in AWS's violation
    assert page.locator("#drift svg.chart").count() == 1 and page.locator("#completeness tr").count() > 5


def test_the_same_trend_from_the_report_s3_uri_hours(history, tmp_path, aws_env):
    s3 = moto_client("s3", aws_env)
    s3.create_bucket(Bucket="reports")
    for path in history.rglob("*.json"):
        s3.upload_file(str(path), "reports", f"churn/churn-hourly/{path.relative_to(history).as_posix()}")
    s3.put_object(Bucket="reports", Key="churn/churn-hourly/2024/01/19/19/report.html", Body=b"not read")
    local = _trend(str(history), "-o", str(tmp_path / "local.html"), "--title", "t")
    remote = _trend("s3://reports/churn/churn-hourly/", "-o", str(tmp_path / "s3.html"), "--title", "t", env=aws_env)
    assert local.returncode == 0 and remote.returncode == 0, remote.stderr
    assert (tmp_path / "local.html").read_bytes() == (tmp_path / "s3.html").read_bytes()
    only_two = _trend("s3://reports/churn/churn-hourly", "-o", str(tmp_path / "two.html"), "--last", "2", env=aws_env)
    assert "2 run(s), 2024/01/19/18 to 2024/01/19/19" in only_two.stdout


def test_a_history_that_is_not_there_is_a_clear_error(tmp_path):
    done = _trend(str(tmp_path / "nowhere"), "-o", str(tmp_path / "trend.html"))
    assert done.returncode == 2 and "is not a folder" in done.stderr and not (tmp_path / "trend.html").exists()


def test_the_job_writes_its_trend_and_links_it(history, tmp_path, sample, baseline, open_page):  # noqa: F811
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"report": {"history": str(history), "history_runs": 2}}))
    result = monitor(tmp_path / "ml", sample, baseline, analysis_config=str(config))
    assert result.returncode == 0, result.stdout + result.stderr
    out = tmp_path / "ml" / "processing" / "output"
    opened = open_page(out / "report.html")
    assert opened.page.locator("nav a", has_text="Trend across runs").get_attribute("href") == "trend.html"
    trend = open_page(out / "trend.html", screenshot="trend-job-step.png").page
    labels = [r.split("\t")[0] for r in trend.locator("#violations table tr").all_inner_texts()[1:]]
    assert labels == ["2024/01/19/18", "2024/01/19/19", "2024/01/19/20"]  # the last two past runs, then this one
    own = len(json.loads((out / "constraint_violations.json").read_text())["violations"])
    assert trend.locator("#violations tr.current").inner_text().split("\t")[:2] == ["2024/01/19/20", str(own)]


def test_the_page_can_be_switched_off(tmp_path, sample, baseline):  # noqa: F811
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"report": {"html": False}}))
    result = monitor(tmp_path / "ml", sample, baseline, analysis_config=str(config))
    assert result.returncode == 0, result.stdout + result.stderr
    out = tmp_path / "ml" / "processing" / "output"
    assert (out / "statistics.json").exists() and not (out / "report.html").exists()
