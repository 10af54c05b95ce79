"""Side by side: NannyML's CBPE and our container's label-free estimate, chunk by chunk.

For a binary dataset split into reference (labelled), analysis and analysis targets, this runs
  (a) NannyML CBPE (roc_auc, f1, accuracy, precision, recall) fitted on the reference, when
      ``import nannyml`` works in the Python running this script, and
  (b) our container end to end (``python -m container``, subprocesses): one MODEL_QUALITY baseline job on
      the reference as CSV, then one monitoring job per analysis chunk, the chunk written as SageMaker
      capture JSONL under an hour folder plus ground-truth JSONL. Read: statistics.json's
      ``estimated_binary_classification_metrics`` (value, lower, upper).
It prints per chunk the realised value (numpy, from the targets), NannyML's estimate and confidence band,
ours and its interval, then per metric the mean absolute error of each estimate against the realised
value and how many chunks' realised values fall inside each band.

NannyML's band is its ``lower/upper_confidence_boundary`` (estimate -/+ 3 sampling errors, clipped);
ours is the container's 95% interval for the realised value.

Setup (the NannyML venv lives outside the repo; it is heavy). Two steps: nannyml's aiobotocore pins an older
botocore than our lock, which pip then overrides with a warning that does not matter here; nannyml 0.13.1
imports statsmodels without declaring it:
    python3 -m venv /work/cbpe-venv
    /work/cbpe-venv/bin/pip install nannyml==0.13.1 statsmodels
    /work/cbpe-venv/bin/pip install -r requirements.lock
    /work/cbpe-venv/bin/python scripts/compare_cbpe.py --export /work/cbpe-data   # NannyML's datasets, once

Run (from the repo root; the container runs with the repo's own venv; ~1 minute for 10 chunks):
    /work/cbpe-venv/bin/python scripts/compare_cbpe.py --data /work/cbpe-data/car_loan \
        --container-python .venv/bin/python
    .venv/bin/python scripts/compare_cbpe.py --data /work/cbpe-data/car_loan   # ours only, no NannyML
    # the committed code instead of the work tree: git archive HEAD | tar -x -C /tmp/head; add --repo /tmp/head

``--data`` is a folder with reference, analysis and analysis_targets as .parquet (or .csv), as NannyML's
``load_synthetic_*_dataset()`` returns them; column names are guessed for NannyML's datasets or given.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import rankdata

ROOT = Path(__file__).resolve().parent.parent
METRICS = {"roc_auc": "auc", "f1": "f1", "accuracy": "accuracy", "precision": "precision", "recall": "recall"}
TARGETS = ("repaid", "work_home_actual", "employed", "y_true")  # NannyML's binary datasets' label columns
HOUR = "2024-01-19T19"
os.environ.setdefault("NML_DISABLE_USAGE_LOGGING", "1")  # NannyML's telemetry: no calls home


DATASETS = {  # NannyML's bundled classification datasets with predictions (name: loader)
    "car_loan": "load_synthetic_car_loan_dataset",
    "car_loan_data_quality": "load_synthetic_car_loan_data_quality_dataset",
    "binary": "load_synthetic_binary_classification_dataset",
    "multiclass": "load_synthetic_multiclass_classification_dataset",  # exported only; not compared
    "us_census_ma_employment": "load_us_census_ma_employment_data",
}


def export(folder: Path) -> None:
    import nannyml as nml

    for name, loader in DATASETS.items():
        (folder / name).mkdir(parents=True, exist_ok=True)
        for part, frame in zip(("reference", "analysis", "analysis_targets"), getattr(nml, loader)(), strict=True):
            frame.to_parquet(folder / name / f"{part}.parquet", index=False)
            frame.to_csv(folder / name / f"{part}.csv", index=False)
        print(f"wrote {folder / name}")


def read(folder: Path, part: str) -> pd.DataFrame:
    parquet = folder / f"{part}.parquet"
    return pd.read_parquet(parquet) if parquet.exists() else pd.read_csv(folder / f"{part}.csv")


def realised(y: np.ndarray, pred: np.ndarray, score: np.ndarray) -> dict[str, float]:
    tp, fp = float((y & pred).sum()), float((~y & pred).sum())
    fn, tn = float((y & ~pred).sum()), float((~y & ~pred).sum())
    pos, neg = y.sum(), (~y).sum()
    auc = (rankdata(score)[y].sum() - pos * (pos + 1) / 2) / (pos * neg) if pos and neg else float("nan")
    return {
        "roc_auc": float(auc),
        "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0,
        "accuracy": (tp + tn) / len(y),
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
    }


def nannyml_cbpe(ref: pd.DataFrame, chunks: list[pd.DataFrame], cols: argparse.Namespace) -> list[dict] | None:
    """Per chunk {metric: (value, lower, upper)}, or None without NannyML."""
    try:
        import nannyml as nml
    except ImportError:
        return None
    columns = {"y_pred_proba": cols.proba, "y_pred": cols.pred, "y_true": cols.target}
    estimator = nml.CBPE(**columns, problem_type="classification_binary", metrics=list(METRICS), chunk_size=cols.chunk_size)
    estimator.fit(ref[[cols.proba, cols.pred, cols.target]])
    frame = estimator.estimate(pd.concat(chunks, ignore_index=True)[[cols.proba, cols.pred]]).to_df()
    frame = frame[frame[("chunk", "period")] == "analysis"]  # to_df() also holds the reference's chunks
    bounds = ("value", "lower_confidence_boundary", "upper_confidence_boundary")
    return [{k: tuple(float(row[(k, b)]) for b in bounds) for k in METRICS} for _, row in frame.iterrows()]


def run_container(cols: argparse.Namespace, base: Path, **env: str) -> dict:
    full = {"PATH": os.environ.get("PATH", ""), "SAGEMAKER_BASE_DIR": str(base), **env}
    command = [cols.container_python, "-m", "container"]
    done = subprocess.run(command, cwd=cols.repo, env=full, capture_output=True, text=True, timeout=900)
    message = base / "output" / "message"
    if done.returncode != 0:
        text = message.read_text() if message.exists() else done.stderr[-2000:]
        raise RuntimeError(f"container exited {done.returncode}: {text}")
    return json.loads((Path(env["output_path"]) / "statistics.json").read_text())


QUALITY = {"analysis_type": "MODEL_QUALITY", "problem_type": "BinaryClassification"}
MONITOR = {  # a monitoring job over one hour of capture; the output is "score,label", columns 0 and 1
    "dataset_format": '{"sagemakerCaptureJson": {"captureIndexNames": ["endpointInput", "endpointOutput"]}}',
    "start_time": f"{HOUR}:00:00Z",
    "end_time": "2024-01-19T20:00:00Z",
    "sagemaker_endpoint_name": "ep",
    "sagemaker_monitoring_schedule_name": "cbpe",
    "probability_attribute": "0",
    "inference_attribute": "1",
}


def our_baseline(work: Path, ref: pd.DataFrame, cols: argparse.Namespace) -> Path:
    (work / "reference").mkdir(parents=True)
    ref[[cols.proba, cols.pred, cols.target]].to_csv(work / "reference" / "reference.csv", index=False)
    names = {"probability_attribute": cols.proba, "inference_attribute": cols.pred, "ground_truth_attribute": cols.target}
    source = {"dataset_format": '{"csv": {"header": true}}', "dataset_source": str(work / "reference")}
    run_container(cols, work / "baseline_job", output_path=str(work / "baseline"), **names, **source, **QUALITY)
    return work / "baseline"


def csv_payload(mode: str, data: str) -> dict[str, str]:
    return {"observedContentType": "text/csv", "mode": mode, "data": data, "encoding": "CSV"}


def our_chunk(work: Path, baseline: Path, index: int, chunk: pd.DataFrame, cols: argparse.Namespace) -> dict:
    """One monitoring job on one chunk: capture (score,label as CSV output) and ground truth, one hour."""
    root = work / f"chunk{index:03d}"
    capture = root / "capture" / "ep" / "AllTraffic" / "2024" / "01" / "19" / "19"
    truth = root / "truth" / "2024" / "01" / "19" / "21"
    capture.mkdir(parents=True)
    truth.mkdir(parents=True)
    lines, labels = [], []
    for i, (s, p, y) in enumerate(zip(chunk[cols.proba], chunk[cols.pred], chunk[cols.target], strict=True)):
        event = {"eventId": f"c{index}-{i}", "inferenceTime": f"{HOUR}:10:00Z"}
        data = {"endpointInput": csv_payload("INPUT", "0"), "endpointOutput": csv_payload("OUTPUT", f"{s},{int(p)}")}
        lines.append(json.dumps({"captureData": data, "eventMetadata": event, "eventVersion": "0"}))
        truth_data = {"data": str(int(y)), "encoding": "CSV"}
        labels.append(
            json.dumps({"groundTruthData": truth_data, "eventMetadata": {"eventId": event["eventId"]}, "eventVersion": "0"})
        )
    (capture / "00.jsonl").write_text("\n".join(lines) + "\n")
    (truth / "labels.jsonl").write_text("\n".join(labels) + "\n")
    files = {"dataset_source": str(root / "capture"), "ground_truth_source": str(root / "truth")}
    files |= {f"baseline_{k}": str(baseline / f"{k}.json") for k in ("statistics", "constraints")}
    return run_container(cols, root, output_path=str(root / "out"), **files, **MONITOR, **QUALITY)


def ours(ref: pd.DataFrame, chunks: list[pd.DataFrame], cols: argparse.Namespace) -> tuple[list[dict], list[dict]]:
    """Per chunk ({metric: (value, lower, upper)}, the container's realised metrics)."""
    with tempfile.TemporaryDirectory(prefix="compare_cbpe_") as tmp:
        work = Path(tmp)
        baseline = our_baseline(work, ref, cols)
        with ThreadPoolExecutor(cols.jobs) as pool:
            stats = list(pool.map(lambda ic: our_chunk(work, baseline, ic[0], ic[1], cols), enumerate(chunks)))
    estimates, real = [], []
    for s in stats:
        section = s.get("estimated_binary_classification_metrics", {})
        estimates.append({k: (section[o]["value"], section[o]["lower"], section[o]["upper"]) for k, o in present(section)})
        if not estimates[-1] and "not_available" in section:
            print(f"  ours: estimate not available: {section['not_available']}", file=sys.stderr)
        metrics = s.get("binary_classification_metrics", {})
        real.append({k: metrics[o]["value"] for k, o in METRICS.items() if o in metrics})
    return estimates, real


def present(section: dict) -> list[tuple[str, str]]:
    return [(k, o) for k, o in METRICS.items() if isinstance(section.get(o), dict)]


def band(e: tuple[float, float, float] | None) -> str:
    return f"{e[0]:.4f} [{e[1]:.4f}, {e[2]:.4f}]" if e else f"{'n/a':>24}"


def arguments() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("/work/cbpe-data/car_loan"), help="reference/analysis/analysis_targets")
    ap.add_argument("--proba", default="y_pred_proba")
    ap.add_argument("--pred", default="y_pred")
    ap.add_argument("--target", default=None, help="label column (guessed from NannyML's names)")
    ap.add_argument("--id", default="id", help="key joining analysis to analysis_targets")
    ap.add_argument("--chunk-size", type=int, default=5000)
    venv = ROOT / ".venv" / "bin" / "python"
    ap.add_argument("--container-python", default=str(venv) if venv.exists() else sys.executable)
    ap.add_argument("--repo", type=Path, default=ROOT, help="run the container of another checkout (e.g. git archive HEAD)")
    ap.add_argument("--jobs", type=int, default=2, help="monitoring jobs run at once")
    ap.add_argument("--export", type=Path, help="write NannyML's datasets under this folder and stop")
    ap.add_argument("--skip-ours", action="store_true", help="NannyML only")
    cols = ap.parse_args()
    cols.repo = cols.repo.resolve()
    if os.sep in cols.container_python:  # a path, relative to where this was started, not to --repo
        cols.container_python = os.path.abspath(cols.container_python)
    return cols


