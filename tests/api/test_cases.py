"""POST /cases, GET /cases/{id}, GET /cases/{id}/events."""

from __future__ import annotations

import uuid

import pytest

from tests.api.helpers import deploy, error_of


@pytest.fixture
def lead(client, make_account):
    account = make_account("teamleder")
    assert deploy(client, account.headers).status_code == 201
    return account


def test_open_case_returns_reference_and_first_task(client, lead, make_account):
    reception = make_account("modtagerteam")
    response = client.post("/api/v1/cases", json={"process_key": "review", "data": {"source": "school"}},
                           headers=reception.headers)
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "open"
    year = body["opened_at"][:4]
    assert body["reference"].startswith(f"{year}-") and len(body["reference"]) == 11
    assert [(t["bpmn_id"], t["candidate_group"], t["state"]) for t in body["tasks"]] == [
        ("register", "modtagerteam", "READY")
    ]
    assert body["opened_at"].endswith(("+01:00", "+02:00"))  # shown in Danish time


def test_references_are_sequential(client, lead):
    refs = [client.post("/api/v1/cases", json={"process_key": "review"}, headers=lead.headers).get_json()["reference"]
            for _ in range(3)]
    numbers = [int(r.split("-")[1]) for r in refs]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_get_case_and_events(client, lead):
    case = client.post("/api/v1/cases", json={"process_key": "review"}, headers=lead.headers).get_json()
    got = client.get(f"/api/v1/cases/{case['id']}", headers=lead.headers)
    assert got.status_code == 200
    assert got.get_json()["reference"] == case["reference"]
    events = client.get(f"/api/v1/cases/{case['id']}/events", headers=lead.headers).get_json()["events"]
    assert [e["kind"] for e in events] == ["case_opened", "task_created"]
    assert events[0]["actor"] == lead.user.username


def test_case_is_need_to_know(client, lead, make_account):
    case = client.post("/api/v1/cases", json={"process_key": "review"}, headers=lead.headers).get_json()
    outsider = make_account("vidensperson")
    for path in (f"/api/v1/cases/{case['id']}", f"/api/v1/cases/{case['id']}/events"):
        response = client.get(path, headers=outsider.headers)
        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"
    reception = make_account("modtagerteam")  # eligible for the READY task
    assert client.get(f"/api/v1/cases/{case['id']}", headers=reception.headers).status_code == 200


def test_unknown_case_is_404(client, lead):
    assert client.get(f"/api/v1/cases/{uuid.uuid4()}", headers=lead.headers).status_code == 404
    assert client.get("/api/v1/cases/not-a-uuid", headers=lead.headers).status_code == 404


@pytest.mark.parametrize("body, field", [
    ({}, "process_key"),
    ({"process_key": "nope"}, "process_key"),
    ({"process_key": "review", "data": []}, "data"),
    ({"process_key": "review", "data": {"__class__": 1}}, "__class__"),
    ({"process_key": "review", "extra": 1}, "extra"),
])
def test_bad_case_bodies_are_422(client, lead, body, field):
    response = client.post("/api/v1/cases", json=body, headers=lead.headers)
    assert response.status_code == 422
    assert any(d.get("field", "").startswith(field) for d in error_of(response)["details"]), response.get_json()


def test_non_json_body_is_422(client, lead):
    response = client.post("/api/v1/cases", data="process_key=review", headers=lead.headers)
    assert response.status_code == 422
    assert "JSON object" in error_of(response)["message"]


def test_open_case_requires_token(client, lead):
    assert client.post("/api/v1/cases", json={"process_key": "review"}).status_code == 401


def test_landing_page_and_api_docs(client):
    index = client.get("/")
    assert index.status_code == 200 and "API-dokumentation" in index.get_data(as_text=True)
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert {"/cases", "/tasks", "/tasks/{task_id}/complete", "/process-models"} <= set(spec["paths"])
    docs = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/api/v1/tasks/{task_id}/claim" in docs


def test_every_read_is_logged_with_its_purpose_and_supervisors_can_list_it(client, lead, make_account):
    case = client.post("/api/v1/cases", json={"process_key": "review"}, headers=lead.headers).get_json()
    reception = make_account("modtagerteam", name="reader1")
    client.get(f"/api/v1/cases/{case['id']}", headers=reception.headers)
    client.get(f"/api/v1/tasks/{case['tasks'][0]['id']}", headers=reception.headers)
    client.get(f"/api/v1/cases/{case['id']}/events", headers=lead.headers)
    client.get(f"/api/v1/cases/{case['id']}/safe-contact", headers=lead.headers)
    assert client.get(f"/api/v1/cases/{case['id']}/access-log", headers=reception.headers).status_code == 403
    admin = make_account("admin")
    log = client.get(f"/api/v1/cases/{case['id']}/access-log", headers=admin.headers).get_json()["access"]
    assert [(a["username"], a["kind"], a["purpose"]) for a in log] == [
        ("reader1", "read_case", "task"), ("reader1", "read_task", "task"),
        (lead.user.username, "read_timeline", "supervision"), (lead.user.username, "read_safe_contact", "supervision")]
    assert client.get(f"/api/v1/cases/{case['id']}/access-log", headers=lead.headers).status_code == 200
    assert all(a["at"].endswith(("+01:00", "+02:00")) for a in log)
    outsider = make_account("vidensperson")
    assert client.get(f"/api/v1/cases/{case['id']}", headers=outsider.headers).status_code == 404
    again = client.get(f"/api/v1/cases/{case['id']}/access-log", headers=admin.headers).get_json()["access"]
    assert len(again) == 4  # a refused look is not a read of the case
