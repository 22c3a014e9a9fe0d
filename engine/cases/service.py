"""Opening cases and reading them (opening: engine.cases.opening)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases import events
from engine.cases.models import Case, CaseEvent
from engine.cases.need_to_know import case_with_access
from engine.cases.opening import MAX_DATA_BYTES, OpenedCase, check_data, next_reference, open_case
from engine.clock import Clock, system_clock
from engine.errors import NotFound
from engine.tasks.models import READY, Task
from engine.users.models import User

__all__ = ["MAX_DATA_BYTES", "SUPERVISOR_GROUPS", "OpenedCase", "case_events", "check_data", "get_case", "lock_case",
           "next_reference", "open_case", "ready_tasks"]

SUPERVISOR_GROUPS = ("teamleder", "admin")


def get_case(
    session: Session, case_id: UUID, user: User | None, clock: Clock = system_clock, need: str = "header"
) -> Case:
    """The case `case_id` if the access rule grants `user` `need` (None: the operator).

    No relation to the case: NotFound, as for a missing case; a relation without `need`: PermissionDenied.
    """
    return case_with_access(session, case_id, user, clock(), need)[0]


def lock_case(session: Session, case_id: UUID) -> Case:
    """Load a case for a change, row-locked on PostgreSQL (SQLite serialises writers anyway).

    The lock is FOR NO KEY UPDATE: it serialises changes of the case, yet lets other transactions
    insert rows that point at it (events, access log). A plain FOR UPDATE blocks their foreign-key
    checks, and a claim (task row, then event) racing a completion (case, then task row) deadlocks.
    """
    case = session.scalar(select(Case).where(Case.id == case_id).with_for_update(of=Case, key_share=True))
    if case is None:
        raise NotFound("no such case")
    return case


def case_events(session: Session, case_id: UUID, user: User | None) -> list[CaseEvent]:
    """The timeline of a case whose content the user may read."""
    get_case(session, case_id, user, need="content")
    return events.list_events(session, case_id)


def ready_tasks(session: Session, case_id: UUID) -> list[Task]:
    """The READY tasks of a case, oldest first."""
    return list(session.scalars(
        select(Task).where(Task.case_id == case_id, Task.state == READY).order_by(Task.created_at)
    ))
