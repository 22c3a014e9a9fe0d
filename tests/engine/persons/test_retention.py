"""Retention also erases persons: in no case for the retention period, or only in erased cases."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine.cases.closing import close_case
from engine.cases.retention import run_retention
from engine.config import Settings
from engine.persons import links, service
from engine.persons.access_log import PersonAccessEntry
from engine.persons.models import CasePerson, Person
from tests.engine.persons.world import NOW, World

SETTINGS = Settings.from_env({"CASEPATH_ENV": "testing"})  # 1825 days
PAST = NOW + timedelta(days=1826)


def _names(session) -> set[str]:
    return {person.label for person in session.scalars(select(Person))}


def test_a_person_in_no_case_is_erased_after_the_period_and_one_in_an_open_case_is_kept(db_session):
    world = World(db_session)
    service.create_person(db_session, world.lead, {"name": "Glemt", "cpr": "0102034234"}, NOW)
    recent = service.create_person(db_session, world.lead, {"name": "Ny"}, NOW + timedelta(days=10))
    kept = service.create_person(db_session, world.lead, {"name": "Aktiv"}, NOW)
    links.link_person(db_session, world.case().id, kept.id, world.lead, NOW, role="subject")

    dry = run_retention(db_session, SETTINGS, clock=lambda: PAST, dry_run=True)
    assert len(dry.erased["persons"]) == 1 and _names(db_session) == {"Glemt", "Ny", "Aktiv"}

    report = run_retention(db_session, SETTINGS, clock=lambda: PAST)
    assert report.erased["persons"] == dry.erased["persons"] and report.erased["persons"][0].startswith("Anonym ")
    assert _names(db_session) == {"Ny", "Aktiv"}
    assert service.find_by_cpr(db_session, "0102034234") is None
    assert recent.updated_at < PAST  # kept: 1816 days
    # The person access log went after its own, shorter period (730 days), like the case access log.
    assert db_session.scalars(select(PersonAccessEntry)).all() == []
    assert report.access_log_rows == dry.access_log_rows > 0


def test_taking_a_person_off_a_case_starts_the_period_again(db_session):
    world = World(db_session)
    person = service.create_person(db_session, world.lead, {"name": "Mor"}, NOW)
    case = world.case()
    links.link_person(db_session, case.id, person.id, world.lead, NOW, role="involved", relation="parent")
    links.unlink_person(db_session, case.id, person.id, world.lead, NOW + timedelta(days=400))
    assert run_retention(db_session, SETTINGS, clock=lambda: PAST).erased["persons"] == []
    later = NOW + timedelta(days=400 + 1826)
    assert len(run_retention(db_session, SETTINGS, clock=lambda: later).erased["persons"]) == 1


def test_a_person_whose_cases_are_all_erased_goes_with_them(db_session):
    world = World(db_session)
    erased_case, open_case_ = world.case(), world.case()
    only_old = service.create_person(db_session, world.lead, {"name": "Kun gammel"}, NOW)
    both = service.create_person(db_session, world.lead, {"name": "Begge"}, NOW)
    links.link_person(db_session, erased_case.id, only_old.id, world.lead, NOW, role="subject")
    links.link_person(db_session, erased_case.id, both.id, world.lead, NOW, role="involved", relation="parent")
    links.link_person(db_session, open_case_.id, both.id, world.lead, NOW, role="subject")
    close_case(db_session, erased_case.id, world.lead, "no_concern", clock=lambda: NOW + timedelta(days=1))
    report = run_retention(db_session, SETTINGS, clock=lambda: PAST + timedelta(days=2))
    assert [reference for reference, _ in report.cases] == [erased_case.reference]
    assert _names(db_session) == {"Begge"}
    assert {(link.case_id, link.role) for link in db_session.scalars(select(CasePerson))} == {
        (erased_case.id, "involved"), (open_case_.id, "subject")}
