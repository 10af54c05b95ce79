"""The hostile datasets, one generator per reader: SageMaker capture lines (``capture_lines``), CSV, JSON lines,
JSON documents and Parquet (``datasets``). A generator takes a ``draw.Draw``: ``draw.strategy`` makes it a
hypothesis strategy, ``draw.RandomDraw(seed)`` a seeded case.

Every generated record carries its class, so a case knows what a correct reader must report:

- ``good``: a valid record inside the window; it is kept and every row it holds is analysed.
- ``bad``: broken in a way that makes it exactly one bad record (truncated, wrong type in a field the
  reader needs, BASE64 that is not base64, non-UTF-8 bytes, nesting past ``limits.max_nesting_depth``...).
- ``outside``: a valid record whose ``inferenceTime`` is outside the window.
- ``width``: a valid record holding one row of the wrong width: kept with its row skipped, or bad.
- ``wild``: mutated without a known outcome (byte flips, unbalanced quotes, embedded newlines, BOMs,
  duplicate or empty keys, wrong types in fields the reader ignores...); only the invariants apply.

A record is a non-blank line (blank: only JSON whitespace), a Parquet row, or an element of a JSON document.
"""

from __future__ import annotations

from typing import Any

from tests.fuzz.capture_lines import capture_cases
from tests.fuzz.cases import ReaderCase
from tests.fuzz.datasets import csv_cases, json_document_cases, jsonl_cases, parquet_cases
from tests.fuzz.draw import RandomDraw

READER_KINDS = {
    "capture": capture_cases,
    "csv": csv_cases,
    "jsonl": jsonl_cases,
    "json": json_document_cases,
    "parquet": parquet_cases,
}


def exact_classes(kind: str) -> dict[str, Any]:
    """Arguments of a case strategy giving only records whose fate is fixed."""
    if kind == "capture":
        return {"classes": ("good", "bad", "outside", "width")}
    if kind in ("csv", "jsonl"):
        return {"classes": ("good", "bad", "width")}
    if kind == "json":
        return {"wild": False}
    return {"corrupt": False}


def reader_case(kind: str, fates: str, seed: int) -> ReaderCase:
    """The case of ``seed`` for a reader; ``fates`` is ``known`` (only records whose fate is fixed) or ``hostile``.
    The tests' sweeps and ``scripts/fuzz_inputs.py`` draw the same case for the same seed."""
    return READER_KINDS[kind](RandomDraw(seed), **(exact_classes(kind) if fates == "known" else {}))
