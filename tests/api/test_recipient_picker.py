"""A sharing task takes its recipient picked from the case's persons (`disclosure_recipient_person_id`):
a threat is refused (422, Danish, nothing recorded), another family member is taken, and a person who
is not on the case is no choice."""

from __future__ import annotations

import io
import uuid

import pytest

from engine.persons.threat_gate import REFUSAL
from tests.api.helpers import DATA, error_of

FIELD = "disclosure_recipient_person_id"


@pytest.fixture
def sharing_case(client, make_account):
    worker = make_account("raadgiver-boern", "teamleder", name="rb-picker")
    files = {"file": (io.BytesIO((DATA / "sharing.bpmn").read_bytes()), "sharing.bpmn"),
             "forms": [(io.BytesIO((DATA / "forms" / "politi.form").read_bytes()), "politi.form")]}
    assert client.post("/api/v1/process-models", data=files, headers=worker.headers,
                       content_type="multipart/form-data").status_code == 201
    opened = client.post("/api/v1/cases", json={"process_key": "sharing"}, headers=worker.headers).get_json()
    people = {}
    for name, threat in (("Samira Haddad", False), ("Karim Haddad", True)):
        person = client.post("/api/v1/persons", json={"name": name}, headers=worker.headers).get_json()
        linked = client.post(f"/api/v1/cases/{opened['id']}/persons", headers=worker.headers, json={
            "person_id": person["id"], "role": "involved", "relation": "parent", "threat": threat})
        assert linked.status_code == 201, linked.get_json()
        people[name] = person["id"]
    consent = client.post(f"/api/v1/cases/{opened['id']}/consents", headers=worker.headers, json={
        "given_by": "citizen", "recipient_kind": "police", "scope": "Trusler", "purpose": "Beskyttelse"}).get_json()
    return worker, opened, people, consent["id"]


def _share(client, worker, task_id, consent_id, person_id):
    data = {"threat_kind": "threats", "disclosure_summary": "Trusler", "disclosure_purpose": "Beskyttelse",
            "disclosure_consent_id": consent_id, FIELD: person_id}
    return client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data}, headers=worker.headers)


def _disclosures(client, worker, case_id):
    return client.get(f"/api/v1/cases/{case_id}/disclosures", headers=worker.headers).get_json()["disclosures"]


def test_a_threat_picked_from_the_cases_persons_is_refused(client, sharing_case):
    worker, opened, people, consent_id = sharing_case
    task_id = opened["tasks"][0]["id"]
    refused = _share(client, worker, task_id, consent_id, people["Karim Haddad"])
    assert refused.status_code == 422
    assert error_of(refused)["details"] == [{"field": FIELD, "message": REFUSAL}]
    assert _disclosures(client, worker, opened["id"]) == []  # nothing recorded, the task still waits

    stranger = _share(client, worker, task_id, consent_id, str(uuid.uuid4()))
    assert stranger.status_code == 422
    assert error_of(stranger)["details"] == [{"field": FIELD, "message": "Vælg en af mulighederne."}]

    done = _share(client, worker, task_id, consent_id, people["Samira Haddad"])
    assert done.status_code == 200, done.get_json()
    assert len(_disclosures(client, worker, opened["id"])) == 1
