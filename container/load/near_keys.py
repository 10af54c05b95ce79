"""Finding keys that look like misspellings of ours in a document decoded with unknown keys allowed.

AWS's baseline files carry keys we do not read, so unknown keys cannot be refused outright. But a key
one letter away from one we read (``is_non_negativ``, ``completness``, ``Domains``) would otherwise be
ignored without a word, and the constraint it meant would silently not apply.
"""

from __future__ import annotations

import difflib
from typing import Any

import msgspec

SIMILARITY = 0.85  # difflib ratio: one wrong, missing or extra letter in a key of 7+ letters


def misspelt_key(data: object, kind: Any) -> tuple[str, str, str] | None:
    """``(path, key, meant)`` of the first key in ``data`` that looks like a misspelling of a key of
    ``kind`` at the same place, else ``None``. ``data`` must already have decoded into ``kind``."""
    return _walk(data, msgspec.inspect.type_info(kind), "")


def _walk(data: object, node: Any, path: str) -> tuple[str, str, str] | None:
    inspect = msgspec.inspect
    if isinstance(node, inspect.UnionType):
        node = next((m for m in node.types if _fits(data, m)), None)
    if isinstance(node, inspect.StructType) and isinstance(data, dict):
        return _struct(data, node, path)
    if isinstance(node, inspect.ListType) and isinstance(data, list):
        return next((hit for i, item in enumerate(data) if (hit := _walk(item, node.item_type, f"{path}[{i}]"))), None)
    if isinstance(node, inspect.DictType) and isinstance(data, dict):
        return next((hit for k, v in data.items() if (hit := _walk(v, node.value_type, f"{path}.{k}"))), None)
    return None


def _struct(data: dict[str, Any], node: Any, path: str) -> tuple[str, str, str] | None:
    fields = {f.encode_name: f.type for f in node.fields}
    known = set(fields) | set(getattr(node.cls, "known", ()))
    for key in data:
        if key not in known and (meant := _meant(key, known)):
            return path.lstrip("."), key, meant
    for key, value in data.items():
        if key in fields and (hit := _walk(value, fields[key], f"{path}.{key}")):
            return hit
    return None


def _meant(key: str, known: set[str]) -> str | None:
    flat = _flat(key)
    same = [k for k in sorted(known) if _flat(k) == flat]
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=SIMILARITY)
    return (same or close or [None])[0]


def _flat(key: str) -> str:
    return key.lower().replace("_", "").replace("-", "")


def _fits(data: object, node: Any) -> bool:
    inspect = msgspec.inspect
    if isinstance(data, dict):
        return isinstance(node, inspect.StructType | inspect.DictType)
    return isinstance(data, list) and isinstance(node, inspect.ListType)
