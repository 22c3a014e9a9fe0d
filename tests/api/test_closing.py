"""POST /cases/{id}/close, POST /cases/{id}/reopen, GET /closing-reasons, the closing fields of a case."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from sqlalchemy import select

from engine.cases.models import Case
from engine.deadlines.models import Timer
from engine.tasks.models import READY, Task
from tests.api.helpers import error_of
from tests.engine.deadlines.diagrams import boundary

NOW = "2026-11-23T10:00:00+01:00"


def _deploy(client, headers, timer: str = "P10D"):
    response = client.post("/api/v1/process-models", data=boundary("lukbar", "timeDuration", timer, False),
                           headers=headers, content_type="application/xml")
    assert response.status_code in (200, 201), response.get_json()


@pytest.fixture
def lead(client, make_account, service_clock):
    service_clock.set(NOW)
    account = make_account("teamleder", "modtagerteam")
    _deploy(client, account.headers)
    return account


@pytest.fixture
def opened(client, lead):
    response = client.post("/api/v1/cases", json={"process_key": "lukbar", "data": {"name": "Aisha"}},
                           headers=lead.headers)
    assert response.status_code == 201
    return response.get_json()


def _close(client, account, case_id, **body):
    return client.post(f"/api/v1/cases/{case_id}/close", json={"reason": "no_concern", **body},
                       headers=account.headers)


def test_closing_reasons_are_listed_for_anyone_signed_in(client, make_account):
    anyone = make_account("vidensperson")
    response = client.get("/api/v1/closing-reasons", headers=anyone.headers)
    assert response.status_code == 200
    items = {item["key"]: item for item in response.get_json()["items"]}
    assert set(items) == {"no_concern", "citizen_withdrew", "moved", "measures_ended", "duplicate", "other_authority"}
    assert items["moved"] == {"key": "moved", "name": "Flyttet til en anden kommune",
                              "name_en": "Moved to another municipality", "needs_municipality": True}
    assert client.get("/api/v1/closing-reasons").status_code == 401


def test_a_team_lead_closes_the_case_and_a_second_close_is_a_conflict(client, lead, opened, db_session,
                                                                      service_clock):
    service_clock.set("2026-11-24T09:30:00+01:00")
    response = _close(client, lead, opened["id"], note="Ingen bekymring efter samtale.")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["status"], body["closed_at"], body["closing_reason"]) == (
        "closed", "2026-11-24T09:30:00+01:00", "no_concern")
    assert (body["closing_note"], body["closed_by"], body["tasks"]) == (
        "Ingen bekymring efter samtale.", lead.user.username, [])
    assert (body["receiving_municipality"], body["reopened_from"], body["reopened_as"]) == (None, None, [])
    got = client.get(f"/api/v1/cases/{opened['id']}", headers=lead.headers).get_json()
    assert (got["status"], got["closed_by"], got["tasks"]) == ("closed", lead.user.username, [])
    events = client.get(f"/api/v1/cases/{opened['id']}/events", headers=lead.headers).get_json()["events"]
    closed = [e for e in events if e["kind"] == "case_closed"]
    assert [(e["summary"], e["actor"], e["at"]) for e in closed] == [
        ("Sagen er lukket: Ingen bekymring fundet", lead.user.username, "2026-11-24T09:30:00+01:00")]
    assert "task_cancelled" in [e["kind"] for e in events]
    case_id = uuid.UUID(opened["id"])
    assert db_session.scalars(select(Task).where(Task.case_id == case_id, Task.state == READY)).all() == []
    assert [t.state for t in db_session.scalars(select(Timer).where(Timer.case_id == case_id))] == ["cancelled"]

    again = _close(client, lead, opened["id"])
    assert again.status_code == 409 and error_of(again)["code"] == "conflict"


def test_bad_input_is_refused_per_field_and_changes_nothing(client, lead, opened, db_session):
    for body, field in (({"reason": "nope"}, "reason"), ({"reason": "moved"}, "receiving_municipality"),
                        ({"reason": "moved", "receiving_municipality": " "}, "receiving_municipality"),
                        ({"note": "x"}, "reason"), ({"reason": "no_concern", "note": "x" * 2001}, "note")):
        response = client.post(f"/api/v1/cases/{opened['id']}/close", json=body, headers=lead.headers)
        assert response.status_code == 422, body
        assert [d["field"] for d in error_of(response)["details"]] == [field], body
    assert client.post(f"/api/v1/cases/{opened['id']}/close", data="x", headers=lead.headers,
                       content_type="application/json").status_code == 422
    got = client.get(f"/api/v1/cases/{opened['id']}", headers=lead.headers).get_json()
    assert got["status"] == "open" and [t["state"] for t in got["tasks"]] == ["READY"]
    assert db_session.get(Case, uuid.UUID(opened["id"])).closing_reason is None

    moved = _close(client, lead, opened["id"], reason="moved", receiving_municipality="Aarhus Kommune")
    assert moved.status_code == 200
    assert (moved.get_json()["closing_reason"], moved.get_json()["receiving_municipality"]) == (
        "moved", "Aarhus Kommune")


def test_owner_may_close_a_caseworker_who_is_not_owner_may_not_strangers_get_404(client, lead, opened,
                                                                                 make_account, db_session):
    holder = make_account("modtagerteam")
    owner = make_account("raadgiver-boern")
    stranger = make_account("raadgiver-voksen")
    task_id = opened["tasks"][0]["id"]
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=holder.headers).status_code == 200
    db_session.get(Case, uuid.UUID(opened["id"])).owner_id = owner.user.id
    db_session.commit()
    assert client.get(f"/api/v1/cases/{opened['id']}", headers=holder.headers).status_code == 200
    denied = _close(client, holder, opened["id"])
    assert denied.status_code == 403 and error_of(denied)["code"] == "forbidden"
    assert _close(client, stranger, opened["id"]).status_code == 404
    assert _close(client, stranger, str(uuid.uuid4())).status_code == 404
    done = _close(client, owner, opened["id"], reason="measures_ended")
    assert done.status_code == 200 and done.get_json()["closed_by"] == owner.user.username


def test_a_citizen_who_withdraws_closes_the_case_and_keeps_the_record(client, lead, opened):
    consent = client.post(f"/api/v1/cases/{opened['id']}/consents", headers=lead.headers, json={
        "given_by": "citizen", "recipient_kind": "police", "scope": "Trusler", "purpose": "Beskyttelse"})
    assert consent.status_code == 201
    response = _close(client, lead, opened["id"], reason="citizen_withdrew", note="Ønsker ikke hjælp nu.")
    assert response.status_code == 200 and response.get_json()["closing_reason"] == "citizen_withdrew"
    kept = client.get(f"/api/v1/cases/{opened['id']}/consents", headers=lead.headers).get_json()
    assert [c["scope"] for c in kept["consents"]] == ["Trusler"]


def test_the_closing_note_is_content(client, lead, opened, make_account):
    admin = make_account("admin")  # sees the header of any case, not its content
    _close(client, lead, opened["id"], note="Noget om Aisha")
    got = client.get(f"/api/v1/cases/{opened['id']}", headers=admin.headers)
    assert got.status_code == 200 and got.get_json()["closing_note"] is None
    assert got.get_json()["closing_reason"] == "no_concern"


def test_reopen_links_both_cases_and_runs_the_latest_version(client, lead, opened, make_account, db_session,
                                                              service_clock):
    assert client.post(f"/api/v1/cases/{opened['id']}/reopen", headers=lead.headers).status_code == 409
    _close(client, lead, opened["id"])
    _deploy(client, lead.headers, timer="P20D")  # version 2
    owner = make_account("raadgiver-boern")
    db_session.get(Case, uuid.UUID(opened["id"])).owner_id = owner.user.id
    db_session.commit()
    assert client.post(f"/api/v1/cases/{opened['id']}/reopen", headers=owner.headers).status_code == 403
    stranger = make_account("raadgiver-voksen")
    assert client.post(f"/api/v1/cases/{opened['id']}/reopen", headers=stranger.headers).status_code == 404

    service_clock.set("2026-12-01T08:00:00+01:00")
    response = client.post(f"/api/v1/cases/{opened['id']}/reopen", headers=lead.headers)
    assert response.status_code == 201, response.get_json()
    new = response.get_json()
    assert new["reopened_from"] == {"id": opened["id"], "reference": opened["reference"]}
    assert (new["status"], new["process_version"], new["opened_at"]) == ("open", 2, "2026-12-01T08:00:00+01:00")
    assert [t["bpmn_id"] for t in new["tasks"]] == ["work"]
    assert db_session.get(Case, uuid.UUID(new["id"])).owner_id == owner.user.id
    old = client.get(f"/api/v1/cases/{opened['id']}", headers=lead.headers).get_json()
    assert old["reopened_as"] == [{"id": new["id"], "reference": new["reference"]}]
    old_events = client.get(f"/api/v1/cases/{opened['id']}/events", headers=lead.headers).get_json()["events"]
    assert [e["summary"] for e in old_events if e["kind"] == "case_reopened"] == [
        f"Sagen er genåbnet som {new['reference']}"]
    new_events = client.get(f"/api/v1/cases/{new['id']}/events", headers=lead.headers).get_json()["events"]
    assert [e["summary"] for e in new_events if e["kind"] == "case_reopened_from"] == [
        f"Genåbning af {opened['reference']}"]
    twice = client.post(f"/api/v1/cases/{opened['id']}/reopen", headers=lead.headers)
    assert twice.status_code == 409  # its successor is still open


def test_reopening_an_erased_case_needs_data(client, lead, opened, db_session):
    _close(client, lead, opened["id"])
    db_session.get(Case, uuid.UUID(opened["id"])).erased_at = datetime.fromisoformat(NOW)
    db_session.commit()
    refused = client.post(f"/api/v1/cases/{opened['id']}/reopen", headers=lead.headers)
    assert refused.status_code == 422 and error_of(refused)["details"][0]["field"] == "data"
    bad = client.post(f"/api/v1/cases/{opened['id']}/reopen", json={"data": ["x"]}, headers=lead.headers)
    assert bad.status_code == 422
    response = client.post(f"/api/v1/cases/{opened['id']}/reopen", json={"data": {"name": "Aisha"}},
                           headers=lead.headers)
    assert response.status_code == 201
