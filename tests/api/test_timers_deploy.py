"""Timers written as plain ISO 8601 (as modelers write them) deploy and run."""

from __future__ import annotations

from tests.api.helpers import deploy


def test_plain_iso_timers_deploy_and_run(client, make_account):
    lead = make_account("teamleder", "modtagerteam")
    response = deploy(client, lead.headers, "timers.bpmn")
    assert response.status_code == 201, response.get_json()
    case = client.post("/api/v1/cases", json={"process_key": "timers"}, headers=lead.headers).get_json()
    assert [t["bpmn_id"] for t in case["tasks"]] == ["assess"]
    # The date timer lies in the past: completing the task passes it straight to the end.
    done = client.post(f"/api/v1/tasks/{case['tasks'][0]['id']}/complete", headers=lead.headers)
    assert done.status_code == 200, done.get_json()
    assert client.get(f"/api/v1/cases/{case['id']}", headers=lead.headers).get_json()["status"] == "closed"
