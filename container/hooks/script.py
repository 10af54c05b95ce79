"""A user's script: read once (a mounted path or s3://), compiled in each process that calls it.

The source text travels to the worker processes and hosts with the read specification (a few kB), so a
script the schedule mounted on one host only, or fetched from S3 once, runs the same everywhere. Compiling it
runs its top-level code: a failure there (a syntax error, a package the image does not have) is the user's,
a ``ClientError`` naming the script, never a traceback.
"""

from __future__ import annotations

import inspect
import logging
import types
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from container.errors import ClientError
from container.sources import read_text

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class UserScript:
    setting: str  # the environment variable that named it
    location: str  # as given: a path or s3:// URI
    source: str

    @classmethod
    def read(cls, setting: str, location: str) -> UserScript:
        return cls(setting, location, read_text(setting, location))

    def function(self, name: str) -> Callable[..., Any]:
        """The script's function ``name``; a ClientError when the script cannot load or defines none."""
        found = getattr(_module(self), name, None)
        if not callable(found):
            raise ClientError(
                f"{self.setting}={self.location!r} defines no function {name}(); AWS's hooks are called by that name."
            )
        return found


@cache
def _module(script: UserScript) -> types.ModuleType:
    """The script run once per process (cached: thousands of batches never recompile it)."""
    module = types.ModuleType(f"user_{script.setting}")
    module.__file__ = script.location
    try:
        code = compile(script.source, script.location, "exec")
        exec(code, module.__dict__)
    except SyntaxError as exc:
        raise ClientError(f"{script.setting}={script.location!r} is not valid Python: {exc.msg} at line {exc.lineno}.") from None
    except Exception as exc:  # noqa: BLE001 - whatever the user's top-level code raises is the user's
        raise ClientError(
            f"{script.setting}={script.location!r} failed while loading: {type(exc).__name__}: {str(exc)[:200]}"
        ) from None
    return module


def takes_logger(function: Callable[..., Any]) -> bool:
    """AWS documents ``preprocess_handler(inference_record)`` and, later, ``(inference_record, logger)``."""
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return False
    if any(p.kind is p.VAR_POSITIONAL for p in parameters):
        return True
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 2
