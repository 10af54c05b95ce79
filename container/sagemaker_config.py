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


class _S3Input(msgspec.Struct, frozen=True):
    LocalPath: str | None = None
    S3DataDistributionType: str | None = None


class _Input(msgspec.Struct, frozen=True):
    S3Input: _S3Input | None = None


class _JobConfig(msgspec.Struct, frozen=True):
    """``processingjobconfig.json``: ``Environment``, and each input's local path and distribution (a
    multi-instance job's data may be sharded); SageMaker's other keys are not ours."""

    Environment: dict[str, object] | None = None
    ProcessingInputs: list[_Input] | None = None


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


def hosts(path: Path) -> tuple[str, tuple[str, ...]]:
    """``(current_host, hosts)`` of ``resourceconfig.json``; without the file, a local run: the single host
    algo-1, as AWS's own containers assume."""
    data = _sagemaker_file(path)
    if data is None:
        return "algo-1", ("algo-1",)
    config = decode(data, _ResourceConfig, source=str(path), error=ContractError)
    if config.current_host not in config.hosts:
        raise ContractError(
            f"{path}: current_host is {config.current_host!r}, which is not among hosts {config.hosts!r:.120}; "
            "SageMaker writes this file, check the mount."
        )
    if len(set(config.hosts)) != len(config.hosts):
        raise ContractError(
            f"{path}: hosts {config.hosts!r:.120} names a host twice; SageMaker writes this file, check the mount."
        )
    return config.current_host, tuple(config.hosts)


def input_distribution(path: Path, local_path: Path) -> str:
    """How SageMaker spread the input mounted at ``local_path`` over the instances: ``FullyReplicated`` (every
    instance has every file; also when the job config does not say) or ``ShardedByS3Key`` (each has its own)."""
    data = _sagemaker_file(path)
    if data is None:
        return "FullyReplicated"
    config = decode(data, _JobConfig, source=str(path), error=ContractError)
    for item in config.ProcessingInputs or []:
        s3 = item.S3Input
        if s3 is None or s3.LocalPath is None:
            continue
        mounted = Path(s3.LocalPath)
        if local_path == mounted or mounted in local_path.parents:
            distribution = s3.S3DataDistributionType or "FullyReplicated"
            if distribution not in ("FullyReplicated", "ShardedByS3Key"):
                raise ContractError(
                    f"{path}: S3DataDistributionType {distribution!r} of the input at {s3.LocalPath} is not "
                    "FullyReplicated or ShardedByS3Key; SageMaker writes this file, check the mount."
                )
            return distribution
    return "FullyReplicated"


def _sagemaker_file(path: Path) -> object | None:
    """The JSON of a file SageMaker mounts under ``config/``; ``None`` when there is none."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RecursionError) as exc:
        raise ContractError(f"{path} cannot be read as JSON ({str(exc)[:120]}); SageMaker writes it, check the mount.") from None
