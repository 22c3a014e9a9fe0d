"""The sharing task's "Modtager fra sagens personer" (issue 13, test client): the case's involved persons
are offered, a threat is shown marked and cannot be picked; posted anyway it is refused with the Danish
message beside the field and nothing is recorded. A family member who is no threat can be picked, and
the case record names them."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from engine.cases.service import open_case
from engine.consent.models import Disclosure
from engine.consent.service import record_consent
from engine.persons import links, service
from engine.persons.threat_gate import REFUSAL
from engine.process_models.service import deploy
from engine.tasks import service as tasks
from engine.tasks.models import READY, Task
from tests.api.helpers import DATA
from tests.ui.helpers import csrf_token, login, make_user, text

T0 = "2026-11-23T10:00:00+01:00"


def _form() -> bytes:
    form = json.loads((DATA / "forms" / "politi.form").read_text())
    form["components"].append({"type": "textfield", "key": "disclosure_recipient_name", "label": "Modtager",
                               "id": "Field_recipient_name"})
    return json.dumps(form).encode()


@pytest.fixture
def sharing(db_session, service_clock):
    """A sharing case with its subject, a mother and a father flagged as threat; r-worker holds the task."""
    service_clock.set(T0)
    worker = make_user(db_session, "r-worker", "raadgiver-boern")
    lead = make_user(db_session, "r-lead", "teamleder")  # registers the persons and the consent
    deploy(db_session, (DATA / "sharing.bpmn").read_bytes(), actor=None, filename="sharing.bpmn",
           forms={"politi": _form()})
    opened = open_case(db_session, "sharing", {}, worker, clock=service_clock)
    case_id, task_id, at = opened.case.id, opened.tasks[0].id, service_clock()
    people = {}
    for name, role, relation, threat in (("Amina Said", "subject", None, False),
                                         ("Samira Said", "involved", "parent", False),
                                         ("Omar Said", "involved", "parent", True)):
        person = service.create_person(db_session, lead, {"name": name}, at)
        links.link_person(db_session, case_id, person.id, lead, at, role=role, relation=relation, threat=threat)
        people[name] = person.id
    tasks.claim(db_session, task_id, worker, service_clock)
    consent = record_consent(db_session, case_id, lead, given_by="citizen", recipient_kind="police",
                             scope="Trusler", purpose="Beskyttelse", given_at=at, clock=service_clock)
    return task_id, people, consent.id, case_id


def _answers(consent_id, person_id) -> dict[str, str]:
    return {"threat_kind": "threats", "disclosure_summary": "Trusler", "disclosure_purpose": "Beskyttelse",
            "disclosure_consent_id": str(consent_id), "disclosure_recipient_person_id": str(person_id)}


def _disclosures(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(Disclosure))


def test_the_picker_lists_the_family_with_the_threat_marked_and_disabled(app, client, sharing):
    task_id, people, _consent, _case = sharing
    assert login(client, "r-worker").status_code == 302
    html = text(client.get(f"/opgaver/{task_id}"))
    assert "Modtager fra sagens personer" in html
    picker = re.search(r'<select[^>]*name="disclosure_recipient_person_id"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert f'<option value="{people["Samira Said"]}">Samira Said (forælder)</option>' in picker
    assert (f'<option value="{people["Omar Said"]}" disabled>Omar Said (forælder) – Trussel – må ikke kontaktes'
            "</option>") in picker
    assert str(people["Amina Said"]) not in picker  # the citizen herself is no recipient
    assert html.index('name="disclosure_recipient_person_id"') < html.index('name="disclosure_recipient_name"')


def test_posting_the_threat_is_refused_in_danish_and_nothing_is_recorded(app, client, sharing, db_session):
    task_id, people, consent_id, case_id = sharing
    assert login(client, "r-worker").status_code == 302
    data = {**_answers(consent_id, people["Omar Said"]), "csrf_token": csrf_token(client, "/profil")}
    refused = client.post(f"/opgaver/{task_id}", data=data)
    assert refused.status_code == 422
    html = text(refused)
    assert REFUSAL in html and 'aria-invalid="true"' in html
    assert f'<option value="{people["Omar Said"]}" disabled>' in html  # shown again, still not chosen
    assert _disclosures(db_session) == 0
    db_session.expire_all()
    assert db_session.get(Task, task_id).state == READY  # the task still waits

    data = {**_answers(consent_id, people["Samira Said"]), "csrf_token": csrf_token(client, "/profil")}
    assert client.post(f"/opgaver/{task_id}", data=data).status_code == 302
    assert _disclosures(db_session) == 1
    lead = app.test_client()
    assert login(lead, "r-lead").status_code == 302
    record = text(lead.get(f"/sager/{case_id}"))
    answers = re.search(r'<dl class="answers">.*?</dl>', record, re.S).group(0)
    assert "<dt>Modtager fra sagens personer</dt><dd>Samira Said</dd>" in answers  # by name, not by id
    assert str(people["Samira Said"]) not in answers
