"""The case owner and case members through the API: validation, events, tasks that follow the owner."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.helpers import DATA, error_of


@pytest.fixture
def case(client, make_account):
    """A case of the matrix process waiting at the children's caseworker task, whose lane we route."""
    lead = make_account("teamleder", name="o-lead")
    reception = make_account("modtagerteam", name="o-rec")
    assert client.post("/api/v1/process-models", data=(DATA / "matrix.bpmn").read_bytes(), headers=lead.headers,
                       content_type="application/xml").status_code == 201
    opened = client.post("/api/v1/cases", json={"process_key": "matrix"}, headers=reception.headers).get_json()
    client.post(f"/api/v1/tasks/{opened['tasks'][0]['id']}/complete", json={"data": {}}, headers=reception.headers)
    return lead, opened["id"]


def owner_of(client, lead, case_id):
    return client.get(f"/api/v1/cases/{case_id}", headers=lead.headers).get_json()["owner"]


@pytest.mark.parametrize("username, why", [("ghost", "unknown"), ("o-gone", "inactive"),
                                           ("o-rec2", "not a caseworker")])
def test_an_unsuitable_owner_is_422_and_changes_nothing(client, case, make_account, db_session, username, why):
    lead, case_id = case
    make_account("raadgiver-boern", name="o-gone").user.active = False
    make_account("modtagerteam", name="o-rec2")
    db_session.flush()
    response = client.post(f"/api/v1/cases/{case_id}/owner", json={"username": username}, headers=lead.headers)
    assert response.status_code == 422, why
    assert error_of(response)["details"][0]["field"] == "username"
    assert owner_of(client, lead, case_id) is None


def test_a_new_owner_takes_over_the_old_owners_open_tasks(client, case, make_account):
    lead, case_id = case
    first = make_account("raadgiver-boern", name="o-first")
    second = make_account("raadgiver-boern", name="o-second")
    assert client.post(f"/api/v1/cases/{case_id}/owner", json={"username": "o-first"},
                       headers=lead.headers).status_code == 200
    task = next(t for t in client.get(f"/api/v1/tasks?case_id={case_id}&scope=all", headers=lead.headers)
                .get_json()["items"] if t["bpmn_id"] == "b")
    assert client.post(f"/api/v1/tasks/{task['id']}/claim", headers=first.headers).status_code == 200
    changed = client.post(f"/api/v1/cases/{case_id}/owner", json={"username": "o-second"}, headers=lead.headers)
    assert changed.get_json()["owner"] == {"username": "o-second", "name": "o-second"}
    mine = client.get("/api/v1/tasks?scope=mine", headers=second.headers).get_json()["items"]
    assert [t["id"] for t in mine] == [task["id"]]
    assert client.get(f"/api/v1/cases/{case_id}", headers=first.headers).status_code == 404
    events = client.get(f"/api/v1/cases/{case_id}/events", headers=lead.headers).get_json()["events"]
    assert [e["details"].get("owner") for e in events if e["kind"] == "owner_set"] == ["o-first", "o-second"]
    assert events[-1]["kind"] == "task_assigned" and events[-1]["details"] == {"assignee": "o-second"}


def test_a_routed_lane_gives_its_new_tasks_to_the_owner(client, case, make_account, db_session):
    from engine.process_models.lanes import set_lane_group

    lead, case_id = case
    owner = make_account("raadgiver-boern", name="o-owner")
    set_lane_group(db_session, "Modtagerteam", "modtagerteam", None, to_owner=True)
    client.post(f"/api/v1/cases/{case_id}/owner", json={"username": "o-owner"}, headers=lead.headers)
    opened = client.post("/api/v1/process-models", data=(DATA / "three_tasks.bpmn").read_bytes(),
                         headers=lead.headers, content_type="application/xml")
    assert opened.status_code == 201
    other = client.post("/api/v1/cases", json={"process_key": "three_tasks"}, headers=lead.headers).get_json()
    assert other["tasks"][0]["assignee"] is None  # no owner yet: the group's pool
    client.post(f"/api/v1/cases/{other['id']}/owner", json={"username": "o-owner"}, headers=lead.headers)
    after = client.post(f"/api/v1/tasks/{other['tasks'][0]['id']}/complete", json={"data": {}},
                        headers=owner.headers).get_json()["tasks"]
    assert [(t["name"], t["assignee"], t["candidate_group"]) for t in after] == [("Anden", "o-owner", "modtagerteam")]


def test_members_are_checked_and_end_after_their_last_day(client, case, make_account, service_clock):
    lead, case_id = case
    service_clock.set("2026-11-23T10:00:00+01:00")
    helper = make_account("raadgiver-voksen", name="o-helper")
    path = f"/api/v1/cases/{case_id}/members"
    for body in ({"username": "o-helper", "role": "boss"}, {"username": "ghost", "role": "caseworker"},
                 {"username": "o-helper", "role": "caseworker", "until": "2026-11-22"}, {"role": "caseworker"}):
        assert client.post(path, json=body, headers=lead.headers).status_code == 422, body
    assert client.get(f"/api/v1/cases/{case_id}", headers=helper.headers).status_code == 404
    added = client.post(path, json={"username": "o-helper", "role": "caseworker", "until": "2026-11-24"},
                        headers=lead.headers)
    assert added.status_code == 201
    assert added.get_json()["members"] == [{"username": "o-helper", "name": "o-helper", "role": "caseworker",
                                            "until": "2026-11-24"}]
    service_clock.set("2026-11-24T23:59:00+01:00")
    assert client.get(f"/api/v1/cases/{case_id}/events", headers=helper.headers).status_code == 200
    service_clock.advance(timedelta(minutes=2))  # 25 November, Danish time
    assert client.get(f"/api/v1/cases/{case_id}/events", headers=helper.headers).status_code == 404
    assert client.delete(f"{path}/o-helper", headers=lead.headers).status_code == 204
    assert client.delete(f"{path}/o-helper", headers=lead.headers).status_code == 404
    events = client.get(f"/api/v1/cases/{case_id}/events", headers=lead.headers).get_json()["events"]
    kinds = [e["kind"] for e in events]
    assert [kind for kind in kinds if kind.startswith("member_")] == ["member_added", "member_removed"]


def test_a_team_lead_takes_over_a_held_task(client, case, make_account):
    lead, case_id = case
    worker = make_account("raadgiver-boern", name="o-worker")
    task = next(t for t in client.get(f"/api/v1/tasks?case_id={case_id}&scope=all", headers=lead.headers)
                .get_json()["items"] if t["bpmn_id"] == "b")
    client.post(f"/api/v1/tasks/{task['id']}/claim", headers=worker.headers)
    taken = client.post(f"/api/v1/tasks/{task['id']}/claim", headers=lead.headers)
    assert taken.status_code == 200 and taken.get_json()["assignee"] == "o-lead"
    events = client.get(f"/api/v1/cases/{case_id}/events", headers=lead.headers).get_json()["events"]
    assert events[-1]["details"] == {"taken_from": "o-worker"}
