"""GET /tasks, GET /tasks/{id}, claim, unclaim, assign, complete."""

from __future__ import annotations

import uuid

import pytest

from tests.api.helpers import deploy, error_of


@pytest.fixture
def setup(client, make_account):
    lead = make_account("teamleder", name="lead1")
    reception = make_account("modtagerteam", name="rec1")
    colleague = make_account("modtagerteam", name="rec2")
    assert deploy(client, lead.headers).status_code == 201
    case = client.post("/api/v1/cases", json={"process_key": "review"}, headers=reception.headers).get_json()
    return lead, reception, colleague, case, case["tasks"][0]["id"]


def test_candidate_and_mine_scopes(client, setup):
    lead, reception, colleague, case, task_id = setup
    candidate = client.get("/api/v1/tasks", headers=reception.headers).get_json()
    assert [t["id"] for t in candidate["items"]] == [task_id]
    assert candidate["total"] == 1 and candidate["page"] == 1
    assert client.get("/api/v1/tasks?scope=candidate", headers=lead.headers).get_json()["items"] == []
    client.post(f"/api/v1/tasks/{task_id}/claim", headers=reception.headers)
    assert client.get("/api/v1/tasks?scope=mine", headers=reception.headers).get_json()["total"] == 1
    assert client.get("/api/v1/tasks?scope=candidate", headers=colleague.headers).get_json()["total"] == 0


def test_scope_all_is_for_team_leads(client, setup):
    lead, reception, *_ = setup
    assert client.get("/api/v1/tasks?scope=all", headers=lead.headers).get_json()["total"] == 1
    response = client.get("/api/v1/tasks?scope=all", headers=reception.headers)
    assert response.status_code == 403


def test_filters_sorting_and_pagination(client, setup):
    lead, reception, _c, case, task_id = setup
    more = [client.post("/api/v1/cases", json={"process_key": "review"}, headers=reception.headers).get_json()
            for _ in range(3)]
    listed = client.get("/api/v1/tasks?per_page=2&page=1", headers=reception.headers).get_json()
    assert listed["total"] == 4 and len(listed["items"]) == 2
    page2 = client.get("/api/v1/tasks?per_page=2&page=2", headers=reception.headers).get_json()
    all_ids = [t["id"] for t in listed["items"] + page2["items"]]
    assert all_ids == [task_id] + [c["tasks"][0]["id"] for c in more]  # created_at order (no due dates yet)
    one = client.get(f"/api/v1/tasks?case_id={more[1]['id']}", headers=reception.headers).get_json()
    assert [t["case_reference"] for t in one["items"]] == [more[1]["reference"]]
    none_due = client.get("/api/v1/tasks?due_before=2030-01-01T00:00:00%2B01:00", headers=reception.headers)
    assert none_due.get_json()["total"] == 0  # no task has a due date yet


@pytest.mark.parametrize("query", ["scope=everything", "page=0", "per_page=1000", "case_id=x",
                                   "due_before=tomorrow", "due_before=2026-01-01T00:00:00"])
def test_bad_queries_are_422(client, setup, query):
    _l, reception, *_ = setup
    response = client.get(f"/api/v1/tasks?{query}", headers=reception.headers)
    assert response.status_code == 422
    assert error_of(response)["details"]


def test_task_detail_includes_form(client, setup):
    _l, reception, _c, _case, task_id = setup
    body = client.get(f"/api/v1/tasks/{task_id}", headers=reception.headers).get_json()
    assert body["name"] == "Registrér"
    assert [(f["id"], f["type"], f["required"]) for f in body["form"]["fields"]] == [
        ("amount", "long", True), ("note", "string", False)]


def test_task_detail_errors(client, setup, make_account):
    _l, _r, _c, _case, task_id = setup
    stranger = make_account("vidensperson")
    # Without any relation to the case, its task is answered like a missing one (need-to-know).
    assert client.get(f"/api/v1/tasks/{task_id}", headers=stranger.headers).status_code == 404
    assert client.get(f"/api/v1/tasks/{uuid.uuid4()}", headers=stranger.headers).status_code == 404


