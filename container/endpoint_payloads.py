"""What an endpoint call carries: rows as the model takes them, and the scores read back from its answer.

Requests follow Clarify's predictor settings: ``text/csv`` rows, one per line; ``application/jsonlines`` one
``content_template`` per row (``$features`` a JSON array, ``$features_kvp`` an object of header: value);
``application/json`` one ``content_template`` holding ``$records``, the list of ``record_template``s. Numbers in
the data's text go out as JSON numbers, missing values as null (an empty CSV field).

Answers: ``text/csv`` one row per line, the score in column ``probability`` (0 by default; a single line of as
many values as rows is one value per row, as some built-in algorithms answer); JSON a JMESPath ``probability``
to the list of scores (Clarify's), else the answer itself when it is a list of numbers; JSON lines the same per
line. ``ScoreError`` says what did not fit.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from typing import Any

import numpy as np

from container.explainability_settings import CONTENT_TYPES, CSV, JSON_LINES, EndpointSettings

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_INTEGER = re.compile(r"^[+-]?\d+$")


class ScoreError(ValueError):
    """An answer that holds no score per row sent (its message says why, for the run's report)."""


def request_body(rows: np.ndarray, headers: tuple[str, ...], settings: EndpointSettings) -> bytes:
    if settings.content_type == CSV:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for row in rows:
            writer.writerow(["" if v is None else _text(v) for v in row])
        return out.getvalue().encode("utf-8")
    records = [_record(row, headers, settings.record_template) for row in rows]
    if settings.content_type == JSON_LINES:
        template = settings.content_template or "$features"
        return "".join(template.replace("$features_kvp", r).replace("$features", r) + "\n" for r in records).encode()
    template = settings.content_template or "$records"
    if "$records" in template:
        return template.replace("$records", "[" + ",".join(records) + "]").encode("utf-8")
    if len(records) != 1:  # a template of one record ($features): one row per call (rows_per_call is 1)
        raise ValueError("a content_template without $records takes one row per call")
    return template.replace("$features_kvp", records[0]).replace("$features", records[0]).encode("utf-8")


def scores(body: bytes, rows: int, settings: EndpointSettings, content_type: str | None = None) -> np.ndarray:
    """One float per row sent, from the endpoint's answer, read as the ``content_type`` the answer says it is
    (a model may answer in another type than asked) when that is one we read, else as ``accept_type``."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ScoreError("the answer is not UTF-8 text") from None
    said = (content_type or "").split(";")[0].strip().lower()
    kind = said if said in CONTENT_TYPES else settings.accept_type
    if kind == CSV:
        values = _csv_scores(text, rows, settings.probability)
    elif kind == JSON_LINES:
        values = [_one(_select(_json(line), settings.probability)) for line in text.splitlines() if line.strip()]
    else:
        values = _list(_select(_json(text), settings.probability))
    if len(values) != rows:
        raise ScoreError(f"the answer holds {len(values)} score(s) for {rows} row(s) sent")
    return np.array(values, dtype=np.float64)


def _text(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return repr(float(value))
    return str(value)


def _record(row: np.ndarray, headers: tuple[str, ...], template: str) -> str:
    values = [_json_value(v) for v in row]
    if template == "$features_kvp":
        return json.dumps(dict(zip(headers, values, strict=True)), allow_nan=False)
    return json.dumps(values, allow_nan=False)


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, np.integer):
        return int(value)
    text = str(value)
    if _INTEGER.match(text):  # "007" is a code, not the number 7
        return int(text) if str(int(text)) == text else text
    if _NUMBER.match(text):
        return float(text)
    return text


def _csv_scores(text: str, rows: int, column: int | str | None) -> list[float]:
    lines = [line for line in csv.reader(io.StringIO(text)) if line]
    index = 0 if column is None else column
    if not isinstance(index, int):
        raise ScoreError(f"predictor.probability={column!r} is a JSON path, but the answer is CSV")
    if len(lines) == 1 and rows > 1 and len(lines[0]) == rows and column is None:
        return [_float(v) for v in lines[0]]  # one line, one value per row
    out = []
    for line in lines:
        if index >= len(line):
            raise ScoreError(f"an answer line has {len(line)} column(s); predictor.probability asks for column {index}")
        out.append(_float(line[index]))
    return out


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise ScoreError(f"the answer is not JSON: {text[:80]!r}") from None


def _select(value: Any, path: int | str | None) -> Any:
    if path is None:
        return value
    if isinstance(path, int):
        raise ScoreError(f"predictor.probability={path!r} is a CSV column, but the answer is JSON")
    import jmespath  # boto3's own dependency: Clarify's paths are JMESPath

    try:
        found = jmespath.search(path, value)
    except jmespath.exceptions.JMESPathError as exc:
        raise ScoreError(f"predictor.probability={path!r} is not a JMESPath expression ({exc})") from None
    if found is None:
        raise ScoreError(f"predictor.probability={path!r} finds nothing in {json.dumps(value)[:80]}")
    return found


def _list(value: Any) -> list[float]:
    if isinstance(value, dict) and len(value) == 1:
        value = next(iter(value.values()))  # {"predictions": [...]}
    if not isinstance(value, list):
        raise ScoreError(f"the answer is not a list of scores: {json.dumps(value)[:80]}; set predictor.probability")
    return [_one(v) for v in value]


def _one(value: Any) -> float:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, dict) and len(value) == 1:
        value = next(iter(value.values()))
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ScoreError(f"{json.dumps(value)[:80]} is not a score; set predictor.probability to its JMESPath")
    return _float(value)


def _float(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ScoreError(f"{str(value)[:40]!r} is not a number") from None
    if not math.isfinite(number):
        raise ScoreError(f"the score {value!r} is not finite")
    return number
