"""Listing, claiming, assigning and completing user tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine import notifications
from engine.cases import events
from engine.cases.models import Case
from engine.cases.need_to_know import TEAM_LEAD_GROUP, Access, access_to, may_open_task
from engine.cases.owner import apply_owner, chosen_owner, with_owner_choices
from engine.cases.runtime import find_ready_task, load_case_run, run_engine, specs_for
from engine.cases.service import SUPERVISOR_GROUPS, check_data, lock_case
from engine.clock import Clock, system_clock
from engine.consent import sharing
from engine.consent.service import legal_exceptions, record_task_disclosures
from engine.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from engine.forms.camunda import describe_form, validate_form_data
from engine.forms.conditions import missing_fields
from engine.forms.formjs import validate_submission
from engine.forms.service import form_schema, pinned_forms
from engine.process_models.models import ProcessVersion
from engine.tasks.models import COMPLETED, READY, Task
from engine.users.models import User

SCOPES = ("mine", "candidate", "all")


@dataclass(frozen=True)
class TaskPage:
    """One page of a task list and the total number of matches."""

    items: list[Task]
    total: int


def list_tasks(
    session: Session,
    user: User,
    scope: str = "candidate",
    case_id: UUID | None = None,
    due_before: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
    *,
    process_key: str | None = None,
    reference: str | None = None,
) -> TaskPage:
    """READY tasks: the user's own (mine), their groups' unclaimed ones (candidate), or all.

    Optional filters: a case, a due limit, a process key, a case reference.
    """
    query = select(Task).where(Task.state == READY)
    if scope == "mine":
        query = query.where(Task.assignee_id == user.id)
    elif scope == "candidate":
        query = query.where(Task.assignee_id.is_(None), Task.candidate_group.in_(user.group_keys))
    elif scope == "all":
        if not user.in_any(*SUPERVISOR_GROUPS):
            raise PermissionDenied("only team leads and administrators may list all tasks")
    else:
        raise InvalidInput(f"scope must be one of {', '.join(SCOPES)}")
    if case_id is not None:
        query = query.where(Task.case_id == case_id)
    if process_key:
        query = query.where(Task.process_version_id.in_(
            select(ProcessVersion.id).where(ProcessVersion.key == process_key)))
    if reference:
        query = query.where(Task.case_id.in_(select(Case.id).where(Case.reference == reference)))
    if due_before is not None:
        query = query.where(Task.due_at < due_before)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    # NULL due dates sort last on both databases.
    ordered = query.order_by(Task.due_at.is_(None), Task.due_at, Task.created_at, Task.id)
    return TaskPage(items=list(session.scalars(ordered.limit(limit).offset(offset))), total=total)


def _may_work_on(user: User, task: Task) -> bool:
    return task.assignee_id == user.id or (
        task.candidate_group is not None and task.candidate_group in user.group_keys
    )


def get_task(session: Session, task_id: UUID, user: User, clock: Clock = system_clock) -> Task:
    """A task the access rule lets `user` open: NotFound without any relation to its case (as for a
    missing task), PermissionDenied with a relation that does not reach this task."""
    return task_with_access(session, task_id, user, clock)[0]


def task_with_access(session: Session, task_id: UUID, user: User, clock: Clock = system_clock) -> tuple[Task, Access]:
    """The task and the user's access to its case (see get_task)."""
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound("no such task")
    access = access_to(session, task.case, user, clock())
    if not access.header:
        raise NotFound("no such task")
    if not may_open_task(access, task):
        raise PermissionDenied("you are not working on this task")
    return task, access


def _task_spec(session: Session, version: ProcessVersion, bpmn_id: str) -> Any:
    spec, subprocess_specs = specs_for(session, version)
    for process in (spec, *subprocess_specs.values()):
        task_spec = process.task_specs.get(bpmn_id)
        if task_spec is not None:
            return task_spec
    return None


def task_form(session: Session, task: Task) -> dict[str, Any] | None:
    """The task's form: `{"key", "schema"}` for a form-js form, `{"key", "fields"}` for Camunda formData."""
    version = session.get(ProcessVersion, task.process_version_id)
    schema = form_schema(session, pinned_forms(session, version.forms, version.dependencies), task.form_key)
    if schema is not None:
        properties = getattr(_task_spec(session, version, task.bpmn_id), "extensions", None) or {}
        return {"key": task.form_key, "schema": with_owner_choices(session, schema, properties)}
    return describe_form(getattr(_task_spec(session, version, task.bpmn_id), "form", None))


def task_properties(session: Session, task: Task) -> dict[str, str]:
    """The task's `camunda:properties` from the diagram (action_card, disclosure_recipient, disclosure_when, ...)."""
    version = session.get(ProcessVersion, task.process_version_id)
    extensions = getattr(_task_spec(session, version, task.bpmn_id), "extensions", None) or {}
    return {key: value for key, value in extensions.items() if isinstance(value, str)}


def _require_ready(task: Task) -> None:
    if task.state != READY:
        raise Conflict(f"the task is no longer ready (it is {task.state.lower()})")


