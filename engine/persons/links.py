"""Persons on a case: its subject (one per case) and the involved persons, with relation and threat.

Adding, changing and removing a link is case work (need_to_know's case_work on the case); each is an
event on the case's timeline (without names). Reading a case's persons is its content, logged as
`read_persons` in the case access log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.cases import events
from engine.cases.access import log_access
from engine.cases.need_to_know import case_with_access
from engine.errors import Conflict, InvalidInput, NotFound
from engine.persons.models import INVOLVED, NO_RELATION, RELATIONS, ROLES, SUBJECT, CasePerson, Person
from engine.users.models import User

READ_PERSONS = "read_persons"
PERSON_LINKED, PERSON_LINK_CHANGED, PERSON_UNLINKED = "person_linked", "person_link_changed", "person_unlinked"
ROLE_LABELS = {SUBJECT: "Sagens person", INVOLVED: "Involveret person"}
RELATION_LABELS = {"parent": "forælder", "sibling": "søskende", "partner": "partner/ægtefælle",
                   "other_family": "anden familie", "other": "anden relation", NO_RELATION: ""}


@dataclass(frozen=True)
class LinkedPerson:
    """A link and its person, as a case's person list gives them."""

    link: CasePerson
    person: Person


def _check(role: str, relation: str, threat: bool) -> None:
    problems = []
    if role not in ROLES:
        problems.append({"field": "role", "message": "subject or involved"})
    elif role == SUBJECT and (relation != NO_RELATION or threat):
        problems.append({"field": "relation" if relation != NO_RELATION else "threat",
                         "message": "the subject has no relation to themselves and is not the threat"})
    elif role == INVOLVED and relation not in RELATIONS:
        problems.append({"field": "relation", "message": "one of " + ", ".join(RELATIONS)})
    if problems:
        raise InvalidInput("the request is not valid", problems)


def _refuse_second_subject(session: Session, case_id: UUID, person_id: UUID) -> None:
    other = session.scalar(select(CasePerson.person_id).where(CasePerson.case_id == case_id,
                                                              CasePerson.role == SUBJECT))
    if other is not None and other != person_id:
        raise Conflict("the case already has a subject: change or remove that link first")


def _summary(link: CasePerson, verb: str) -> str:
    relation = RELATION_LABELS.get(link.relation, "")
    extra = ", ".join(part for part in (relation, "trussel" if link.threat else "") if part)
    return f"{ROLE_LABELS[link.role]} {verb}" + (f" ({extra})" if extra else "")


def _details(link: CasePerson) -> dict:
    return {"role": link.role, "relation": link.relation, "threat": link.threat}


def link_person(session: Session, case_id: UUID, person_id: UUID, actor: User | None, now: datetime, *,
                role: str, relation: str | None = None, threat: bool = False) -> CasePerson:
    """Put a person on a case and commit. Conflict when they are on it already or the case has another
    subject, or its personal data are erased."""
    case, _ = case_with_access(session, case_id, actor, now, "case_work")
    relation = relation or NO_RELATION
    _check(role, relation, threat)
    if session.get(Person, person_id) is None:
        raise NotFound("no such person")
    if case.erased_at is not None:
        raise Conflict("the case's personal data are erased")
    if session.scalar(select(CasePerson.id).where(CasePerson.case_id == case_id, CasePerson.person_id == person_id)):
        raise Conflict("the person is already on this case")
    if role == SUBJECT:
        _refuse_second_subject(session, case_id, person_id)
    link = CasePerson(case_id=case_id, person_id=person_id, role=role, relation=relation, threat=threat,
                      added_at=now, added_by=actor.username if actor else "system")
    session.add(link)
    events.record(session, case_id, PERSON_LINKED, actor, _summary(link, "tilføjet"), details=_details(link), at=now)
    _commit_or_conflict(session)
    return link


