"""Case members: a second caseworker, or a knowledge person consulted on the case (need-to-know).

Membership is what opens a case to someone besides its owner, its task holders and the team leads;
it can end on a given day (`until`, inclusive, Danish date).
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases import events
from engine.cases.models import MEMBER_ROLES, Case, CaseMember
from engine.cases.need_to_know import case_with_access, local_today
from engine.clock import Clock, system_clock
from engine.errors import InvalidInput, NotFound
from engine.users.models import User

MEMBER_ADDED, MEMBER_REMOVED = "member_added", "member_removed"
# Referrals whose opener is the person the citizen confided in (the job-centre caseworker, seed 003:
# trust takes "the fifth or seventh conversation"): they stay on the case when it gets its owner.
CONFIDANT_SOURCES = ("job_centre",)
ROLE_NAMES = {"caseworker": "rådgiver", "knowledge_person": "vidensperson"}


def case_members(session: Session, case_id: UUID) -> list[tuple[CaseMember, User]]:
    """The case's members with their users, by user name."""
    query = select(CaseMember, User).join(User, User.id == CaseMember.user_id).where(CaseMember.case_id == case_id)
    return [(member, user) for member, user in session.execute(query.order_by(User.username))]


def add_member(session: Session, case_id: UUID, username: str, role: str, until: date | None,
               actor: User | None, clock: Clock = system_clock) -> CaseMember:
    """Add `username` to the case in `role` (or change their role and end date); owner or team lead; commit."""
    now = clock()
    case_with_access(session, case_id, actor, now, need="manages")
    user = session.scalar(select(User).where(User.username == str(username or "")[:64]))
    problems = []
    if user is None or not user.active:
        problems.append({"field": "username", "message": "Ukendt eller inaktiv bruger."})
    if role not in MEMBER_ROLES:
        problems.append({"field": "role", "message": "Vælg rådgiver eller vidensperson."})
    if until is not None and until < local_today(now):
        problems.append({"field": "until", "message": "Datoen må ikke ligge i fortiden."})
    if problems:
        raise InvalidInput("the member is not valid", problems)
    member = session.scalar(select(CaseMember).where(CaseMember.case_id == case_id, CaseMember.user_id == user.id))
    if member is None:
        member = CaseMember(case_id=case_id, user_id=user.id, added_at=now,
                            added_by=actor.username if actor else "system")
        session.add(member)
    member.role, member.until = role, until
    events.record(session, case_id, MEMBER_ADDED, actor, f"En {ROLE_NAMES[role]} er tilknyttet sagen", at=now,
                  details={"username": user.username, "role": role, "until": until.isoformat() if until else None})
    session.commit()
    return member


def keep_confidant(session: Session, case: Case, owner: User, actor: User | None, now: datetime) -> CaseMember | None:
    """When the case first gets its owner, keep the caseworker who opened it from a job-centre
    conversation on it as a member (caseworker), in the caller's transaction; None when nothing to keep."""
    if case.opened_by_id is None or case.opened_by_id == owner.id:
        return None
    if getattr(case, "referral_source", None) not in CONFIDANT_SOURCES:
        return None
    opener = session.get(User, case.opened_by_id)
    known = select(CaseMember).where(CaseMember.case_id == case.id, CaseMember.user_id == case.opened_by_id)
    if opener is None or not opener.active or session.scalar(known) is not None:
        return None
    member = CaseMember(case_id=case.id, user_id=opener.id, role="caseworker", until=None, added_at=now,
                        added_by=actor.username if actor else "system")
    session.add(member)
    events.record(session, case.id, MEMBER_ADDED, actor,
                  "Jobcentrets rådgiver, som borgeren betroede sig til, er tilknyttet sagen", at=now,
                  details={"username": opener.username, "role": "caseworker", "until": None, "confidant": True})
    return member


def remove_member(session: Session, case_id: UUID, username: str, actor: User | None,
                  clock: Clock = system_clock) -> None:
    """Take `username` off the case (owner or team lead); commit."""
    now = clock()
    case_with_access(session, case_id, actor, now, need="manages")
    row = session.execute(select(CaseMember).join(User, User.id == CaseMember.user_id).where(
        CaseMember.case_id == case_id, User.username == str(username or "")[:64])).scalar_one_or_none()
    if row is None:
        raise NotFound("no such member of the case")
    session.delete(row)
    events.record(session, case_id, MEMBER_REMOVED, actor, f"En {ROLE_NAMES.get(row.role, 'person')} er taget af sagen",
                  at=now, details={"username": str(username), "role": row.role})
    session.commit()
