"""Which recipients a sharing task discloses to, from its `camunda:properties`.

- `disclosure_recipient`: the task always shares with this recipient kind (e.g. involving the police).
- `disclosure_when`: the task shares only when the caseworker ticks certain options of a field, e.g.
  `acute_measures: police_called=police, security_consultant_called=security_consultant` (a call to
  the police during acute measures is a disclosure to the police). Several fields are separated by
  `;`: `interpreter: phone_external=interpreter; partners: shelter=shelter, job_centre=other_department`.
Each recipient gets its own recorded disclosure, on the one basis the form gives.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from engine.consent.models import RECIPIENT_KINDS
from engine.forms.formjs import map_components

_WHEN = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_]*)\s*:\s*(.+)$", re.DOTALL)
_PAIR = re.compile(r"^\s*([A-Za-z0-9_]+)\s*=\s*([a-z_]+)\s*$")


def parse_when(text: str) -> tuple[str, dict[str, str]]:
    """`field: value=recipient, ...` -> (field, {value: recipient}); ValueError with an English message."""
    found = _WHEN.match(text or "")
    if not found:
        raise ValueError("disclosure_when must read 'field: value=recipient, value=recipient'")
    mapping: dict[str, str] = {}
    for part in found.group(2).split(","):
        pair = _PAIR.match(part)
        if not pair:
            raise ValueError(f"disclosure_when: {part.strip()!r} is not value=recipient")
        mapping[pair.group(1)] = pair.group(2)
    return found.group(1), mapping


def parse_whens(text: str) -> list[tuple[str, dict[str, str]]]:
    """`field: value=recipient, ...; field: ...` -> [(field, {value: recipient}), ...] (ValueError as parse_when)."""
    return [parse_when(clause) for clause in (text or "").split(";") if clause.strip()] or [parse_when(text)]


def check_properties(properties: Mapping[str, str]) -> list[str]:
    """Problems with a task's sharing properties (for the deploy report)."""
    problems = []
    static = properties.get("disclosure_recipient")
    if static is not None and static not in RECIPIENT_KINDS:
        problems.append(f"disclosure_recipient {static!r} is not one of {', '.join(RECIPIENT_KINDS)}")
    if properties.get("disclosure_when") is not None:
        try:
            clauses = parse_whens(properties["disclosure_when"])
        except ValueError as exc:
            return [*problems, str(exc)]
        problems += [f"disclosure_when: {kind!r} is not one of {', '.join(RECIPIENT_KINDS)}"
                     for _field, mapping in clauses for kind in mapping.values() if kind not in RECIPIENT_KINDS]
    return problems


def possible_recipients(properties: Mapping[str, Any]) -> list[str]:
    """Every recipient kind the task may disclose to, whatever the answers."""
    return recipients(properties, None)


def with_exception_choices(schema: Mapping[str, Any], exceptions: list[Any]) -> dict[str, Any]:
    """The form with `disclosure_exception` offering the maintained list's active entries.

    A form's own choice list would freeze the list as it was when the form was written.
    """
    values = [{"label": f"{e.name} ({e.law_reference})" if e.law_reference else e.name, "value": e.key}
              for e in exceptions]

    def change(component: dict[str, Any]) -> dict[str, Any]:
        if component.get("key") == "disclosure_exception" and component.get("type") in ("textfield", "select"):
            component.update(type="select", values=values)
        return component

    return map_components(schema, change)


def recipients(properties: Mapping[str, Any], data: Mapping[str, Any] | None) -> list[str]:
    """The recipient kinds this completion discloses to, given the submitted `data` (None: every one it may)."""
    kinds = [str(properties["disclosure_recipient"])] if properties.get("disclosure_recipient") else []
    clauses = parse_whens(str(properties["disclosure_when"])) if properties.get("disclosure_when") else []
    for field, mapping in clauses:
        if data is None:
            kinds += mapping.values()
        else:
            chosen = data.get(field)
            chosen = chosen if isinstance(chosen, list) else [chosen]
            kinds += [mapping[str(value)] for value in chosen if str(value) in mapping]
    return list(dict.fromkeys(kinds))


def required_only_when_shared(schema: Mapping[str, Any], properties: Mapping[str, Any],
                              data: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The form whose `disclosure_*` fields are required only when this completion shares.

    A task whose sharing hangs on an answer (`disclosure_when`: an external interpreter, say) must
    not demand a disclosure summary when nothing is shared. With `data` None (the page, before the
    answer) the fields show as optional; the completion's check then requires them if it shares.
    """
    if not properties.get("disclosure_when") or properties.get("disclosure_recipient"):
        return dict(schema)
    if data is not None and recipients(properties, data):
        return dict(schema)

    def relax(component: dict[str, Any]) -> dict[str, Any]:
        rules = component.get("validate")
        if str(component.get("key", "")).startswith("disclosure_") and isinstance(rules, dict):
            component["validate"] = {**rules, "required": False}
        return component

    return map_components(schema, relax)
