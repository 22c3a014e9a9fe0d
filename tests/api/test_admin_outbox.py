"""GET /admin/outbox?state=failed: mails the worker gave up on, for administrators only."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from engine.notifications.models import FAILED, OutboxMail
from engine.notifications.outbox import send_pending
from tests.api.helpers import deploy
from tests.conftest import bound_session
from tests.engine.notifications.mailserver import free_port


def test_failed_mails_are_listed_for_administrators_without_bodies(app, client, make_account, settings,
                                                                    connection, db_session):
    admin = make_account("admin", name="root")
    lead = make_account("teamleder", "modtagerteam", name="lead")
    make_account("modtagerteam", name="sofie")
    assert deploy(client, lead.headers).status_code == 201
    case = client.post("/api/v1/cases", json={"process_key": "review", "data": {"cpr": "010203-1234"}},
                       headers=lead.headers).get_json()
    task_id = case["tasks"][0]["id"]
    assert client.post(f"/api/v1/tasks/{task_id}/assign", json={"username": "sofie"},
                       headers=lead.headers).status_code == 200
    # Nothing listens on the SMTP port: retry for 24 hours, then give up.
    dead = replace(settings, smtp_host="127.0.0.1", smtp_port=free_port())
    start = datetime.now(UTC)
    for hours in (0, 1, 6, 12, 24, 25):
        send_pending(lambda: bound_session(connection), dead, clock=lambda h=hours: start + timedelta(hours=h))
    db_session.expire_all()
    assert [row.state for row in db_session.scalars(select(OutboxMail))] == [FAILED]

    listed = client.get("/api/v1/admin/outbox?state=failed", headers=admin.headers)
    assert listed.status_code == 200
    body = listed.get_json()
    assert body["total"] == 1
    item = body["items"][0]
    assert item["recipient"] == "sofie" and item["kind"] == "assignment" and item["state"] == "failed"
    assert item["task_id"] == task_id and item["attempts"] >= 5
    assert item["subject"].startswith("En opgave er tildelt dig") and case["reference"] in item["subject"]
    assert item["message_id"].startswith("<outbox-") and "ConnectionRefusedError" in item["last_error"]
    assert not {"body_text", "body_html", "to_addr"} & set(item)
    assert "010203-1234" not in listed.get_data(as_text=True)
    assert client.get("/api/v1/admin/outbox", headers=admin.headers).get_json()["total"] == 1  # failed by default
    assert client.get("/api/v1/admin/outbox?state=sent", headers=admin.headers).get_json()["total"] == 0


def test_only_administrators_may_read_the_outbox(client, make_account):
    lead = make_account("teamleder")
    assert client.get("/api/v1/admin/outbox?state=failed", headers=lead.headers).status_code == 403
    assert client.get("/api/v1/admin/outbox?state=failed").status_code == 401
    admin = make_account("admin")
    assert client.get("/api/v1/admin/outbox?state=lost", headers=admin.headers).status_code == 422
    assert client.get("/api/v1/admin/outbox?per_page=500", headers=admin.headers).status_code == 422


def test_an_assignment_through_the_api_uses_this_apps_base_url_and_mail_domain(settings, connection, db_session,
                                                                               make_account):
    from webui import create_app

    app = create_app(replace(settings, base_url="https://casepath.kommune.example",
                             mail_from="Casepath <casepath@kommune.example>"))
    app.extensions["casepath.sessions"] = lambda: bound_session(connection)
    client = app.test_client()
    admin = make_account("admin", "teamleder", "modtagerteam", name="root")
    make_account("modtagerteam", name="sofie")
    assert deploy(client, admin.headers).status_code == 201
    task_id = client.post("/api/v1/cases", json={"process_key": "review"}, headers=admin.headers
                          ).get_json()["tasks"][0]["id"]
    client.post(f"/api/v1/tasks/{task_id}/assign", json={"username": "sofie"}, headers=admin.headers)
    [item] = client.get("/api/v1/admin/outbox?state=queued", headers=admin.headers).get_json()["items"]
    assert item["message_id"].endswith("@kommune.example>") and item["recipient"] == "sofie"
    row = db_session.scalars(select(OutboxMail)).one()
    assert f"https://casepath.kommune.example/opgaver/{task_id}" in row.body_text
    app.extensions["casepath.engine"].dispose()
