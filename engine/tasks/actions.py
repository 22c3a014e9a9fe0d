"""Claiming, giving back and assigning a task: one read, one compare-and-set, one event, one commit.

The read takes the task with its case's reference, owner and process, its holder's name and the
case's safe contact (engine.tasks.rows.ACTION_READ); the access rule is decided from it
(engine.cases.need_to_know.task_access). The holder changes only if it is still the one read, so
two concurrent claims cannot both win and nothing else needs a lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import notifications
from engine.cases import events
from engine.cases.changes import EventBatch, event_after, event_params
from engine.cases.need_to_know import TEAM_LEAD_GROUP, Access, may_open_task, task_access
from engine.clock import Clock, system_clock
from engine.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from engine.tasks.models import READY, Task
from engine.tasks.rows import ACTION_READ, SET_HOLDER, TaskView, expire, first, listed
from engine.users.models import User

SET_HOLDER_EVENT = event_after(SET_HOLDER)


def read_for_action(session: Session, task_id: UUID, user: User, now: datetime) -> tuple[Any, Access]:
    """The task (ACTION_READ) and the user's access to it: NotFound without any relation to its case
    (as for a missing task), PermissionDenied with a relation that does not reach this task."""
    session.flush()  # a caller's pending ORM changes first (a request's fresh session has none)
    row = first(session, ACTION_READ, task_id=task_id)
    if row is None:
        raise NotFound("no such task")
    access = task_access(session, user, row, row.owner_id, now)
    if not access.header:
        raise NotFound("no such task")
    if not may_open_task(access, row):
        raise PermissionDenied("you are not working on this task")
    return row, access


def require_ready(task: Any) -> None:
    """Conflict unless the task is READY."""
    if task.state != READY:
        raise Conflict(f"the task is no longer ready (it is {task.state.lower()})")


def claim(session: Session, task_id: UUID, user: User, clock: Clock = system_clock) -> TaskView:
    """Take an unclaimed task of one of the user's groups, or (team leads) take over any task; commit."""
    now = clock()
    row, access = read_for_action(session, task_id, user, now)
    require_ready(row)
    if row.assignee_id == user.id:
        return listed(row)
    if row.candidate_group not in user.group_keys and not access.supervises:
        raise PermissionDenied("the task belongs to a group you are not a member of")
    if row.assignee_id is not None and not access.supervises:
        raise Conflict("someone else holds the task")
    details = {"taken_from": row.assignee_name} if row.assignee_name else None
    event = _Event(events.TASK_CLAIMED, f"Opgaven '{row.name}' er taget", now, details)
    _set_holder(session, row, user.id, user, event)
    return listed(row, assignee_id=user.id, assignee_name=user.username)


def unclaim(session: Session, task_id: UUID, user: User, clock: Clock = system_clock) -> TaskView:
    """Give a task back to its group (its holder, or a team lead); commit."""
    now = clock()
    row, access = read_for_action(session, task_id, user, now)
    require_ready(row)
    if row.assignee_id is None:
        return listed(row)
    if row.assignee_id != user.id and not access.supervises:
        raise Conflict("someone else holds the task")
    summary = f"Opgaven '{row.name}' er lagt tilbage til gruppen"
    _set_holder(session, row, None, user, _Event(events.TASK_UNCLAIMED, summary, now))
    return listed(row, assignee_id=None, assignee_name=None)


def require_assigner(user: User) -> None:
    """Refuse unless `user` is a team lead: only they assign tasks."""
    if not user.in_any(TEAM_LEAD_GROUP):
        raise PermissionDenied("only team leads may assign tasks")


def assign(session: Session, task_id: UUID, username: str, user: User, clock: Clock = system_clock) -> TaskView:
    """A team lead gives a task to a member of its candidate group; commit."""
    require_assigner(user)
    now = clock()
    row, _access = read_for_action(session, task_id, user, now)
    require_ready(row)
    assignee = session.scalar(select(User).where(User.username == username))
    if assignee is None or not assignee.active:
        raise InvalidInput("no such active user", [{"field": "username", "message": "unknown user"}])
    if row.candidate_group and row.candidate_group not in assignee.group_keys:
        raise InvalidInput(
            f"{username} is not a member of the task's group {row.candidate_group}",
            [{"field": "username", "message": "not a member of the task's candidate group"}],
        )
    event = _Event(events.TASK_ASSIGNED, f"Opgaven '{row.name}' er fordelt", now, {"assignee": assignee.username})
    _set_holder(session, row, assignee.id, user, event, then=lambda: notifications.queue_assignment(
        session, _MailTask.of(row), assignee, user, now))  # type: ignore[arg-type]
    return listed(row, assignee_id=assignee.id, assignee_name=assignee.username)


@dataclass(frozen=True)
class _Event:
    kind: str
    summary: str
    at: datetime
    details: dict | None = None


def _set_holder(session: Session, row: Any, holder_id: UUID | None, actor: User, event: _Event,
                then: Any = None) -> None:
    """Compare-and-set the holder, record the event (and `then`), commit; Conflict when someone
    changed the task since it was read."""
    conn = session.connection()
    params = {"task_id": row.id, "expected": row.assignee_id, "holder": holder_id,
              **event_params(actor, event.at, event.kind, event.summary, event.details)}
    postgres = conn.dialect.name == "postgresql"  # one round trip there (engine.cases.changes.event_after)
    if conn.execute(SET_HOLDER_EVENT if postgres else SET_HOLDER, params).rowcount != 1:
        session.rollback()
        raise Conflict("the task was changed by someone else at the same time; reload and retry")
    if not postgres:
        batch = EventBatch(row.case_id, actor, event.at)
        batch.add(event.kind, event.summary, row.id, event.details)
        batch.write(session)
    if then is not None:
        then()
    session.commit()
    expire(session, Task, [row.id])


@dataclass(frozen=True)
class _MailTask:
    """What an assignment mail reads of a task (engine.notifications.rendering.task_facts)."""

    id: UUID
    name: str
    bpmn_id: str
    due_at: datetime | None
    case: Any = field(default=None)

    @classmethod
    def of(cls, row: Any) -> _MailTask:
        return cls(row.id, row.name, row.bpmn_id, row.due_at, _CaseReference(row.case_reference))


@dataclass(frozen=True)
class _CaseReference:
    reference: str