def claim(session: Session, task_id: UUID, user: User, clock: Clock = system_clock) -> Task:
    """Take an unclaimed task of one of the user's groups, or (team leads) take over any task; commit."""
    task, access = task_with_access(session, task_id, user, clock)
    _require_ready(task)
    if task.assignee_id == user.id:
        return task
    if task.candidate_group not in user.group_keys and not access.supervises:
        raise PermissionDenied("the task belongs to a group you are not a member of")
    if task.assignee_id is not None and not access.supervises:
        raise Conflict("someone else holds the task")
    held_by = task.assignee.username if task.assignee is not None else None
    _set_assignee(session, task, task.assignee_id, user.id)
    events.record(session, task.case_id, events.TASK_CLAIMED, user, f"Opgaven '{task.name}' er taget",
                  task_id=task.id, at=clock(), details={"taken_from": held_by} if held_by else None)
    return _commit(session, task)


def unclaim(session: Session, task_id: UUID, user: User, clock: Clock = system_clock) -> Task:
    """Give a task back to its group (its holder, or a team lead); commit."""
    task, access = task_with_access(session, task_id, user, clock)
    _require_ready(task)
    if task.assignee_id is None:
        return task
    if task.assignee_id != user.id and not access.supervises:
        raise Conflict("someone else holds the task")
    _set_assignee(session, task, task.assignee_id, None)
    events.record(session, task.case_id, events.TASK_UNCLAIMED, user,
                  f"Opgaven '{task.name}' er lagt tilbage til gruppen", task_id=task.id, at=clock())
    return _commit(session, task)


def assign(session: Session, task_id: UUID, username: str, user: User, clock: Clock = system_clock) -> Task:
    """A team lead gives a task to a member of its candidate group; commit."""
    if not user.in_any(TEAM_LEAD_GROUP):
        raise PermissionDenied("only team leads may assign tasks")
    task = get_task(session, task_id, user, clock)
    _require_ready(task)
    assignee = session.scalar(select(User).where(User.username == username))
    if assignee is None or not assignee.active:
        raise InvalidInput("no such active user", [{"field": "username", "message": "unknown user"}])
    if task.candidate_group and task.candidate_group not in assignee.group_keys:
        raise InvalidInput(
            f"{username} is not a member of the task's group {task.candidate_group}",
            [{"field": "username", "message": "not a member of the task's candidate group"}],
        )
    _set_assignee(session, task, task.assignee_id, assignee.id)
    events.record(session, task.case_id, events.TASK_ASSIGNED, user, f"Opgaven '{task.name}' er fordelt",
                  task_id=task.id, details={"assignee": assignee.username}, at=clock())
    notifications.queue_assignment(session, task, assignee, user, clock())
    return _commit(session, task)


def complete(
    session: Session, task_id: UUID, data: Any, user: User, clock: Clock = system_clock
) -> list[Task]:
    """Complete a task with `data`, move the case on, commit; return the case's READY tasks."""
    data = check_data(data)
    found = get_task(session, task_id, user, clock)
    case = lock_case(session, found.case_id)
    session.refresh(found)  # re-read under the lock: another request may have just completed it
    _require_ready(found)
    if found.assignee_id is not None and found.assignee_id != user.id:
        raise Conflict("someone else holds the task")
    if not _may_work_on(user, found):
        raise PermissionDenied("the task belongs to a group you are not a member of")
    run = load_case_run(session, case, clock)
    spiff_task = find_ready_task(run.workflow, found.id)
    if spiff_task is None:
        raise Conflict("the task is no longer ready")
    version = case.process_version
    schema = form_schema(session, pinned_forms(session, version.forms, version.dependencies), found.form_key)
    properties = getattr(spiff_task.task_spec, "extensions", None) or {}
    if schema is not None and sharing.possible_recipients(properties):
        schema = sharing.with_exception_choices(schema, legal_exceptions(session))
    if schema is not None:
        schema = with_owner_choices(session, schema, properties)
        data, problems = validate_submission(schema, data)
    else:
        problems = validate_form_data(getattr(spiff_task.task_spec, "form", None), data)
    problems += [p for p in missing_fields(properties, data) if p["field"] not in {q["field"] for q in problems}]
    if problems:
        raise InvalidInput("the submitted data does not fit the task's form", problems)
    owner = chosen_owner(session, properties, data)
    record_task_disclosures(session, case.id, found.id, sharing.recipients(properties, data), data, user, clock())
    spiff_task.set_data(**data)
    run_engine(run.workflow, spiff_task)
    found.state = COMPLETED
    found.assignee_id = found.assignee_id or user.id
    found.ended_at = clock()
    found.ended_by_id = user.id
    events.record(session, case.id, events.TASK_COMPLETED, user, f"Opgaven '{found.name}' er udført",
                  task_id=found.id, details={"fields": sorted(data)}, at=found.ended_at)
    if owner is not None:
        apply_owner(session, case, owner, user, clock())  # before the save creates the next tasks
    run.save(session, user)
    _commit(session, found)
    return run.ready


def _set_assignee(session: Session, task: Task, expected: UUID | None, new: UUID | None) -> None:
    """Compare-and-set the assignee so two concurrent claims cannot both win."""
    current = Task.assignee_id.is_(None) if expected is None else Task.assignee_id == expected
    result = session.execute(
        update(Task).where(Task.id == task.id, Task.state == READY, current).values(assignee_id=new)
    )
    if result.rowcount != 1:
        session.rollback()
        raise Conflict("the task was changed by someone else at the same time; reload and retry")
    task.assignee_id = new
    task.assignee = session.get(User, new) if new is not None else None


def _commit(session: Session, task: Task) -> Task:
    try:
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise Conflict("the case was changed by someone else at the same time; reload and retry") from exc
    return task
