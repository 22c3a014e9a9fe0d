"""A completed task's answers, read-only, with the task's own form.

The record shows what a completion submitted as the caseworker saw it: the form's labels, its
groups in their order, and each choice by the label it had on the form (not its stored value).
Rendered on the server like the forms themselves (webui.ui.forms), so it reads the same on the
case page, without JavaScript, to a screen reader and in the PDF export; a definition list reads
better than a form of disabled fields, which also cannot be printed well. Instructions in the form
(text blocks) are left out, and so are fields the completion left empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup

from webui.ui.filters import local_date, local_datetime
from webui.ui.forms import form_schema

Choices = Mapping[str, Mapping[str, str]]  # field key -> {stored value -> label}, beside the form's own lists


def render_answers(form: Mapping[str, Any] | None, data: Mapping[str, Any] | None,
                   choices: Choices | None = None) -> Markup:
    """`data` as a definition list in the structure of `form` ({"key", "schema"} or {"key", "fields"})."""
    if not data:
        return Markup("")
    schema = form_schema(form) or {"components": []}
    shown: set[str] = set()
    rows = _rows(schema.get("components") or [], data, choices or {}, shown)
    rest = [{"type": "textfield", "key": key, "label": key} for key in sorted(data) if key not in shown]
    rows += _rows(rest, data, choices or {}, shown)
    return Markup('<dl class="answers">{}</dl>').format(Markup("").join(rows)) if rows else Markup("")


def _rows(components: list[Any], data: Mapping[str, Any], choices: Choices, shown: set[str]) -> list[Markup]:
    rows = []
    for component in components:
        if not isinstance(component, Mapping):
            continue
        if component.get("type") == "group":
            inner = _rows(component.get("components") or [], data, choices, shown)
            if inner and component.get("label"):
                rows.append(Markup('<dt class="answers__group">{}</dt><dd><dl class="answers">{}</dl></dd>').format(
                    component["label"], Markup("").join(inner)))
            else:
                rows.extend(inner)
            continue
        key = component.get("key")
        if not key or key not in data or data[key] in (None, ""):
            continue
        shown.add(key)
        rows.append(Markup("<dt>{}</dt><dd{}>{}</dd>").format(
            _label(component), Markup(' class="answers__text"') if component.get("type") == "textarea" else "",
            _value(component, data[key], choices.get(key, {}))))
    return rows


def _label(component: Mapping[str, Any]) -> str:
    if component.get("type") == "datetime":
        return str(component.get("dateLabel") or component.get("label") or component["key"])
    return str(component.get("label") or component["key"])


def _options(component: Mapping[str, Any], extra: Mapping[str, str]) -> dict[str, str]:
    found = {str(o.get("value")): str(o.get("label") or o.get("value")) for o in component.get("values") or []
             if isinstance(o, Mapping)}
    return {**extra, **found}


def _value(component: Mapping[str, Any], value: Any, extra: Mapping[str, str]) -> Markup | str:
    kind = component.get("type")
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if isinstance(value, list):
        labels = _options(component, extra)
        if not value:
            return _("Ingen valgt")
        return Markup('<ul class="answers__list">{}</ul>').format(
            Markup("").join(Markup("<li>{}</li>").format(labels.get(str(v), str(v))) for v in value))
    if kind in ("select", "radio") or extra:
        return _options(component, extra).get(str(value), str(value))
    if kind == "datetime":
        return _moment(str(value), component.get("subtype") or "date")
    if isinstance(value, int | float):
        return format_decimal(value)
    return str(value)


def _moment(text: str, subtype: str) -> str:
    """A stored date or instant as the UI shows dates (Danish month names, local time)."""
    try:
        if subtype == "datetime":
            return local_datetime(datetime.fromisoformat(text))
        if subtype == "date":
            return local_date(date.fromisoformat(text[:10]))  # type: ignore[arg-type]
    except ValueError:
        pass
    return text
