"""`required_when`: a field a form requires only for some answers (e.g. a reason when closing)."""

from __future__ import annotations

import pytest

from engine.forms.conditions import check_rules, missing_fields, parse_rules

CLOSE = {"required_when": 'close_reason: decision == "close"; note: len(actors) > 1'}


@pytest.mark.parametrize("data, missing", [
    ({"decision": "close"}, ["close_reason"]),
    ({"decision": "close", "close_reason": "   "}, ["close_reason"]),
    ({"decision": "close", "close_reason": "Ingen bekymring"}, []),
    ({"decision": "forward"}, []),
    ({}, []),  # the condition's answer is not given: the rule does not apply
    ({"decision": "forward", "actors": ["police", "shelter"]}, ["note"]),
    ({"decision": "forward", "actors": ["police", "shelter"], "note": "Begge"}, []),
])
def test_a_field_is_required_only_when_its_condition_holds(data, missing):
    assert [p["field"] for p in missing_fields(CLOSE, data)] == missing
    assert all(p["message"] == "Feltet skal udfyldes." for p in missing_fields(CLOSE, data))


def test_rules_are_parsed_and_checked_like_every_expression_in_a_diagram():
    assert parse_rules('a: x == 1; b: y') == [("a", "x == 1"), ("b", "y")]
    assert check_rules('close_reason: decision == "close"') == []
    assert "is not 'field: condition'" in check_rules("decision == close")[0]
    assert "required_when for a" in check_rules("a: __import__('os').system('true')")[0]
    assert missing_fields({}, {"decision": "close"}) == []


def test_deploy_refuses_a_rule_that_is_not_a_safe_expression(db_session):
    from pathlib import Path

    from engine.bpmn import BpmnValidationError
    from engine.process_models.service import deploy
    from engine.users.service import create_user

    data = Path(__file__).resolve().parents[2] / "data"
    lead = create_user(db_session, "lead", "lead@example.invalid", ["teamleder"])
    xml = (data / "sharing.bpmn").read_bytes().replace(
        b'name="disclosure_recipient" value="police" />',
        b'name="disclosure_recipient" value="police" /><camunda:property name="required_when" '
        b'value="note: open(&quot;/etc/passwd&quot;)" />', 1)
    with pytest.raises(BpmnValidationError) as refused:
        deploy(db_session, xml, actor=lead, forms={"politi": (data / "forms" / "politi.form").read_bytes()})
    assert any("required_when for note" in p.message for p in refused.value.problems)
