"""Requests checked against botocore's service models with every constraint the model states: botocore's own
validator checks types, required members and minimums; AWS also enforces maximum lengths and values,
patterns and enums, which moto mostly does not. So a request a test sends to moto is also checked here."""

from __future__ import annotations

from typing import Any

import botocore.session
import regex
from botocore.exceptions import ParamValidationError
from botocore.validate import validate_parameters


def request_errors(service: str, operation: str, params: dict[str, Any]) -> list[str]:
    """Every way ``params`` breaks the input shape of ``service``'s ``operation``; empty when it fits."""
    shape = botocore.session.get_session().get_service_model(service).operation_model(operation).input_shape
    try:
        validate_parameters(params, shape)
    except ParamValidationError as exc:
        return [str(exc)]
    return _constraint_errors(params, shape, operation)


def _constraint_errors(value: Any, shape: Any, path: str) -> list[str]:
    kind, meta = shape.type_name, shape.metadata
    if kind == "structure":
        return [e for k, v in value.items() for e in _constraint_errors(v, shape.members[k], f"{path}.{k}")]
    if kind == "list":
        return _bounds(len(value), meta, path, "items") + [
            e for i, v in enumerate(value) for e in _constraint_errors(v, shape.member, f"{path}[{i}]")
        ]
    if kind == "map":
        return [e for k, v in value.items() for e in _constraint_errors(v, shape.value, f"{path}.{k}")]
    if kind == "string":
        errors = _bounds(len(value), meta, path, "characters")
        if shape.enum and value not in shape.enum:
            errors.append(f"{path}={value!r} is not one of {shape.enum}")
        pattern = meta.get("pattern")
        # AWS writes patterns in Java's syntax (``\p{ASCII}*``); the regex module reads it, the re module does not.
        if pattern and not regex.fullmatch(pattern, value, flags=regex.DOTALL):
            errors.append(f"{path}={value!r} does not match {pattern}")
        return errors
    if kind == "blob":
        return _bounds(len(value), meta, path, "bytes")
    if kind in ("integer", "long", "double", "float"):
        return _bounds(value, meta, path, "")
    return []


def _bounds(amount: float, meta: dict[str, Any], path: str, unit: str) -> list[str]:
    low, high = meta.get("min"), meta.get("max")
    if low is not None and amount < low:
        return [f"{path}: {amount} {unit} is under the minimum {low}".replace("  ", " ")]
    if high is not None and amount > high:
        return [f"{path}: {amount} {unit} is over the maximum {high}".replace("  ", " ")]
    return []
