"""The "Luk sagen" form and the reopen button (webui/ui/case_closing.py, _case_closing.html)."""

from __future__ import annotations

from flask import render_template
from flask_login import login_user
from sqlalchemy import select

from engine.cases import closing
from engine.cases.models import Case
from engine.cases.service import open_case
from engine.process_models.service import deploy
from engine.tasks import service as tasks
from engine.tasks.models import Task
from tests.engine.deadlines.diagrams import boundary
from tests.ui.helpers import login, make_user, post, text
from webui.ui.auth import AuthUser


def _setup(db_session):
    lead = make_user(db_session, "leder1", "teamleder", "modtagerteam")
    deploy(db_session, boundary("lukbar", "timeDuration", "P10D", False), actor=lead)
    case = open_case(db_session, "lukbar", {"name": "Aisha"}, lead).case
    return lead, case


def _render(app, db_session, user, case) -> str:
    """The partial as the case page includes it, for `user`."""
    with app.test_request_context("/"):
        login_user(AuthUser(user))
        return render_template("_case_closing.html", case=db_session.get(Case, case.id))


def test_closing_form_errors_in_danish_then_closed(client, db_session):
    _lead, case = _setup(db_session)
    login(client, "leder1")
    refused = post(client, f"/sager/{case.id}/luk", {"reason": "moved", "note": "Flyttet"})
    assert refused.status_code == 422
    page = text(refused)
    assert "Angiv den kommune, sagen overgår til" in page and 'name="csrf_token"' in page
    assert '<option value="moved" selected>' in page and ">Flyttet</textarea>" in page
    assert db_session.get(Case, case.id).status == "open"
    assert text(post(client, f"/sager/{case.id}/luk", {"reason": ""})).count("Vælg en årsag på listen.") >= 1

    done = post(client, f"/sager/{case.id}/luk", {"reason": "no_concern", "note": "Ingen fare"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/sager/{case.id}")
    db_session.expire_all()
    assert db_session.get(Case, case.id).closing_reason == "no_concern"
    again = post(client, f"/sager/{case.id}/luk", {"reason": "no_concern"}, follow_redirects=True)
    assert "Sagen er allerede lukket." in text(again)


def test_a_caseworker_who_is_not_owner_gets_403_and_a_stranger_404(app, client, db_session):
    _lead, case = _setup(db_session)
    holder = make_user(db_session, "modtager1", "modtagerteam")
    make_user(db_session, "fremmed", "raadgiver-voksen")
    task = db_session.scalars(select(Task).where(Task.case_id == case.id)).one()
    tasks.claim(db_session, task.id, holder)
    login(client, "modtager1")
    assert post(client, f"/sager/{case.id}/luk", {"reason": "no_concern"}).status_code == 403
    other = app.test_client()
    login(other, "fremmed")
    assert post(other, f"/sager/{case.id}/luk", {"reason": "no_concern"}).status_code == 404


def test_partial_shows_the_form_then_the_reopen_button_and_the_links(app, client, db_session):
    lead, case = _setup(db_session)
    holder = make_user(db_session, "modtager1", "modtagerteam")
    html = _render(app, db_session, lead, case)
    assert "Luk sagen" in html and f'action="/sager/{case.id}/luk"' in html and 'name="csrf_token"' in html
    assert "Ingen bekymring fundet" in html and "Genåbn sagen" not in html
    assert "Luk sagen" not in _render(app, db_session, holder, case)  # may not close: nothing to show

    closing.close_case(db_session, case.id, lead, "no_concern", note="Ingen fare")
    html = _render(app, db_session, lead, case)
    assert "Genåbn sagen" in html and "Ingen bekymring fundet" in html and "Ingen fare" in html
    login(client, "leder1")
    reopened = post(client, f"/sager/{case.id}/genaabn")
    new = db_session.scalars(select(Case).where(Case.reopened_from_id == case.id)).one()
    assert reopened.status_code == 302 and reopened.headers["Location"].endswith(f"/sager/{new.id}")
    assert f"Genåbnet som <a href=\"/sager/{new.id}\">{new.reference}</a>" in _render(app, db_session, lead, case)
    assert f"Genåbning af <a href=\"/sager/{case.id}\">{case.reference}</a>" in _render(app, db_session, lead, new)
    again = post(client, f"/sager/{case.id}/genaabn", follow_redirects=True)
    assert "Sagen kan ikke genåbnes" in text(again)
