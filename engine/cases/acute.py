"""Acute danger at any point: "Akut fare" on the case page starts the procedure's acute handling.

The procedure's event subprocess (signal `akut_fare`, docs/diagrams.md) creates at once the owner's
acute-action task with a deadline in clock hours (rule `acute_action_hours`), the consultant's and the
police's tasks; the task flagged `notify_team_lead` tells the team leads (engine/cases/attention.py).
The case event records who and why; the reason also reaches the acute tasks as `acute_reason`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from engine.cases import events
from engine.cases.need_to_know import case_with_access
from engine.cases.service import lock_case
from engine.cases.signals import throw
from engine.clock import Clock, system_clock
from engine.errors import InvalidInput
from engine.tasks.models import Task
from engine.users.models import User

SIGNAL = "akut_fare"
EVENT = "acute_danger"
MIN_REASON, MAX_REASON = 10, 2000


def check_reason(reason: Any, field: str = "reason") -> str:
    """The stated reason, stripped: 10 to 2000 characters (InvalidInput otherwise)."""
    text = reason.strip() if isinstance(reason, str) else ""
    if not MIN_REASON <= len(text) <= MAX_REASON:
        raise InvalidInput(f"state the reason in {MIN_REASON} to {MAX_REASON} characters",
                           [{"field": field, "message": "Skriv en begrundelse på 10 til 2000 tegn."}])
    return text


def start_action(session: Session, case_id: UUID, user: User | None, reason: Any, *, signal: str, event: str,
                 summary: str, fields: dict[str, Any], clock: Clock,
                 path_values: dict[str, Any] | None = None) -> tuple[Any, list[Task]]:
    """Authorise (content of the case: owner, caseworker, task holder, team lead), check the reason,
    start the subprocess, record the event, commit; return (case, the tasks it created)."""
    now: datetime = clock()
    case = lock_case(session, case_id)  # NotFound; serialises a double click
    case_with_access(session, case_id, user, now, "content")
    text = check_reason(reason)
    run = throw(session, case, signal, {**fields, f"{event}_reason": text}, user, clock, path_values)
    events.record(session, case.id, event, user, summary,
                  details={"reason": text, "tasks": [row.bpmn_id for row in run.created]}, at=now)
    session.commit()
    return case, run.created


def raise_acute(session: Session, case_id: UUID, user: User | None, reason: Any,
                clock: Clock = system_clock) -> tuple[Any, list[Task]]:
    """Report acute danger on an open case; its acute handling starts at once (see the module docstring).
    NotFound / PermissionDenied by the access rule, InvalidInput for the reason, Conflict when closed."""
    return start_action(session, case_id, user, reason, signal=SIGNAL, event=EVENT,
                        summary="Akut fare er meldt: akutte opgaver er oprettet", fields={"acute_reported": True},
                        clock=clock, path_values={"acute": True})  # the case stays acute in the lists
