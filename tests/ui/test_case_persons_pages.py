"""The case page's persons (issue 13): subject first, relation, anonymous by pseudonym, protected address
hidden, a threat warned about wherever the family's contact details appear; adding a person with Danish
form errors; a locked signal and a family link seen under the access rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from engine.cases.owner import set_owner
from engine.cases.service import open_case
from engine.persons import links, service
from engine.persons.models import CasePerson, Person
from engine.process_models.service import deploy
from engine.tasks.models import Task
from tests.ui.helpers import login, make_user, post, text

T0 = "2026-11-23T10:00:00+01:00"
MATRIX_BPMN = Path(__file__).resolve().parents[1] / "data" / "matrix.bpmn"


@pytest.fixture
def world(app, client, db_session, service_clock):
    service_clock.set(T0)
    lead = make_user(db_session, "p-lead", "teamleder")
    owner = make_user(db_session, "p-owner", "raadgiver-boern")
    make_user(db_session, "p-stranger", "raadgiver-voksen")
    deploy(db_session, MATRIX_BPMN.read_bytes(), actor=lead)
    case = open_case(db_session, "matrix", {}, lead, clock=service_clock).case
    set_owner(db_session, case.id, "p-owner", lead, clock=service_clock)
    at = service_clock()
    subject = service.create_person(db_session, owner, {"name": "Amina Said", "cpr": "010310-4123"}, at)
    links.link_person(db_session, case.id, subject.id, owner, at, role="subject")
    father = service.create_person(db_session, owner, {"name": "Omar Said", "contact": "Tlf. 12 34 56 78"}, at)
    links.link_person(db_session, case.id, father.id, owner, at, role="involved", relation="parent", threat=True)
    hidden = service.create_person(db_session, owner, {"name": "Leila", "protected_address": True,
                                                       "contact": "Hemmelig vej 1"}, at)
    links.link_person(db_session, case.id, hidden.id, owner, at, role="involved", relation="sibling")
    anonymous = service.create_person(db_session, owner, {}, at)
    links.link_person(db_session, case.id, anonymous.id, owner, at, role="involved", relation="other_family")
    return case, anonymous


def test_the_case_page_shows_the_persons_and_warns_about_the_threat(client, world):
    case, anonymous = world
    login(client, "p-owner")
    page = text(client.get(f"/sager/{case.id}"))
    panel = page[page.index('id="personer"'):page.index('id="andre-enheder"')]
    assert panel.index("Amina Said") < panel.index("Omar Said")  # the subject first
    assert "Sagens person" in panel and "Forælder" in panel and "010310-xxxx" in panel
    assert "010310-4123" not in page  # the number masked on the page
    assert "Navne- og adressebeskyttelse" in panel and "Hemmelig vej 1" not in page
    assert anonymous.pseudonym in panel and "(anonym)" in panel
    assert "Trussel – kontakt ikke" in page and "Kontakt ikke" in panel


def test_the_task_page_warns_about_the_threat(client, world, db_session):
    case, _ = world
    login(client, "p-lead")
    task_id = db_session.scalar(select(Task.id).where(Task.case_id == case.id))
    page = text(client.get(f"/opgaver/{task_id}"))
    assert "Trussel – kontakt ikke" in page and "Omar Said" in page


def test_adding_a_person_by_cpr_with_danish_errors(client, world, db_session):
    case, _ = world
    login(client, "p-owner")
    bad = post(client, f"/sager/{case.id}/personer", {"person_name": "Ali", "person_cpr": "320110-1234",
                                                       "person_role": "involved"})
    assert bad.status_code == 422
    body = text(bad)
    assert "DDMMÅÅ-XXXX" in body and "Vælg relationen til sagens person." in body
    second_subject = post(client, f"/sager/{case.id}/personer", {"person_name": "X", "person_role": "subject"})
    assert second_subject.status_code == 422 and "allerede en person, som sagen handler om" in text(second_subject)
    added = post(client, f"/sager/{case.id}/personer", {"person_name": "Hassan Said", "person_cpr": "020275-1233",
                                                         "person_role": "involved", "person_relation": "parent",
                                                         "person_threat": "true"})
    assert added.status_code == 302
    threats = db_session.scalars(select(CasePerson).where(CasePerson.case_id == case.id, CasePerson.threat)).all()
    assert len(threats) == 2  # the father already there, and the one just added
    again = post(client, f"/sager/{case.id}/personer", {"person_cpr": "0202751233", "person_role": "involved",
                                                         "person_relation": "parent"})
    assert again.status_code == 422 and "Personen er allerede på sagen." in text(again)
    stranger = client.application.test_client()
    login(stranger, "p-stranger")
    assert post(stranger, f"/sager/{case.id}/personer", {"person_name": "Z", "person_role": "involved"}
                ).status_code == 404


def test_the_referral_form_registers_the_subject_with_a_danish_error_for_a_bad_number(client, db_session,
                                                                                       service_clock):
    service_clock.set(T0)
    make_user(db_session, "p-reception", "modtagerteam")
    workflows = Path(__file__).resolve().parents[2] / "workflows"
    forms = {f.stem: f.read_bytes() for f in (workflows / "forms").glob("*.form")}
    for name in ("risikovurdering", "opfoelgning", "henvendelse_voksen"):
        deploy(db_session, (workflows / f"{name}.bpmn").read_bytes(), actor=None, forms=forms)
    login(client, "p-reception")
    start = {"received_at": "2026-11-23T09:15", "source": "job_centre", "subject_name": "Nour"}
    bad = post(client, "/sager/ny/voksen", {**start, "subject_cpr": "311105-4123"})
    assert bad.status_code == 422 and "Skriv CPR-nummeret som DDMMÅÅ-XXXX" in text(bad)
    assert "311105-4123" in text(bad)  # shown again in its own field, to be corrected
    created = post(client, "/sager/ny/voksen", {**start, "subject_cpr": "301105-4123"})
    assert created.status_code == 302 and "301105" not in created.headers["Location"]
    subject = db_session.scalar(select(Person).join(CasePerson, CasePerson.person_id == Person.id)
                                .where(CasePerson.role == "subject", Person.name == "Nour"))
    assert subject is not None and subject.cpr == "301105-4123"
