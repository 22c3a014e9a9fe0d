"""The task page carries work forward (test client): the form opens with the case's answers and the
user's own draft over them, the draft endpoint answers in JSON, and a sharing task registers a missing
consent from its dialog. The browser side is tests/ui/test_carried_browser.py."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from engine.cases.owner import set_owner
from engine.cases.service import open_case
from engine.process_models.service import deploy
from engine.tasks import service as tasks
from engine.tasks.drafts import TaskDraft
from engine.users.models import User
from tests.api.helpers import DATA
from tests.ui.helpers import csrf_token, login, make_user, text

CONSENT = {"samtykke_given_by": "citizen", "samtykke_recipient_kind": "police", "samtykke_scope": "Trusler",
           "samtykke_purpose": "Politiets vurdering"}


def _deploy(session, diagram: str, form: str) -> None:
    deploy(session, (DATA / diagram).read_bytes(), actor=None, filename=diagram,
           forms={form: (DATA / "forms" / f"{form}.form").read_bytes()})


def _client(app, username: str):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def _user(session, username: str) -> User:
    return session.scalar(select(User).where(User.username == username))


def _put(client, url: str, body) -> object:
    return client.put(url, json=body, headers={"X-CSRFToken": csrf_token(client, "/profil")})


@pytest.fixture
def carried(db_session):
    """A `carried` case whose intake m-rec answered; m-rec holds the next task ("a")."""
    user = make_user(db_session, "m-rec", "modtagerteam")
    _deploy(db_session, "carried.bpmn", "faretegn")
    opened = open_case(db_session, "carried", {}, user)
    ready = tasks.complete(db_session, opened.tasks[0].id, {
        "danger_signs": ["threats", "control"], "measure": "Samtale på skolen", "risk_level": "high",
        "disclosure_summary": "Delt med skolen"}, user)
    task = next(t for t in ready if t.bpmn_id == "a")
    tasks.claim(db_session, task.id, user)
    return user, task.id


def test_the_form_opens_with_the_cases_answers_then_the_users_own_draft(app, carried):
    _user, task_id = carried
    client = _client(app, "m-rec")
    html = text(client.get(f"/opgaver/{task_id}"))
    assert re.search(r'<textarea[^>]*name="measure"[^>]*>Samtale på skolen</textarea>', html)
    assert re.search(r'value="threats" id="f-danger_signs" name="danger_signs" checked', html)
    assert 'value="violence" id="f-danger_signs-1" name="danger_signs">' in html
    assert '<option value="high" selected>' in html
    assert re.search(r'name="disclosure_summary"[^>]*value=""', html)  # never carried
    assert "udfyldt på forhånd" in html and "din kladde" not in html
    assert f'data-draft-url="/opgaver/{task_id}/kladde"' in html and "data-draft-keys='[]'" in html
    assert "/static/js/drafts.js" in html and "consent_dialog.js" not in html  # no sharing here

    saved = _put(client, f"/opgaver/{task_id}/kladde", {"data": {"measure": "Min egen tekst", "danger_signs": []}})
    assert saved.status_code == 200 and re.fullmatch(r"\d\d:\d\d", saved.get_json()["saved_at"])
    html = text(client.get(f"/opgaver/{task_id}"))
    assert re.search(r'<textarea[^>]*name="measure"[^>]*>Min egen tekst</textarea>', html)
    assert 'value="threats" id="f-danger_signs" name="danger_signs">' in html  # unticked in the draft
    assert '<option value="high" selected>' in html  # not in the draft: the case's answer
    assert "din kladde" in html and "data-draft-keys='[\"danger_signs\", \"measure\"]'" in html


def test_the_draft_endpoint_answers_in_json(app, carried):
    _user, task_id = carried
    url = f"/opgaver/{task_id}/kladde"
    signed_out = app.test_client().put(url, json={"data": {}})
    assert signed_out.status_code in (400, 401)  # no session: no CSRF token either
    client = _client(app, "m-rec")
    assert client.put(url, json={"data": {}}).status_code == 400  # without the CSRF token
    unknown = _put(client, url, {"data": {"cpr": "010101-1234"}})
    assert unknown.status_code == 422
    assert unknown.get_json()["error"]["details"] == [
        {"field": "data.cpr", "message": "Feltet findes ikke i formularen."}]
    assert _put(client, url, {"data": {}, "more": 1}).status_code == 422
    assert _put(client, url, {"data": {"measure": "x" * 70_000}}).status_code == 422
    # An expired session: the script learns it (401), it is not sent the sign-in page.
    token = csrf_token(client, "/profil")
    with client.session_transaction() as session:
        session.pop("_user_id", None)
    expired = client.put(url, json={"data": {}}, headers={"X-CSRFToken": token})
    assert expired.status_code == 401 and expired.get_json()["error"]["code"] == "signed_out"


def test_completing_through_the_page_removes_the_draft(app, carried, db_session):
    _user, task_id = carried
    client = _client(app, "m-rec")
    assert _put(client, f"/opgaver/{task_id}/kladde", {"data": {"measure": "Kladde"}}).status_code == 200
    assert db_session.scalar(select(func.count()).select_from(TaskDraft)) == 1
    done = client.post(f"/opgaver/{task_id}", data={"measure": "Færdig", "csrf_token": csrf_token(client, "/profil")})
    assert done.status_code == 302
    assert db_session.scalar(select(func.count()).select_from(TaskDraft)) == 0


@pytest.fixture
def sharing(db_session):
    """A `sharing` case (no owner yet) whose police task m-worker holds; m-peer is of the same group."""
    worker = make_user(db_session, "m-worker", "raadgiver-boern")
    make_user(db_session, "m-peer", "raadgiver-boern")
    make_user(db_session, "m-lead", "teamleder")
    _deploy(db_session, "sharing.bpmn", "politi")
    opened = open_case(db_session, "sharing", {}, worker)
    return opened.case.id, opened.tasks[0].id


def test_a_waiting_sharing_task_tells_its_candidates_to_take_it_before_registering(app, sharing):
    _case_id, task_id = sharing
    client = _client(app, "m-peer")
    html = text(client.get(f"/opgaver/{task_id}"))
    assert 'id="consent-dialog"' in html and 'data-mode="claim"' in html and "Tag opgaven først" in html
    assert "/static/js/consent_dialog.js" in html and 'aria-labelledby="consent-dialog-title"' in html
    assert 'id="f-samtykke_scope"' not in html  # the consents are the case's content: not before taking it
    refused = client.post(f"/opgaver/{task_id}/samtykke", data=CONSENT,
                          headers={"X-CSRFToken": csrf_token(client, "/profil")})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"


def test_the_holder_registers_a_consent_from_the_task_and_gets_the_forms_new_choices(app, sharing, db_session):
    case_id, task_id = sharing
    tasks.claim(db_session, task_id, _user(db_session, "m-worker"))
    client = _client(app, "m-worker")
    html = text(client.get(f"/opgaver/{task_id}"))
    assert 'data-mode="register"' in html and 'id="f-samtykke_scope"' in html
    assert '<option value="police" selected>' in html  # the task shares with the police only
    token = {"X-CSRFToken": csrf_token(client, "/profil")}
    missing = client.post(f"/opgaver/{task_id}/samtykke", data={"samtykke_scope": "Trusler"}, headers=token)
    assert missing.status_code == 422
    fields = {d["field"] for d in missing.get_json()["error"]["details"]}
    assert {"samtykke_given_by", "samtykke_purpose", "samtykke_recipient_kind"} <= fields
    elsewhere = client.post(f"/opgaver/{task_id}/samtykke", data={**CONSENT, "samtykke_recipient_kind": "school"},
                            headers=token)
    assert elsewhere.status_code == 422  # not a recipient of this task
    done = client.post(f"/opgaver/{task_id}/samtykke", data=CONSENT, headers=token)
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert [c["value"] for c in body["choices"]] == [body["consent"]]
    assert "Trusler" in body["choices"][0]["label"]
    assert f'<option value="{body["consent"]}">' in text(client.get(f"/opgaver/{task_id}"))


def test_a_holder_outside_the_owners_circle_is_told_to_ask_the_owner(app, sharing, db_session):
    case_id, task_id = sharing
    tasks.claim(db_session, task_id, _user(db_session, "m-worker"))
    set_owner(db_session, case_id, "m-peer", _user(db_session, "m-lead"))
    client = _client(app, "m-worker")
    html = text(client.get(f"/opgaver/{task_id}"))
    assert 'data-mode="ask"' in html and "Bed sagsbehandleren (m-peer)" in html
    refused = client.post(f"/opgaver/{task_id}/samtykke", data=CONSENT,
                          headers={"X-CSRFToken": csrf_token(client, "/profil")})
    assert refused.status_code == 403

