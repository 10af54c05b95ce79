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
from container.write._json import not_finite_text

T = TypeVar("T")

# A float that must be finite: msgspec refuses NaN and +-Infinity against these bounds.
Finite = Annotated[float, msgspec.Meta(ge=-sys.float_info.max, le=sys.float_info.max)]
NonNegative = Annotated[float, msgspec.Meta(ge=0, le=sys.float_info.max)]
Share = Annotated[float, msgspec.Meta(ge=0, le=1)]
Count = Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)]  # a count beyond int64 is no count
NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]

_AT = re.compile(r"^(?P<what>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]")
_EXPECTED = re.compile(r"Expected `(?P<type>[^`]+)`(?P<rest>.*?)(?:, got `[^`]+`)?$")


def decode(data: object, kind: type[T], *, source: str, error: type[ClientError] = ClientError, at: str = "") -> T:
    """Convert already-parsed JSON ``data`` into ``kind``; ``source`` names the document in messages
    (e.g. ``"baseline_constraints constraints.json"``). ``at`` is where ``data`` sits in the document when
    it is only a part of it (msgspec's paths do not name the keys of a ``dict``, so decode its values one
    by one with ``at="section.key"``)."""
    try:
        return msgspec.convert(data, kind, strict=True)
    except msgspec.ValidationError as exc:
        raise error(describe(exc, data, source=source, kind=kind, at=at)) from None


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


def describe(exc: msgspec.ValidationError, data: object, *, source: str, kind: object = None, at: str = "") -> str:
    """``<source>: <path> is <value>; expected <what>.`` from msgspec's message and the data.

    With ``kind`` (the type decoded into), a choice of values is spelled out: msgspec itself only says
    ``Invalid enum value``, which does not tell the user what to write instead."""
    match = _AT.match(str(exc))
    assert match is not None  # the pattern matches every string
    what, path = match["what"], match["path"] or ""
    where = f"{source}: {(at + path).lstrip('.') or '(top level)'}"
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
        if isinstance(value, float) and not math.isfinite(value) and what.startswith("Expected `float"):
            return f"{where}{shown}; a finite number is needed."
    return f"{where}{shown}; expected {_choices(kind, path, what) or _expected(what)}{_unquote(what, value)}."


def problem(source: str, path: str, value: object, expected: str) -> str:
    """The same sentence as a decoding error, for checks a type cannot express (e.g. a whole number)."""
    return f"{source}: {path or '(top level)'} is {_show(value)}; expected {expected}."


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
    if isinstance(value, float) and not math.isfinite(value):
        return not_finite_text(value)  # as our JSON spells them
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


def _unquote(what: str, value: object) -> str:
    # 'false' where a boolean belongs reads as "expected true or false" otherwise; say what differs.
    return " (a JSON boolean, not a string)" if isinstance(value, str) and "`bool" in what else ""


def _choices(kind: object, path: str, what: str) -> str | None:
    """``one of 'A', 'B'`` (with the other types allowed) when the type at ``path`` offers fixed values."""
    if kind is None or not (what.startswith("Invalid enum value") or "str" in what):
        return None
    node = _type_at(msgspec.inspect.type_info(kind), path)
    members = node.types if isinstance(node, msgspec.inspect.UnionType) else (node,)
    values = [v for m in members for v in _values(m)]
    if not values:
        return None
    others = [_NAMES.get(_kind_name(m), _kind_name(m)) for m in members if not _values(m)]
    fixed = repr(values[0]) if len(values) == 1 else "one of " + ", ".join(repr(v) for v in values)
    return " or ".join([*others, fixed])


def _values(node: object) -> tuple[object, ...]:
    if isinstance(node, msgspec.inspect.EnumType):
        return tuple(member.value for member in node.cls)
    if isinstance(node, msgspec.inspect.LiteralType):
        return node.values
    return ()


def _kind_name(node: object) -> str:
    names = {"ListType": "array", "StructType": "object", "DictType": "object", "StrType": "str", "IntType": "int"}
    names |= {"FloatType": "float", "BoolType": "bool", "NoneType": "null"}
    return names.get(type(node).__name__, "another value")


def _type_at(node: object, path: str) -> object:
    for key, index in _STEP.findall(path):
        node = _step(node, key, index)
    return node


def _step(node: object, key: str, index: str) -> object:
    inspect = msgspec.inspect
    for member in node.types if isinstance(node, inspect.UnionType) else (node,):
        if isinstance(member, inspect.Metadata):
            member = member.type
        if key and isinstance(member, inspect.StructType):
            return next((f.type for f in member.fields if f.encode_name == key), None)
        if isinstance(member, inspect.DictType) and (key or index == "..."):
            return member.value_type
        if index and isinstance(member, inspect.ListType | inspect.VarTupleType | inspect.SetType):
            return member.item_type
    return None


def _expected(what: str) -> str:
    match = _EXPECTED.match(what)
    if match is None:
        return what[0].lower() + what[1:] if what else "another value"
    names = " or ".join(_NAMES.get(t.strip(), t.strip()) for t in match["type"].split("|"))
    return names + match["rest"]
