"""Schedule expressions: what EventBridge Scheduler accepts (cron, rate, at) and Model Monitor's narrower cron forms.

Neither has a botocore pattern; the forms are AWS's documented ones.
"""

from __future__ import annotations

import re

_CRON_FIELDS = (
    r"[0-9,*/-]+",  # minutes
    r"[0-9,*/-]+",  # hours
    r"[0-9,*?/LW-]+",  # day of month
    r"[0-9A-Za-z,*/-]+",  # month
    r"[0-9A-Za-z,*?/L#-]+",  # day of week
    r"[0-9,*/-]+",  # year
)
_CRON_FIELD_NAMES = ("minutes", "hours", "day-of-month", "month", "day-of-week", "year")
_RATE = re.compile(r"^rate\((?P<n>\d+) (minute|minutes|hour|hours|day|days)\)$")
_AT = re.compile(r"^at\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\)$")
SCHEDULER_FORMS = "cron(minutes hours day-of-month month day-of-week year), rate(n minutes|hours|days) or at(yyyy-mm-ddThh:mm:ss)"

# Model Monitor accepts only these (SageMaker API reference, ScheduleConfig.ScheduleExpression). NOW (one run,
# immediately) also needs DataAnalysisStartTime/EndTime, which the tool does not send.
_MM_HOURLY = re.compile(r"^cron\(0 \* \? \* \* \*\)$")
_MM_DAILY = re.compile(r"^cron\(0 (?P<h>\d{1,2}) \? \* \* \*\)$")
_MM_EVERY = re.compile(r"^cron\(0 (?P<h>\d{1,2})/(?P<n>\d{1,2}) \? \* \* \*\)$")
MODEL_MONITOR_FORMS = (
    "hourly cron(0 * ? * * *), daily at hour H cron(0 H ? * * *) or every N hours from hour H cron(0 H/N ? * * *) "
    "(H 0-23, N 1-24)"
)


def scheduler_schedule(expr: str) -> str | None:
    """Why EventBridge Scheduler would reject ``expr``, or None."""
    if _AT.match(expr):
        return None
    rate = _RATE.match(expr)
    if rate:
        return None if int(rate["n"]) >= 1 else "a rate needs a value of 1 or more"
    if not (expr.startswith("cron(") and expr.endswith(")")):
        return f"schedule {expr!r} is not {SCHEDULER_FORMS}"
    return _cron_problem(expr)


def _cron_problem(expr: str) -> str | None:
    """Why the six-field ``cron(...)`` expression ``expr`` is not one Scheduler accepts, or None."""
    fields = expr[5:-1].split()
    if len(fields) != 6:
        return f"schedule {expr!r} has {len(fields)} cron fields, not 6 (minutes hours day-of-month month day-of-week year)"
    bad = next((i for i, (f, p) in enumerate(zip(fields, _CRON_FIELDS, strict=True)) if not re.fullmatch(p, f)), None)
    if bad is not None:
        return f"schedule {expr!r} has an invalid {_CRON_FIELD_NAMES[bad]} field {fields[bad]!r}"
    if (fields[2] == "?") == (fields[4] == "?"):
        return f"schedule {expr!r} must have ? in exactly one of day-of-month and day-of-week"
    return None


def model_monitor_schedule(expr: str) -> bool:
    if _MM_HOURLY.match(expr):
        return True
    daily = _MM_DAILY.match(expr)
    if daily:
        return int(daily["h"]) <= 23
    every = _MM_EVERY.match(expr)
    return bool(every) and int(every["h"]) <= 23 and 1 <= int(every["n"]) <= 24


def model_monitor_fix(expr: str) -> str:
    """The closest Model Monitor form to a Scheduler expression, for the error's fix."""
    rate = _RATE.match(expr)
    if rate and "hour" in expr and 1 < int(rate["n"]) <= 24:
        return f"e.g. cron(0 0/{int(rate['n'])} ? * * *)"
    if rate and "day" in expr:
        return "e.g. cron(0 0 ? * * *)"
    fields = expr[5:-1].split() if expr.startswith("cron(") else []
    if len(fields) == 6 and fields[1].isdigit():
        return f"e.g. cron(0 {int(fields[1])} ? * * *)"
    return "e.g. cron(0 * ? * * *)"