def load_chunks(cols: argparse.Namespace) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    ref, analysis, targets = (read(cols.data, p) for p in ("reference", "analysis", "analysis_targets"))
    if cols.proba not in ref and "predicted_probability" in ref:  # the US census dataset's names
        cols.proba, cols.pred = "predicted_probability", "prediction"
    cols.target = cols.target or next(t for t in TARGETS if t in targets)
    analysis = analysis.merge(targets[[cols.id, cols.target]], on=cols.id, how="left")
    size = cols.chunk_size
    whole = len(analysis) // size  # NannyML folds a short last chunk into the one before; we drop it
    if len(analysis) > whole * size:
        print(f"note: the last {len(analysis) - whole * size} analysis rows (under a chunk) are left out", file=sys.stderr)
    return ref, [analysis.iloc[i * size : (i + 1) * size] for i in range(whole)]


def summary(estimators: dict[str, list[dict]], truth: list[dict]) -> None:
    head = "".join(f"{n + ' MAE':>14}{n + ' in band':>17}{n + ' mean width':>20}" for n in estimators)
    both = len(estimators) == 2
    print(f"\n{'metric':<10}{head}" + (f"{'max |ours-nml|':>16}" if both else ""))
    for k in METRICS:
        cells = []
        for e in estimators.values():
            pairs = [(e[i][k], t[k]) for i, t in enumerate(truth) if k in e[i]]
            if not pairs:
                cells.append(f"{'n/a':>14}{'n/a':>17}{'n/a':>20}")
                continue
            mae = np.mean([abs(v[0] - r) for v, r in pairs])
            inside = sum(v[1] <= r <= v[2] for v, r in pairs)
            width = np.mean([v[2] - v[1] for v, _ in pairs])
            cells.append(f"{mae:>14.4f}{f'{inside}/{len(pairs)}':>17}{width:>20.4f}")
        if both:
            nml, mine = estimators.values()
            gaps = [abs(nml[i][k][0] - mine[i][k][0]) for i in range(len(truth)) if k in mine[i]]
            cells.append(f"{max(gaps, default=float('nan')):>16.2g}")
        print(f"{k:<10}" + "".join(cells))


