"""The feature-attribution job's report.html in a real browser: its section ranks the features on both sides,
shows nDCG with its interval, and the violation links to it."""

from __future__ import annotations

import json

from tests.e2e.test_explainability_job import SWAPPED, _monitor, baseline, served  # noqa: F401 - fixtures
from tests.model_server import logistic


def test_the_attribution_section_ranks_both_sides_and_the_violation_links_to_it(baseline, served, open_page):  # noqa: F811
    served.model = logistic(SWAPPED)
    result = _monitor(baseline, served, "page")
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((baseline / "page" / "feature_attribution.json").read_text())
    opened = open_page(baseline / "page" / "report.html", screenshot="report-attribution.png")
    page = opened.page
    assert opened.console_errors == [] and opened.requests == []
    assert page.locator("#bias").count() == 0  # Clarify's analysis.json of explanations is no bias report
    rows = [r.split("\t") for r in page.locator("#attribution table:not(.facts) tr").all_inner_texts()[1:]]
    base, window = report["baseline_global_shap_values"], report["window_global_shap_values"]
    assert [r[0] for r in rows] == sorted(base, key=lambda f: -base[f])  # the baseline's most important first
    window_rank = {f: i + 1 for i, f in enumerate(sorted(window, key=lambda f: -window[f]))}
    assert [int(r[4]) for r in rows] == [window_rank[r[0]] for r in rows]
    assert f"{report['ndcg']['value']:.6g}" in page.locator("#attribution .facts").inner_text()
    link = page.locator("#violations li", has_text="feature_attribution_drift_check").locator("a.evidence")
    assert link.count() == 1 and link.get_attribute("href") == "#attribution"
