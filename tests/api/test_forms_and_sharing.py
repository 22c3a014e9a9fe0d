"""form-js forms at deploy and completion; consent-gated sharing; safe contact; directory."""

from __future__ import annotations

import io
import json

import pytest

from tests.api.helpers import DATA, error_of

FORM = (DATA / "forms" / "politi.form").read_bytes()


def _deploy(client, headers, forms: dict[str, bytes] | None = None):
    files = {"file": (io.BytesIO((DATA / "sharing.bpmn").read_bytes()), "sharing.bpmn")}
    if forms is not None:
        files["forms"] = [(io.BytesIO(raw), f"{key}.form") for key, raw in forms.items()]
    return client.post("/api/v1/process-models", data=files, headers=headers, content_type="multipart/form-data")


@pytest.fixture
def case(client, make_account):
    worker = make_account("raadgiver-boern", "teamleder", name="rb1")
    assert _deploy(client, worker.headers, {"politi": FORM}).status_code == 201
    opened = client.post("/api/v1/cases", json={"process_key": "sharing"}, headers=worker.headers).get_json()
    return worker, opened, opened["tasks"][0]["id"]


def test_missing_or_invalid_form_refuses_deploy(client, make_account):
    lead = make_account("teamleder")
    missing = _deploy(client, lead.headers)
    assert missing.status_code == 422
    assert {d["element_id"] for d in error_of(missing)["details"]} == {"police", "police_again"}
    assert "politi" in error_of(missing)["details"][0]["message"]
    broken = json.loads(FORM)
    broken["components"][1]["type"] = "signature"
    bad = _deploy(client, lead.headers, {"politi": json.dumps(broken).encode()})
    assert bad.status_code == 422 and "not supported" in error_of(bad)["details"][0]["message"]
    assert _deploy(client, lead.headers, {"politi": b"{not json"}).status_code == 422
    # A rule of the wrong type would only break when someone submits: refused at deploy.
    wrong_rule = json.loads(FORM)
    wrong_rule["components"][1]["validate"] = {"maxLength": "abc"}
    refused = _deploy(client, lead.headers, {"politi": json.dumps(wrong_rule).encode()})
    assert refused.status_code == 422 and "'maxLength' must be a whole number" in str(error_of(refused)["details"])
    assert client.get("/api/v1/process-models", headers=lead.headers).get_json()["versions"] == []


@pytest.mark.parametrize("prop, message", [
    ('name="disclosure_recipient" value="bakery"', "disclosure_recipient 'bakery' is not one of"),
    ('name="disclosure_when" value="threat_kind: threats=bakery"', "disclosure_when: 'bakery' is not one of"),
    ('name="disclosure_when" value="threat_kind threats"', "disclosure_when must read"),
])
def test_sharing_properties_must_name_known_recipients(client, make_account, prop, message):
    lead = make_account("teamleder")
    xml = (DATA / "sharing.bpmn").read_bytes().replace(
        b'name="disclosure_recipient" value="police"', prop.encode())
    files = {"file": (io.BytesIO(xml), "sharing.bpmn"), "forms": [(io.BytesIO(FORM), "politi.form")]}
    refused = client.post("/api/v1/process-models", data=files, headers=lead.headers,
                          content_type="multipart/form-data")
    assert refused.status_code == 422 and message in str(error_of(refused)["details"])


def test_task_carries_form_action_card_directory_and_safe_contact(client, case):
    worker, opened, task_id = case
    client.put(f"/api/v1/cases/{opened['id']}/safe-contact", headers=worker.headers,
               json={"instructions": "Spørg om hun er alene.", "ask_if_alone": True, "no_letters_home": True})
    task = client.get(f"/api/v1/tasks/{task_id}", headers=worker.headers).get_json()
    assert task["form"]["schema"]["id"] == "politi"
    assert task["action_card"].startswith("Ring til politiets")
    assert task["disclosure_recipient"] == "police"
    assert any(entry["phone"] == "114" for entry in task["directory"])
    assert task["safe_contact"]["ask_if_alone"] is True and task["safe_contact"]["no_voicemail"] is False
    listed = client.get("/api/v1/tasks", headers=worker.headers).get_json()["items"]
    assert listed[0]["safe_contact"]["instructions"] == "Spørg om hun er alene."
    # Every answer that carries a task carries the instructions: whoever acts on it sees them.
    in_case = client.get(f"/api/v1/cases/{opened['id']}", headers=worker.headers).get_json()["tasks"]
    assert in_case[0]["safe_contact"]["instructions"] == "Spørg om hun er alene."
    claimed = client.post(f"/api/v1/tasks/{task_id}/claim", headers=worker.headers).get_json()
    assert claimed["safe_contact"]["no_letters_home"] is True
    assert opened["tasks"][0]["safe_contact"] is None  # none were recorded when the case was opened


