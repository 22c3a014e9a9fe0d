"""Validation of task data against Camunda `formData` fields declared in the diagram.

Until form-js forms land, the declared fields' types are checked: string, long, boolean, date,
enum, plus the `required`, `minlength`, `maxlength`, `min` and `max` constraints. Messages are
Danish because they are shown to caseworkers.
"""

from __future__ import annotations

from datetime import date
from typing import Any

MAX_STRING = 10_000


def _check_type(kind: str, value: Any, options: list[str]) -> str | None:
    if kind == "string":
        if not isinstance(value, str):
            return "Skal være tekst."
        if len(value) > MAX_STRING:
            return f"Må højst være {MAX_STRING} tegn."
    elif kind == "long":
        if isinstance(value, bool) or not isinstance(value, int):
            return "Skal være et helt tal."
    elif kind == "boolean":
        if not isinstance(value, bool):
            return "Skal være ja eller nej."
    elif kind == "date":
        try:
            date.fromisoformat(str(value)[:10])
        except ValueError:
            return "Skal være en dato (ÅÅÅÅ-MM-DD)."
    elif kind == "enum" and value not in options:
        return "Vælg en af de mulige værdier."
    return None


def _check_constraints(field: Any, value: Any) -> str | None:
    for rule in getattr(field, "validation", []):
        name, config = rule.name, rule.config
        try:
            if name == "minlength" and isinstance(value, str) and len(value) < int(config):
                return f"Skal være mindst {config} tegn."
            if name == "maxlength" and isinstance(value, str) and len(value) > int(config):
                return f"Må højst være {config} tegn."
            if name == "min" and isinstance(value, int | float) and value < float(config):
                return f"Skal være mindst {config}."
            if name == "max" and isinstance(value, int | float) and value > float(config):
                return f"Må højst være {config}."
        except (TypeError, ValueError):
            continue  # a malformed constraint in the diagram is not the user's fault
    return None


def validate_form_data(form: Any, data: dict[str, Any]) -> list[dict[str, str]]:
    """Problems with `data` against a Camunda form, as [{"field", "message"}]; [] when valid."""
    problems: list[dict[str, str]] = []
    for field in getattr(form, "fields", None) or []:
        required = any(rule.name == "required" for rule in getattr(field, "validation", []))
        value = data.get(field.id)
        if value is None or value == "":
            if required:
                problems.append({"field": field.id, "message": "Feltet skal udfyldes."})
            continue
        options = [opt.id for opt in getattr(field, "options", [])]
        message = _check_type(field.type or "string", value, options) or _check_constraints(field, value)
        if message:
            problems.append({"field": field.id, "message": message})
    return problems


def describe_form(form: Any) -> dict[str, Any] | None:
    """A JSON description of a Camunda form for API clients; None when the task has none."""
    if form is None or not getattr(form, "key", None) and not getattr(form, "fields", None):
        return None
    return {
        "key": getattr(form, "key", None),
        "fields": [
            {
                "id": field.id,
                "type": field.type,
                "label": field.label,
                "default": field.default_value,
                "required": any(rule.name == "required" for rule in field.validation),
                "options": [{"id": o.id, "name": o.name} for o in getattr(field, "options", [])],
            }
            for field in getattr(form, "fields", None) or []
        ],
    }
