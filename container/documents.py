"""Decoding the JSON documents a job reads into frozen typed objects, with one error shape for all.

Every document a user controls (baseline statistics and constraints, the analysis config, the bias
config, expectation suites, SageMaker's ``processingjobconfig.json`` and ``resourceconfig.json``) is
decoded strictly with msgspec into ``msgspec.Struct`` types. A wrong type anywhere becomes a
``ClientError`` that names the document, the path inside it, the value found and what was expected::

    baseline_constraints constraints.json: features[3].string_constraints.domains is 'north';
    expected an array.

NaN and Infinity are refused where a number must be finite (``Finite``).
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Annotated, Any, TypeVar

import msgspec

from container.errors import ClientError

T = TypeVar("T")

# A float that must be finite: msgspec refuses NaN and +-Infinity against these bounds.
Finite = Annotated[float, msgspec.Meta(ge=-sys.float_info.max, le=sys.float_info.max)]
NonNegative = Annotated[float, msgspec.Meta(ge=0, le=sys.float_info.max)]
Share = Annotated[float, msgspec.Meta(ge=0, le=1)]
Count = Annotated[int, msgspec.Meta(ge=0)]
NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]

_AT = re.compile(r"^(?P<what>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]")
_EXPECTED = re.compile(r"Expected `(?P<type>[^`]+)`(?P<rest>.*?)(?:, got `[^`]+`)?$")


def decode(data: object, kind: type[T], *, source: str, error: type[ClientError] = ClientError) -> T:
    """Convert already-parsed JSON ``data`` into ``kind``; ``source`` names the document in messages
    (e.g. ``"baseline_constraints constraints.json"``)."""
    try:
        return msgspec.convert(data, kind, strict=True)
    except msgspec.ValidationError as exc:
        raise error(describe(exc, data, source=source)) from None


def parse_json(text: str | bytes, *, source: str, error: type[ClientError] = ClientError) -> Any:
    """Parse JSON text; a syntax error names the document, the line and what to do."""
    try:
        return json.loads(text)
    except RecursionError:
        raise error(f"{source} nests too deeply to be a settings document; fix the file.") from None
    except UnicodeDecodeError:
        raise error(f"{source} is not UTF-8 text; save it as UTF-8 JSON.") from None
    except json.JSONDecodeError as exc:
        raise error(f"{source} is not valid JSON ({exc.msg}, line {exc.lineno}); fix the file.") from None


def describe(exc: msgspec.ValidationError, data: object, *, source: str) -> str:
    """``<source>: <path> is <value>; expected <what>.`` from msgspec's message and the data."""
    match = _AT.match(str(exc))
    assert match is not None  # the pattern matches every string
    what, path = match["what"], match["path"] or ""
    where = f"{source}: {path.lstrip('.') or '(top level)'}"
    found, value = _lookup(data, path)
    if what.startswith("Object contains unknown field"):
        field = what.split("`")[1]
        return f"{where} has an unknown key {field!r}; remove or correct it."
    if what.startswith("Object missing required field"):
        field = what.split("`")[1]
        return f"{where} lacks the required key {field!r}; add it."
    shown = ""
    if found:
        shown = f" is {_show(value)}"
        if isinstance(value, float) and not math.isfinite(value):
            return f"{where}{shown}; a finite number is needed."
    return f"{where}{shown}; expected {_expected(what)}."


def _lookup(data: object, path: str) -> tuple[bool, object]:
    node = data
    for key, index in _STEP.findall(path):
        if index == "...":
            return False, None
        try:
            node = node[int(index)] if index else node[key]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return False, None
    return True, node


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


_NAMES = {
    "array": "a list",
    "object": "an object",
    "str": "a string",
    "int": "an integer",
    "float": "a number",
    "bool": "true or false",
    "null": "null",
}


def _expected(what: str) -> str:
    match = _EXPECTED.match(what)
    if match is None:
        return what[0].lower() + what[1:] if what else "another value"
    names = " or ".join(_NAMES.get(t.strip(), t.strip()) for t in match["type"].split("|"))
    return names + match["rest"]
