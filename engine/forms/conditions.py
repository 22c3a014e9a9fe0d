"""Fields a form requires only in some answers, set in the diagram: the user task's `camunda:properties`
→ `required_when`, e.g. `close_reason: assessment_decision == "close"` (several rules separated by `;`).

form-js has no conditional `required`; the rule is written in the diagram's own expression language and
checked on the server with the submitted answers, like every other rule of the form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from engine.expressions import ExpressionError, check_expression, evaluate
from engine.forms.formjs import MESSAGES

_RULE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_]*)\s*:\s*(.+?)\s*$", re.DOTALL)


def parse_rules(text: str) -> list[tuple[str, str]]:
    """`field: condition; ...` -> [(field, condition)]; ValueError with an English message."""
    rules = []
    for part in (text or "").split(";"):
        if not part.strip():
            continue
        found = _RULE.match(part)
        if not found:
            raise ValueError(f"required_when: {part.strip()!r} is not 'field: condition'")
        rules.append((found.group(1), found.group(2)))
    return rules


def check_rules(text: str) -> list[str]:
    """Problems with a `required_when` property (for the deploy report)."""
    try:
        rules = parse_rules(text)
    except ValueError as exc:
        return [str(exc)]
    problems = []
    for field, condition in rules:
        try:
            check_expression(condition)
        except ExpressionError as exc:
            problems.append(f"required_when for {field}: {exc}")
    return problems


def _empty(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def missing_fields(properties: Mapping[str, Any], data: Mapping[str, Any]) -> list[dict[str, str]]:
    """Problems for the fields that the task's `required_when` rules require of these answers."""
    text = properties.get("required_when")
    if not text:
        return []
    problems = []
    for field, condition in parse_rules(str(text)):
        try:
            applies = bool(evaluate(condition, data))
        except ExpressionError:
            applies = False  # a condition on an answer not given does not apply
        if applies and _empty(data.get(field)):
            problems.append({"field": field, "message": MESSAGES["required"]})
    return problems
