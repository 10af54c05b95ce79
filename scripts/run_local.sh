#!/usr/bin/env bash
# Run the baseline job, then the monitoring job, through `python -m container` with SageMaker's
# environment on local folders (SAGEMAKER_BASE_DIR replaces /opt/ml); then the same pair for feature
# attribution drift (analysis_type=MODEL_EXPLAINABILITY). Usage:
#   scripts/run_local.sh SAMPLE_DIR OUT_DIR
set -euo pipefail
data=${1:?sample data dir}; out=${2:?output dir}
py=${PYTHON:-python3}
rm -rf "$out"; mkdir -p "$out"
echo "== baseline job"
SAGEMAKER_BASE_DIR="$out/baseline-job" \
dataset_format='{"csv": {"header": true}}' \
dataset_source="$data/baseline" \
output_path="$out/baseline" \
analysis_config="$data/analysis_config.json" \
publish_cloudwatch_metrics=Disabled \
  "$py" -m container
echo "== monitoring job"
SAGEMAKER_BASE_DIR="$out/monitoring-job" \
dataset_format='{"sagemakerCaptureJson": {"captureIndexNames": ["endpointInput", "endpointOutput"]}}' \
dataset_source="$data/capture" \
output_path="$out/monitoring" \
baseline_statistics="$out/baseline/statistics.json" \
baseline_constraints="$out/baseline/constraints.json" \
expectation_suite="$out/baseline/expectation_suite.json" \
analysis_config="$data/analysis_config.json" \
publish_cloudwatch_metrics=Enabled \
sagemaker_endpoint_name=churn-endpoint \
sagemaker_monitoring_schedule_name=churn-hourly \
start_time=2024-01-19T19:00:00Z \
end_time=2024-01-19T20:00:00Z \
  "$py" -m container || true
capture='{"sagemakerCaptureJson": {"captureIndexNames": ["endpointInput", "endpointOutput"]}}'
echo "== feature attribution: baseline job (the model's own SHAP values, captured)"
SAGEMAKER_BASE_DIR="$out/attribution-baseline-job" \
analysis_type=MODEL_EXPLAINABILITY \
dataset_format="$capture" \
dataset_source="$data/attribution/baseline" \
output_path="$out/attribution-baseline" \
analysis_config="$data/attribution/analysis_config.json" \
publish_cloudwatch_metrics=Disabled \
  "$py" -m container
echo "== feature attribution: monitoring job"
SAGEMAKER_BASE_DIR="$out/attribution-monitoring-job" \
analysis_type=MODEL_EXPLAINABILITY \
dataset_format="$capture" \
dataset_source="$data/attribution/capture" \
output_path="$out/attribution-monitoring" \
baseline_constraints="$out/attribution-baseline/analysis.json" \
analysis_config="$data/attribution/analysis_config.json" \
publish_cloudwatch_metrics=Enabled \
sagemaker_endpoint_name=churn-endpoint \
sagemaker_monitoring_schedule_name=churn-explainability \
start_time=2024-01-19T19:00:00Z \
end_time=2024-01-19T20:00:00Z \
  "$py" -m container || true
echo
echo "== outputs under $out"
echo "baseline:   $(cat "$out/baseline-job/output/message")"
echo "monitoring: $(cat "$out/monitoring-job/output/message")"
echo "feature attribution baseline:   $(cat "$out/attribution-baseline-job/output/message")"
echo "feature attribution monitoring: $(cat "$out/attribution-monitoring-job/output/message")"
"$py" - "$out/monitoring/constraint_violations.json" <<'PY'
import json, sys
try:
    violations = json.load(open(sys.argv[1]))["violations"]
except (OSError, ValueError, KeyError):
    sys.exit(0)
for v in violations:
    print(f"  {v['feature_name'] or '(columns)':<14} {v['constraint_check_type']:<26} {v['description'][:90]}")
PY
(cd "$out" && find . -type f | sort | sed 's/^/  /')
