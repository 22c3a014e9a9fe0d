"""Probe 10 of issue 15: on every route only administrators or team leads may use, anyone else gets
the 403 before the body or query is validated, so a wrong body teaches them nothing of its rules."""

from __future__ import annotations

import io
import uuid

import pytest

from tests.api.helpers import deploy, error_of

NOBODY = str(uuid.uuid4())
# (method, path, JSON body or None); {case}, {task}, {me} are filled in. Each body is invalid.
ROUTES = [
    ("POST", "/api/v1/legal-exceptions", {"key": "Bad Key!", "active": 0}),
    ("PATCH", "/api/v1/legal-exceptions/any", {"active": "nope"}),
    ("POST", "/api/v1/directory", {}),
    ("PATCH", f"/api/v1/directory/{NOBODY}", {"kind": "nope"}),
    ("GET", "/api/v1/admin/users", None),
    ("PATCH", "/api/v1/admin/users/{me}", {}),
    ("PATCH", f"/api/v1/admin/users/{NOBODY}", {"active": 0}),
    ("GET", "/api/v1/admin/users/{me}/tokens", None),
    ("DELETE", f"/api/v1/admin/users/{NOBODY}/tokens", None),
    ("GET", "/api/v1/admin/outbox?state=bogus&page=0", None),
    ("PATCH", "/api/v1/deadline-rules/assessment_24h", {"amount": "many"}),
    ("POST", "/api/v1/process-models", b""),
    ("POST", "/api/v1/process-models/validate", b""),
    ("POST", "/api/v1/process-models", "multipart"),
    ("POST", "/api/v1/process-models/review/versions/1/migration", {"to_version": "x"}),
    ("GET", "/api/v1/tasks?scope=all&page=0", None),
    ("POST", "/api/v1/tasks/{task}/assign", {}),
    ("POST", "/api/v1/cases/{case}/owner", {}),
    ("POST", "/api/v1/cases/{case}/members", {"role": "nope"}),
    ("POST", "/api/v1/cases/{case}/close", {}),
    ("POST", "/api/v1/cases/{case}/reopen", {"data": []}),
    ("GET", "/api/v1/cases/{case}/access-log", None),
    ("GET", "/api/v1/reports/deadlines?from=x", None),
]


@pytest.fixture
def setting(client, make_account):
    """A case whose first task waits for the reception team, and a receptionist related to it."""
    lead = make_account("teamleder", "modtagerteam")
    assert deploy(client, lead.headers).status_code == 201
    reception = make_account("modtagerteam")
    case = client.post("/api/v1/cases", json={"process_key": "review"}, headers=reception.headers).get_json()
    return reception, case


def _send(client, method: str, path: str, body, headers):
    if body == "multipart":
        files = {"file": (io.BytesIO(b"<x/>"), "x.bpmn"), "comment": "x" * 3000}
        return client.open(path, method=method, data=files, headers=headers, content_type="multipart/form-data")
    if isinstance(body, bytes):
        return client.open(path, method=method, data=body, headers=headers, content_type="application/xml")
    return client.open(path, method=method, json=body, headers=headers)


@pytest.mark.parametrize("method, path, body", ROUTES, ids=[f"{m} {p}" for m, p, _b in ROUTES])
def test_others_get_403_before_their_input_is_checked(client, setting, method, path, body):
    reception, case = setting
    path = path.format(case=case["id"], task=case["tasks"][0]["id"], me=reception.user.id)
    response = _send(client, method, path, body, reception.headers)
    assert response.status_code == 403, (response.status_code, response.get_json())
    assert error_of(response)["code"] == "forbidden" and error_of(response)["details"] == []
