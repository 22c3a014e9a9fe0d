"""Mail to the team leads about a case: who receives it and what it may say.

Used by break-the-glass access and by tasks that need action now (engine/cases/attention.py). The
mail names the case reference, who acted, when and until when; never the task, reason or person.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.need_to_know import TEAM_LEAD_GROUP
from engine.config import Settings
from engine.notifications.outbox import can_receive
from engine.notifications.rendering import CaseFacts, case_link, format_instant
from engine.users.models import Group, User, user_groups


def team_leads(session: Session, settings: Settings) -> list[User]:
    """Who is told: active members of `teamleder` and of the escalation group with an address."""
    groups = sorted({TEAM_LEAD_GROUP, settings.escalation_group} - {""})
    members = session.scalars(
        select(User).join(user_groups, user_groups.c.user_id == User.id)
        .join(Group, Group.id == user_groups.c.group_id)
        .where(Group.key.in_(groups), User.active.is_(True)).order_by(User.username)
    )
    seen: set[UUID] = set()
    found = []
    for user in members:
        if user.id not in seen and can_receive(user):
            seen.add(user.id)
            found.append(user)
    return found


def case_facts(kind: str, reference: str, case_id: UUID, username: str, at: datetime, until: datetime,
               settings: Settings) -> Callable[[str], CaseFacts]:
    """What a team-lead mail of `kind` may say, in a given locale."""
    def facts(locale: str) -> CaseFacts:
        return CaseFacts(kind=kind, case_reference=reference, username=username,
                         at=format_instant(at, settings.timezone, locale),
                         until=format_instant(until, settings.timezone, locale), link=case_link(settings, case_id))

    return facts
