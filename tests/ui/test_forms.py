"""form-js rendering (webui.ui.forms) and submitted-string conversion (webui.ui.formdata)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from webui.ui.formdata import coerce, raw_values, required_problems
from webui.ui.forms import camunda_schema, field_labels, form_schema, markdown_paragraphs, render_form

SCHEMA = json.loads((Path(__file__).parent / "data" / "all_components.form").read_text())


def html_of(schema=SCHEMA, values=None, errors=None) -> str:
    return str(render_form(schema, values or {}, errors or {}))


def test_every_component_type_is_rendered_with_a_label():
    html = html_of()
    for key in ("summary", "notes", "conversations", "hours", "acute", "language", "meeting_date", "followup_at",
                "continue_followup"):
        assert f'id="f-{key}"' in html
        assert f'<label for="f-{key}">' in html, key
    # radio and checklist: a fieldset with a legend, one label per option
    assert "<legend>Risikoniveau" in html and "<legend>Involverede aktører" in html
    for option_id in ("f-risk_level", "f-risk_level-1", "f-risk_level-2", "f-actors", "f-actors-1", "f-actors-2"):
        assert f'<label for="{option_id}">' in html
    assert 'type="radio"' in html and 'type="checkbox"' in html
    assert '<input type="date"' in html and '<input type="datetime-local"' in html
    assert "<textarea" in html and "<select" in html
    assert '<fieldset class="form-group"><legend>Opfølgning</legend>' in html


SHIPPED_FORMS = sorted((Path(__file__).resolve().parents[2] / "workflows" / "forms").glob("*.form"))


@pytest.mark.parametrize("path", SHIPPED_FORMS, ids=lambda p: p.stem)
def test_every_field_of_every_shipped_form_is_rendered(path, app):
    """A component the renderer did not know would silently vanish from the task page."""
    schema = json.loads(path.read_text(encoding="utf-8"))
    with app.test_request_context():
        html = html_of(schema)
    keys = field_labels(schema)
    assert keys, "a shipped form without fields"
    for key in keys:
        assert f'name="{key}"' in html, f"{path.stem}: field {key} is not rendered"


def test_ids_are_unique():
    ids = re.findall(r'\sid="([^"]+)"', html_of(errors={"summary": "x"}))
    assert len(ids) == len(set(ids))


def test_html5_hints_and_required_marker():
    html = html_of()
    summary = re.search(r'<input type="text"[^>]*id="f-summary"[^>]*>', html).group(0)
    assert "required" in summary and 'minlength="3"' in summary and 'maxlength="200"' in summary
    assert "pattern=" not in summary  # only the server runs a form's pattern, with its safe engine
    assert 'aria-describedby="f-summary-hint"' in summary
    assert '<p class="hint" id="f-summary-hint">Ingen CPR-numre.</p>' in html
    assert "(skal udfyldes)" in html
    conversations = re.search(r'<input[^>]*id="f-conversations"[^>]*>', html).group(0)
    assert 'inputmode="numeric"' in conversations
    assert 'inputmode="decimal"' in re.search(r'<input[^>]*id="f-hours"[^>]*>', html).group(0)


def test_errors_are_shown_beside_their_field_and_linked():
    html = html_of(errors={"summary": "Feltet skal udfyldes.", "risk_level": "Vælg en af mulighederne."})
    summary = re.search(r'<input type="text"[^>]*id="f-summary"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in summary
    assert 'aria-describedby="f-summary-hint f-summary-error"' in summary
    assert 'id="f-summary-error"><span class="visually-hidden">Fejl:</span> Feltet skal udfyldes.</p>' in html
    assert 'class="field field--error"' in html
    assert re.search(r'<fieldset class="field field--error" aria-describedby="f-risk_level-error">', html)


def test_values_are_shown_again():
    values = {"summary": "Samtale holdt", "acute": True, "risk_level": "high", "language": "ar",
              "actors": ["police", "doctor"], "meeting_date": "2026-03-02", "conversations": "3",
              "followup_at": "2026-03-02T09:30:00+00:00"}
    html = html_of(values=values)
    assert 'value="Samtale holdt"' in html and 'value="3"' in html
    assert re.search(r'<input type="checkbox" value="true" id="f-acute" name="acute" checked>', html)
    assert re.search(r'value="high" id="f-risk_level-2" name="risk_level" checked', html)
    assert '<option value="ar" selected>Arabisk</option>' in html
    assert re.search(r'value="police" id="f-actors" name="actors" checked', html)
    assert re.search(r'value="doctor" id="f-actors-2" name="actors" checked', html)
    assert 'value="school" id="f-actors-1" name="actors">' in html
    assert 'value="2026-03-02"' in html
    assert 'value="2026-03-02T10:30"' in html  # shown in Copenhagen time


def test_text_is_escaped_and_markdown_becomes_plain_paragraphs():
    html = html_of()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<p>Vejledning</p>" in html
    assert "<p>Læs handlekortet før du ringer. Se vejledningen. Spørg om personen er alene" in html
    assert "https://example.invalid" not in html
    hostile = {"components": [{"type": "textfield", "key": "x", "label": '"><img src=x onerror=alert(1)>',
                               "description": "<b>hi</b>"}]}
    rendered = html_of(hostile, values={"x": '"><script>'})
    assert "<img" not in rendered and "<b>" not in rendered and '"><script>' not in rendered


def test_markdown_paragraphs():
    assert markdown_paragraphs("## Title\n\nOne *two*\nthree\n\n\n`code`") == ["Title", "One two three", "code"]
    assert markdown_paragraphs("") == []


def test_unknown_components_are_skipped_and_empty_schema_is_empty():
    assert html_of({"components": [{"type": "button", "key": "b", "label": "Send"}, "junk"]}) == ""
    assert str(render_form(None, {}, {})) == ""


def test_coerce_converts_to_the_declared_types():
    form = MultiDict([
        ("summary", "  Samtale  "), ("notes", ""), ("conversations", "3"), ("hours", "1,5"), ("acute", "true"),
        ("risk_level", "high"), ("language", ""), ("actors", "police"), ("actors", "school"),
        ("meeting_date", "2026-03-02"), ("followup_at", "2026-07-01T09:30"), ("injected", "x"),
    ])
    data, errors = coerce(SCHEMA, form)
    assert errors == {}
    assert data == {
        "summary": "Samtale", "notes": "", "conversations": 3, "hours": 1.5, "acute": True, "risk_level": "high",
        "language": None, "actors": ["police", "school"], "meeting_date": "2026-03-02",
        "followup_at": "2026-07-01T09:30:00+02:00", "continue_followup": False,
    }
    assert "injected" not in data


def test_coerce_reports_values_it_cannot_convert():
    form = MultiDict([("conversations", "2,5"), ("hours", "mange"), ("meeting_date", "02-03-2026"),
                      ("followup_at", "i morgen")])
    data, errors = coerce(SCHEMA, form)
    assert errors == {"conversations": "Skal være et helt tal.", "hours": "Skal være et tal.",
                      "meeting_date": "Skal være en gyldig dato (ÅÅÅÅ-MM-DD).",
                      "followup_at": "Skal være et gyldigt tidspunkt."}
    assert data["acute"] is False and data["actors"] == []


@pytest.mark.parametrize(("text", "expected"), [("1.234,5", 1234.5), ("12", 12), ("-3.25", -3.25), ("1 000", 1000)])
def test_numbers_in_danish_or_english_notation(text, expected):
    data, errors = coerce({"components": [{"type": "number", "key": "n"}]}, MultiDict([("n", text)]))
    assert errors == {} and data["n"] == expected and type(data["n"]) is type(expected)


def test_raw_values_and_required_problems():
    form = MultiDict([("summary", "x"), ("actors", "police"), ("acute", "true")])
    values = raw_values(SCHEMA, form)
    assert values["summary"] == "x" and values["actors"] == ["police"] and values["acute"] is True
    data, _ = coerce(SCHEMA, MultiDict([("summary", "")]))
    assert set(required_problems(SCHEMA, data)) == {"summary", "conversations", "risk_level", "actors"}


def test_camunda_form_data_becomes_form_js():
    described = {"key": None, "fields": [
        {"id": "amount", "type": "long", "label": "Antal", "default": None, "required": True, "options": []},
        {"id": "note", "type": "string", "label": "Note", "default": "", "required": False, "options": []},
        {"id": "acute", "type": "boolean", "label": "Akut?", "default": None, "required": True, "options": []},
        {"id": "decision", "type": "enum", "label": "Beslutning", "default": None, "required": True,
         "options": [{"id": "close", "name": "Luk"}, {"id": "forward", "name": "Videre"}]},
        {"id": "when", "type": "date", "label": "Dato", "default": None, "required": False, "options": []},
    ]}
    schema = form_schema(described)
    kinds = {c["key"]: (c["type"], c.get("validate", {}).get("required", False)) for c in schema["components"]}
    assert kinds == {"amount": ("number", True), "note": ("textfield", False), "acute": ("checkbox", False),
                     "decision": ("radio", True), "when": ("datetime", False)}
    assert schema["components"][0]["decimalDigits"] == 0
    assert field_labels(schema)["decision"] == "Beslutning"
    data, errors = coerce(schema, MultiDict([("amount", "12"), ("decision", "forward"), ("when", "2026-01-31")]))
    assert errors == {} and data == {"amount": 12, "note": "", "acute": False, "decision": "forward",
                                     "when": "2026-01-31"}


def test_form_schema_accepts_both_task_form_shapes():
    assert form_schema({"key": "x", "schema": SCHEMA}) == SCHEMA
    assert form_schema(None) is None and form_schema({"key": "x", "fields": []}) is None
    many = camunda_schema({"key": "k", "fields": [{"id": "e", "type": "enum", "label": "E", "options": [
        {"id": str(i), "name": str(i)} for i in range(5)]}]})
    assert many["components"][0]["type"] == "select"


def test_sharing_tasks_offer_the_consents_on_file_instead_of_a_text_field(app):
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from webui.ui.integrations import with_disclosure_choices

    schema = {"type": "default", "components": [{"type": "group", "label": "Videregivelse", "components": [
        {"type": "textfield", "key": "disclosure_consent_id", "label": "Samtykke"},
        {"type": "select", "key": "disclosure_exception", "label": "Lovhjemmel",
         "values": [{"label": "A", "value": "a"}]},
    ]}]}
    at = datetime(2026, 1, 5, tzinfo=UTC)
    consents = [SimpleNamespace(id="c1", recipient_kind="police", withdrawn_at=None, given_at=at, scope="Trusler"),
                SimpleNamespace(id="c2", recipient_kind="police", withdrawn_at=at, given_at=at, scope="Gammelt"),
                SimpleNamespace(id="c3", recipient_kind="shelter", withdrawn_at=None, given_at=at, scope="Adresse")]
    exceptions = [SimpleNamespace(key="danger_to_life_or_health", name="Fare for liv eller helbred",
                                  law_reference="")]
    with app.test_request_context():
        changed = with_disclosure_choices(schema, consents, exceptions, ["police"])
        both = with_disclosure_choices(schema, consents, exceptions, ["police", "shelter"])
    consent, exception = changed["components"][0]["components"]
    # The date is shown in Danish time and format (given_at is stored in UTC).
    assert consent["type"] == "select" and consent["values"] == [{"label": "5. jan. 2026 – Trusler", "value": "c1"}]
    assert [v["value"] for v in both["components"][0]["components"][0]["values"]] == ["c1", "c3"]
    # The maintained list replaces the form's own choices, which would freeze it as it was written.
    assert exception["values"] == [{"label": "Fare for liv eller helbred", "value": "danger_to_life_or_health"}]
    assert schema["components"][0]["components"][0]["type"] == "textfield"  # the input is not changed
