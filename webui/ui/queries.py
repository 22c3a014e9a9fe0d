"""Thin read helpers for the UI pages (no writes, no commits).

The inbox needs filters the task service does not have (process, case reference); the case page
needs its timers, its tasks and the users involved.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.cases.models import Case
from engine.cases.service import SUPERVISOR_GROUPS
from engine.deadlines.models import Timer
from engine.errors import PermissionDenied
from engine.process_models.models import ProcessVersion
from engine.tasks.models import COMPLETED, READY, Task
from engine.tasks.service import TaskPage
from engine.users.models import User


def inbox_tasks(
    session: Session, user: User, scope: str, *, process_key: str | None = None, reference: str | None = None,
    due_before: datetime | None = None, limit: int = 20, offset: int = 0,
) -> TaskPage:
    """READY tasks like engine.tasks.service.list_tasks, also filtered by process key and case reference."""
    query = select(Task).where(Task.state == READY)
    if scope == "mine":
        query = query.where(Task.assignee_id == user.id)
    elif scope == "candidate":
        query = query.where(Task.assignee_id.is_(None), Task.candidate_group.in_(user.group_keys))
    elif not user.in_any(*SUPERVISOR_GROUPS):
        raise PermissionDenied("only team leads and administrators may list all tasks")
    if process_key:
        versions = select(ProcessVersion.id).where(ProcessVersion.key == process_key)
        query = query.where(Task.process_version_id.in_(versions))
    if reference:
        query = query.where(Task.case_id.in_(select(Case.id).where(Case.reference == reference)))
    if due_before is not None:
        query = query.where(Task.due_at < due_before)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    ordered = query.order_by(Task.due_at.is_(None), Task.due_at, Task.created_at, Task.id)
    return TaskPage(items=list(session.scalars(ordered.limit(limit).offset(offset))), total=total)


def process_choices(session: Session) -> list[tuple[str, str]]:
    """(key, name of the newest version) of every deployed process, by name."""
    rows = session.execute(select(ProcessVersion.key, ProcessVersion.name, ProcessVersion.version)
                           .order_by(ProcessVersion.key, ProcessVersion.version.desc()))
    newest: dict[str, str] = {}
    for key, name, _version in rows:
        newest.setdefault(key, name or key)
    return sorted(newest.items(), key=lambda item: item[1].lower())


def case_id_by_reference(session: Session, reference: str) -> UUID | None:
    """The id of the case with `reference` (callers still check need-to-know with get_case)."""
    return session.scalar(select(Case.id).where(Case.reference == reference))


def case_timers(session: Session, case_id: UUID) -> list[Timer]:
    """The timers of a case (met = cancelled, open = waiting, missed = fired), by due time."""
    return list(session.scalars(select(Timer).where(Timer.case_id == case_id).order_by(Timer.due_at)))


def case_tasks(session: Session, case_id: UUID) -> list[Task]:
    """Every task of a case, oldest first."""
    return list(session.scalars(select(Task).where(Task.case_id == case_id).order_by(Task.created_at, Task.id)))


def completed_elements(tasks: list[Task]) -> list[str]:
    """BPMN ids of the completed tasks (for the diagram markers)."""
    return sorted({t.bpmn_id for t in tasks if t.state == COMPLETED})


def users_by_name(session: Session, usernames: set[str]) -> list[User]:
    """The users with these user names, by name."""
    if not usernames:
        return []
    return list(session.scalars(select(User).where(User.username.in_(usernames)).order_by(User.username)))
