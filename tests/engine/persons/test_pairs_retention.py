"""Retention forgets the signals and family links of an erased case; the open cases' pairs stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine.cases.closing import close_case
from engine.cases.retention import run_retention
from engine.config import Settings
from engine.persons import family, links, service, signals
from engine.persons.signal_models import FamilyLink, PersonSignal
from tests.engine.persons.world import NOW, World

SETTINGS = Settings.from_env({"CASEPATH_ENV": "testing"})
PAST = NOW + timedelta(days=1826)


def test_an_erased_case_takes_its_signals_and_family_links_with_it(db_session):
    world = World(db_session)
    old, current, other = world.case(), world.case(), world.case()
    person = service.create_person(db_session, world.lead, {"name": "Nadia"}, NOW)
    for case, role in ((old, "subject"), (current, "subject"), (other, "involved")):
        links.link_person(db_session, case.id, person.id, world.lead, NOW, role=role,
                          relation="parent" if role == "involved" else None)
    assert len(signals.case_signals(db_session, current.id, world.lead, NOW)) == 2
    family.link_family(db_session, old.id, current.id, world.lead, NOW)
    family.link_family(db_session, current.id, other.id, world.lead, NOW)
    close_case(db_session, old.id, world.lead, "no_concern", clock=lambda: NOW + timedelta(days=1))
    run_retention(db_session, SETTINGS, clock=lambda: PAST + timedelta(days=2))
    pairs = {(row.case_a_id, row.case_b_id) for model in (PersonSignal, FamilyLink)
             for row in db_session.scalars(select(model))}
    assert all(old.id not in pair for pair in pairs)
    assert len(db_session.scalars(select(PersonSignal)).all()) == 1  # current and other (the subject's)
    assert len(db_session.scalars(select(FamilyLink)).all()) == 1
