"""The break-the-glass page ("/sager/<id>/noedadgang") with Flask's test client (both databases).

The app's clock is fixed (service_clock); no test depends on today's date.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from engine.cases.access import CaseAccess
from engine.cases.models import BreakGlass
from engine.cases.service import open_case
from tests.ui.helpers import csrf_token, deploy_test_diagram, login, make_user, post, text

T0 = "2026-11-23T10:00:00+01:00"
REASON = "Politiet ringer om natten, og sagsbehandleren er syg"


@pytest.fixture
def people(db_session, service_clock):
    service_clock.set(T0)
    deploy_test_diagram(db_session)
    reception = make_user(db_session, "modtager1", "modtagerteam")
    opened_at = datetime.fromisoformat(T0) - timedelta(hours=2)
    case = open_case(db_session, "underretning_boern", {"received_at": opened_at.isoformat(), "source": "school"},
                     reception, clock=lambda: opened_at).case
    return {"case": case, "lead": make_user(db_session, "leder1", "teamleder"),
            "outsider": make_user(db_session, "raadgiver9", "raadgiver-voksen")}


def _post(client, path: str, data: dict, **kwargs):
    """POST with the CSRF token of the page itself (the outsider cannot open other pages of the case)."""
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)}, **kwargs)


def test_the_page_explains_break_the_glass_and_asks_for_a_reason(client, people):
    case = people["case"]
    login(client, "raadgiver9")
    assert client.get(f"/sager/{case.id}").status_code == 404  # outside the rule
    page = client.get(f"/sager/{case.id}/noedadgang")
    assert page.status_code == 200
    html = text(page)
    assert f"<h1>Nødadgang til sag {case.reference}</h1>" in html
    assert "Du får adgang til sagen som dens sagsbehandler i 12 timer." in html
    assert "bliver skrevet i sagens adgangslog" in html and "Teamlederne får straks en e-mail" in html
    assert '<textarea rows="5" id="f-reason" name="reason" required' in html
    assert 'name="csrf_token"' in html and f'action="/sager/{case.id}/noedadgang"' in html


def test_a_short_reason_shows_a_danish_error_and_records_nothing(client, db_session, people):
    case = people["case"]
    login(client, "raadgiver9")
    response = _post(client, f"/sager/{case.id}/noedadgang", {"reason": "  syg  "})
    assert response.status_code == 422
    html = text(response)
    assert "Skriv en begrundelse på mindst 10 tegn." in html and 'aria-invalid="true"' in html
    assert '<a href="#f-reason">Begrundelse – Skriv en begrundelse på mindst 10 tegn.</a>' in html
    assert ">  syg  </textarea>" in html  # what was typed is kept
    assert db_session.scalars(select(BreakGlass)).all() == []


def test_breaking_the_glass_opens_the_case_page_with_a_notice(client, db_session, people):
    case = people["case"]
    login(client, "raadgiver9")
    response = _post(client, f"/sager/{case.id}/noedadgang", {"reason": REASON})
    assert response.status_code == 302 and response.headers["Location"] == f"/sager/{case.id}"
    shown = client.get(f"/sager/{case.id}")
    assert shown.status_code == 200
    assert ("Du har nødadgang til sagen indtil 23. nov. 2026 kl. 22:00. Adgangen er logget, og teamlederne har "
            "fået besked.") in text(shown)
    logged = db_session.scalars(select(CaseAccess).where(CaseAccess.case_id == case.id,
                                                         CaseAccess.kind == "break_glass")).one()
    assert (logged.username, logged.channel, logged.purpose, logged.reason) == ("raadgiver9", "ui", "break_glass",
                                                                                 REASON)
    again = client.get(f"/sager/{case.id}/noedadgang", follow_redirects=True)  # already open: to the case
    assert "Du har allerede adgang til sagen." in text(again)


def test_someone_with_access_is_sent_to_the_case(client, db_session, people):
    case = people["case"]
    login(client, "leder1")
    response = client.get(f"/sager/{case.id}/noedadgang")
    assert response.status_code == 302 and response.headers["Location"] == f"/sager/{case.id}"
    posted = post(client, f"/sager/{case.id}/noedadgang", {"reason": REASON})
    assert posted.status_code == 302 and posted.headers["Location"] == f"/sager/{case.id}"
    assert db_session.scalars(select(BreakGlass)).all() == []


def test_missing_case_csrf_and_sign_in(client, db_session, people):
    case = people["case"]
    assert client.get(f"/sager/{case.id}/noedadgang").status_code == 302  # to the sign-in page
    login(client, "raadgiver9")
    missing = client.get(f"/sager/{uuid.uuid4()}/noedadgang")
    assert missing.status_code == 404 and "Siden findes ikke" in text(missing)
    forged = client.post(f"/sager/{case.id}/noedadgang", data={"reason": REASON})
    assert forged.status_code == 400
    assert db_session.scalars(select(BreakGlass)).all() == []