def test_claim_unclaim_conflicts(client, setup, make_account):
    _l, reception, colleague, _case, task_id = setup
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=reception.headers).get_json()["assignee"] == "rec1"
    # Once a colleague holds it, the rest of the group has no relation to the case any more.
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=colleague.headers).status_code == 404
    assert client.post(f"/api/v1/tasks/{task_id}/unclaim", headers=colleague.headers).status_code == 404
    stranger = make_account("vidensperson")
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=stranger.headers).status_code == 404
    back = client.post(f"/api/v1/tasks/{task_id}/unclaim", headers=reception.headers)
    assert back.status_code == 200 and back.get_json()["assignee"] is None
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=colleague.headers).status_code == 200


def test_assign_by_team_lead(client, setup, make_account):
    lead, reception, colleague, case, task_id = setup
    assert client.post(f"/api/v1/tasks/{task_id}/assign", json={"username": "rec2"},
                       headers=reception.headers).status_code == 403
    make_account("vidensperson", name="vp1")
    wrong_group = client.post(f"/api/v1/tasks/{task_id}/assign", json={"username": "vp1"}, headers=lead.headers)
    assert wrong_group.status_code == 422
    unknown = client.post(f"/api/v1/tasks/{task_id}/assign", json={"username": "ghost"}, headers=lead.headers)
    assert unknown.status_code == 422
    missing = client.post(f"/api/v1/tasks/{task_id}/assign", json={}, headers=lead.headers)
    assert missing.status_code == 422
    done = client.post(f"/api/v1/tasks/{task_id}/assign", json={"username": "rec2"}, headers=lead.headers)
    assert done.status_code == 200 and done.get_json()["assignee"] == "rec2"
    events = client.get(f"/api/v1/cases/{case['id']}/events", headers=lead.headers).get_json()["events"]
    assert events[-1]["kind"] == "task_assigned"
    assert client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"amount": 1}},
                       headers=reception.headers).status_code == 404  # rec2 holds it now: not rec1's any more


def test_complete_moves_through_gateway(client, setup):
    lead, reception, _c, case, task_id = setup
    response = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"amount": 50}},
                           headers=reception.headers)
    assert response.status_code == 200
    [next_task] = response.get_json()["tasks"]
    assert (next_task["bpmn_id"], next_task["candidate_group"]) == ("approve", "teamleder")
    again = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"amount": 50}}, headers=lead.headers)
    assert again.status_code == 409
    # Having completed a task earlier gives no access to the case.
    assert client.get(f"/api/v1/tasks/{task_id}", headers=reception.headers).status_code == 404
    assert client.post(f"/api/v1/tasks/{next_task['id']}/complete", headers=lead.headers).get_json()["tasks"] == []
    closed = client.get(f"/api/v1/cases/{case['id']}", headers=lead.headers).get_json()
    assert closed["status"] == "closed" and closed["closed_at"]
    events = client.get(f"/api/v1/cases/{case['id']}/events", headers=lead.headers).get_json()["events"]
    kinds = [e["kind"] for e in events]
    assert kinds == ["case_opened", "task_created", "task_completed", "task_created", "task_completed", "case_closed"]


@pytest.mark.parametrize("data, field", [({}, "amount"), ({"amount": "many"}, "amount"),
                                         ({"amount": 1, "note": 5}, "note"), ({"amount": True}, "amount")])
def test_complete_with_bad_form_data_is_422_and_changes_nothing(client, setup, data, field):
    lead, reception, _c, case, task_id = setup
    response = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data}, headers=reception.headers)
    assert response.status_code == 422
    assert [d["field"] for d in error_of(response)["details"]] == [field]
    assert client.get(f"/api/v1/tasks/{task_id}", headers=reception.headers).get_json()["state"] == "READY"
    events = client.get(f"/api/v1/cases/{case['id']}/events", headers=lead.headers).get_json()["events"]
    kinds = [e["kind"] for e in events]
    assert "task_completed" not in kinds


def test_complete_by_other_group_is_403(client, setup, make_account):
    *_, task_id = setup
    stranger = make_account("raadgiver-voksen")
    assert client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"amount": 1}},
                       headers=stranger.headers).status_code == 404


def test_actions_on_unknown_task_are_404(client, setup):
    lead, *_ = setup
    for action in ("claim", "unclaim", "complete"):
        assert client.post(f"/api/v1/tasks/{uuid.uuid4()}/{action}", json={}, headers=lead.headers).status_code == 404
