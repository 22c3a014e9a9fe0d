"""POST /cases/{id}/acute, /risk-assessment and /move on the shipped procedure (issue 14).

The access rule first, then the body; the answer is the case with the tasks the action created. Who
may start them per relation: tests/api/test_access_matrix.py. The paths: tests/scenarios/test_danger.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.helpers import error_of
from tests.api.record_helpers import T0, assessed_case, deploy_shipped


@pytest.fixture
def people(make_account):
    return {"reception": make_account("modtagerteam", name="modtager"), "lead": make_account("teamleder", name="lene"),
            "owner": make_account("raadgiver-boern", name="raadgiver"),
            "stranger": make_account("raadgiver-voksen", name="fremmed")}


@pytest.fixture
def case(db_session, people, service_clock):
    service_clock.set(T0)
    deploy_shipped(db_session)
    return assessed_case(db_session, people["reception"].user, people["lead"].user, people["owner"].user)


def test_acute_danger_through_the_api(client, case, people, service_clock):
    service_clock.set(T0 + timedelta(hours=5))
    url = f"/api/v1/cases/{case.id}/acute"
    # No relation: 404 before anything about the body; a bad reason: 422 naming the field, nothing created.
    assert client.post(url, json={}, headers=people["stranger"].headers).status_code == 404
    refused = client.post(url, json={"reason": "kort"}, headers=people["owner"].headers)
    assert refused.status_code == 422 and error_of(refused)["details"][0]["field"] == "reason"
    answer = client.post(url, json={"reason": "Hun tør ikke gå hjem i dag"}, headers=people["owner"].headers)
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["id"] == str(case.id)
    assert sorted(t["bpmn_id"] for t in body["tasks"]) == [
        "Task_akut_handling", "Task_akut_politi", "Task_akut_sikkerhedskonsulent"]
    events = client.get(f"/api/v1/cases/{case.id}/events", headers=people["owner"].headers).get_json()["events"]
    assert [e["kind"] for e in events].count("acute_danger") == 1


def test_a_new_risk_assessment_and_a_move_through_the_api(client, case, people, service_clock):
    service_clock.set(T0 + timedelta(days=2))
    answer = client.post(f"/api/v1/cases/{case.id}/risk-assessment", json={"reason": "Nye trusler fra broren"},
                         headers=people["lead"].headers)
    assert answer.status_code == 200
    assert [t["bpmn_id"] for t in answer.get_json()["tasks"]] == ["Task_risiko_forbered_boern"]
    moved = client.post(f"/api/v1/cases/{case.id}/move", json={"reason": "Familien er flyttet til Odense"},
                        headers=people["owner"].headers)
    assert [t["bpmn_id"] for t in moved.get_json()["tasks"]] == ["Task_overdragelse"]
