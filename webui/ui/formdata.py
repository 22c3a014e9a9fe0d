"""Submitted form strings → the JSON types a form-js form declares, before the engine validates.

The engine (engine.tasks.service.complete) checks required fields, lengths, ranges and options and
answers in Danish per field; this module only converts: number → int/float, checkbox → bool,
checklist → list, datetime → ISO 8601 with the local offset. A value that cannot be converted is
reported here (in Danish) and the task is not completed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from webui.ui.forms import input_components

MAX_TEXT = 10_000


class FormData(Protocol):
    """What we read from a submitted form (werkzeug's MultiDict fits)."""

    def get(self, key: str, default: Any = None) -> Any: ...  # noqa: D102

    def getlist(self, key: str) -> list[Any]: ...  # noqa: D102


def coerce(
    schema: Mapping[str, Any] | None, form: FormData, *, tz: str = "Europe/Copenhagen"
) -> tuple[dict[str, Any], dict[str, str]]:
    """(data for `complete`, {field key: Danish message} for values that cannot be converted)."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    zone = ZoneInfo(tz)
    for component in input_components(schema or {}):
        key = component["key"]
        try:
            data[key] = _convert(component, form, zone)
        except ValueError as exc:
            errors[key] = str(exc)
    return data, errors


def raw_values(schema: Mapping[str, Any] | None, form: FormData) -> dict[str, Any]:
    """The submitted strings per field, to show the form again as the user filled it in."""
    values: dict[str, Any] = {}
    for component in input_components(schema or {}):
        key = component["key"]
        if component["type"] == "checklist":
            values[key] = form.getlist(key)
        elif component["type"] == "checkbox":
            values[key] = form.get(key) == "true"
        else:
            values[key] = form.get(key, "")
    return values


def required_problems(schema: Mapping[str, Any] | None, data: Mapping[str, Any]) -> dict[str, str]:
    """Required fields left empty (for the UI's own forms; task forms are checked by the engine)."""
    missing = {}
    for component in input_components(schema or {}):
        if (component.get("validate") or {}).get("required") and data.get(component["key"]) in (None, "", [], False):
            missing[component["key"]] = _("Feltet skal udfyldes.")
    return missing


def _convert(component: Mapping[str, Any], form: FormData, zone: ZoneInfo) -> Any:
    key, kind = component["key"], component["type"]
    if kind == "checkbox":
        return form.get(key) == "true"
    if kind == "checklist":
        return [str(v) for v in form.getlist(key)]
    text = str(form.get(key) or "").strip()
    if kind in ("textfield", "textarea"):
        if len(text) > MAX_TEXT:
            raise ValueError(_("Må højst være %(n)s tegn.", n=MAX_TEXT))
        return text
    if text == "":
        return None
    if kind == "number":
        return _number(text, whole=component.get("decimalDigits") == 0)
    if kind == "datetime":
        return _moment(text, component.get("subtype") or "date", zone)
    return text  # radio, select: the engine checks the option


def _number(text: str, whole: bool) -> int | float:
    """Danish or English notation: `1.234,5`, `1234,5`, `1234.5`."""
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        raise ValueError(_("Skal være et helt tal.") if whole else _("Skal være et tal.")) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(_("Skal være et tal."))
    if whole:
        if not number.is_integer():
            raise ValueError(_("Skal være et helt tal."))
        return int(number)
    return int(number) if number.is_integer() and "." not in cleaned else number


def _moment(text: str, subtype: str, zone: ZoneInfo) -> str:
    if subtype == "datetime":
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(_("Skal være et gyldigt tidspunkt.")) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return moment.isoformat()
    if subtype == "time":
        return text
    message = _("Skal være en gyldig dato (ÅÅÅÅ-MM-DD).")
    if len(text) != 10:
        raise ValueError(message)
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError(message) from None