def main() -> None:
    cols = arguments()
    if cols.export:
        return export(cols.export)
    ref, chunks = load_chunks(cols)
    truth = [
        realised(c[cols.target].to_numpy() == 1, c[cols.pred].to_numpy() == 1, c[cols.proba].to_numpy(float)) for c in chunks
    ]
    nml = nannyml_cbpe(ref, chunks, cols)
    if nml is None:
        print("NannyML is not importable here: showing ours only.", file=sys.stderr)
    estimators = {} if nml is None else {"nannyml": nml}
    if not cols.skip_ours:
        estimators["ours"], container_real = ours(ref, chunks, cols)
        gap = max((abs(c[k] - t[k]) for c, t in zip(container_real, truth, strict=True) for k in c), default=0.0)
        print(f"(the container's realised metrics differ from numpy's by at most {gap:.2g})")
    print(f"data {cols.data}  chunks {len(chunks)} x {cols.chunk_size}  reference {len(ref)}")
    print(f"columns {cols.proba} / {cols.pred} / {cols.target}  container {cols.container_python} in {cols.repo}")
    for k in METRICS:
        print(f"\n{k}\n{'chunk':>5} {'realised':>9}  " + "  ".join(f"{n + ' est [band]':>26}" for n in estimators))
        for i, r in enumerate(truth):
            print(f"{i:>5} {r[k]:>9.4f}  " + "  ".join(f"{band(e[i].get(k)):>26}" for e in estimators.values()))
    summary(estimators, truth)


if __name__ == "__main__":
    main()
