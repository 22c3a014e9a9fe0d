"""POST /api/v1/cases/{id}/break-glass: emergency access, logged with its reason, team leads mailed.

The app's clock is fixed (service_clock); no test depends on today's date. The mails go through a
real SMTP server (aiosmtpd).
"""

from __future__ import annotations

import quopri
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.cases.access import CaseAccess
from engine.cases.models import BreakGlass, CaseEvent
from engine.config import Settings
from engine.notifications.models import OutboxMail
from engine.notifications.outbox import send_pending
from tests.api.helpers import deploy, error_of
from tests.conftest import bound_session

T0 = "2026-11-23T10:00:00+01:00"
REASON = "Politiet ringer om natten om Aisha Khan-Jensen; sagsbehandleren er syg"
CITIZEN = {"citizen_name": "Aisha Khan-Jensen", "cpr": "010203-1234", "address": "Nørrebrogade 117, 2. th",
           "note": "Truet med tvangsægteskab"}
BASE_URL = "https://casepath.kommune.example"



@pytest.fixture
def settings(database, tmp_path, smtp_server) -> Settings:
    """The app's settings with links to the municipality's address and mail to the test SMTP server."""
    return Settings.from_env(
        {"CASEPATH_ENV": "testing", "CASEPATH_TESTING": "1", "DATABASE_URL": database.url,
         "CASEPATH_INSTANCE_PATH": str(tmp_path / "instance"), "CASEPATH_BASE_URL": BASE_URL,
         "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_server.port), "MAIL_FROM": "casepath@kommune.example"})


@pytest.fixture
def lead(client, make_account, service_clock):
    service_clock.set(T0)
    account = make_account("teamleder", name="lene")
    assert deploy(client, account.headers).status_code == 201
    return account


@pytest.fixture
def case(client, lead):
    response = client.post("/api/v1/cases", json={"process_key": "review", "data": CITIZEN}, headers=lead.headers)
    assert response.status_code == 201
    return response.get_json()


def _break(client, case_id, account, reason=REASON):
    return client.post(f"/api/v1/cases/{case_id}/break-glass", json={"reason": reason}, headers=account.headers)


def _counts(db_session) -> tuple[int, ...]:
    db_session.expire_all()
    return tuple(db_session.scalar(select(func.count()).select_from(model))
                 for model in (BreakGlass, CaseAccess, CaseEvent, OutboxMail))


def test_an_outsider_breaks_the_glass_reads_the_case_and_loses_access_after_the_period(
        client, case, make_account, service_clock):
    outsider = make_account("raadgiver-voksen")
    events = f"/api/v1/cases/{case['id']}/events"
    assert client.get(events, headers=outsider.headers).status_code == 404
    response = _break(client, case["id"], outsider)
    assert response.status_code == 201
    assert response.get_json() == {"case_id": case["id"], "reference": case["reference"],
                                   "expires_at": "2026-11-23T22:00:00+01:00"}
    got = client.get(events, headers=outsider.headers)
    assert got.status_code == 200
    kinds = [e["kind"] for e in got.get_json()["events"]]
    assert {"case_opened", "task_created", "break_glass"} <= set(kinds)
    assert client.get(f"/api/v1/cases/{case['id']}", headers=outsider.headers).status_code == 200
    service_clock.advance(timedelta(hours=12) - timedelta(seconds=1))
    assert client.get(events, headers=outsider.headers).status_code == 200
    service_clock.advance(timedelta(seconds=2))  # 12 hours and 1 second after the break
    assert client.get(events, headers=outsider.headers).status_code == 404
    assert client.get(f"/api/v1/cases/{case['id']}", headers=outsider.headers).status_code == 404


def test_the_reason_is_in_the_access_log_and_not_in_the_timeline(client, case, lead, make_account):
    outsider = make_account("raadgiver-voksen")
    assert _break(client, case["id"], outsider, f"  {REASON}\n").status_code == 201
    log = client.get(f"/api/v1/cases/{case['id']}/access-log", headers=lead.headers)
    assert log.status_code == 200
    mine = [row for row in log.get_json()["access"] if row["username"] == outsider.user.username]
    assert mine[0]["kind"] == "break_glass" and mine[0]["at"] == T0
    assert (mine[0]["purpose"], mine[0]["reason"]) == ("break_glass", REASON)
    events = client.get(f"/api/v1/cases/{case['id']}/events", headers=lead.headers).get_json()["events"]
    [event] = [e for e in events if e["kind"] == "break_glass"]
    assert event["actor"] == outsider.user.username
    assert "indtil mandag 23. november 2026 kl. 22.00" in event["summary"]
    assert "Aisha" not in str(event) and "Politiet" not in str(event)
    admin = make_account("admin")
    assert client.get(f"/api/v1/cases/{case['id']}/access-log", headers=admin.headers).status_code == 200
    reception = make_account("modtagerteam")  # knows the case (its waiting task), not its log
    assert client.get(f"/api/v1/cases/{case['id']}/access-log", headers=reception.headers).status_code == 403


def test_team_leads_get_a_mail_with_reference_and_link_only(client, connection, case, lead, make_account, settings,
                                                            smtp_server, service_clock):
    make_account("teamleder", name="leif")
    make_account("raadgiver-boern", name="rolf")  # not a team lead: no mail
    outsider = make_account("raadgiver-voksen", name="rita")
    assert _break(client, case["id"], outsider).status_code == 201
    result = send_pending(lambda: bound_session(connection), settings, clock=service_clock)
    assert result.sent == 2
    assert sorted(str(m["To"]) for m in smtp_server.messages) == ["leif@example.invalid", "lene@example.invalid"]
    for message, raw in zip(smtp_server.messages, smtp_server.raw, strict=True):
        assert str(message["Subject"]) == f"Nødadgang til sag {case['reference']}"
        body = message.get_body(("plain",)).get_content()
        assert case["reference"] in body and f"{BASE_URL}/sager/{case['id']}" in body
        assert "rita har brugt nødadgang" in body and "mandag 23. november 2026 kl. 10.00" in body
        everything = "\n".join([raw.decode("utf-8", "replace"), quopri.decodestring(raw).decode("utf-8", "replace"),
                                *(part.get_content() for part in message.walk() if not part.is_multipart())])
        for secret in (REASON, "Politiet", "syg", "Aisha", "Khan", "010203", "Nørrebrogade", "tvangsægteskab"):
            assert secret not in everything, secret
    assert send_pending(lambda: bound_session(connection), settings, clock=service_clock).sent == 0  # once only


@pytest.mark.parametrize("body", [{"reason": "for kort"}, {"reason": "   " + "x" * 9 + "   "}, {"reason": ""},
                                  {"reason": "x" * 2001}, {}, {"reason": 12345678901}, {"reason": None}])
def test_a_missing_short_or_long_reason_is_422_and_records_nothing(client, db_session, case, make_account, body):
    outsider = make_account("raadgiver-voksen")
    before = _counts(db_session)
    response = client.post(f"/api/v1/cases/{case['id']}/break-glass", json=body, headers=outsider.headers)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "validation_failed"
    assert [d["field"] for d in error["details"]] == ["reason"]
    assert _counts(db_session) == before
    assert client.get(f"/api/v1/cases/{case['id']}/events", headers=outsider.headers).status_code == 404


def test_a_short_reason_says_what_is_wrong(client, case, make_account):
    response = _break(client, case["id"], make_account("raadgiver-voksen"), "kort")
    error = error_of(response)
    assert "at least 10 characters" in error["message"]
    assert error["details"] == [{"field": "reason", "message": "Skriv en begrundelse på mindst 10 tegn."}]


def test_someone_who_already_has_access_gets_409(client, db_session, case, lead, make_account):
    before = _counts(db_session)
    response = _break(client, case["id"], lead)
    assert response.status_code == 409
    assert error_of(response)["message"] == "you already have access to this case"
    assert _counts(db_session) == before
    outsider = make_account("raadgiver-voksen")
    assert _break(client, case["id"], outsider).status_code == 201
    assert _break(client, case["id"], outsider).status_code == 409  # a second time during the access


def test_a_missing_case_is_404_and_no_token_is_401(client, case, make_account):
    outsider = make_account("raadgiver-voksen")
    response = _break(client, uuid.uuid4(), outsider)
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"
    unauthenticated = client.post(f"/api/v1/cases/{case['id']}/break-glass", json={"reason": REASON})
    assert unauthenticated.status_code == 401
    assert _break(client, "not-a-uuid", outsider).status_code == 404


def test_the_period_follows_the_setting(app, client, case, make_account):
    app.config["CASEPATH"] = replace(app.config["CASEPATH"], break_glass_hours=2)
    response = _break(client, case["id"], make_account("raadgiver-voksen"))
    assert response.get_json()["expires_at"] == "2026-11-23T12:00:00+01:00"
