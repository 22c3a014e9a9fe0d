"""POST /process-models/validate, GET .../changes and POST .../migration."""

from __future__ import annotations

import io

from tests.api.helpers import DATA, deploy, error_of
from tests.engine.process_models.test_migration import V2

FORM = (DATA / "forms" / "politi.form").read_bytes()
CONFORMANCE = DATA.parents[1].parent / "shared" / "conformance" / "miwg"


def _validate(client, headers, data: bytes, forms: dict[str, bytes] | None = None):
    files = {"file": (io.BytesIO(data), "upload.bpmn")}
    if forms:
        files["forms"] = [(io.BytesIO(raw), f"{key}.form") for key, raw in forms.items()]
    return client.post("/api/v1/process-models/validate", data=files, headers=headers,
                       content_type="multipart/form-data")


def _versions(client, headers) -> list:
    return client.get("/api/v1/process-models", headers=headers).get_json()["versions"]


def test_validate_accepts_a_deployable_file_and_stores_nothing(client, make_account):
    lead = make_account("teamleder")
    response = client.post("/api/v1/process-models/validate", data=(DATA / "review.bpmn").read_bytes(),
                           headers=lead.headers, content_type="application/xml")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"problems": [], "forms": {}}
    assert _versions(client, lead.headers) == []


def test_validate_reports_the_same_problems_as_deploy(client, make_account):
    lead = make_account("teamleder")
    bad = (DATA / "review.bpmn").read_bytes().replace(b"amount &gt; 10", b"__import__('os').system('id')")
    checked = client.post("/api/v1/process-models/validate", data=bad, headers=lead.headers,
                          content_type="application/xml")
    deployed = client.post("/api/v1/process-models", data=bad, headers=lead.headers, content_type="application/xml")
    assert checked.status_code == deployed.status_code == 422
    assert error_of(checked) == error_of(deployed)
    assert any(d["element_id"] == "f_large" for d in error_of(checked)["details"])


def test_validate_pins_forms_without_storing_them(client, make_account):
    lead = make_account("teamleder")
    sharing = (DATA / "sharing.bpmn").read_bytes()
    missing = _validate(client, lead.headers, sharing)
    assert missing.status_code == 422 and "politi" in error_of(missing)["details"][0]["message"]
    ok = _validate(client, lead.headers, sharing, {"politi": FORM})
    assert ok.status_code == 200 and ok.get_json()["forms"] == {"politi": "new"}
    # Nothing was stored: the form is still missing without the upload.
    assert _validate(client, lead.headers, sharing).status_code == 422
    deployed = client.post("/api/v1/process-models", headers=lead.headers, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(sharing), "s.bpmn"), "forms": [(io.BytesIO(FORM), "politi.form")]})
    assert deployed.status_code == 201
    again = _validate(client, lead.headers, sharing)
    assert again.status_code == 200 and again.get_json()["forms"]["politi"] != "new"


def test_validate_needs_a_deployer_and_a_body(client, make_account):
    worker = make_account("raadgiver-boern")
    assert client.post("/api/v1/process-models/validate", data=(DATA / "review.bpmn").read_bytes(),
                       headers=worker.headers, content_type="application/xml").status_code == 403
    lead = make_account("teamleder")
    empty = client.post("/api/v1/process-models/validate", data=b"", headers=lead.headers,
                        content_type="application/xml")
    assert empty.status_code == 422
    assert client.post("/api/v1/process-models/validate", data=b"<x/>").status_code == 401


def test_foreign_file_is_refused_by_validate_with_element_problems(client, make_account):
    path = CONFORMANCE / "reference" / "C.1.0.bpmn"
    if not path.exists():
        return
    lead = make_account("teamleder")
    response = client.post("/api/v1/process-models/validate", data=path.read_bytes(), headers=lead.headers,
                           content_type="application/xml")
    assert response.status_code == 422
    assert all(d["element_id"] and d["message"] for d in error_of(response)["details"])


def _open(client, headers) -> dict:
    response = client.post("/api/v1/cases", json={"process_key": "review", "data": {}}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_changes_between_versions(client, make_account):
    lead = make_account("teamleder")
    deploy(client, lead.headers)
    client.post("/api/v1/process-models", data=V2, headers=lead.headers, content_type="application/xml")
    body = client.get("/api/v1/process-models/review/versions/1/changes?to=2", headers=lead.headers).get_json()
    assert (body["from_version"], body["to_version"]) == (1, 2)
    assert [c["element_id"] for c in body["added"]] == ["final_check", "f5"]
    assert "register" in {c["element_id"] for c in body["changed"]}
    assert client.get("/api/v1/process-models/review/versions/9/changes", headers=lead.headers).status_code == 404


def test_migration_dry_run_then_move(client, make_account):
    lead = make_account("teamleder", "modtagerteam")
    deploy(client, lead.headers)
    at_register = _open(client, lead.headers)
    at_approve = _open(client, lead.headers)
    task_id = at_approve["tasks"][0]["id"]
    assert client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"amount": 50}},
                       headers=lead.headers).status_code == 200
    assert client.post("/api/v1/process-models", data=V2, headers=lead.headers,
                       content_type="application/xml").status_code == 201
    url = "/api/v1/process-models/review/versions/1/migration"
    dry = client.post(url, json={"to_version": 2}, headers=lead.headers)
    assert dry.status_code == 200, dry.get_json()
    results = {r["reference"]: r for r in dry.get_json()["results"]}
    assert dry.get_json()["dry_run"] is True
    assert results[at_approve["reference"]]["movable"] is True
    assert results[at_register["reference"]]["movable"] is False
    assert "Registrér" in results[at_register["reference"]]["reason"]
    case = client.get(f"/api/v1/cases/{at_approve['id']}", headers=lead.headers).get_json()
    assert case["process_version"] == 1

    moved = client.post(url, json={"to_version": 2, "dry_run": False, "case_ids": [at_approve["id"]]},
                        headers=lead.headers)
    assert [(r["reference"], r["reason"]) for r in moved.get_json()["results"]] == [(at_approve["reference"], "moved")]
    assert client.get(f"/api/v1/cases/{at_approve['id']}", headers=lead.headers).get_json()["process_version"] == 2
    assert client.get(f"/api/v1/cases/{at_register['id']}", headers=lead.headers).get_json()["process_version"] == 1
    events = client.get(f"/api/v1/cases/{at_approve['id']}/events", headers=lead.headers).get_json()
    assert "case_migrated" in [e["kind"] for e in events["events"]]


def test_migration_errors(client, make_account):
    lead = make_account("teamleder", "modtagerteam")
    deploy(client, lead.headers)
    url = "/api/v1/process-models/review/versions/1/migration"
    assert client.post(url, json={}, headers=lead.headers).status_code == 422
    assert client.post(url, json={"to_version": "2"}, headers=lead.headers).status_code == 422
    assert client.post(url, json={"to_version": 2}, headers=lead.headers).status_code == 404
    assert client.post(url, json={"to_version": 1, "case_ids": ["nope"]}, headers=lead.headers).status_code == 422
    worker = make_account("raadgiver-boern")
    assert client.post(url, json={"to_version": 1}, headers=worker.headers).status_code == 403
    assert client.post("/api/v1/process-models/review/versions/7/migration", json={"to_version": 1},
                       headers=lead.headers).status_code == 404


def test_openapi_lists_the_new_operations(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/process-models/validate"]
    assert "post" in paths["/process-models/{key}/versions/{version}/migration"]
    assert "get" in paths["/process-models/{key}/versions/{version}/changes"]
