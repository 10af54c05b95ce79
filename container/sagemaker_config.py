"""The two files SageMaker mounts under ``<base>/config`` (docs/contract.md #paths), decoded strictly.

``processingjobconfig.json`` mirrors the environment (``Environment``); ``resourceconfig.json`` names the
hosts of a multi-instance job. Both are SageMaker's, so a wrong shape means a broken mount or a
hand-made file: it is a ``ContractError`` naming the file, the key and the value, never a silent default.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import msgspec

from container.documents import NonEmpty, decode
from container.errors import ContractError


class _JobConfig(msgspec.Struct, frozen=True):
    """``processingjobconfig.json``: only ``Environment`` is read; SageMaker's other keys are not ours."""

    Environment: dict[str, object] | None = None


class _ResourceConfig(msgspec.Struct, frozen=True):
    """``resourceconfig.json``: the documented keys; training jobs add more, not read."""

    current_host: NonEmpty
    hosts: Annotated[list[NonEmpty], msgspec.Meta(min_length=1)]


def job_config_environment(path: Path) -> dict[str, str]:
    """The ``Environment`` of the job config (empty without the file): the fallback for every variable."""
    data = _sagemaker_file(path)
    if data is None:
        return {}
    environment = decode(data, _JobConfig, source=str(path), error=ContractError).Environment or {}
    for key, value in environment.items():
        # str() would turn null into "None" and a number into text nobody wrote: refuse instead.
        if not isinstance(value, str):
            raise ContractError(
                f"{path}: Environment.{key} is {json.dumps(value)[:80]}; expected a string "
                "(SageMaker passes every variable as text)."
            )
    return {key: value for key, value in environment.items() if isinstance(value, str)}


def is_leader(path: Path) -> bool:
    """On a multi-instance job only the first host writes results (every host sees the same data)."""
    data = _sagemaker_file(path)
    if data is None:  # a local run; AWS's own containers then assume the single host algo-1
        return True
    config = decode(data, _ResourceConfig, source=str(path), error=ContractError)
    if config.current_host not in config.hosts:
        raise ContractError(
            f"{path}: current_host is {config.current_host!r}, which is not among hosts {config.hosts!r:.120}; "
            "SageMaker writes this file, check the mount."
        )
    return config.current_host == sorted(config.hosts)[0]


def _sagemaker_file(path: Path) -> object | None:
    """The JSON of a file SageMaker mounts under ``config/``; ``None`` when there is none."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RecursionError) as exc:
        raise ContractError(f"{path} cannot be read as JSON ({str(exc)[:120]}); SageMaker writes it, check the mount.") from None
