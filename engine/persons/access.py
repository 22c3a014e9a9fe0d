"""Who may see and change a person: the case access rule (engine.cases.need_to_know), through the cases
the person is linked to (docs/access.md, "Persons").

- Content access to one of the person's cases (owner, caseworker member, task holder, team lead,
  break glass), or the operator: the full record, the CPR number in clear, contact details.
- The candidate of a waiting task of one of their cases (header access only): the limited record:
  name, pseudonym, date of birth, the CPR number masked (DDMMYY-xxxx), protection, language and
  interpreter; no contact details. Enough to know whom the task is about before taking it.
- Changing the person: those who do case work on one of their cases (need_to_know's case_work).
- A person in no case yet: the user who registered them, fully.
- Any other relation to their cases (knowledge person, administrator): 403; none at all: 404, the
  answer for a person that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.models import Case
from engine.cases.need_to_know import CANDIDATE, PURPOSES, Access, access_to
from engine.errors import NotFound, PermissionDenied
from engine.persons.models import CasePerson, Person
from engine.users.models import User

FULL, LIMITED = "full", "limited"
REGISTRATION = "registration"  # the purpose of the registering user's reads before any case


@dataclass(frozen=True)
class PersonAccess:
    """What a user may do with one person, and through which case (for the access log)."""

    level: str  # FULL | LIMITED
    purpose: str  # logged with each read: the relation's purpose (need_to_know.PURPOSES) or REGISTRATION
    case_id: UUID | None = None  # the case that grants it (None: the registering user, the operator)
    may_change: bool = False

    @property
    def full(self) -> bool:
        """The CPR number in clear and the contact details."""
        return self.level == FULL


def linked_cases(session: Session, person_id: UUID) -> list[Case]:
    """The cases the person is linked to, newest first."""
    query = (select(Case).join(CasePerson, CasePerson.case_id == Case.id)
             .where(CasePerson.person_id == person_id).order_by(Case.opened_at.desc(), Case.id))
    return list(session.scalars(query))


def _rank(access: PersonAccess) -> tuple[bool, bool]:
    return access.may_change, access.full


def person_access(session: Session, person: Person, user: User | None, now: datetime) -> PersonAccess:
    """The user's access to `person` at `now` (None: the operator); NotFound or PermissionDenied."""
    if user is None:
        return PersonAccess(FULL, "operator", may_change=True)
    cases = linked_cases(session, person.id)
    if not cases:
        if person.created_by_id == user.id:
            return PersonAccess(FULL, REGISTRATION, may_change=True)
        raise NotFound("no such person")
    best: PersonAccess | None = None
    related = False
    for case in cases:
        access = access_to(session, case, user, now)
        related = related or access.header
        found = _from_case(case.id, access)
        if found is not None and (best is None or _rank(found) > _rank(best)):
            best = found
    if best is None:
        raise (PermissionDenied("you may not see this person: you are not working on their cases") if related
               else NotFound("no such person"))
    return best


def _from_case(case_id: UUID, access: Access) -> PersonAccess | None:
    if access.content:
        return PersonAccess(FULL, access.purpose, case_id, may_change=access.case_work)
    if CANDIDATE in access.relations:
        return PersonAccess(LIMITED, PURPOSES[CANDIDATE], case_id)
    return None


def person_with_access(session: Session, person_id: UUID, user: User | None, now: datetime,
                       change: bool = False) -> tuple[Person, PersonAccess]:
    """The person and the user's access; with `change`, PermissionDenied unless they may change it."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("no such person")
    access = person_access(session, person, user, now)
    if change and not access.may_change:
        raise PermissionDenied("only those who work on one of the person's cases may change them")
    return person, access
