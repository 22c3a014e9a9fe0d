"""Break the glass: emergency access to a case for someone outside the access rule (docs/break_glass.md).

A signed-in, active user who must act now (the owner is ill, the police call at night) opens a case
they are not involved in by stating a reason. The access lasts `Settings.break_glass_hours`; during
it the access rule (need_to_know.py, relation BREAK_GLASS) lets them read and work the case like
its owner, and every read is logged with purpose "break_glass" and the reason. Breaking the glass
itself is one transaction: the break_glass row, an access-log entry with the reason, a case event
without the reason (it may name people) and one mail per team lead without personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy.orm import Session

from engine.cases import events
from engine.cases.access import CaseAccess
from engine.cases.lead_mail import case_facts, team_leads
from engine.cases.models import BreakGlass
from engine.cases.need_to_know import BREAK_GLASS, PURPOSES, access_to
from engine.cases.service import lock_case
from engine.clock import Clock, system_clock
from engine.config import Settings
from engine.errors import Conflict, InvalidInput, PermissionDenied
from engine.notifications.context import current_settings
from engine.notifications.models import BREAK_GLASS as BREAK_GLASS_MAIL
from engine.notifications.outbox import queue_case_mail
from engine.notifications.rendering import format_instant
from engine.users.models import User

EVENT = "break_glass"  # the case event's kind
ACCESS_KIND = "break_glass"  # the access-log entry of breaking the glass (later reads keep their own kinds)
MIN_REASON, MAX_REASON = 10, 2000


@dataclass(frozen=True)
class BrokenGlass:
    """What breaking the glass gave: access to `case_id` from `at` until `expires_at`."""

    case_id: UUID
    reference: str
    at: datetime
    expires_at: datetime
    told: int  # team leads mailed


def check_reason(reason: object) -> str:
    """The stated reason without surrounding blanks; 10 to 2000 characters (InvalidInput otherwise)."""
    text = reason.strip() if isinstance(reason, str) else ""
    if len(text) < MIN_REASON:
        raise InvalidInput(f"state the reason for the emergency access in at least {MIN_REASON} characters",
                           [{"field": "reason", "message": "Skriv en begrundelse på mindst 10 tegn."}])
    if len(text) > MAX_REASON:
        raise InvalidInput(f"the reason may be at most {MAX_REASON} characters",
                           [{"field": "reason", "message": "Begrundelsen må højst være på 2000 tegn."}])
    return text


def break_glass(
    session: Session, case_id: UUID, user: User | None, reason: object, *, channel: str = "api",
    settings: Settings | None = None, clock: Clock = system_clock,
) -> BrokenGlass:
    """Give `user` emergency access to any existing case for a stated reason; commit.

    NotFound for a missing case, Conflict when the user may already read the case's content,
    InvalidInput for a reason shorter than 10 or longer than 2000 characters (nothing is recorded).
    """
    if user is None or not user.active:
        raise PermissionDenied("only an active, signed-in user may break the glass")
    settings = settings or current_settings()
    case = lock_case(session, case_id)  # NotFound; serialises a double click of the same user
    now = clock()
    if access_to(session, case, user, now).content:
        raise Conflict("you already have access to this case")
    text = check_reason(reason)
    expires_at = now + timedelta(hours=settings.break_glass_hours)
    session.add(BreakGlass(case_id=case.id, user_id=user.id, reason=text, at=now, expires_at=expires_at))
    session.add(CaseAccess(at=now, case_id=case.id, user_id=user.id, username=user.username, kind=ACCESS_KIND,
                           channel=channel, purpose=PURPOSES[BREAK_GLASS], reason=text))
    # The timeline says who and until when; never the reason, which may name people.
    until = format_instant(expires_at, settings.timezone, "da")
    events.record(session, case.id, EVENT, user, f"Nødadgang (break the glass) for {user.username} indtil {until}",
                  details={"user": user.username, "expires_at": expires_at.isoformat(),
                           "hours": settings.break_glass_hours}, at=now)
    leads = [lead for lead in team_leads(session, settings) if lead.id != user.id]
    facts = case_facts(BREAK_GLASS_MAIL, case.reference, case.id, user.username, now, expires_at, settings)
    for lead in leads:
        queue_case_mail(session, case.id, facts, lead, now, now, settings)
    session.commit()
    return BrokenGlass(case_id=case.id, reference=case.reference, at=now, expires_at=expires_at, told=len(leads))