def test_form_errors_are_danish_per_field(client, case):
    worker, _opened, task_id = case
    response = client.post(f"/api/v1/tasks/{task_id}/complete", headers=worker.headers,
                           json={"data": {"threat_kind": "gossip", "contacted_on": "2026-02-30"}})
    assert response.status_code == 422
    fields = {d["field"]: d["message"] for d in error_of(response)["details"]}
    assert fields["threat_kind"] == "Vælg en af mulighederne."
    assert fields["disclosure_summary"] == "Feltet skal udfyldes."
    assert fields["contacted_on"].startswith("Skal være en gyldig dato")


def _share(client, worker, task_id, **basis):
    data = {"threat_kind": "threats", "disclosure_summary": "Trusler fra familien",
            "disclosure_purpose": "Beskyttelse", **basis}
    return client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data}, headers=worker.headers)


def test_sharing_without_basis_is_refused_then_consent_records_disclosure(client, case):
    worker, opened, task_id = case
    refused = _share(client, worker, task_id)
    assert refused.status_code == 422
    assert "without a recorded basis" in error_of(refused)["message"]
    assert error_of(refused)["details"][0]["field"] == "disclosure_consent_id"
    wrong = client.post(f"/api/v1/cases/{opened['id']}/consents", headers=worker.headers, json={
        "given_by": "citizen", "recipient_kind": "shelter", "scope": "Adresse", "purpose": "Ophold"}).get_json()
    not_covering = _share(client, worker, task_id, disclosure_consent_id=wrong["id"])
    assert not_covering.status_code == 422
    assert "dækker ikke" in error_of(not_covering)["details"][0]["message"]
    consent = client.post(f"/api/v1/cases/{opened['id']}/consents", headers=worker.headers, json={
        "given_by": "guardian", "recipient_kind": "police", "scope": "Trusler", "purpose": "Beskyttelse"})
    assert consent.status_code == 201
    done = _share(client, worker, task_id, disclosure_consent_id=consent.get_json()["id"])
    assert done.status_code == 200, done.get_json()
    disclosures = client.get(f"/api/v1/cases/{opened['id']}/disclosures", headers=worker.headers).get_json()
    [disclosure] = disclosures["disclosures"]
    assert (disclosure["recipient_kind"], disclosure["consent_id"]) == ("police", consent.get_json()["id"])
    assert disclosure["task_id"] == task_id

    # Withdrawn consent: the next disclosure under it is refused; a legal exception still works.
    next_task = done.get_json()["tasks"][0]["id"]
    withdrawn = client.post(f"/api/v1/consents/{consent.get_json()['id']}/withdraw", headers=worker.headers)
    assert withdrawn.status_code == 200 and withdrawn.get_json()["withdrawn_at"]
    twice = client.post(f"/api/v1/consents/{consent.get_json()['id']}/withdraw", headers=worker.headers)
    assert twice.status_code == 409
    again = _share(client, worker, next_task, disclosure_consent_id=consent.get_json()["id"])
    assert again.status_code == 422 and "trukket tilbage" in error_of(again)["details"][0]["message"]
    no_reason = _share(client, worker, next_task, disclosure_exception="danger_to_life_or_health")
    assert no_reason.status_code == 422 and error_of(no_reason)["details"][0]["field"] == "disclosure_justification"
    by_law = _share(client, worker, next_task, disclosure_exception="danger_to_life_or_health",
                    disclosure_justification="Akut fare for vold")
    assert by_law.status_code == 200
    kinds = [e["kind"] for e in client.get(f"/api/v1/cases/{opened['id']}/events", headers=worker.headers)
             .get_json()["events"]]
    assert kinds.count("disclosure_recorded") == 2 and "consent_withdrawn" in kinds


