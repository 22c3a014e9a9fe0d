"""Family links between cases: a child's case and a parent's adult case, shown on both.

Linking is case work on the case it is made from; the other case must be one the user has a relation
to (need_to_know header), else it is the 404 of a missing case. Each side shows the link under the
same rule: a reader of one case sees the other's reference (and may follow it) only when they have a
relation to the other case; otherwise only that a linked family case exists. Linking and unlinking are
events on both cases, without references.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.cases import events
from engine.cases.models import Case
from engine.cases.need_to_know import access_to, case_with_access
from engine.errors import Conflict, InvalidInput, NotFound
from engine.persons.signal_models import FamilyLink, ordered
from engine.users.models import User

FAMILY_LINKED, FAMILY_UNLINKED = "family_linked", "family_unlinked"


@dataclass(frozen=True)
class FamilyView:
    """A linked case as one side's reader sees it: the reference only with access to the other case."""

    id: UUID
    linked_at: datetime
    case_id: UUID | None = None
    reference: str | None = None
    process: str | None = None

    def as_dict(self) -> dict:
        """The API's view."""
        return {"id": str(self.id), "linked_at": self.linked_at.isoformat(), "visible": self.case_id is not None,
                "case_id": str(self.case_id) if self.case_id else None, "reference": self.reference,
                "process": self.process}


def _links(session: Session, case_id: UUID) -> list[FamilyLink]:
    query = (select(FamilyLink).where(or_(FamilyLink.case_a_id == case_id, FamilyLink.case_b_id == case_id))
             .order_by(FamilyLink.linked_at, FamilyLink.id))
    return list(session.scalars(query))


def _view(session: Session, link: FamilyLink, case_id: UUID, user: User | None, now: datetime) -> FamilyView:
    other = session.get(Case, link.other(case_id))
    if other is None or other.erased_at is not None or not access_to(session, other, user, now).header:
        return FamilyView(link.id, link.linked_at)
    return FamilyView(link.id, link.linked_at, other.id, other.reference,
                      other.process_version.name or other.process_version.key)


def family_of(session: Session, case_id: UUID, user: User | None, now: datetime) -> list[FamilyView]:
    """The case's family links for those who may read its content."""
    case_with_access(session, case_id, user, now, "content")
    return [_view(session, link, case_id, user, now) for link in _links(session, case_id)]


def link_family(session: Session, case_id: UUID, other_id: UUID, user: User | None, now: datetime) -> FamilyView:
    """Link two cases of one family and commit (case work on `case_id`, a relation to `other_id`)."""
    case_with_access(session, case_id, user, now, "case_work")
    if other_id == case_id:
        raise InvalidInput("a case cannot be linked to itself",
                           [{"field": "case_id", "message": "Vælg en anden sag end denne."}])
    case_with_access(session, other_id, user, now, "header")  # no relation: the 404 of a missing case
    first, second = ordered(case_id, other_id)
    if session.scalar(select(FamilyLink.id).where(FamilyLink.case_a_id == first, FamilyLink.case_b_id == second)):
        raise Conflict("the cases are linked already")
    link = FamilyLink(case_a_id=first, case_b_id=second, linked_at=now, linked_by=user.username if user else "system")
    session.add(link)
    for side in (case_id, other_id):
        events.record(session, side, FAMILY_LINKED, user, "Sagen er knyttet til en anden sag i familien", at=now)
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict("the cases were linked meanwhile") from exc
    return _view(session, link, case_id, user, now)


def unlink_family(session: Session, case_id: UUID, link_id: UUID, user: User | None, now: datetime) -> None:
    """Remove a family link of the case and commit (case work on the case)."""
    case_with_access(session, case_id, user, now, "case_work")
    link = session.get(FamilyLink, link_id)
    if link is None or case_id not in (link.case_a_id, link.case_b_id):
        raise NotFound("no such family link on this case")
    for side in (link.case_a_id, link.case_b_id):
        events.record(session, side, FAMILY_UNLINKED, user, "Tilknytningen til en anden sag i familien er fjernet",
                      at=now)
    session.delete(link)
    session.commit()
