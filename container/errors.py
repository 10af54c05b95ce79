"""Errors the container tells apart.

::

    MonitorError
    └── ClientError            the user can fix it; its text goes to the status message file
        ├── ContractError      environment variables, paths, dataset_format, time window
        ├── ConfigError        the analysis config
        ├── BaselineError      baseline statistics.json / constraints.json
        ├── CaptureFormatError the dataset cannot be read at all (not one bad record: those are counted)
        └── OutputError        the output path cannot be written

Anything else is a bug: the message says ``Internal error: <type>`` and the traceback goes to the log.
Every ``ClientError`` sentence names the thing, the value and the fix, and stays well under 1 KB.
"""


class MonitorError(Exception):
    """Base of every error this container raises on purpose."""


class ClientError(MonitorError):
    """A problem with the job's input or settings that the user can fix."""


class ContractError(ClientError):
    pass


class ConfigError(ClientError):
    pass


class BaselineError(ClientError):
    pass


class CaptureFormatError(ClientError):
    pass


class OutputError(ClientError):
    pass
