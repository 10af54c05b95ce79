"""``dataset_format``: the JSON in the environment that says how to read the dataset (docs/contract.md #environment).

The BYOC docs, the SDK and the API spell it differently, and every spelling is read:

- ``{"sagemakerCaptureJson": {"captureIndexNames": ["endpointInput", "endpointOutput"]}}`` (BYOC docs);
  ``{"sagemakerCaptureJson": {}}`` (SDK) reads both;
- ``{"csv": {"header": true, "output_columns_position": "START"}}`` (SDK ``DatasetFormat.csv``);
- ``{"json": {"line": true}}`` (docs) or ``{"json": {"lines": true}}`` (SDK);
- ``{"parquet": {}}``;
- the API's casing (``{"Csv": {"Header": true}}``, ``{"Json": {"Line": true}}``, ``{"Parquet": {}}``,
  ``{"SagemakerCaptureJson": {"CaptureIndexNames": [...]}}``): format names, options and capture
  index names are matched without regard to letter case.

Booleans may be JSON booleans or the strings ``"true"``/``"false"`` (the docs render them as strings).
An unknown option is refused rather than ignored: a misspelt ``header`` would silently read the
header row as data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from container.errors import ContractError

DATASET_FORMAT = "dataset_format"
_EXAMPLE = '{"csv": {"header": true}}'


class FormatKind(StrEnum):
    CAPTURE = "sagemakerCaptureJson"
    CSV = "csv"
    JSON = "json"
    PARQUET = "parquet"


@dataclass(frozen=True, slots=True)
class DatasetFormat:
    kind: FormatKind
    header: bool = False  # csv
    json_lines: bool = True  # json
    capture_parts: tuple[str, ...] = ("endpointOutput", "endpointInput")  # model output first (docs/contract.md #column-order)
    output_columns_position: str = "START"  # csv, from the SDK: where the model's outputs sit; read, not yet used


# Each format's options: lower-cased spelling -> the name we use for it.
_OPTIONS: dict[FormatKind, dict[str, str]] = {
    FormatKind.CAPTURE: {"captureindexnames": "captureIndexNames"},
    FormatKind.CSV: {"header": "header", "output_columns_position": "output_columns_position"},
    FormatKind.JSON: {"line": "line", "lines": "line"},  # the docs say "line", the SDK writes "lines"
    FormatKind.PARQUET: {},
}
_CAPTURE_PARTS = {"endpointinput": "endpointInput", "endpointoutput": "endpointOutput"}


def parse_dataset_format(raw: str | None, *, baseline_job: bool) -> DatasetFormat:
    """Parse the ``dataset_format`` JSON; absent, a baseline job reads CSV with a header and a
    monitoring job reads endpoint capture."""
    if not raw:
        return DatasetFormat(FormatKind.CSV, header=True) if baseline_job else DatasetFormat(FormatKind.CAPTURE)
    name, raw_options = _single_key(raw)
    kind = next((k for k in FormatKind if k.value.lower() == name.lower()), None)
    if kind is None:
        allowed = ", ".join(k.value for k in FormatKind)
        raise ContractError(f"{DATASET_FORMAT} {name!r} is not supported; use one of: {allowed} (any letter case).")
    options = _options(kind, name, raw_options)
    if kind is FormatKind.CAPTURE:
        return DatasetFormat(kind, capture_parts=_capture_parts(options.get("captureIndexNames")))
    if kind is FormatKind.CSV:
        header = _flag(options.get("header", ("", False)))
        return DatasetFormat(kind, header=header, output_columns_position=_position(options.get("output_columns_position")))
    if kind is FormatKind.JSON:
        return DatasetFormat(kind, json_lines=_flag(options.get("line", ("", True))))
    return DatasetFormat(kind)


def _single_key(raw: str) -> tuple[str, object]:
    try:
        spec = json.loads(raw)
    except (json.JSONDecodeError, RecursionError) as exc:
        reason = f"{exc.msg} at char {exc.pos}" if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
        raise ContractError(f"{DATASET_FORMAT} is not JSON ({reason}): {raw[:80]!r}. Example: {_EXAMPLE}.") from None
    if not isinstance(spec, dict) or len(spec) != 1:
        allowed = ", ".join(k.value for k in FormatKind)
        raise ContractError(f"{DATASET_FORMAT} must be an object with exactly one key ({allowed}); got {raw[:80]!r}.")
    ((name, options),) = spec.items()
    return name, options


def _options(kind: FormatKind, name: str, raw: object) -> dict[str, tuple[str, object]]:
    """The options by canonical name, each with the path the user wrote (``Csv.Header``) and its value."""
    if raw is None:  # {"parquet": null}: no options, as {}
        return {}
    if not isinstance(raw, dict):
        raise ContractError(f"{DATASET_FORMAT}: {name} is {raw!r:.80}; expected an object of options such as {_EXAMPLE}.")
    known = _OPTIONS[kind]
    options: dict[str, tuple[str, object]] = {}
    for key, value in raw.items():
        canonical = known.get(key.lower())
        if canonical is None:
            allowed = f"its options are {', '.join(dict.fromkeys(known.values()))} (any letter case)" if known else "it has none"
            raise ContractError(f"{DATASET_FORMAT}: {name} has an unknown option {key!r}; {allowed}.")
        if canonical in options:
            first = options[canonical][0].partition(".")[2]
            raise ContractError(f"{DATASET_FORMAT}: {name} gives {canonical!r} twice ({first!r} and {key!r}); keep one.")
        options[canonical] = (f"{name}.{key}", value)
    return options


def _capture_parts(option: tuple[str, object] | None) -> tuple[str, ...]:
    path, names = option or ("", [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ContractError(f"{DATASET_FORMAT}: {path} is {names!r:.80}; expected a list of endpointInput and/or endpointOutput.")
    unknown = sorted(n for n in names if n.lower() not in _CAPTURE_PARTS)
    if unknown:
        raise ContractError(f"{DATASET_FORMAT}: {path} names {unknown!r:.80}; use endpointInput and/or endpointOutput.")
    given = {_CAPTURE_PARTS[n.lower()] for n in names} or set(_CAPTURE_PARTS.values())  # none listed: both
    return tuple(p for p in ("endpointOutput", "endpointInput") if p in given)


def _flag(option: tuple[str, object]) -> bool:
    # The docs render these as strings ("true"), the API as booleans: accept both.
    path, value = option
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ContractError(f"{DATASET_FORMAT}: {path} is {value!r:.80}; expected true or false.")


def _position(option: tuple[str, object] | None) -> str:
    path, value = option or ("", "START")
    if isinstance(value, str) and value.strip().upper() in ("START", "END"):
        return value.strip().upper()
    raise ContractError(f"{DATASET_FORMAT}: {path} is {value!r:.80}; expected START or END.")
