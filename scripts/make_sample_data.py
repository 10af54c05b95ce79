"""Generate the bundled sample data: a training (baseline) CSV and one hour of endpoint capture.

The capture window has real drift (``income`` shifted up, ``plan`` shares moved, an unseen
``region``), a few records outside the window, and a few bad records (a malformed line, BASE64 that
is not base64, a row with a missing column) so the demo shows every path, and the demo's analysis config
(``analysis_config.json``: multivariate drift on). Deterministic: a fixed seed.

``attribution/`` holds the feature-attribution demo: a model that returns each prediction's SHAP values in its
output (``{"score": 0.31, "shap": {"age": 0.12, ...}}``), captured for a baseline hour and for the window, where
a retrained model leans on ``balance`` and ``income`` instead of ``age`` and ``tenure_months``; and its config.

    python scripts/make_sample_data.py sample-data [--rows 5000] [--records 2000]
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ENDPOINT = "churn-endpoint"
WINDOW_START = datetime(2024, 1, 19, 19, 0, tzinfo=UTC)
WINDOW_END = WINDOW_START + timedelta(hours=1)
INPUTS = ["age", "income", "tenure_months", "balance", "num_products", "credit_score", "region", "plan"]
REGIONS = ["north", "south", "east", "west"]
PLANS = ["basic", "plus", "premium"]
DEMO_CONFIG = {"multivariate": {"row_budget": 10000, "classifier_rows": 2000}}
ATTRIBUTION_CONFIG = {"explainability": {"source": "capture", "attributions": "shap"}}
NUMERIC = ["age", "income", "tenure_months", "balance", "num_products", "credit_score"]
# Per-standard-deviation weights of a linear churn model on the logit scale, before and after its retraining.
WEIGHTS = {"age": 0.8, "income": -0.3, "tenure_months": -0.6, "balance": 0.2, "num_products": -0.15, "credit_score": 0.1}
RETRAINED = {"age": 0.1, "income": -0.7, "tenure_months": -0.15, "balance": 0.9, "num_products": -0.15, "credit_score": 0.1}


def _features(rng: np.random.Generator, n: int, drift: bool) -> dict[str, np.ndarray]:
    income_scale = 1.35 if drift else 1.0
    plan_p = [0.3, 0.3, 0.4] if drift else [0.6, 0.3, 0.1]
    regions = np.array([*REGIONS, "central"]) if drift else np.array(REGIONS)
    region_p = [0.24, 0.24, 0.24, 0.24, 0.04] if drift else [0.25] * 4
    return {
        "age": rng.integers(18, 80, n),
        "income": np.round(rng.lognormal(10.8, 0.4, n) * income_scale, 2),
        "tenure_months": rng.integers(0, 120, n),
        "balance": np.round(rng.gamma(2.0, 1500.0, n), 2),
        "num_products": rng.integers(1, 5, n),
        "credit_score": rng.integers(300, 851, n),
        "region": rng.choice(regions, n, p=region_p),
        "plan": rng.choice(np.array(PLANS), n, p=plan_p),
    }


def _score(f: dict[str, np.ndarray]) -> np.ndarray:
    z = -2.0 + 0.02 * (f["age"] - 45) - 0.01 * f["tenure_months"] + 0.3 * (f["plan"] == "basic")
    return np.round(1.0 / (1.0 + np.exp(-z)), 6)


def _rows(f: dict[str, np.ndarray]) -> list[list[str]]:
    columns = [f[name].astype(str) for name in INPUTS]
    return [list(row) for row in zip(*columns, strict=True)]


def write_baseline(path: Path, rng: np.random.Generator, n: int) -> None:
    f = _features(rng, n, drift=False)
    scores = _score(f)
    lines = [",".join(["score", *INPUTS])]
    lines += [",".join([repr(float(s)), *row]) for s, row in zip(scores, _rows(f), strict=True)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _record(event: int, when: datetime, output: str, inputs: str) -> dict[str, object]:
    return {
        "captureData": {
            "endpointInput": {"observedContentType": "text/csv", "mode": "INPUT", "data": inputs, "encoding": "CSV"},
            "endpointOutput": {
                "observedContentType": "text/csv; charset=utf-8",
                "mode": "OUTPUT",
                "data": output,
                "encoding": "CSV",
            },
        },
        "eventMetadata": {
            "eventId": f"00000000-0000-4000-8000-{event:012d}",
            "inferenceTime": f"{when:%Y-%m-%dT%H:%M:%SZ}",
        },
        "eventVersion": "0",
    }


def write_capture(root: Path, rng: np.random.Generator, n: int, files: int = 4) -> None:
    f = _features(rng, n, drift=True)
    scores = _score(f)
    offsets = np.sort(rng.uniform(-120, 3600, n))  # a few records fall before the window
    records = [
        _record(i, WINDOW_START + timedelta(seconds=float(t)), repr(float(s)), ",".join(row))
        for i, (t, s, row) in enumerate(zip(offsets, scores, _rows(f), strict=True))
    ]
    lines = [json.dumps(r, separators=(",", ":")) for r in records]
    # Bad records, each counted and reported by the monitor, none stopping it.
    lines[510] = lines[510][: len(lines[510]) // 2]  # malformed JSON
    broken = records[1020]
    broken["captureData"]["endpointInput"] |= {"encoding": "BASE64", "data": "not base64!"}  # type: ignore[index]
    lines[1020] = json.dumps(broken, separators=(",", ":"))
    short = records[1530]
    short["captureData"]["endpointInput"]["data"] = ",".join(_rows(f)[1530][:-1])  # type: ignore[index]
    lines[1530] = json.dumps(short, separators=(",", ":"))
    hour_dir = root / ENDPOINT / "AllTraffic" / f"{WINDOW_START:%Y/%m/%d/%H}"
    hour_dir.mkdir(parents=True, exist_ok=True)
    for i, chunk in enumerate(np.array_split(np.arange(n), files)):
        name = f"{i * 15:02d}-00-000-{i:08d}-0000-4000-8000-000000000000.jsonl"
        (hour_dir / name).write_text("\n".join(lines[j] for j in chunk) + "\n", encoding="utf-8")


def write_attributions(root: Path, rng: np.random.Generator, n: int) -> None:
    """Capture of a model that explains itself: a linear logit's exact SHAP values, w_j (x_j - E[x_j]) / sd_j."""
    reference = _features(rng, 20_000, drift=False)
    centre = {k: float(np.mean(reference[k])) for k in NUMERIC}
    spread = {k: float(np.std(reference[k])) for k in NUMERIC}
    for folder, start, weights in (
        (root / "baseline", WINDOW_START - timedelta(days=1), WEIGHTS),
        (root / "capture" / ENDPOINT / "AllTraffic" / f"{WINDOW_START:%Y/%m/%d/%H}", WINDOW_START, RETRAINED),
    ):
        f = _features(rng, n, drift=False)
        shap = {k: np.round(weights[k] * (f[k] - centre[k]) / spread[k], 6) for k in NUMERIC}
        logit = -1.0 + sum(shap.values())
        lines = []
        for i in range(n):
            output = {"score": round(float(1 / (1 + np.exp(-logit[i]))), 6), "shap": {k: float(shap[k][i]) for k in NUMERIC}}
            record = _record(i, start + timedelta(seconds=3600 * i / n), json.dumps(output), ",".join(_rows(f)[i]))
            record["captureData"]["endpointOutput"] |= {"observedContentType": "application/json", "encoding": "JSON"}  # type: ignore[index]
            lines.append(json.dumps(record, separators=(",", ":")))
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "00-00-000-attributions.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "analysis_config.json").write_text(json.dumps(ATTRIBUTION_CONFIG, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=5000, help="baseline rows")
    parser.add_argument("--records", type=int, default=2000, help="captured records")
    args = parser.parse_args()
    rng = np.random.default_rng(20240119)
    write_baseline(args.out / "baseline" / "train.csv", rng, args.rows)
    write_capture(args.out / "capture", rng, args.records)
    write_attributions(args.out / "attribution", np.random.default_rng(20240120), 1000)
    # The demo's analysis config: multivariate drift on (the baseline job fits it, the monitoring job uses it).
    (args.out / "analysis_config.json").write_text(json.dumps(DEMO_CONFIG, indent=2) + "\n", encoding="utf-8")
    print(
        f"sample data written to {args.out}/baseline and {args.out}/capture, the config to {args.out}/analysis_config.json; "
        f"the feature-attribution demo to {args.out}/attribution"
    )


if __name__ == "__main__":
    main()
