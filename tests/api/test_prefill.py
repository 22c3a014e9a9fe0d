"""GET /tasks/{id} "values": a task form opens with the case's answers so far (never disclosure_*)."""

from __future__ import annotations

import io

import pytest

from tests.api.helpers import DATA

POLICE_FORM = (DATA / "forms" / "politi.form").read_bytes()
SIGNS_FORM = (DATA / "forms" / "faretegn.form").read_bytes()


def _deploy(client, headers, diagram: str, forms: dict[str, bytes]):
    files = {"file": (io.BytesIO((DATA / diagram).read_bytes()), diagram),
             "forms": [(io.BytesIO(raw), f"{key}.form") for key, raw in forms.items()]}
    response = client.post("/api/v1/process-models", data=files, headers=headers, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()


def _complete(client, account, task_id: str, data: dict) -> list[dict]:
    done = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data}, headers=account.headers)
    assert done.status_code == 200, done.get_json()
    return done.get_json()["tasks"]


def _values(client, account, task_id: str, claim: bool = False) -> dict:
    if claim:  # the case's answers are its content: for the one working on the task
        assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=account.headers).status_code == 200
    return client.get(f"/api/v1/tasks/{task_id}", headers=account.headers).get_json()["values"]


@pytest.fixture
def sharing(client, make_account):
    worker = make_account("raadgiver-boern", "teamleder", name="pf-worker")
    _deploy(client, worker.headers, "sharing.bpmn", {"politi": POLICE_FORM})
    opened = client.post("/api/v1/cases", json={"process_key": "sharing"}, headers=worker.headers).get_json()
    return worker, opened["tasks"][0]["id"]


def test_a_later_sharing_task_opens_with_earlier_answers_but_never_the_earlier_basis(client, sharing):
    worker, first = sharing
    assert _values(client, worker, first) == {}  # nothing answered yet
    [second] = _complete(client, worker, first, {
        "threat_kind": "violence", "contacted_on": "2026-03-02", "disclosure_summary": "Trusler fra familien",
        "disclosure_purpose": "Beskyttelse", "disclosure_exception": "danger_to_life_or_health",
        "disclosure_justification": "Akut fare for vold"})
    values = _values(client, worker, second["id"])
    assert values == {"threat_kind": "violence", "contacted_on": "2026-03-02"}
    assert not [key for key in values if key.startswith("disclosure_")]


@pytest.fixture
def carried(client, make_account):
    reception = make_account("modtagerteam", name="pf-reception")
    _deploy(client, make_account("teamleder").headers, "carried.bpmn", {"faretegn": SIGNS_FORM})
    opened = client.post("/api/v1/cases", json={"process_key": "carried"}, headers=reception.headers).get_json()
    return reception, opened["tasks"][0]["id"]


def test_only_the_forms_keys_and_answered_values_are_carried(client, carried):
    reception, intake = carried
    ready = _complete(client, reception, intake, {
        "danger_signs": ["threats", "violence"], "measure": "Samtale på skolen", "risk_level": "high",
        "visits": None, "disclosure_summary": "Delt med skolen"})
    branch = {task["bpmn_id"]: task["id"] for task in ready}
    assert _values(client, reception, branch["a"], claim=True) == {
        "danger_signs": ["threats", "violence"], "measure": "Samtale på skolen", "risk_level": "high"}


def test_which_answer_wins_when_two_tasks_wrote_the_same_key(client, carried):
    """docs/diagrams.md, "Carried forward": on a path the later completion replaces the value; at a
    parallel join the branch completed last wins for every key it holds, even one it only carried
    over from before the split; keys only the other branch wrote are kept."""
    reception, intake = carried
    ready = _complete(client, reception, intake, {"danger_signs": ["threats", "violence"], "measure": "Intake",
                                                  "risk_level": "high"})
    branch = {task["bpmn_id"]: task["id"] for task in ready}
    _complete(client, reception, branch["b"], {"danger_signs": ["control"], "measure": "B", "risk_level": "low",
                                               "visits": 3})
    [review] = _complete(client, reception, branch["a"], {"danger_signs": ["threats"], "measure": "A"})
    values = _values(client, reception, review["id"], claim=True)
    assert values["measure"] == "A"  # a completed last
    assert values["danger_signs"] == ["threats"]  # a checklist is replaced as a whole, not merged
    # a never answered risk_level but carried the intake's "high" from before the split: as the
    # branch completed last, it replaces b's "low".
    assert values["risk_level"] == "high"
    assert values["visits"] == 3  # only b wrote it


def test_a_candidate_sees_the_form_without_the_cases_answers_until_they_take_the_task(client, carried, make_account):
    reception, intake = carried
    ready = _complete(client, reception, intake, {"measure": "Samtale", "danger_signs": []})
    colleague = make_account("modtagerteam", name="pf-colleague")
    task_id = ready[0]["id"]
    body = client.get(f"/api/v1/tasks/{task_id}", headers=colleague.headers).get_json()
    assert body["form"]["schema"]["id"] == "faretegn" and body["values"] == {}
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=colleague.headers).status_code == 200
    assert _values(client, colleague, task_id) == {"measure": "Samtale", "danger_signs": []}