def test_consent_validation_and_need_to_know(client, case, make_account):
    worker, opened, _task = case
    bad = client.post(f"/api/v1/cases/{opened['id']}/consents", headers=worker.headers,
                      json={"given_by": "neighbour", "recipient_kind": "police", "scope": "", "purpose": "x"})
    assert bad.status_code == 422
    assert {d["field"] for d in error_of(bad)["details"]} >= {"given_by", "scope"}
    outsider = make_account("vidensperson")
    assert client.get(f"/api/v1/cases/{opened['id']}/consents", headers=outsider.headers).status_code == 404
    assert client.get(f"/api/v1/cases/{opened['id']}/safe-contact", headers=outsider.headers).status_code == 404


def test_legal_exceptions_and_directory_admin(client, make_account):
    admin = make_account("admin")
    worker = make_account("raadgiver-voksen")
    listed = client.get("/api/v1/legal-exceptions", headers=worker.headers).get_json()["legal_exceptions"]
    keys = {e["key"] for e in listed}
    assert {"duty_to_notify_child", "danger_to_life_or_health"} <= keys
    consultants = client.get("/api/v1/directory?kind=security_consultant", headers=worker.headers).get_json()
    assert consultants["region"] == "Hovedstaden"
    assert [e["name"] for e in consultants["entries"]] == ["Maria"]
    everyone = client.get("/api/v1/directory?kind=security_consultant&region=all", headers=worker.headers).get_json()
    assert len(everyone["entries"]) == 7
    entry = {"kind": "shelter", "region": "Hovedstaden", "name": "Krisecenter Nord", "phone": "12 34 56 78"}
    assert client.post("/api/v1/directory", json=entry, headers=worker.headers).status_code == 403
    created = client.post("/api/v1/directory", json=entry, headers=admin.headers)
    assert created.status_code == 201
    invalid = client.post("/api/v1/directory", json={"kind": "bakery", "name": ""}, headers=admin.headers)
    assert invalid.status_code == 422
    hidden = client.patch(f"/api/v1/directory/{created.get_json()['id']}", json={"active": False},
                          headers=admin.headers)
    assert hidden.status_code == 200
    shelters = client.get("/api/v1/directory?kind=shelter", headers=worker.headers).get_json()["entries"]
    assert "Krisecenter Nord" not in [e["name"] for e in shelters]


def test_administrators_maintain_the_legal_bases_and_sharing_uses_the_current_list(client, case, make_account):
    worker, _opened, task_id = case
    admin = make_account("admin")
    basis = {"key": "vaerne_boern_2027", "name": "Ny hjemmel til at beskytte børn", "law_reference": "BL § 999"}
    assert client.post("/api/v1/legal-exceptions", json=basis, headers=worker.headers).status_code == 403
    bad = client.post("/api/v1/legal-exceptions", json={"key": "Ikke En Nøgle", "name": ""}, headers=admin.headers)
    assert bad.status_code == 422 and {d["field"] for d in error_of(bad)["details"]} >= {"key", "name"}
    assert client.post("/api/v1/legal-exceptions", json=basis, headers=admin.headers).status_code == 201
    assert client.post("/api/v1/legal-exceptions", json=basis, headers=admin.headers).status_code == 422  # exists
    # The new basis can be used at once, although the task's form lists only the bases it was written with.
    task = client.get(f"/api/v1/tasks/{task_id}", headers=worker.headers).get_json()
    assert "vaerne_boern_2027" not in json.dumps(task["form"])
    done = _share(client, worker, task_id, disclosure_exception="vaerne_boern_2027",
                  disclosure_justification="Ny lov")
    assert done.status_code == 200, done.get_json()
    # Switched off: not offered, not accepted, still listed for administrators.
    off = client.patch("/api/v1/legal-exceptions/vaerne_boern_2027", json={"active": False}, headers=admin.headers)
    assert off.status_code == 200 and off.get_json()["active"] is False
    listed = client.get("/api/v1/legal-exceptions", headers=worker.headers).get_json()["legal_exceptions"]
    assert "vaerne_boern_2027" not in {e["key"] for e in listed}
    every = client.get("/api/v1/legal-exceptions?all=true", headers=admin.headers).get_json()["legal_exceptions"]
    assert {"key": "vaerne_boern_2027", "name": basis["name"], "law_reference": "BL § 999", "active": False} in every
    next_task = done.get_json()["tasks"][0]["id"]
    refused = _share(client, worker, next_task, disclosure_exception="vaerne_boern_2027",
                     disclosure_justification="Ny lov")
    assert refused.status_code == 422 and error_of(refused)["details"][0]["field"] == "disclosure_exception"
    assert client.patch("/api/v1/legal-exceptions/findes_ikke", json={"active": False},
                        headers=admin.headers).status_code == 404
