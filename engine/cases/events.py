"""Appending to a case's timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.models import CaseEvent
from engine.db import utcnow
from engine.users.models import User

CASE_OPENED = "case_opened"
CASE_CLOSED = "case_closed"
TASK_CREATED = "task_created"
TASK_CLAIMED = "task_claimed"
TASK_UNCLAIMED = "task_unclaimed"
TASK_ASSIGNED = "task_assigned"
TASK_COMPLETED = "task_completed"
TASK_CANCELLED = "task_cancelled"
TIMER_FIRED = "timer_fired"
TIMER_FAILED = "timer_failed"


def record(
    session: Session,
    case_id: UUID,
    kind: str,
    actor: User | None,
    summary: str,
    *,
    task_id: UUID | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> CaseEvent:
    """Add an event to the session (the caller's transaction commits it with the change)."""
    event = CaseEvent(
        case_id=case_id,
        at=at or utcnow(),
        kind=kind,
        actor_id=actor.id if actor else None,
        actor=actor.username if actor else "system",
        task_id=task_id,
        summary=summary,
        details=details or {},
    )
    session.add(event)
    return event


def list_events(session: Session, case_id: UUID) -> list[CaseEvent]:
    """The case's events, oldest first."""
    return list(session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.at, CaseEvent.id)
    ))
