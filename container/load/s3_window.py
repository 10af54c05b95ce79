"""Reading a window straight from S3 when ``dataset_source`` is an ``s3://`` prefix (runs without
Model Monitor, which would otherwise download the capture for us).

Endpoint capture is laid out ``<prefix>/<endpoint>/<variant>/yyyy/mm/dd/hh/*.jsonl``
(docs/contract.md #endpoint-data-capture): only the hour folders the window covers are listed and
fetched, below however many name levels the prefix leaves. Without a window, or when no hour folders
exist (batch data), everything under the prefix is fetched. Batch-transform capture stores *manifests*
under its hour folders (``[{"prefix": "s3://..."}, "file.out", ...]``, docs/contract.md
#batch-transform-capture): the files they list are fetched in their place. Files go to a private
temporary folder that the caller removes.
"""

from __future__ import annotations

import json
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from container.errors import ContractError
from container.sources import S3Uri, hour_folders, s3_client, s3_failure

_YEAR = re.compile(r"^\d{4}/$")
MAX_NAME_LEVELS = 3  # endpoint / variant / year at most between the prefix and the hour folders


def listed_folders(hours: list[str]) -> list[str]:
    """The folders to list for these hour folders: a day whose 24 hours are all in the window is listed
    once (``yyyy/mm/dd/``), other hours one by one.

    >>> listed_folders(["2024/01/19/23/"] + [f"2024/01/20/{h:02d}/" for h in range(24)] + ["2024/01/21/00/"])
    ['2024/01/19/23/', '2024/01/20/', '2024/01/21/00/']
    """
    out: list[str] = []
    for i, hour in enumerate(hours):
        day = hour[:11]
        if hour.endswith("/00/") and hours[i : i + 24] == [f"{day}{h:02d}/" for h in range(24)]:
            out.append(day)
        elif not out or not hour.startswith(out[-1]) or len(out[-1]) != 11:
            out.append(hour)
    return out


FETCH_THREADS = 16  # objects listed and downloaded at once: a window of thousands of small objects is latency-bound


def fetch(uri: str, start: datetime | None, end: datetime | None, dest: Path) -> int:
    """Download the window's objects under ``uri`` into ``dest``; the number of objects fetched.

    Hour folders are listed, and objects downloaded, by ``FETCH_THREADS`` threads: a long window of
    hourly files is thousands of requests whose round trips would otherwise add up one after another."""
    import botocore.exceptions

    where = S3Uri.parse(uri)
    bucket, prefix = where.bucket, where.folder
    s3 = s3_client()
    pool = ThreadPoolExecutor(FETCH_THREADS, thread_name_prefix="s3-window")
    try:
        roots = _hour_roots(s3, bucket, prefix) if start is not None and end is not None else []
        prefixes = [root + folder for root in roots for folder in listed_folders(hour_folders(start, end))] if roots else [prefix]  # type: ignore[arg-type]
        keys = [key for listed in pool.map(lambda p: _list(s3, bucket, p), prefixes) for key in listed]
        return sum(pool.map(lambda key: _download(s3, bucket, key, dest / key[len(prefix) :]), keys))
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        raise s3_failure("dataset_source", uri, exc, ContractError) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # a stopped job waits for running requests only


def _list(s3, bucket: str, prefix: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        item["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        for item in page.get("Contents", [])
    ]


def _download(s3, bucket: str, key: str, target: Path) -> int:  # type: ignore[no-untyped-def]
    """Fetch one object (a manifest: the files it lists); the number of files fetched."""
    target.parent.mkdir(parents=True, exist_ok=True)
    body = s3.get_object(Bucket=bucket, Key=key)["Body"]
    with target.open("wb") as out:
        shutil.copyfileobj(body, out, 1 << 20)
    return _expand_manifest(s3, target) or 1


def _hour_roots(s3, bucket: str, prefix: str, depth: int = 0) -> list[str]:  # type: ignore[no-untyped-def]
    """Prefixes whose children are year folders (the level where ``yyyy/mm/dd/hh/`` starts)."""
    children = [
        p["Prefix"][len(prefix) :]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix, Delimiter="/")
        for p in page.get("CommonPrefixes", [])
    ]
    if any(_YEAR.match(child) for child in children):
        return [prefix]
    if depth >= MAX_NAME_LEVELS:
        return []
    return [root for child in children for root in _hour_roots(s3, bucket, prefix + child, depth + 1)]


MANIFEST_MAX_BYTES = 1 << 20


def manifest_entries(text: str) -> list[tuple[str, str]] | None:
    """The (bucket, key) pairs a batch-transform capture manifest lists, or None if it is no manifest.

    >>> manifest_entries('[{"prefix": "s3://b/out/"}, "a.csv.out", "x/b.csv.out"]')
    [('b', 'out/a.csv.out'), ('b', 'out/x/b.csv.out')]
    """
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not (isinstance(value, list) and value and isinstance(value[0], dict) and "prefix" in value[0]):
        return None
    where = S3Uri.parse(str(value[0]["prefix"]))
    return [(where.bucket, where.key + str(name)) for name in value[1:] if isinstance(name, str)]


def _expand_manifest(s3, path: Path) -> int:  # type: ignore[no-untyped-def]
    """Replace a downloaded manifest by the files it lists; the number fetched (0: not a manifest)."""
    if path.suffix != ".json" or path.stat().st_size > MANIFEST_MAX_BYTES:
        return 0
    entries = manifest_entries(path.read_text(encoding="utf-8", errors="replace"))
    if entries is None:
        return 0
    folder = path.with_suffix(".d")
    for i, (bucket, key) in enumerate(entries):
        target = folder / f"{i:05d}-{key.rsplit('/', 1)[-1]}"
        target.parent.mkdir(parents=True, exist_ok=True)
        s3.download_file(bucket, key, str(target))
    path.unlink()
    return len(entries)
