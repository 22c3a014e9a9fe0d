"""Listing, claiming, assigning and completing user tasks.

The task actions and the completion are in engine.tasks.actions and engine.tasks.completion (the
hot path, on SQLAlchemy Core); this module keeps the ORM-facing reads: a task with its form. Task
lists are engine.tasks.listing's.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from engine.cases.need_to_know import Access, access_to, may_open_task
from engine.cases.owner import with_owner_choices
from engine.cases.runtime import specs_for
from engine.clock import Clock, system_clock
from engine.errors import NotFound, PermissionDenied
from engine.forms.camunda import describe_form
from engine.forms.service import form_schema, pinned_forms
from engine.process_models.models import ProcessVersion
from engine.tasks.actions import assign, claim, unclaim
from engine.tasks.completion import complete
from engine.tasks.listing import SCOPES
from engine.tasks.models import Task
from engine.users.models import User

__all__ = ["SCOPES", "assign", "claim", "complete", "get_task", "task_form",
           "task_properties", "task_with_access", "unclaim"]


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
