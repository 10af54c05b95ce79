"""Hostile values for the environment variables of the contract (``container/contract.py``)."""

from __future__ import annotations

from tests.fuzz.draw import Draw

_FORMATS = [
    '{"csv": {"header": "yes"}}', '{"csv": 5}', '{"parquet": null}', '{"json": {"line": "false"}}', "{}", "[]", "null",
    '{"csv": {}, "json": {}}', '{"sagemakerCaptureJson": {"captureIndexNames": []}}',
    '{"sagemakerCaptureJson": {"captureIndexNames": "endpointInput"}}', '{"sagemakerCaptureJson": {"captureIndexNames": [5]}}',
    '{"sagemakerCaptureJson": {"captureIndexNames": [["endpointInput"]]}}', '{"sagemakerCaptureJson": {"captureIndexNames": [{}]}}',
    '{"sagemakerCaptureJson": {"captureIndexNames": null}}', '{"sagemakerCaptureJson": 7}', '{"csv": {"header": null}}',
    '{"CSV": {}}', "NaN", "1e999", '"csv"', '{"csv": {"header": true}', '{"json": {"lines": 1}}', '{"parquet": {"x": 1}}',
    '{"csv": {"header": true, "delimiter": ";"}}', "[" * 3000 + "]" * 3000, '{"csv": {"header": true}}', '{"json": {"line": false}}',
]  # fmt: skip


_TIMES = [
    "2024-01-19T20:00:00Z", "2024-01-19T19:00:00Z", "yesterday", "2024-01-19", "2024-01-19T19:00:00", "2024-01-19T19:00:00+25:00",
    "0001-01-01T00:00:00Z", "0001-01-01T00:30:00Z", "9999-12-31T23:59:59Z", " 2024-01-19T19: 00: 00Z", "2024-01-19T19:00:00.123456789Z",
    "1705690800", "2024-W03-5T19:00:00Z", "2024-01-19T24:00:00Z", "2024-01-19T19:00:00-00:00", "2024-01-19t19:00:00z",
]  # fmt: skip


_SPECIAL_ENV = {
    "dataset_format": _FORMATS,
    "start_time": _TIMES,
    "end_time": _TIMES,
    "analysis_window": [
        "PT1H",
        "P1D",
        "PT0S",
        "P0D",
        "PT99999999999H",
        "P999999999D",
        "PT1.5H",
        "-PT1H",
        "P1W",
        "PT",
        "P",
        "1 hour",
        "P1Y",
        " PT1H ",
    ],
    "publish_cloudwatch_metrics": ["enabled", "ENABLED", " Enabled ", "true", "1", "Disabled\n", "Enabled"],
    "analysis_type": ["model_quality", "MODEL_QUALITY ", "BIAS", "DATA_QUALITY", "MODEL_QUALITY"],
    "problem_type": ["Regression", "MulticlassClassification", "BinaryClassification", "binary", "regression "],
    "inference_attribute": ["0", "-1", "999", "score", "label", "nope", "0.5", "_c0"],
    "probability_attribute": ["0", "-1", "999", "score", "label", "nope", "income", "sex"],
    "ground_truth_attribute": ["label", "score", "sex", "nope", "0"],
    "probability_threshold_attribute": ["0.5", "nan", "inf", "-1", "2", "abc", "1e999", "0x1p-2", "1_0"],
}


_PATHS = [
    "{base}/nope", "{base}", "/dev/null", "", "relative/path", "{base}/config", "{base}/x/../../nope", "/proc/self/status",
    "{base}/a b/c", "{base}/\u00e9\u65e5", "/dev/null/x",
]  # fmt: skip


_OUTPUTS = [
    "{base}/out",
    "{base}/deep/er/out",
    "/dev/null",
    "/dev/null/x",
    "{base}/processing/output/statistics.json",
    "",
    "/proc/1/x",
]


_PATH_KEYS = {
    "dataset_source",
    "baseline_statistics",
    "baseline_constraints",
    "analysis_config",
    "expectation_suite",
    "ground_truth_source",
    "bias_config",
}


def env_value(d: Draw, key: str, current: str) -> str:
    """A hostile value for one environment variable (never NUL, which a real environment cannot hold;
    never an s3:// URI or the file system's root, which would make the job leave this machine or read it all)."""
    way = d.int(0, 7)
    if key == "output_path":
        return d.pick(_OUTPUTS)
    if way == 0:
        return ""
    if way == 1 and current:
        i = d.int(0, len(current))
        return current[:i] + d.pick([" ", "\n", "\t", '"', "{", "\\", "\u00e9", "\udcff", "x" * 500]) + current[i + d.int(0, 3) :]
    if way == 2:
        return d.text("any", 1, 30).replace("\x00", "")
    if way == 3:
        return bytes(d.int(0, 255) for _ in range(d.int(1, 12))).replace(b"\x00", b"").decode("utf-8", errors="surrogateescape")
    if way == 4:
        return d.pick(["x", "\u00e9", "/"]) * d.int(256, 5000) if key not in _PATH_KEYS else "{base}/" + "x" * d.int(256, 5000)
    if key in _SPECIAL_ENV:
        return d.pick(_SPECIAL_ENV[key])
    if key in _PATH_KEYS:
        return d.pick(_PATHS)
    return current.swapcase() if current else d.text("any", 1, 10).replace("\x00", "")
