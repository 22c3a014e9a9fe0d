"""Keeping, reading and dropping one's own draft of a task form (storage: engine.tasks.drafts).

Only the person who may complete the task keeps a draft of it: its holder, or while nobody holds it
a member of its group. A draft is theirs alone: nobody else reads it, not even a team lead, since
it may hold half-written notes about a person in danger. It holds only the fields the task's form
declares, as scalars or lists of them, and at most MAX_DRAFT_BYTES.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.cases.need_to_know import Access, may_open_task, task_access
from engine.clock import Clock, system_clock
from engine.consent.sharing import possible_recipients
from engine.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from engine.forms.formjs import MAX_TEXT
from engine.persons.threat_gate import PERSON_FIELD
from engine.tasks import drafts
from engine.tasks.models import READY, Task
from engine.tasks.prefill import form_keys
from engine.tasks.service import task_form, task_properties
from engine.users.models import User

# A browser sends a draft on leaving the page with fetch(keepalive), whose bodies may take at most
# 64 KiB per page together: the draft and its envelope must fit in that.
MAX_DRAFT_BYTES = 60 * 1024
MAX_LIST_ITEMS = 200
_SCALARS = (str, int, float, bool)


@dataclass(frozen=True)
class Draft:
    """A user's draft: the form's values as they left them, when they were saved (None: none), and
    the case of its task."""

    data: dict[str, Any]
    saved_at: datetime | None
    case_id: UUID


def may_keep_draft(user: User, task: Task) -> bool:
    """The user may complete the open task: they hold it, or nobody does and it is their group's."""
    return task.state == READY and (task.assignee_id == user.id or (
        task.assignee_id is None and task.candidate_group in user.group_keys))


def workable_task(session: Session, task_id: UUID, user: User, now: datetime) -> tuple[Task, Access]:
    """The open task the user may keep a draft of: 404 without any relation to its case (as for a
    missing task), 403 with a relation that does not reach it, 409 once it has ended, 403 when it is
    someone else's to complete."""
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound("no such task")
    access = task_access(session, user, task, task.case.owner_id, now)
    if not access.header:
        raise NotFound("no such task")
    if not may_open_task(access, task):
        raise PermissionDenied("you are not working on this task")
    if task.state != READY:
        raise Conflict(f"the task is no longer ready (it is {task.state.lower()})")
    if not may_keep_draft(user, task):
        raise PermissionDenied("only the one who may complete the task keeps a draft of it")
    return task, access


def _value_problem(value: Any) -> str | None:
    if value is None or isinstance(value, _SCALARS):
        return f"Må højst være {MAX_TEXT} tegn." if isinstance(value, str) and len(value) > MAX_TEXT else None
    if isinstance(value, list) and len(value) <= MAX_LIST_ITEMS and all(isinstance(v, _SCALARS) for v in value):
        return None
    return "Ugyldig værdi."


def check_draft(data: Any, keys: list[str]) -> dict[str, Any]:
    """`data` if it fits the form (declared keys, plain values) and MAX_DRAFT_BYTES; else InvalidInput
    with one entry per problem. Values are not validated as answers: a draft is unfinished."""
    if not isinstance(data, Mapping):
        raise InvalidInput("data must be a JSON object", [{"field": "data", "message": "Skal være et objekt."}])
    declared = set(keys)
    problems = [{"field": f"data.{key}", "message": "Feltet findes ikke i formularen."}
                for key in data if key not in declared]
    problems += [{"field": f"data.{key}", "message": message} for key, value in data.items()
                 if key in declared and (message := _value_problem(value))]
    if problems:
        raise InvalidInput("the draft does not fit the task's form", problems)
    size = len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
    if size > MAX_DRAFT_BYTES:
        raise InvalidInput(f"the draft is larger than {MAX_DRAFT_BYTES} bytes", [
            {"field": "data", "message": f"Kladden er for stor ({size} bytes, højst {MAX_DRAFT_BYTES})."}])
    return dict(data)


def read_draft(session: Session, task_id: UUID, user: User, clock: Clock = system_clock) -> tuple[Draft, Access]:
    """The user's own draft of the task (empty when none was saved) and their access to the case."""
    task, access = workable_task(session, task_id, user, clock())
    row = drafts.own_draft(session, task.id, user.id)
    return (Draft(dict(row.data), row.saved_at, task.case_id) if row else Draft({}, None, task.case_id)), access


def save_draft(session: Session, task_id: UUID, user: User, data: Any, clock: Clock = system_clock) -> Draft:
    """Replace the user's draft of the task with `data`; commit."""
    now = clock()
    task, _access = workable_task(session, task_id, user, now)
    keys = form_keys(task_form(session, task))
    if possible_recipients(task_properties(session, task)):  # the page's recipient picker
        keys = [*keys, PERSON_FIELD]
    data = check_draft(data, keys)
    try:
        _store(session, task.id, user.id, data, now)
    except IntegrityError:  # the same user's other tab stored the first draft a moment ago
        session.rollback()
        _store(session, task.id, user.id, data, now)
    return Draft(data, now, task.case_id)


def _store(session: Session, task_id: UUID, user_id: UUID, data: dict[str, Any], now: datetime) -> None:
    row = drafts.own_draft(session, task_id, user_id)
    if row is None:
        session.add(drafts.TaskDraft(task_id=task_id, user_id=user_id, data=data, saved_at=now))
    else:
        row.data, row.saved_at = data, now
    session.commit()


def delete_draft(session: Session, task_id: UUID, user: User, clock: Clock = system_clock) -> None:
    """Drop the user's draft of the task (nothing when there is none); commit."""
    task, _access = workable_task(session, task_id, user, clock())
    row = drafts.own_draft(session, task.id, user.id)
    if row is not None:
        session.delete(row)
    session.commit()
