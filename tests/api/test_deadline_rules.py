"""GET/PATCH /api/v1/deadline-rules, due-time preview, and deadlines shown on tasks."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select

from engine.deadlines.models import Timer
from tests.api.helpers import error_of
from tests.conftest import bound_session
from tests.engine.deadlines.diagrams import boundary, two_timers


def test_rules_are_seeded_and_listed(client, make_account):
    reader = make_account("raadgiver-boern")
    body = client.get("/api/v1/deadline-rules", headers=reader.headers).get_json()
    rules = {r["key"]: r for r in body["rules"]}
    assert {"assessment_24h", "receipt_6_workdays", "child_investigation_4_months", "first_followup_3_months",
            "committee_7_days", "shelter_notice_3_workdays"} <= set(rules)
    assert (rules["receipt_6_workdays"]["amount"], rules["receipt_6_workdays"]["unit"]) == (6, "working_days")
    assert "BL" in rules["assessment_24h"]["law_reference"]
    assert client.get("/api/v1/deadline-rules/nope", headers=reader.headers).status_code == 404


def test_due_preview(client, make_account):
    reader = make_account("modtagerteam")
    response = client.get("/api/v1/deadline-rules/receipt_6_workdays/due",
                          query_string={"from": "2026-12-23T10:00:00+01:00"}, headers=reader.headers)
    assert response.status_code == 200
    # 24, 25, 26 Dec (Sat) 27 (Sun) 31 Dec and 1 Jan are closed: 28, 29, 30 Dec, 4, 5, 6 Jan → ends 6 Jan at midnight
    assert response.get_json()["due_at"] == "2027-01-07T00:00:00+01:00"
    hours = client.get("/api/v1/deadline-rules/assessment_24h/due",
                       query_string={"from": "2026-10-24T10:00:00+02:00"}, headers=reader.headers).get_json()
    assert hours["due_at"] == "2026-10-25T09:00:00+01:00"  # 24 real hours across the summer-time change
    for bad in ({}, {"from": "yesterday"}, {"from": "2026-12-23T10:00:00"}):
        response = client.get("/api/v1/deadline-rules/receipt_6_workdays/due", query_string=bad,
                              headers=reader.headers)
        assert response.status_code == 422, bad


def test_admin_changes_rule_recorded_and_only_new_timers_affected(client, make_account, service_clock):
    service_clock.set("2026-11-23T10:05:00+01:00")
    admin = make_account("admin", "teamleder", "modtagerteam")
    lead = make_account("teamleder")
    assert client.post("/api/v1/process-models", data=two_timers("both"), headers=admin.headers,
                       content_type="application/xml").status_code == 201
    received = {"received_at": "2026-11-23T10:00:00+01:00"}
    first = client.post("/api/v1/cases", json={"process_key": "both", "data": received}, headers=admin.headers)
    assert first.status_code == 201
    denied = client.patch("/api/v1/deadline-rules/receipt_6_workdays", json={"amount": 10}, headers=lead.headers)
    assert denied.status_code == 403
    for bad in ({"amount": 0}, {"unit": "weeks"}, {"amount": "ten"}, {"key": "x"}):
        response = client.patch("/api/v1/deadline-rules/receipt_6_workdays", json=bad, headers=admin.headers)
        assert response.status_code == 422, bad
        assert error_of(response)["details"]
    # A statutory rule can be shortened (never stretched: tests/api/test_rule_guards.py), with a reason.
    changed = client.patch("/api/v1/deadline-rules/receipt_6_workdays", json={"amount": 4, "reason": "Hurtigere svar"},
                           headers=admin.headers)
    assert changed.status_code == 200 and changed.get_json()["amount"] == 4
    assert changed.get_json()["updated_by"] == admin.user.username
    changes = client.get("/api/v1/deadline-rules/receipt_6_workdays/changes", headers=admin.headers).get_json()
    assert [(c["before"]["amount"], c["after"]["amount"]) for c in changes["changes"]] == [(6, 4)]
    second = client.post("/api/v1/cases", json={"process_key": "both", "data": received}, headers=admin.headers)

    def rule_due(case_id: str) -> datetime:
        with bound_session(client.application.extensions["casepath.test_connection"]) as session:
            return session.scalars(
                select(Timer.due_at).where(Timer.bpmn_id == "rule", Timer.case_id == uuid.UUID(case_id))
            ).one()

    assert rule_due(first.get_json()["id"]) == datetime.fromisoformat("2026-12-02T00:00:00+01:00")
    assert rule_due(second.get_json()["id"]) == datetime.fromisoformat("2026-11-28T00:00:00+01:00")
    # Loaded and run by the worker after the change, the first case still counts 6 working days.
    from engine.deadlines.worker import sweep

    connection = client.application.extensions["casepath.test_connection"]
    at = datetime.fromisoformat("2026-11-28T00:00:05+01:00")
    sweep(lambda: bound_session(connection), clock=lambda: at)
    with bound_session(connection) as session:
        states = dict(session.execute(select(Timer.case_id, Timer.state).where(Timer.bpmn_id == "rule")).all())
    assert states == {uuid.UUID(first.get_json()["id"]): "waiting", uuid.UUID(second.get_json()["id"]): "fired"}


def test_tasks_show_due_at_risk_and_overdue(client, make_account):
    worker = make_account("modtagerteam", "teamleder")
    client.post("/api/v1/process-models", data=boundary("soon", "timeDuration", "PT2H", interrupting=False),
                headers=worker.headers, content_type="application/xml")
    client.post("/api/v1/process-models", data=boundary("later", "timeDuration", "P30D", interrupting=False),
                headers=worker.headers, content_type="application/xml")
    client.post("/api/v1/process-models", data=boundary("past", "timeDate", "2020-01-01T00:00:00+01:00",
                                                       interrupting=False, due_date="2020-01-01T00:00:00+01:00"),
                headers=worker.headers, content_type="application/xml")
    for key in ("later", "soon", "past"):
        assert client.post("/api/v1/cases", json={"process_key": key}, headers=worker.headers).status_code == 201
    items = client.get("/api/v1/tasks", headers=worker.headers).get_json()["items"]
    work = [t for t in items if t["bpmn_id"] == "work"]
    assert [t["process_key"] for t in work] == ["past", "soon", "later"]  # sorted by due date
    flags = {t["process_key"]: (t["at_risk"], t["overdue"]) for t in work}
    assert flags == {"past": (False, True), "soon": (True, False), "later": (False, False)}
    due_soon = datetime.fromisoformat(next(t["due_at"] for t in work if t["process_key"] == "soon"))
    assert timedelta(hours=1, minutes=59) < due_soon - datetime.now(due_soon.tzinfo) <= timedelta(hours=2)
