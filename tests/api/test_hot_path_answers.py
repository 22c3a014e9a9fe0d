"""The hot paths build their answers from what they wrote (webui.api.tasks.task_json, dump_opened):
they must be exactly what the general paths (marshmallow schemas over ORM rows) answer for the same
case and task, read back afterwards."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.helpers import DATA

CONTACT = {"instructions": "Ring kun på mobilen.", "no_voicemail": True, "ask_if_alone": True}


@pytest.fixture
def people(client, make_account, service_clock):
    service_clock.set("2026-11-23T09:00:00+01:00")
    lead = make_account("teamleder", "modtagerteam", name="h-lead")
    rec = make_account("modtagerteam", name="h-rec")
    for diagram in ("matrix.bpmn", "timers.bpmn"):
        assert client.post("/api/v1/process-models", data=(DATA / diagram).read_bytes(), headers=lead.headers,
                           content_type="application/xml").status_code == 201
    return lead, rec


def _by_id(tasks: list[dict]) -> list[dict]:
    return sorted(tasks, key=lambda task: task["id"])


@pytest.mark.parametrize("who", [0, 1])
def test_an_opened_case_is_answered_as_it_is_read_back(client, people, who):
    user = people[who]
    opened = client.post("/api/v1/cases", json={"process_key": "timers"}, headers=user.headers)
    assert opened.status_code == 201
    read = client.get(f"/api/v1/cases/{opened.get_json()['id']}", headers=user.headers).get_json()
    assert opened.get_json() == read


def test_a_completion_answers_the_ready_tasks_as_they_are_read_back(client, people, service_clock):
    lead, rec = people
    case = client.post("/api/v1/cases", json={"process_key": "matrix"}, headers=rec.headers).get_json()
    assert client.put(f"/api/v1/cases/{case['id']}/safe-contact", json=CONTACT, headers=lead.headers).status_code == 200
    service_clock.advance(timedelta(minutes=5))
    done = client.post(f"/api/v1/tasks/{case['tasks'][0]['id']}/complete", json={"data": {}}, headers=rec.headers)
    assert done.status_code == 200
    read = client.get(f"/api/v1/cases/{case['id']}", headers=lead.headers).get_json()["tasks"]
    assert _by_id(done.get_json()["tasks"]) == _by_id(read)
    assert all(task["safe_contact"]["instructions"] == CONTACT["instructions"] for task in read)


def test_claims_and_lists_answer_as_the_task_is_read(client, people, service_clock):
    lead, rec = people
    case = client.post("/api/v1/cases", json={"process_key": "timers"}, headers=rec.headers).get_json()
    client.put(f"/api/v1/cases/{case['id']}/safe-contact", json=CONTACT, headers=lead.headers)
    task_id = case["tasks"][0]["id"]
    service_clock.advance(timedelta(hours=20))  # the 24-hour deadline is near: at risk
    claimed = client.post(f"/api/v1/tasks/{task_id}/claim", headers=rec.headers).get_json()
    [listed] = client.get("/api/v1/tasks?scope=mine", headers=rec.headers).get_json()["items"]
    assert claimed == listed and claimed["assignee"] == "h-rec" and claimed["due_at"] and claimed["at_risk"]
    detail = client.get(f"/api/v1/tasks/{task_id}", headers=rec.headers).get_json()
    assert {key: detail[key] for key in listed} == listed  # the marshmallow schemas' answer
    service_clock.advance(timedelta(hours=5))
    back = client.post(f"/api/v1/tasks/{task_id}/unclaim", headers=rec.headers).get_json()
    [waiting] = client.get("/api/v1/tasks?scope=candidate", headers=rec.headers).get_json()["items"]
    assert back == waiting and back["assignee"] is None and back["overdue"]
