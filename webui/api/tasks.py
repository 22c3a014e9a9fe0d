"""Task lists and the task actions: claim, unclaim, assign, complete."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from flask import current_app, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.access import READ_TASK, log_access
from engine.cases.need_to_know import listed_with_safe_contact, listing_purpose
from engine.consent.models import SafeContact
from engine.consent.sharing import possible_recipients
from engine.deadlines.rules import calendar
from engine.directory.service import list_entries
from engine.tasks import listing, service
from engine.tasks.actions import require_assigner
from engine.tasks.completion import complete
from engine.tasks.models import Task
from engine.tasks.prefill import initial_values
from engine.tasks.rows import SAFE_CONTACT_FIELDS, TaskView, view_of
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.cases import json_body
from webui.api.directory import DirectoryEntrySchema
from webui.api.schemas import AssignSchema, TaskCompleteSchema, TaskDetailSchema, TaskQuerySchema, local_iso
from webui.clock import now, service_clock
from webui.database import get_session, guarded_writes

# Loading a query string or a small body: marshmallow where it is cheap, one schema instance each.
_query, _complete, _assign = TaskQuerySchema(), TaskCompleteSchema(), AssignSchema()


def task_json(task: TaskView, with_safe_contact: bool, at: datetime) -> dict[str, Any]:
    """A task as the API shows it (webui.api.schemas.TaskSchema's fields, built directly: this is
    every task list and every action's answer), with its case's safe contact if `with_safe_contact`."""
    due = task.due_at
    return {
        "id": str(task.id), "case_id": str(task.case_id), "case_reference": task.case_reference,
        "process_key": task.process_key, "process_version": task.process_version, "bpmn_id": task.bpmn_id,
        "name": task.name, "lane": task.lane, "candidate_group": task.candidate_group,
        "assignee": task.assignee_name, "created_at": local_iso(task.created_at), "due_at": local_iso(due),
        "due_rule": task.due_rule, "at_risk": bool(due) and calendar().is_at_risk(at, due),
        "overdue": bool(due) and calendar().is_overdue(at, due), "form_key": task.form_key, "state": task.state,
        "safe_contact": contact_json(task.safe_contact) if with_safe_contact else None,
    }


def contact_json(contact: dict[str, Any] | None) -> dict[str, Any] | None:
    """Safe-contact instructions as the API shows them (webui.api.consents.SafeContactSchema)."""
    if contact is None:
        return None
    return {**contact, "updated_at": local_iso(contact["updated_at"])}


@bp.get("/tasks")
@token_required
def list_tasks() -> ResponseReturnValue:
    """READY tasks by scope, sorted by due_at then created_at, paginated."""
    session, user = get_session(), current_user()
    if request.args.get("scope") == "all":
        listing.check_scope(user, "all")  # who may not list all learns nothing of the other parameters
    query = _query.load(request.args.to_dict())
    page = listing.list_views(session, user, query["scope"], listing.Filters(query["case_id"], query["due_before"]),
                              limit=query["per_page"], offset=(query["page"] - 1) * query["per_page"])
    # Safe contact is shown only where the rule shows it, and each case's instructions read is logged.
    items, purposes, at = [], {}, now()
    for task in page.items:
        shown = listed_with_safe_contact(user, task)
        items.append(task_json(task, shown, at))
        if shown:
            purposes[task.case_id] = listing_purpose(user, task)
    listing.log_listed(session, user, purposes)
    return {"items": items, "page": query["page"], "per_page": query["per_page"], "total": page.total}


@bp.get("/tasks/<uuid:task_id>")
@token_required
def get_task(task_id: UUID) -> ResponseReturnValue:
    """One task with its form definition."""
    session = get_session()
    task, access = service.task_with_access(session, task_id, current_user(), service_clock())
    properties = service.task_properties(session, task)
    body = TaskDetailSchema().dump(task)
    body["form"] = service.task_form(session, task)
    body["values"] = initial_values(session, task, body["form"], access)  # the case's answers so far
    body["action_card"] = properties.get("action_card")
    body["disclosure_recipient"] = properties.get("disclosure_recipient")
    body["disclosure_recipients"] = possible_recipients(properties)  # also those that depend on the answers
    body["safe_contact"] = contact_json(safe_contacts(session, [task.case_id]).get(task.case_id))
    kind = properties.get("directory_kind")
    region = current_app.config["CASEPATH"].region
    body["directory"] = DirectoryEntrySchema(many=True).dump(list_entries(session, kind, region)) if kind else []
    log_access(session, task.case_id, current_user(), READ_TASK, purpose=access.purpose, reason=access.reason)
    return body


def safe_contacts(session: Session, case_ids: list[UUID]) -> dict[UUID, dict]:
    """Safe-contact instructions of the given cases (as read; contact_json shows them), in one query."""
    rows = session.scalars(select(SafeContact).where(SafeContact.case_id.in_(set(case_ids))))
    return {row.case_id: {name: getattr(row, name) for name in SAFE_CONTACT_FIELDS} for row in rows}


def dump_tasks(session: Session, tasks: list[Task], with_safe_contact: bool) -> list[dict]:
    """ORM tasks (with their cases loaded) as the API shows them, each with its case's safe-contact
    instructions if `with_safe_contact`, else null."""
    contacts = safe_contacts(session, [task.case_id for task in tasks]) if tasks and with_safe_contact else {}
    return [task_json(view_of(task, safe_contact=contacts.get(task.case_id)), with_safe_contact, now())
            for task in tasks]


@bp.post("/tasks/<uuid:task_id>/claim")
@guarded_writes
@token_required
def claim_task(task_id: UUID) -> ResponseReturnValue:
    """Take the task."""
    return task_json(service.claim(get_session(), task_id, current_user(), service_clock()), True, now())


@bp.post("/tasks/<uuid:task_id>/unclaim")
@guarded_writes
@token_required
def unclaim_task(task_id: UUID) -> ResponseReturnValue:
    """Give the task back to its group."""
    return task_json(service.unclaim(get_session(), task_id, current_user(), service_clock()), True, now())


@bp.post("/tasks/<uuid:task_id>/assign")
@guarded_writes
@token_required
def assign_task(task_id: UUID) -> ResponseReturnValue:
    """A team lead gives the task to a user."""
    require_assigner(current_user())  # who may not assign learns nothing of the body's rules
    body = _assign.load(json_body())
    task = service.assign(get_session(), task_id, body["username"], current_user(), service_clock())
    return task_json(task, True, now())


@bp.post("/tasks/<uuid:task_id>/complete")
@guarded_writes
@token_required
def complete_task(task_id: UUID) -> ResponseReturnValue:
    """Complete the task with data; returns the case's READY tasks."""
    # A chunked body has no Content-Length: whether there is one is known only by reading it (the
    # server ends the stream; MAX_CONTENT_LENGTH bounds it, a larger body is a 413).
    body = _complete.load(json_body() if request.get_data() else {})
    tasks = complete(get_session(), task_id, body["data"], current_user(), service_clock())
    return {"tasks": [task_json(task, True, now()) for task in tasks]}
