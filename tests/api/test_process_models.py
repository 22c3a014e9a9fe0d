"""POST/GET /api/v1/process-models."""

from __future__ import annotations

import io

from tests.api.helpers import DATA, deploy, error_of


def test_team_lead_deploys_and_same_bytes_create_no_new_version(client, make_account):
    lead = make_account("teamleder")
    first = deploy(client, lead.headers, comment="første udgave")
    assert first.status_code == 201
    version = first.get_json()["versions"][0]
    assert (version["key"], version["version"], version["created"]) == ("review", 1, True)
    assert version["deployed_by"] == lead.user.username and version["comment"] == "første udgave"
    assert len(version["sha256"]) == 64
    again = deploy(client, lead.headers)
    assert again.status_code == 200
    assert again.get_json()["versions"][0]["version"] == 1
    assert again.get_json()["versions"][0]["created"] is False
    listed = client.get("/api/v1/process-models", headers=lead.headers).get_json()["versions"]
    assert [(v["key"], v["version"]) for v in listed] == [("review", 1)]


def test_changed_bytes_make_version_two(client, make_account):
    lead = make_account("admin")
    deploy(client, lead.headers)
    changed = (DATA / "review.bpmn").read_bytes().replace(b'name="Godkend"', b'name="Godkend sagen"')
    response = client.post("/api/v1/process-models", data=changed, headers=lead.headers,
                           content_type="application/xml")
    assert response.status_code == 201
    assert response.get_json()["versions"][0]["version"] == 2


def test_multipart_upload_with_comment(client, make_account):
    lead = make_account("teamleder")
    response = client.post(
        "/api/v1/process-models", headers=lead.headers, content_type="multipart/form-data",
        data={"file": (io.BytesIO((DATA / "three_tasks.bpmn").read_bytes()), "three.bpmn"), "comment": "via form"},
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["versions"][0]["comment"] == "via form"
    assert response.get_json()["versions"][0]["filename"] == "three.bpmn"


def test_caseworker_may_not_deploy(client, make_account):
    worker = make_account("raadgiver-boern")
    response = deploy(client, worker.headers)
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    lead = make_account("teamleder")
    assert client.get("/api/v1/process-models", headers=lead.headers).get_json()["versions"] == []


def test_no_token_is_401(client):
    response = client.post("/api/v1/process-models", data=b"<x/>")
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"
    assert client.get("/api/v1/process-models", headers={"Authorization": "Bearer cp_wrong"}).status_code == 401


def test_invalid_bpmn_is_422_with_element_problems_and_nothing_stored(client, make_account):
    lead = make_account("teamleder")
    bad = (DATA / "review.bpmn").read_bytes().replace(b"amount &gt; 10", b"__import__('os').system('id')")
    response = client.post("/api/v1/process-models", data=bad, headers=lead.headers, content_type="application/xml")
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid_bpmn"
    assert any(d["element_id"] == "f_large" and d["message"] for d in error["details"])
    assert client.get("/api/v1/process-models", headers=lead.headers).get_json()["versions"] == []


def test_empty_and_garbage_uploads_are_422(client, make_account):
    lead = make_account("teamleder")
    empty = client.post("/api/v1/process-models", data=b"", headers=lead.headers, content_type="application/xml")
    assert empty.status_code == 422
    garbage = client.post("/api/v1/process-models", data=b"\x00\xff not xml", headers=lead.headers,
                          content_type="application/xml")
    assert garbage.status_code == 422
    assert error_of(garbage)["details"]
    missing_file = client.post("/api/v1/process-models", headers=lead.headers, data={"comment": "x"},
                               content_type="multipart/form-data")
    assert missing_file.status_code == 422


def test_oversized_upload_is_rejected(client, make_account):
    lead = make_account("teamleder")
    big = b"<?xml version='1.0'?><definitions>" + b" " * (2 * 1024 * 1024) + b"</definitions>"
    response = client.post("/api/v1/process-models", data=big, headers=lead.headers, content_type="application/xml")
    assert response.status_code in (413, 422)
    assert error_of(response)["message"]
