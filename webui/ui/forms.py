"""Task forms: form-js JSON rendered as accessible server-side HTML.

`render_form(schema, values, errors)` is a pure function: it needs no request and no database.
Every field gets a label, its description and its error message are tied to it with
`aria-describedby`, and the browser never decides validity (the form is `novalidate`; the HTML5
attributes only help assistive technology). Camunda `formData` forms of older diagrams are turned
into the same form-js shape first (`form_schema`). Converting the submitted strings into the JSON
types a form declares is `webui.ui.formdata.coerce`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from markupsafe import Markup

INPUT_TYPES = frozenset({"textfield", "textarea", "number", "checkbox", "radio", "select", "checklist", "datetime"})
_CAMUNDA_TYPES = {"string": "textfield", "long": "number", "boolean": "checkbox", "date": "datetime", "enum": "select"}
_MARKDOWN_NOISE = re.compile(r"(^#{1,6}\s*|^\s*[-*+]\s+|^\s*>\s?|[*_`~]+)", re.MULTILINE)
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_RADIO_MAX_OPTIONS = 3


def form_schema(form: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The form-js schema of a task form: `{"key", "schema"}` (form-js) or `{"key", "fields"}` (Camunda)."""
    if not form:
        return None
    if isinstance(form.get("schema"), dict):
        return dict(form["schema"])
    if form.get("fields"):
        return camunda_schema(form)
    return None


def camunda_schema(form: Mapping[str, Any]) -> dict[str, Any]:
    """A Camunda formData description (engine.forms.camunda.describe_form) as a form-js schema."""
    components = []
    for field in form.get("fields") or []:
        kind = _CAMUNDA_TYPES.get(field.get("type") or "string", "textfield")
        component: dict[str, Any] = {"type": kind, "key": field["id"], "label": field.get("label") or field["id"]}
        if field.get("required") and kind != "checkbox":
            component["validate"] = {"required": True}
        if kind == "number":
            component["decimalDigits"] = 0
        elif kind == "datetime":
            component["subtype"] = "date"
        elif kind == "select":
            component["values"] = [{"label": o.get("name") or o["id"], "value": o["id"]} for o in field["options"]]
            if len(component["values"]) <= _RADIO_MAX_OPTIONS:
                component["type"] = "radio"
        if field.get("default") not in (None, ""):
            component["defaultValue"] = field["default"]
        components.append(component)
    return {"type": "default", "id": form.get("key") or "form", "components": components}


