"""The rendered template checked before any AWS call: cfn-lint (CloudFormation's resource specification: types,
lengths, patterns, enums) plus the stack-wide limits cfn-lint does not know.

The per-endpoint rules (Model Monitor's cron forms, names after truncation, environment values, the retraining
trigger's size) are checked earlier on the fleet file itself (derived_limits.py), where the message can name
the key to change.
"""

from __future__ import annotations

import json
from typing import Any

RESOURCES_MAX = 500  # resources in one stack
TEMPLATE_URL_MAX = 1_000_000  # bytes of a template CloudFormation reads from S3
EVENT_PATTERN_MAX = 4096  # EventBridge rule EventPattern


def problems(template: dict[str, Any], region: str) -> list[str]:
    """Every error, one line each (resource, property path, what is wrong); empty when the template is good."""
    import cfnlint.api  # only the deploy tooling lints

    body = json.dumps(template, sort_keys=True)
    found = [
        f"{'/'.join(str(p) for p in match.path)}: {match.message} [cfn-lint {match.rule.id}]"
        for match in cfnlint.api.lint(body, regions=[region])
        if match.rule.id.startswith("E")
    ]
    resources = template["Resources"]
    if len(resources) > RESOURCES_MAX:
        found.append(
            f"the stack would hold {len(resources)} resources, over CloudFormation's limit of {RESOURCES_MAX}: "
            "split the endpoints over several fleet files (each its own stack_name)"
        )
    if len(body.encode()) > TEMPLATE_URL_MAX:
        found.append(
            f"the template is {len(body.encode()):,} bytes, over CloudFormation's limit of {TEMPLATE_URL_MAX:,}: split the fleet"
        )
    for name, resource in resources.items():
        pattern = resource["Properties"].get("EventPattern")
        if resource["Type"] == "AWS::Events::Rule" and len(json.dumps(pattern)) > EVENT_PATTERN_MAX:
            found.append(f"Resources/{name}/Properties/EventPattern: over EventBridge's limit of {EVENT_PATTERN_MAX} characters")
    return found
