"""form-js forms: checking a form definition at deploy, validating submissions on the server.

Forms are @bpmn-io/form-js JSON (the format of Camunda's form editor). A marshmallow schema is
built from the components, so the browser is never trusted; messages are Danish because they are
shown beside the field to caseworkers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from engine.forms.markup import text_problems
from engine.forms.patterns import (
    BROKEN_PATTERN,
    UNDECIDED,
    PatternError,
    PatternTimeout,
    compile_pattern,
    pattern_problem,
)

DATA_TYPES = frozenset({"textfield", "textarea", "number", "checkbox", "radio", "select", "checklist", "datetime"})
LAYOUT_TYPES = frozenset({"text", "group"})
KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
MAX_TEXT = 10_000

MESSAGES = {
    "required": "Feltet skal udfyldes.",
    "null": "Feltet skal udfyldes.",
    "invalid": "Ugyldig værdi.",
}


def components(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every component of a form, groups flattened."""
    for component in schema.get("components") or []:
        if isinstance(component, dict):
            yield component
            if component.get("type") == "group":
                yield from components(component)


def map_components(schema: Mapping[str, Any], change: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
    """A copy of the form with `change` applied to every component (inside groups too)."""
    def visit(component: Mapping[str, Any]) -> dict[str, Any]:
        copy = dict(component)
        if copy.get("type") == "group":
            copy["components"] = [visit(c) for c in copy.get("components") or [] if isinstance(c, dict)]
            return copy
        return change(copy)

    return {**schema, "components": [visit(c) for c in schema.get("components") or [] if isinstance(c, dict)]}


def check_form(schema: Any, key: str) -> list[str]:
    """Problems with a form definition (English, for the deploy report); [] when usable."""
    if not isinstance(schema, dict) or schema.get("type") != "default":
        return ["the form is not a form-js form (type must be 'default')"]
    if schema.get("id") not in (None, key):
        return [f"the form's id {schema.get('id')!r} does not match its key {key!r}"]
    if not isinstance(schema.get("components"), list):
        return ["the form has no components list"]
    problems: list[str] = []
    seen: set[str] = set()
    for component in components(schema):
        kind = component.get("type")
        label = component.get("label") or component.get("key") or component.get("id") or kind
        if kind in LAYOUT_TYPES:
            problems.extend(f"component {label!r}: {problem}" for problem in text_problems(component))
            continue
        if kind not in DATA_TYPES:
            problems.append(f"component {label!r}: type {kind!r} is not supported")
            continue
        field_key = component.get("key")
        if not isinstance(field_key, str) or not KEY.match(field_key):
            problems.append(f"component {label!r}: key must start with a letter and hold letters, digits or _")
        elif field_key in seen:
            problems.append(f"component {label!r}: key {field_key!r} is used twice")
        else:
            seen.add(field_key)
        if kind in ("radio", "select", "checklist") and not _values(component):
            problems.append(f"component {label!r}: needs a list of values")
        rule_problems = _rule_problems(kind, component)
        problems.extend(f"component {label!r}: {problem}" for problem in rule_problems)
        pattern = None if rule_problems else (component.get("validate") or {}).get("pattern")
        problem = pattern_problem(pattern) if pattern is not None else None
        if problem:
            problems.append(f"component {label!r}: {problem}")
    return problems


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _rule_problems(kind: str, component: dict[str, Any]) -> list[str]:
    """Validation rules of the wrong type would only fail when someone submits the form: refuse them now."""
    rules = component.get("validate")
    if rules is None:
        return []
    if not isinstance(rules, dict):
        return ["'validate' must be an object"]
    problems = []
    if not isinstance(rules.get("required", False), bool):
        problems.append("'required' must be true or false")
    for name in ("minLength", "maxLength"):
        value = rules.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            problems.append(f"'{name}' must be a whole number of 0 or more")
    for name in ("min", "max"):
        if rules.get(name) is not None and not _is_number(rules[name]):
            problems.append(f"'{name}' must be a number")
    for low, high in (("minLength", "maxLength"), ("min", "max")):
        if _is_number(rules.get(low)) and _is_number(rules.get(high)) and rules[low] > rules[high]:
            problems.append(f"'{low}' is larger than '{high}'")
    if "pattern" in rules and rules["pattern"] is not None and not isinstance(rules["pattern"], str):
        problems.append("'pattern' must be text")
    digits = component.get("decimalDigits")
    if kind == "number" and digits is not None and (not isinstance(digits, int) or isinstance(digits, bool)):
        problems.append("'decimalDigits' must be a whole number")
    return problems


def _values(component: dict[str, Any]) -> list[str]:
    return [str(v.get("value")) for v in component.get("values") or [] if isinstance(v, dict) and "value" in v]


class _Date(fields.Field):
    """YYYY-MM-DD (subtype date) or ISO 8601 with offset (subtype datetime), kept as text."""

    def __init__(self, subtype: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.subtype = subtype

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = str(value).strip()
        if self.subtype == "datetime":
            try:
                moment = datetime.fromisoformat(text)
            except ValueError as exc:
                raise ValidationError("Skal være et gyldigt tidspunkt.") from exc
            if moment.tzinfo is None:
                raise ValidationError("Tidspunktet skal have en tidszone.")
            _within_years(moment.date(), moment)
            return moment.isoformat()
        try:
            if len(text) != 10:
                raise ValueError(text)
            day = date.fromisoformat(text)
        except ValueError as exc:
            raise ValidationError("Skal være en gyldig dato (ÅÅÅÅ-MM-DD).") from exc
        return _within_years(day).isoformat()


FIRST_YEAR, LAST_YEAR = 1900, 2999  # as webui.api.input_guard: deadlines counted from it cannot overflow


def _within_years(day: date, moment: datetime | None = None) -> date:
    try:
        inside = FIRST_YEAR <= day.year <= LAST_YEAR and (moment is None or moment.astimezone(UTC).year <= LAST_YEAR)
    except OverflowError:
        inside = False
    if not inside:
        raise ValidationError(f"Skal ligge mellem år {FIRST_YEAR} og {LAST_YEAR}.")
    return day


def _pattern(pattern: str, message: Any) -> Any:
    """Like form-js, the pattern may match anywhere in the value (JavaScript's RegExp.test).

    It runs in an engine that cannot backtrack catastrophically (engine.forms.patterns); a value the
    time-limited fallback cannot decide is refused with its own message.
    """
    try:
        compiled = compile_pattern(pattern)
    except PatternError:  # a form deployed before patterns were checked this way
        compiled = None
    error = str(message) if message else "Har ikke det rigtige format."

    def check(value: str) -> None:
        if compiled is None:
            raise ValidationError(BROKEN_PATTERN)
        try:
            matched = compiled.search(value)
        except PatternTimeout:
            raise ValidationError(UNDECIDED) from None
        if not matched:
            raise ValidationError(error)

    return check


def _field(component: dict[str, Any]) -> fields.Field:
    rules = component.get("validate") or {}
    kind = component["type"]
    required = bool(rules.get("required"))
    validators: list[Any] = []
    options: dict[str, Any] = {"required": required, "allow_none": not required, "error_messages": MESSAGES}
    if not required and kind in ("checkbox", "checklist"):
        # Like form-js, a box left alone is False and a checklist left alone is empty, not missing:
        # gateways test them, and a missing name would stop the case.
        options["load_default"] = False if kind == "checkbox" else list
    if kind in ("textfield", "textarea"):
        longest = min(rules.get("maxLength") or MAX_TEXT, MAX_TEXT)
        validators.append(validate.Length(
            min=rules.get("minLength") or (1 if required else None), max=longest,
            error="Skal være mellem {min} og {max} tegn." if rules.get("minLength") else "Må højst være {max} tegn."))
        if rules.get("pattern"):
            validators.append(_pattern(str(rules["pattern"]), rules.get("patternErrorMessage")))
        return fields.String(validate=validators, **options)
    if kind == "number":
        if rules.get("min") is not None or rules.get("max") is not None:
            validators.append(validate.Range(min=rules.get("min"), max=rules.get("max"),
                                             error="Skal være mellem {min} og {max}."))
        whole = component.get("decimalDigits") == 0
        number = fields.Integer(strict=True, validate=validators, **options) if whole else \
            fields.Float(validate=validators, allow_nan=False, **options)
        number.error_messages["invalid"] = "Skal være et helt tal." if whole else "Skal være et tal."
        return number
    if kind == "checkbox":
        if required:
            validators.append(validate.Equal(True, error="Skal være afkrydset."))
        return fields.Boolean(truthy={True}, falsy={False}, validate=validators, **options)
    if kind in ("radio", "select"):
        return fields.String(validate=validate.OneOf(_values(component), error="Vælg en af mulighederne."),
                             **options)
    if kind == "checklist":
        if required:
            validators.append(validate.Length(min=1, error="Vælg mindst én."))
        return fields.List(fields.String(validate=validate.OneOf(_values(component),
                                                                 error="Vælg en af mulighederne.")),
                           validate=validators, **options)
    return _Date(component.get("subtype") or "date", **options)


def schema_for(form: dict[str, Any]) -> Schema:
    """A marshmallow schema for submissions to `form`.

    Keys the form does not declare are refused: a submission must not set process data that later
    gateways read (e.g. a risk level) through a task whose form does not ask for it.
    """
    declared = {c["key"]: _field(c) for c in components(form) if c.get("type") in DATA_TYPES and c.get("key")}
    schema = Schema.from_dict(declared, name=f"Form_{form.get('id', 'form')}")(unknown=RAISE)
    schema.error_messages = {**schema.error_messages, "unknown": "Feltet findes ikke i formularen."}
    return schema


def validate_submission(form: dict[str, Any], data: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Check `data` against the form: (cleaned data, problems as [{"field", "message"}])."""
    # Empty strings from the browser mean "not filled in".
    submitted = {key: (None if value == "" else value) for key, value in data.items()}
    try:
        cleaned = schema_for(form).load(submitted)
    except ValidationError as exc:
        problems = []
        for key, messages in sorted(exc.normalized_messages().items()):
            message = messages[0] if isinstance(messages, list) and messages else messages
            if isinstance(message, dict):  # a list field: take the first item's message
                message = next(iter(message.values()))
                message = message[0] if isinstance(message, list) else message
            problems.append({"field": key, "message": str(message)})
        return submitted, problems
    return cleaned, []
