"""The person register: registering, reading, changing, looking up by CPR number, access through cases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from engine.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from engine.persons import links, service
from engine.persons.access import FULL, LIMITED, person_access
from engine.persons.access_log import LOOKUP, PersonAccessEntry
from engine.persons.models import Person
from tests.engine.persons.world import NOW, World


@pytest.fixture
def world(db_session) -> World:
    return World(db_session)


def test_a_person_with_a_cpr_number_gets_its_date_of_birth_and_is_found_by_exact_number(world, db_session):
    aisha = service.create_person(db_session, world.lead, {"name": "Aisha", "cpr": "0102034234"}, NOW)
    assert aisha.cpr == "010203-4234" and aisha.date_of_birth == date(2003, 2, 1)
    assert aisha.pseudonym.startswith("Anonym ") and aisha.label == "Aisha" and not aisha.anonymous
    assert service.lookup(db_session, "010203-4234", "Ny underretning", world.reception, NOW).id == aisha.id
    assert service.lookup(db_session, "010203-4235", "Ny underretning", world.reception, NOW) is None
    with pytest.raises(Conflict):
        service.create_person(db_session, world.lead, {"cpr": "010203-4234"}, NOW)


def test_every_look_up_is_logged_with_its_purpose_also_when_nothing_is_found(world, db_session):
    service.lookup(db_session, "010203-4235", "Tjek før oprettelse", world.reception, NOW)
    with pytest.raises(InvalidInput):
        service.lookup(db_session, "010203-4235", " ", world.reception, NOW)
    rows = db_session.scalars(select(PersonAccessEntry).where(PersonAccessEntry.kind == LOOKUP)).all()
    assert [(r.username, r.purpose, r.person_id) for r in rows] == [("rita", "Tjek før oprettelse", None)]
    assert len(rows[0].cpr_hash) == 64 and "0102034235" not in rows[0].cpr_hash


def test_an_anonymous_person_is_first_class_and_can_later_give_their_identity(world, db_session):
    anonymous = service.create_person(db_session, world.lead, {"preferred_language": "arabisk"}, NOW)
    assert anonymous.anonymous and anonymous.label == anonymous.pseudonym and anonymous.cpr is None
    case = world.case()
    links.link_person(db_session, case.id, anonymous.id, world.lead, NOW, role="subject")
    person, _ = service.update_person(db_session, anonymous.id, world.lead,
                                      {"name": "Sara", "cpr": "150590-2468"}, NOW + timedelta(days=3))
    assert person.id == anonymous.id and person.label == "Sara" and person.date_of_birth == date(1990, 5, 15)
    assert links.subject_of(db_session, case.id).id == anonymous.id


def test_bad_values_are_refused_and_change_nothing(world, db_session):
    with pytest.raises(InvalidInput):
        service.create_person(db_session, world.lead, {"cpr": "310203-1234"}, NOW)
    with pytest.raises(InvalidInput):
        service.create_person(db_session, world.lead, {"cpr": "010203-4234", "date_of_birth": date(2003, 2, 2)}, NOW)
    with pytest.raises(InvalidInput):
        service.create_person(db_session, world.lead, {"name": "x" * 201}, NOW)
    db_session.rollback()
    assert db_session.scalars(select(Person)).all() == []


def test_who_may_read_a_person_follows_their_cases(world, db_session):
    aisha = service.create_person(db_session, world.stranger, {"name": "Aisha", "cpr": "0102034234"}, NOW)
    assert person_access(db_session, aisha, world.stranger, NOW).full  # registered it, in no case yet
    with pytest.raises(NotFound):
        person_access(db_session, aisha, world.reception, NOW)
    case = world.case()
    links.link_person(db_session, case.id, aisha.id, world.lead, NOW, role="subject")
    with pytest.raises(NotFound):  # in a case now: the registration no longer counts
        person_access(db_session, aisha, world.stranger, NOW)
    lead = person_access(db_session, aisha, world.lead, NOW)
    assert (lead.level, lead.purpose, lead.case_id, lead.may_change) == (FULL, "supervision", case.id, True)
    candidate = person_access(db_session, aisha, world.reception, NOW)
    assert (candidate.level, candidate.may_change) == (LIMITED, False)
    for user in (world.admin,):
        with pytest.raises(PermissionDenied):
            person_access(db_session, aisha, user, NOW)
    with pytest.raises(PermissionDenied):
        service.update_person(db_session, aisha.id, world.reception, {"name": "X"}, NOW)


def test_one_subject_per_case_and_each_link_checked(world, db_session):
    case = world.case()
    child, mother, father = (service.create_person(db_session, world.lead, {"name": n}, NOW)
                             for n in ("Barn", "Mor", "Far"))
    links.link_person(db_session, case.id, child.id, world.lead, NOW, role="subject")
    with pytest.raises(Conflict):
        links.link_person(db_session, case.id, mother.id, world.lead, NOW, role="subject")
    with pytest.raises(Conflict):
        links.link_person(db_session, case.id, child.id, world.lead, NOW, role="involved", relation="sibling")
    with pytest.raises(InvalidInput):
        links.link_person(db_session, case.id, mother.id, world.lead, NOW, role="involved", relation="aunt")
    with pytest.raises(InvalidInput):
        links.link_person(db_session, case.id, mother.id, world.lead, NOW, role="subject", threat=True)
    links.link_person(db_session, case.id, mother.id, world.lead, NOW, role="involved", relation="parent")
    links.link_person(db_session, case.id, father.id, world.lead, NOW + timedelta(minutes=1), role="involved",
                      relation="parent", threat=True)
    assert [p.id for p in links.threats_on(db_session, case.id)] == [father.id]
    listed = links.persons_of_case(db_session, case.id)
    assert [(lp.person.name, lp.link.role, lp.link.threat) for lp in listed] == [
        ("Barn", "subject", False), ("Mor", "involved", False), ("Far", "involved", True)]
    links.update_link(db_session, case.id, mother.id, world.lead, NOW, threat=True)
    links.unlink_person(db_session, case.id, father.id, world.lead, NOW)
    assert [p.name for p in links.threats_on(db_session, case.id)] == ["Mor"]
    with pytest.raises(PermissionDenied):  # a candidate does not do case work
        links.link_person(db_session, case.id, father.id, world.reception, NOW, role="involved", relation="parent")


def test_matching_across_two_cases(world, db_session):
    first, second = world.case(), world.case()
    aisha = service.create_person(db_session, world.lead, {"name": "Aisha", "cpr": "010203-4234"}, NOW)
    links.link_person(db_session, first.id, aisha.id, world.lead, NOW, role="subject")
    found = service.find_by_cpr(db_session, "0102034234")
    links.link_person(db_session, second.id, found.id, world.lead, NOW, role="subject")
    assert {link.case_id for link in links.cases_of_person(db_session, aisha.id)} == {first.id, second.id}
