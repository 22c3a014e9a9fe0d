"""Task lists and the task actions: claim, unclaim, assign, complete."""

from __future__ import annotations

from uuid import UUID

from flask import current_app, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.access import READ_SAFE_CONTACT, READ_TASK, log_access
from engine.cases.need_to_know import listed_with_safe_contact, listing_purpose
from engine.consent.models import SafeContact
from engine.consent.sharing import possible_recipients
from engine.directory.service import list_entries
from engine.tasks import service
from engine.tasks.models import Task
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.cases import json_body
from webui.api.consents import SafeContactSchema
from webui.api.directory import DirectoryEntrySchema
from webui.api.schemas import AssignSchema, TaskCompleteSchema, TaskDetailSchema, TaskQuerySchema, TaskSchema
from webui.clock import service_clock
from webui.database import get_session

_task = TaskSchema()


@bp.get("/tasks")
@token_required
def list_tasks() -> ResponseReturnValue:
    """READY tasks by scope, sorted by due_at then created_at, paginated."""
    query = TaskQuerySchema().load(request.args.to_dict())
    session, user = get_session(), current_user()
    page = service.list_tasks(
        session, user, scope=query["scope"], case_id=query["case_id"],
        due_before=query["due_before"], limit=query["per_page"],
        offset=(query["page"] - 1) * query["per_page"],
    )
    # Safe contact is shown only where the rule shows it, and each case's instructions read is logged.
    shown = [t for t in page.items if listed_with_safe_contact(user, t)]
    items = dump_tasks(session, page.items, with_safe_contact=frozenset(t.id for t in shown))
    for case_id, purpose in {t.case_id: listing_purpose(user, t) for t in shown}.items():
        log_access(session, case_id, user, READ_SAFE_CONTACT, purpose=purpose)
    return {
        "items": items,
        "page": query["page"],
        "per_page": query["per_page"],
        "total": page.total,
    }


@bp.get("/tasks/<uuid:task_id>")
@token_required
def get_task(task_id: UUID) -> ResponseReturnValue:
    """One task with its form definition."""
    session = get_session()
    task, access = service.task_with_access(session, task_id, current_user(), service_clock())
    properties = service.task_properties(session, task)
    body = TaskDetailSchema().dump(task)
    body["form"] = service.task_form(session, task)
    body["action_card"] = properties.get("action_card")
    body["disclosure_recipient"] = properties.get("disclosure_recipient")
    body["disclosure_recipients"] = possible_recipients(properties)  # also those that depend on the answers
    body["safe_contact"] = safe_contacts(session, [task.case_id]).get(task.case_id)
    kind = properties.get("directory_kind")
    region = current_app.config["CASEPATH"].region
    body["directory"] = DirectoryEntrySchema(many=True).dump(list_entries(session, kind, region)) if kind else []
    log_access(session, task.case_id, current_user(), READ_TASK, purpose=access.purpose, reason=access.reason)
    return body


def safe_contacts(session: Session, case_ids: list[UUID]) -> dict[UUID, dict]:
    """Safe-contact instructions of the given cases, in one query."""
    rows = session.scalars(select(SafeContact).where(SafeContact.case_id.in_(set(case_ids))))
    return {row.case_id: SafeContactSchema().dump(row) for row in rows}


def dump_tasks(session: Session, tasks: list[Task], with_safe_contact: bool | frozenset = True) -> list[dict]:
    """Tasks as the API returns them: each with its case's safe-contact instructions (or null), for
    all tasks (True), none (False) or the tasks whose ids are given."""
    shown = [t for t in tasks if with_safe_contact is True or (with_safe_contact and t.id in with_safe_contact)]
    contacts = safe_contacts(session, [task.case_id for task in shown]) if shown else {}
    return [dict(item, safe_contact=contacts.get(task.case_id) if task in shown else None)
            for task, item in zip(tasks, _task.dump(tasks, many=True), strict=True)]


def _dump_one(task: Task) -> dict:
    return dump_tasks(get_session(), [task])[0]


@bp.post("/tasks/<uuid:task_id>/claim")
@token_required
def claim_task(task_id: UUID) -> ResponseReturnValue:
    """Take the task."""
    return _dump_one(service.claim(get_session(), task_id, current_user(), service_clock()))


@bp.post("/tasks/<uuid:task_id>/unclaim")
@token_required
def unclaim_task(task_id: UUID) -> ResponseReturnValue:
    """Give the task back to its group."""
    return _dump_one(service.unclaim(get_session(), task_id, current_user(), service_clock()))


@bp.post("/tasks/<uuid:task_id>/assign")
@token_required
def assign_task(task_id: UUID) -> ResponseReturnValue:
    """A team lead gives the task to a user."""
    body = AssignSchema().load(json_body())
    return _dump_one(service.assign(get_session(), task_id, body["username"], current_user(), service_clock()))


@bp.post("/tasks/<uuid:task_id>/complete")
@token_required
def complete_task(task_id: UUID) -> ResponseReturnValue:
    """Complete the task with data; returns the case's READY tasks."""
    body = TaskCompleteSchema().load(json_body() if request.content_length else {})
    tasks = service.complete(get_session(), task_id, body["data"], current_user(), service_clock())
    return {"tasks": dump_tasks(get_session(), tasks)}
