"""A sharing task refuses a recipient flagged as a threat on the case (422, Danish, nothing recorded)."""

from __future__ import annotations

import io
import json

import pytest

from engine.persons.threat_gate import REFUSAL, names_threat
from tests.api.helpers import DATA, error_of


def _form_with_recipient_name() -> bytes:
    form = json.loads((DATA / "forms" / "politi.form").read_text())
    form["components"].append({"type": "textfield", "key": "disclosure_recipient_name", "label": "Modtager",
                               "id": "Field_recipient_name"})
    return json.dumps(form).encode()


@pytest.fixture
def sharing_case(client, make_account):
    worker = make_account("raadgiver-boern", "teamleder", name="rb-threat")
    files = {"file": (io.BytesIO((DATA / "sharing.bpmn").read_bytes()), "sharing.bpmn"),
             "forms": [(io.BytesIO(_form_with_recipient_name()), "politi.form")]}
    assert client.post("/api/v1/process-models", data=files, headers=worker.headers,
                       content_type="multipart/form-data").status_code == 201
    opened = client.post("/api/v1/cases", json={"process_key": "sharing"}, headers=worker.headers).get_json()
    father = client.post("/api/v1/persons", json={"name": "Karim  Haddad"}, headers=worker.headers).get_json()
    linked = client.post(f"/api/v1/cases/{opened['id']}/persons", headers=worker.headers,
                         json={"person_id": father["id"], "role": "involved", "relation": "parent", "threat": True})
    assert linked.status_code == 201, linked.get_json()
    consent = client.post(f"/api/v1/cases/{opened['id']}/consents", headers=worker.headers, json={
        "given_by": "citizen", "recipient_kind": "police", "scope": "Trusler", "purpose": "Beskyttelse"}).get_json()
    return worker, opened, consent["id"]


def _share(client, worker, task_id, consent_id, recipient):
    data = {"threat_kind": "threats", "disclosure_summary": "Trusler", "disclosure_purpose": "Beskyttelse",
            "disclosure_consent_id": consent_id, "disclosure_recipient_name": recipient}
    return client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data}, headers=worker.headers)


def test_a_threat_flagged_person_is_refused_as_sharing_recipient(client, sharing_case):
    worker, opened, consent_id = sharing_case
    task_id = opened["tasks"][0]["id"]
    refused = _share(client, worker, task_id, consent_id, "karim haddad (far)")
    assert refused.status_code == 422
    [problem] = error_of(refused)["details"]
    assert problem == {"field": "disclosure_recipient_name", "message": REFUSAL}
    disclosures = client.get(f"/api/v1/cases/{opened['id']}/disclosures", headers=worker.headers).get_json()
    assert disclosures["disclosures"] == []  # nothing recorded, the task still waits
    done = _share(client, worker, task_id, consent_id, "Politikreds Midt- og Vestjylland")
    assert done.status_code == 200, done.get_json()


@pytest.mark.parametrize(("text", "hit"), [
    ("KARIM HADDAD", True), ("Karim\tHaddad, far", True), ("Karimo Haddad", False), ("Karim", False), ("", False),
])
def test_names_match_whole_words_case_insensitively(text, hit):
    assert names_threat(text, ["Karim Haddad"]) is hit