def input_components(schema: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The components that carry data (groups flattened), in form order."""
    for component in schema.get("components") or []:
        if not isinstance(component, dict):
            continue
        if component.get("type") == "group":
            yield from input_components(component)
        elif component.get("type") in INPUT_TYPES and component.get("key"):
            yield component


def field_labels(schema: Mapping[str, Any]) -> dict[str, str]:
    """Field key → label, for the error summary."""
    return {c["key"]: _label(c) for c in input_components(schema)}


def field_id(key: str) -> str:
    """The HTML id of the input of `key` (the error summary links to it)."""
    return f"f-{key}"


def markdown_paragraphs(text: str) -> list[str]:
    """Markdown as plain paragraphs: blank lines split them, markup characters are dropped."""
    plain = _MARKDOWN_NOISE.sub("", _MARKDOWN_LINK.sub(r"\1", text or ""))
    blocks = re.split(r"\n\s*\n", plain)
    return [" ".join(block.split()) for block in blocks if block.strip()]


def render_form(
    schema: Mapping[str, Any] | None, values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None, *, tz: str = "Europe/Copenhagen",
) -> Markup:
    """The fields of a form-js form as HTML (without the <form> element and buttons)."""
    if not schema:
        return Markup("")
    context = _Context(values or {}, errors or {}, ZoneInfo(tz))
    return Markup("\n").join(_component(c, context) for c in schema.get("components") or [] if isinstance(c, dict))


class _Context:
    def __init__(self, values: Mapping[str, Any], errors: Mapping[str, str], zone: ZoneInfo) -> None:
        self.values, self.errors, self.zone = values, errors, zone

    def value(self, component: Mapping[str, Any]) -> Any:
        key = component["key"]
        return self.values[key] if key in self.values else component.get("defaultValue")


def _label(component: Mapping[str, Any]) -> str:
    if component.get("type") == "datetime":
        return str(component.get("dateLabel") or component.get("label") or component.get("key") or "")
    return str(component.get("label") or component.get("key") or "")


def _component(component: Mapping[str, Any], ctx: _Context) -> Markup:
    kind = component.get("type")
    if kind == "text":
        paragraphs = markdown_paragraphs(str(component.get("text") or ""))
        return Markup('<div class="form-text">{}</div>').format(
            Markup("").join(Markup("<p>{}</p>").format(p) for p in paragraphs))
    if kind == "group":
        inner = Markup("\n").join(_component(c, ctx) for c in component.get("components") or [] if isinstance(c, dict))
        if component.get("label"):
            return Markup('<fieldset class="form-group"><legend>{}</legend>{}</fieldset>').format(
                component["label"], inner)
        return Markup('<div class="form-group">{}</div>').format(inner)
    if kind not in INPUT_TYPES or not component.get("key"):
        return Markup("")
    if kind in ("radio", "checklist"):
        return _choice_group(component, ctx)
    return _single(component, ctx)


def _describers(component: Mapping[str, Any], ctx: _Context) -> tuple[Markup, Markup, str]:
    """(hint html, error html, aria-describedby ids)."""
    ident = field_id(component["key"])
    ids, hint, error = [], Markup(""), Markup("")
    if component.get("description"):
        hint = Markup('<p class="hint" id="{}-hint">{}</p>').format(ident, component["description"])
        ids.append(f"{ident}-hint")
    message = ctx.errors.get(component["key"])
    if message:
        error = Markup('<p class="error-message" id="{}-error"><span class="visually-hidden">{}</span> {}</p>').format(
            ident, _("Fejl:"), message)
        ids.append(f"{ident}-error")
    return hint, error, " ".join(ids)


def _required(component: Mapping[str, Any]) -> bool:
    return bool((component.get("validate") or {}).get("required"))


def _label_html(component: Mapping[str, Any], ident: str) -> Markup:
    suffix = Markup(' <span class="required">({})</span>').format(_("skal udfyldes")) if _required(component) else ""
    return Markup('<label for="{}">{}{}</label>').format(ident, _label(component), suffix)


def _attrs(pairs: Mapping[str, Any]) -> Markup:
    parts = []
    for name, value in pairs.items():
        if value is None or value is False:
            continue
        parts.append(Markup(" {}").format(name) if value is True else Markup(' {}="{}"').format(name, value))
    return Markup("").join(parts)


def _common_attrs(component: Mapping[str, Any], ctx: _Context, describedby: str) -> dict[str, Any]:
    key = component["key"]
    return {
        "id": field_id(key), "name": key, "required": _required(component),
        "aria-invalid": "true" if key in ctx.errors else None, "aria-describedby": describedby or None,
    }


def _single(component: Mapping[str, Any], ctx: _Context) -> Markup:
    kind, ident = component["type"], field_id(component["key"])
    hint, error, describedby = _describers(component, ctx)
    attrs = _common_attrs(component, ctx, describedby)
    value = ctx.value(component)
    css = "field field--error" if component["key"] in ctx.errors else "field"
    if kind == "checkbox":
        control = Markup('<input type="checkbox" value="true"{}>').format(
            _attrs({**attrs, "checked": _truthy(value)}))
        return Markup('<div class="{} field--checkbox">{}{}{}{}</div>').format(
            css, control, _label_html(component, ident), hint, error)
    rules = component.get("validate") or {}
    if kind in ("textfield", "textarea"):
        attrs.update(minlength=rules.get("minLength"), maxlength=rules.get("maxLength"))
        if kind == "textfield":
            # No HTML `pattern`: the browser would run the form's pattern with its own backtracking
            # engine and other rules; the server checks it with the safe engine and says what is wrong.
            control = Markup('<input type="text"{} value="{}">').format(_attrs(attrs), _text(value))
        else:
            control = Markup('<textarea rows="5"{}>{}</textarea>').format(_attrs(attrs), _text(value))
    elif kind == "number":
        attrs["inputmode"] = "numeric" if component.get("decimalDigits") == 0 else "decimal"
        control = Markup('<input type="text" class="input--short"{} value="{}">').format(_attrs(attrs), _text(value))
    elif kind == "select":
        control = _select(component, attrs, value)
    else:
        control = _datetime(component, attrs, value, ctx.zone)
    return Markup('<div class="{}">{}{}{}{}</div>').format(css, _label_html(component, ident), hint, error, control)


def _select(component: Mapping[str, Any], attrs: dict[str, Any], value: Any) -> Markup:
    options = [Markup('<option value="">{}</option>').format(_("Vælg …"))]
    for option in component.get("values") or []:
        option_value, disabled = str(option.get("value", "")), option.get("disabled") is True
        # A disabled choice (a threat as recipient) is shown, never selected, not even when sent back.
        options.append(Markup('<option value="{}"{}>{}</option>').format(
            option_value, _attrs({"selected": option_value == _text(value) and not disabled, "disabled": disabled}),
            option.get("label") or option_value))
    return Markup("<select{}>{}</select>").format(_attrs(attrs), Markup("").join(options))


def _datetime(component: Mapping[str, Any], attrs: dict[str, Any], value: Any, zone: ZoneInfo) -> Markup:
    subtype = component.get("subtype") or "date"
    text = _text(value)
    if subtype == "datetime":
        text = _local_datetime(text, zone)
        return Markup('<input type="datetime-local"{} value="{}">').format(_attrs(attrs), text)
    if subtype == "time":
        return Markup('<input type="time"{} value="{}">').format(_attrs(attrs), text)
    return Markup('<input type="date" class="input--short"{} value="{}">').format(_attrs(attrs), text[:10])


def _choice_group(component: Mapping[str, Any], ctx: _Context) -> Markup:
    kind, key, ident = component["type"], component["key"], field_id(component["key"])
    hint, error, describedby = _describers(component, ctx)
    value = ctx.value(component)
    chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {_text(value)}
    input_type = "radio" if kind == "radio" else "checkbox"
    options = []
    for index, option in enumerate(component.get("values") or []):
        option_value = str(option.get("value", ""))
        option_id = ident if index == 0 else f"{ident}-{index}"
        attrs = {"id": option_id, "name": key, "checked": option_value in chosen,
                 "aria-invalid": "true" if key in ctx.errors else None}
        template = Markup('<div class="option"><input type="{}" value="{}"{}><label for="{}">{}</label></div>')
        options.append(template.format(input_type, option_value, _attrs(attrs), option_id,
                                       option.get("label") or option_value))
    suffix = Markup(' <span class="required">({})</span>').format(_("skal udfyldes")) if _required(component) else ""
    css = "field field--error" if key in ctx.errors else "field"
    return Markup('<fieldset class="{}"{}><legend>{}{}</legend>{}{}<div class="options">{}</div></fieldset>').format(
        css, _attrs({"aria-describedby": describedby or None}), _label(component), suffix, hint, error,
        Markup("").join(options))


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in {"true", "on", "1", "ja"})


def _text(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, list | tuple):
        return str(value[0]) if value else ""
    return str(value)


def _local_datetime(text: str, zone: ZoneInfo) -> str:
    """An ISO 8601 instant as the local `YYYY-MM-DDTHH:MM` a datetime-local input shows."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone)
    return moment.strftime("%Y-%m-%dT%H:%M")

