"""Statutory deadline rules keep the law's bounds through PATCH /api/v1/deadline-rules/{key}; municipal
rules stay free; every change has a reason in the change log; a rule's name never states another
length than the rule has."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.deadlines import rule_guards
from engine.deadlines.models import DeadlineRule
from tests.api.helpers import error_of

STATUTORY = {"assessment_24h": (24, "hours"), "receipt_6_workdays": (6, "working_days"),
             "child_investigation_4_months": (4, "months"), "first_followup_3_months": (3, "months"),
             "committee_7_days": (7, "days"), "shelter_notice_3_workdays": (3, "working_days")}
URL = "/api/v1/deadline-rules/assessment_24h"


def _rule(client, headers, key="assessment_24h"):
    return client.get(f"/api/v1/deadline-rules/{key}", headers=headers).get_json()


def test_every_shipped_statutory_rule_has_the_laws_bounds(client, make_account):
    reader = make_account("raadgiver-boern")
    rules = {r["key"]: r for r in client.get("/api/v1/deadline-rules", headers=reader.headers).get_json()["rules"]}
    for key, (amount, unit) in STATUTORY.items():
        rule = rules[key]
        assert (rule["statutory"], rule["locked_unit"], rule["max_amount"], rule["min_amount"]) == \
            (True, unit, amount, 1), key
        assert (rule["amount"], rule["unit"]) == (amount, unit)
        assert not rule_guards.name_problems(rule["name"], amount, unit), rule["name"]


def test_non_admins_get_403_before_any_validation(client, make_account):
    lead = make_account("teamleder")
    for body in ({"amount": 72, "unit": "working_days"}, {"amount": "many"}, {"max_amount": 99}, {"amount": 12}):
        response = client.patch(URL, json=body, headers=lead.headers)
        assert response.status_code == 403, body
        assert error_of(response)["code"] == "forbidden"
    response = client.patch(URL, data="{not json", content_type="application/json", headers=lead.headers)
    assert response.status_code == 403
    assert _rule(client, lead.headers)["amount"] == 24


def test_a_statutory_rule_cannot_be_stretched_or_change_unit(client, make_account):
    admin = make_account("admin")
    cases = [({"amount": 72, "unit": "working_days"}, "unit", "unit_locked", "Enheden kan ikke ændres"),
             ({"amount": 25}, "amount", "above_statutory_max", "Fristen kan ikke blive længere end 24 timer"),
             ({"amount": 3, "unit": "days"}, "unit", "unit_locked", "regner fristen i timer")]
    for body, field, code, danish in cases:
        response = client.patch(URL, json={**body, "reason": "Byrådet har besluttet det"}, headers=admin.headers)
        assert response.status_code == 422, body
        details = {d["field"]: d for d in error_of(response)["details"]}
        assert details[field]["code"] == code and danish in details[field]["message"], details
    rule = _rule(client, admin.headers)
    assert (rule["amount"], rule["unit"], rule["name"]) == (24, "hours", "Vurdering af om barnet er i fare (24 timer)")
    assert client.get(f"{URL}/changes", headers=admin.headers).get_json()["changes"] == []
    for bounds in ({"max_amount": 100}, {"statutory": False}, {"locked_unit": None}):
        assert client.patch(URL, json={**bounds, "reason": "x"}, headers=admin.headers).status_code == 422


def test_shortening_needs_a_reason_and_the_name_follows_the_length(client, make_account):
    admin = make_account("admin")
    missing = client.patch(URL, json={"amount": 12}, headers=admin.headers)
    assert missing.status_code == 422
    assert error_of(missing)["details"] == [{"field": "reason", "code": "reason_required",
                                             "message": "Skriv en begrundelse for ændringen."}]
    changed = client.patch(URL, json={"amount": 12, "reason": "Kommunens beredskabsplan: 12 timer"},
                           headers=admin.headers)
    assert changed.status_code == 200
    assert changed.get_json()["name"] == "Vurdering af om barnet er i fare (12 timer)"
    log = client.get(f"{URL}/changes", headers=admin.headers).get_json()["changes"]
    assert [(c["before"]["amount"], c["after"]["amount"], c["after"]["name"], c["reason"]) for c in log] == \
        [(24, 12, "Vurdering af om barnet er i fare (12 timer)", "Kommunens beredskabsplan: 12 timer")]
    lying = client.patch(URL, json={"amount": 20, "name": "Vurdering (24 timer)", "reason": "r"}, headers=admin.headers)
    assert lying.status_code == 422
    detail = error_of(lying)["details"][0]
    assert detail["field"] == "name" and "Navnet siger 24 timer, men fristen er 20 timer" in detail["message"]
    ok = client.patch(URL, json={"amount": 20, "name": "Vurdering af fare", "reason": "r"}, headers=admin.headers)
    assert ok.status_code == 200 and ok.get_json()["name"] == "Vurdering af fare"


def test_municipal_rules_stay_free(client, make_account, db_session):
    db_session.add(DeadlineRule(key="local_feedback", name="Tilbagemelding (10 hverdage)", amount=10,
                                unit="working_days", description=""))
    db_session.commit()
    admin = make_account("admin")
    response = client.patch("/api/v1/deadline-rules/local_feedback",
                            json={"amount": 3, "unit": "months", "reason": "Ny servicedeklaration"},
                            headers=admin.headers)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["amount"], body["unit"], body["name"], body["statutory"]) == \
        (3, "months", "Tilbagemelding (3 måneder)", False)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 1000), st.sampled_from(["hours", "days", "working_days", "months"]),
       st.integers(1, 1000), st.sampled_from(["timer", "hverdage", "dage", "måneder", "døgn", "uger"]))
def test_a_name_that_follows_the_length_never_lies(amount, unit, old, word):
    name = f"Frist ({old} {word}), også {old} {word.upper()}"
    followed = rule_guards.follow_length(name, amount, unit)
    assert rule_guards.name_problems(followed, amount, unit) == []
    assert rule_guards.stated_lengths(followed) and all(
        (a, u) == (amount, unit) for a, u, _ in rule_guards.stated_lengths(followed))


def test_equivalent_lengths_are_not_lies():
    assert rule_guards.name_problems("Vurdering inden for et døgn (1 døgn)", 24, "hours") == []
    assert rule_guards.name_problems("Svar (2 uger)", 14, "days") == []
    assert rule_guards.name_problems("Svar (2 uger)", 10, "working_days")[0].code == "name_states_other_length"
    assert rule_guards.name_problems("Kvittering (6 dage)", 6, "working_days")  # calendar days ≠ working days
