"""The modeler's deploy summary (POST /processer/<key>/udrul/oversigt) with Flask's test client (both
databases): what a deploy would change, the open cases on older versions, the problems; nothing stored."""

from __future__ import annotations

from engine.process_models.drafts import get_draft
from tests.ui.helpers import csrf_token, deploy_test_diagram, login, make_user, open_notification

SUMMARY = "/processer/underretning_boern/udrul/oversigt"


def _post(client, body: dict, token: str | None):
    return client.post(SUMMARY, json=body, headers={"X-CSRFToken": token} if token else {})


def test_the_summary_names_the_changes_and_the_open_cases_and_stores_nothing(client, db_session):
    deploy_test_diagram(db_session)
    lead = make_user(db_session, "leder1", "teamleder", "modtagerteam")
    open_notification(db_session, lead)
    login(client, "leder1")
    token = csrf_token(client, "/processer")
    xml = client.get("/processer/underretning_boern/kladde").get_json()["xml"]
    renamed = xml.replace('name="Vurdér underretningen inden for 24 timer"', 'name="Vurdér straks"')
    assert renamed != xml
    answer = _post(client, {"xml": renamed}, token)
    assert answer.status_code == 200, answer.get_json()
    summary = answer.get_json()
    assert summary["running"] == 1 and summary["open_cases"] == 1 and summary["problems"] == []
    assert [c["name"] for c in summary["changed"]] == ["Vurdér straks"]
    assert summary["added"] == [] and summary["removed"] == []
    broken = _post(client, {"xml": renamed.replace('isExecutable="true"', 'isExecutable="false"')}, token).get_json()
    assert [p["message"] for p in broken["problems"]] == [
        "processen »underretning_boern« er ikke markeret som kørbar (isExecutable)"]
    assert get_draft(db_session, "underretning_boern") is None  # nothing was saved


def test_the_summary_is_for_editors_with_the_csrf_token(client, db_session):
    deploy_test_diagram(db_session)
    make_user(db_session, "raadgiver1", "raadgiver-boern")
    login(client, "raadgiver1")
    assert _post(client, {}, None).status_code == 400  # no CSRF token
    assert _post(client, {}, csrf_token(client, "/profil")).status_code == 403
