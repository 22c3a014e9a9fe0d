"""The task table on the hot path: SQLAlchemy Core statements built once, and the task as read.

Completing, claiming and listing tasks read and write plain rows: no ORM identity map, no unit of
work, no autoflush, no eager joins the path does not use. `TaskView` is a task as these paths read
or wrote it, with the case reference, process and holder name a task list shows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from engine.cases.models import Case, CaseState
from engine.consent.models import SafeContact
from engine.process_models.models import ProcessVersion
from engine.tasks.models import READY, Task
from engine.users.models import User

TASKS, CASES, STATES = Task.__table__, Case.__table__, CaseState.__table__
CONTACTS, VERSIONS, USERS = SafeContact.__table__, ProcessVersion.__table__, User.__table__
HOLDERS = USERS.alias("holder")
SAFE_CONTACT_FIELDS = ("instructions", "ask_if_alone", "no_letters_home", "no_voicemail", "interpreter_phone_only",
                       "interpreter_not_same_community", "updated_at", "updated_by")
TASK_FIELDS = ("id", "case_id", "process_version_id", "bpmn_id", "name", "lane", "candidate_group", "assignee_id",
               "created_at", "due_at", "due_rule", "form_key", "state")


@dataclass(frozen=True, slots=True)
class TaskView:
    """A task as read or written, with what a task list shows beside it."""

    id: UUID
    case_id: UUID
    process_version_id: UUID
    bpmn_id: str
    name: str
    lane: str | None
    candidate_group: str | None
    assignee_id: UUID | None
    created_at: datetime
    due_at: datetime | None
    due_rule: str | None
    form_key: str | None
    state: str
    case_reference: str
    process_key: str
    process_version: int
    assignee_name: str | None  # the holder's user name
    safe_contact: dict[str, Any] | None = None  # the case's safe-contact instructions, where read with it


def task_columns() -> list[Any]:
    """The task's own columns, each under its attribute name."""
    return [TASKS.c[name] for name in TASK_FIELDS]


def contact_columns() -> list[Any]:
    """The case's safe-contact instructions (NULL without any), labelled `contact_<field>`."""
    return [CONTACTS.c.case_id.label("contact_case_id"),
            *(CONTACTS.c[name].label(f"contact_{name}") for name in SAFE_CONTACT_FIELDS)]


def safe_contact_of(row: Any) -> dict[str, Any] | None:
    """The safe-contact instructions a row read with `contact_columns`, as the API shows them."""
    if row.contact_case_id is None:
        return None
    return {name: getattr(row, f"contact_{name}") for name in SAFE_CONTACT_FIELDS}


def view_columns() -> list[Any]:
    """A TaskView's columns, in its order (join `viewed` for the case, process and holder)."""
    return [*task_columns(), CASES.c.reference.label("case_reference"), VERSIONS.c.key.label("process_key"),
            VERSIONS.c.version.label("process_version"), HOLDERS.c.username.label("assignee_name")]


def viewed(tasks: Any) -> Any:
    """`tasks` (the task table, or a join starting with it) joined to what view_columns read."""
    return (tasks.join(CASES, CASES.c.id == TASKS.c.case_id)
            .join(VERSIONS, VERSIONS.c.id == CASES.c.process_version_id)
            .outerjoin(HOLDERS, HOLDERS.c.id == TASKS.c.assignee_id)
            .outerjoin(CONTACTS, CONTACTS.c.case_id == TASKS.c.case_id))


_VIEW, _CONTACT = len(view_columns()), len(contact_columns())


def listed(row: Any, **changes: Any) -> TaskView:
    """The TaskView of a row selected as view_columns, then contact_columns (by position: a list
    builds fifty of these per request)."""
    contact = row[_VIEW + 1:_VIEW + _CONTACT]
    safe_contact = dict(zip(SAFE_CONTACT_FIELDS, contact, strict=True)) if row[_VIEW] is not None else None
    view = TaskView(*row[:_VIEW], safe_contact=safe_contact)
    return replace(view, **changes) if changes else view


# A task for an action on it (claim, unclaim): the task, its case's reference, process and owner,
# its holder's name and the case's safe contact, in one statement.
ACTION_READ = (select(*view_columns(), *contact_columns(), CASES.c.owner_id).select_from(viewed(TASKS))
               .where(TASKS.c.id == bindparam("task_id")))
# Tasks by id as a list shows them (the still-READY tasks a completion did not write).
VIEWS_BY_ID = (select(*view_columns(), *contact_columns()).select_from(viewed(TASKS))
               .where(TASKS.c.id.in_(bindparam("ids", expanding=True))))

# Compare-and-set of the holder: two concurrent claims cannot both win.
SET_HOLDER = (
    update(TASKS)
    .where(TASKS.c.id == bindparam("task_id"), TASKS.c.state == READY,
           TASKS.c.assignee_id.is_not_distinct_from(bindparam("expected")))
    .values(assignee_id=bindparam("holder"))
)


def view_of(task: Task, **changes: Any) -> TaskView:
    """The TaskView of an ORM Task (its case and holder loaded, as Task loads them)."""
    values = {name: getattr(task, name) for name in TASK_FIELDS}
    return TaskView(**values, **{"case_reference": task.case.reference, "process_key": task.case.process_version.key,
                                 "process_version": task.case.process_version.version,
                                 "assignee_name": task.assignee.username if task.assignee is not None else None,
                                 **changes})


def views_by_id(session: Session, ids: list[UUID], **changes: Any) -> list[TaskView]:
    """The tasks `ids` (in no particular order), in the caller's transaction."""
    if not ids:
        return []
    return [listed(row, **changes) for row in session.connection().execute(VIEWS_BY_ID, {"ids": ids})]


def expire(session: Session, model: type, ids: Any) -> None:
    """Forget what the session holds of rows written with Core statements, so an ORM object of one
    (a caller's Task or Case) is read again on its next use instead of showing the old values."""
    for key in ids:
        instance = session.identity_map.get(identity_key(model, key))
        if instance is not None:
            session.expire(instance)


def first(session: Session, statement: Any, **params: Any) -> Row | None:
    """The first row of a Core statement, in the caller's transaction (no autoflush)."""
    return session.connection().execute(statement, params).first()
