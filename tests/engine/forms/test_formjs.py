"""form-js definitions are checked at deploy; submissions are validated on the server in Danish."""

from __future__ import annotations

import pytest

from engine.forms.formjs import check_form, validate_submission

FORM = {
    "type": "default", "id": "f", "components": [
        {"type": "text", "text": "Vejledning"},
        {"type": "textfield", "key": "reference", "label": "Journalnummer",
         "validate": {"required": True, "pattern": "^[0-9]{4}-[0-9]{6}$",
                      "patternErrorMessage": "Format: ÅÅÅÅ-NNNNNN"}},
        {"type": "textarea", "key": "note", "label": "Note", "validate": {"maxLength": 10}},
        {"type": "number", "key": "count", "label": "Antal", "decimalDigits": 0, "validate": {"min": 1, "max": 3}},
        {"type": "number", "key": "score", "label": "Score"},
        {"type": "checkbox", "key": "confirmed", "label": "Bekræftet", "validate": {"required": True}},
        {"type": "radio", "key": "risk", "label": "Risiko", "values": [{"label": "Lav", "value": "low"},
                                                                      {"label": "Høj", "value": "high"}]},
        {"type": "checklist", "key": "actors", "label": "Aktører", "validate": {"required": True},
         "values": [{"label": "Politi", "value": "police"}, {"label": "Krisecenter", "value": "shelter"}]},
        {"type": "group", "label": "Datoer", "components": [
            {"type": "datetime", "key": "met_on", "subtype": "date", "dateLabel": "Mødt"},
            {"type": "datetime", "key": "called_at", "subtype": "datetime", "dateLabel": "Ringet"},
        ]},
    ],
}
VALID = {"reference": "2026-000123", "note": "kort", "count": 2, "score": 4.5, "confirmed": True, "risk": "high",
         "actors": ["police"], "met_on": "2026-12-01", "called_at": "2026-12-01T10:00:00+01:00"}


def test_valid_submission_passes():
    cleaned, problems = validate_submission(FORM, VALID)
    assert problems == []
    assert cleaned["count"] == 2 and cleaned["actors"] == ["police"]


def test_fields_the_form_does_not_ask_for_are_refused():
    # Otherwise a submission could set data that later gateways read, e.g. a risk level.
    _cleaned, problems = validate_submission(FORM, {**VALID, "risk_level": "high"})
    assert problems == [{"field": "risk_level", "message": "Feltet findes ikke i formularen."}]


def test_a_pattern_may_match_anywhere_like_in_form_js():
    form = {"type": "default", "id": "p", "components": [
        {"type": "textfield", "key": "phone", "label": "Telefon", "validate": {"pattern": "[0-9]{8}"}}]}
    assert validate_submission(form, {"phone": "tlf. 12345678"})[1] == []
    assert validate_submission(form, {"phone": "tlf. 1234"})[1] == [
        {"field": "phone", "message": "Har ikke det rigtige format."}]


@pytest.mark.parametrize("field, value, message", [
    ("reference", "", "Feltet skal udfyldes."),
    ("reference", "12", "Format: ÅÅÅÅ-NNNNNN"),
    ("note", "x" * 11, "Må højst være 10 tegn."),
    ("count", 2.5, "Skal være et helt tal."),
    ("count", "2", "Skal være et helt tal."),
    ("count", 9, "Skal være mellem 1 og 3."),
    ("score", "mange", "Skal være et tal."),
    ("confirmed", False, "Skal være afkrydset."),
    ("confirmed", "yes", "Ugyldig værdi."),
    ("risk", "medium", "Vælg en af mulighederne."),
    ("actors", [], "Vælg mindst én."),
    ("actors", ["bakery"], "Vælg en af mulighederne."),
    ("met_on", "01-12-2026", "Skal være en gyldig dato (ÅÅÅÅ-MM-DD)."),
    ("called_at", "2026-12-01T10:00:00", "Tidspunktet skal have en tidszone."),
])
def test_each_invalid_value_gets_a_danish_message_on_its_field(field, value, message):
    _cleaned, problems = validate_submission(FORM, {**VALID, field: value})
    assert problems == [{"field": field, "message": message}]


@pytest.mark.parametrize("change, expected", [
    (lambda f: f.update(type="other"), "type must be 'default'"),
    (lambda f: f.update(id="g"), "does not match its key"),
    (lambda f: f["components"].append({"type": "signature", "key": "s"}), "not supported"),
    (lambda f: f["components"].append({"type": "textfield", "key": "reference"}), "used twice"),
    (lambda f: f["components"].append({"type": "textfield", "key": "__class__"}), "key must start"),
    (lambda f: f["components"].append({"type": "select", "key": "s", "values": []}), "needs a list of values"),
    (lambda f: f["components"].append({"type": "textfield", "key": "p", "validate": {"pattern": "("}}),
     "not a valid regular expression"),
    (lambda f: f["components"].append({"type": "textfield", "key": "m", "validate": {"maxLength": "abc"}}),
     "'maxLength' must be a whole number"),
    (lambda f: f["components"].append({"type": "textfield", "key": "m", "validate": {"minLength": -1}}),
     "'minLength' must be a whole number"),
    (lambda f: f["components"].append({"type": "number", "key": "n", "validate": {"min": "zz"}}),
     "'min' must be a number"),
    (lambda f: f["components"].append({"type": "number", "key": "n", "validate": {"min": 5, "max": 1}}),
     "'min' is larger than 'max'"),
    (lambda f: f["components"].append({"type": "checkbox", "key": "c", "validate": {"required": "ja"}}),
     "'required' must be true or false"),
    (lambda f: f["components"].append({"type": "textfield", "key": "t", "validate": {"pattern": 5}}),
     "'pattern' must be text"),
    (lambda f: f["components"].append({"type": "textfield", "key": "t", "validate": "required"}),
     "'validate' must be an object"),
])
def test_bad_form_definitions_are_reported(change, expected):
    import copy

    form = copy.deepcopy(FORM)
    change(form)
    problems = check_form(form, "f")
    assert any(expected in problem for problem in problems), problems


def test_good_form_has_no_problems():
    assert check_form(FORM, "f") == []