def _commit_or_conflict(session: Session) -> None:
    """Commit; a concurrent request that put the same person or another subject on the case first
    (the unique indexes) is a Conflict, not an error."""
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict("the case changed meanwhile: the person or another subject was put on it") from exc


def _link(session: Session, case_id: UUID, person_id: UUID) -> CasePerson:
    link = session.scalar(select(CasePerson).where(CasePerson.case_id == case_id, CasePerson.person_id == person_id))
    if link is None:
        raise NotFound("the person is not on this case")
    return link


def update_link(session: Session, case_id: UUID, person_id: UUID, actor: User | None, now: datetime, *,
                role: str | None = None, relation: str | None = None, threat: bool | None = None) -> CasePerson:
    """Change a link's role, relation or threat flag (None: unchanged) and commit."""
    case_with_access(session, case_id, actor, now, "case_work")
    link = _link(session, case_id, person_id)
    new_role = role or link.role
    new_relation = relation or (NO_RELATION if new_role == SUBJECT else link.relation)
    new_threat = link.threat if threat is None else threat
    _check(new_role, new_relation, new_threat)
    if new_role == SUBJECT:
        _refuse_second_subject(session, case_id, person_id)
    link.role, link.relation, link.threat = new_role, new_relation, new_threat
    events.record(session, case_id, PERSON_LINK_CHANGED, actor, _summary(link, "ændret"), details=_details(link),
                  at=now)
    _commit_or_conflict(session)
    return link


def unlink_person(session: Session, case_id: UUID, person_id: UUID, actor: User | None, now: datetime) -> None:
    """Take a person off a case and commit. The person stays registered; retention erases them once they
    have been in no case for the retention period (counted from now: their `updated_at`)."""
    case_with_access(session, case_id, actor, now, "case_work")
    link = _link(session, case_id, person_id)
    events.record(session, case_id, PERSON_UNLINKED, actor, _summary(link, "fjernet"), details=_details(link), at=now)
    person = session.get(Person, person_id)
    if person is not None:
        person.updated_at = now
    session.delete(link)
    session.commit()


def persons_of_case(session: Session, case_id: UUID) -> list[LinkedPerson]:
    """The case's persons, the subject first, unlogged and unchecked: for the engine and for views
    that have checked access themselves (see `read_case_persons`)."""
    rows = session.execute(select(CasePerson, Person).join(Person, Person.id == CasePerson.person_id)
                           .where(CasePerson.case_id == case_id)
                           .order_by((CasePerson.role != SUBJECT), CasePerson.added_at, CasePerson.id))
    return [LinkedPerson(link, person) for link, person in rows]


def read_case_persons(session: Session, case_id: UUID, actor: User | None, now: datetime,
                      channel: str = "api") -> list[LinkedPerson]:
    """The case's persons for those who may read its content; logged as read_persons."""
    _, access = case_with_access(session, case_id, actor, now, "content")
    persons = persons_of_case(session, case_id)
    if actor is not None:
        log_access(session, case_id, actor, READ_PERSONS, channel, access.purpose, access.reason)
    return persons


def subject_of(session: Session, case_id: UUID) -> Person | None:
    """The case's subject, if registered."""
    return session.scalar(select(Person).join(CasePerson, CasePerson.person_id == Person.id)
                          .where(CasePerson.case_id == case_id, CasePerson.role == SUBJECT))


def threats_on(session: Session, case_id: UUID) -> list[Person]:
    """The persons flagged as a threat on the case: never to be contacted or informed."""
    return list(session.scalars(select(Person).join(CasePerson, CasePerson.person_id == Person.id)
                                .where(CasePerson.case_id == case_id, CasePerson.threat.is_(True))
                                .order_by(CasePerson.added_at)))


def cases_of_person(session: Session, person_id: UUID) -> list[CasePerson]:
    """Every link of the person, oldest first (for matching across cases)."""
    return list(session.scalars(select(CasePerson).where(CasePerson.person_id == person_id)
                                .order_by(CasePerson.added_at, CasePerson.id)))
