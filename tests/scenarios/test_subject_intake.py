"""Issue 13: the shipped start forms register the case's subject (name and, optionally, CPR number) in
the person register instead of free text; only the person's id stays in the case data, and a second
case for the same CPR number finds the same person (and a signal to the other unit)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from engine.config import Settings
from engine.db import Base
from engine.errors import InvalidInput
from engine.persons.access_log import PersonAccessEntry
from engine.persons.links import persons_of_case
from engine.persons.models import SUBJECT, Person
from engine.persons.signal_models import PersonSignal
from engine.setup import configure
from tests.scenarios.conftest import WORKFLOWS, Scenario, cph

RECEIVED = cph(2026, 11, 23, 9)
NUMBER, DIGITS = "010310-4123", "0103104123"


@pytest.fixture(autouse=True)
def persons_configured() -> None:
    configure(Settings.from_env({"CASEPATH_ENV": "testing"}))


def _everything(sc: Scenario) -> str:
    """Every row of every table as text (what a database dump would hold in clear)."""
    sc.session.flush()
    return "\n".join(str(row) for table in Base.metadata.sorted_tables
                     for row in sc.session.execute(select(table)).all())


@pytest.mark.parametrize("form", ["underretning_start", "henvendelse_start"])
def test_the_shipped_start_forms_ask_for_the_subject(form):
    keys = {c.get("key"): c for c in json.loads((WORKFLOWS / "forms" / f"{form}.form").read_text())["components"]}
    assert keys["subject_name"]["type"] == keys["subject_cpr"]["type"] == "textfield"
    assert "CPR" in keys["subject_cpr"]["label"]


def test_the_start_form_registers_the_subject_and_keeps_the_number_out_of_the_case_data(sc: Scenario):
    child = sc.open("underretning_boern", RECEIVED, received_at=RECEIVED.isoformat(), source="school",
                    subject_name="Sara Ali", subject_cpr=NUMBER)
    [linked] = persons_of_case(sc.session, child.id)
    assert (linked.link.role, linked.person.name, linked.person.cpr) == (SUBJECT, "Sara Ali", NUMBER)
    dump = _everything(sc)
    assert DIGITS not in dump and NUMBER not in dump and "Sara Ali" in dump  # the name: in persons only
    state = sc.session.execute(select(Base.metadata.tables["case_states"].c.state)
                               .where(Base.metadata.tables["case_states"].c.case_id == child.id)).scalar_one()
    assert "Sara Ali" not in str(state) and str(linked.person.id) in str(state)  # only the person's id
    logged = sc.session.scalar(select(PersonAccessEntry.kind).where(PersonAccessEntry.case_id == child.id))
    assert logged == "create_person"

    adult = sc.open("henvendelse_voksen", RECEIVED, received_at=RECEIVED.isoformat(), source="other_municipality",
                    subject_name="", subject_cpr="0103104123")
    [again] = persons_of_case(sc.session, adult.id)
    assert again.person.id == linked.person.id  # matched by the number's keyed hash, not registered twice
    assert sc.session.scalar(select(PersonAccessEntry.purpose).where(PersonAccessEntry.case_id == adult.id))
    signal = sc.session.scalar(select(PersonSignal).where(PersonSignal.person_id == linked.person.id))
    assert {signal.case_a_id, signal.case_b_id} == {child.id, adult.id} and signal.opened_at is None


def test_an_anonymous_start_gets_a_pseudonym_and_a_bad_number_is_refused(sc: Scenario):
    anonymous = sc.open("henvendelse_voksen", RECEIVED, received_at=RECEIVED.isoformat(), source="shelter",
                        subject_name="", subject_cpr="")
    [linked] = persons_of_case(sc.session, anonymous.id)
    assert linked.person.anonymous and linked.person.label.startswith("Anonym ")
    persons = sc.session.scalar(select(Person.id).order_by(Person.created_at.desc()))
    with pytest.raises(InvalidInput) as refused:
        sc.open("underretning_boern", RECEIVED, received_at=RECEIVED.isoformat(), source="school",
                subject_name="Ali", subject_cpr="320110-1234")
    assert refused.value.details[0]["field"] == "data.subject_cpr" and "DDMMÅÅ" in refused.value.details[0]["message"]
    sc.session.rollback()
    assert sc.session.scalar(select(Person.id).order_by(Person.created_at.desc())) == persons
