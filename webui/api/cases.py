"""Opening and reading cases."""

from __future__ import annotations

from uuid import UUID

from flask import request
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from engine.cases import events, service
from engine.cases.access import READ_CASE, READ_TIMELINE, access_log, log_access
from engine.cases.members import case_members
from engine.cases.models import Case
from engine.cases.need_to_know import Access, access_to, access_to_new_case, case_with_access
from engine.errors import InvalidInput
from engine.tasks.models import Task
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.schemas import CaseCreateSchema, CaseEventSchema, CaseSchema, MemberSchema, local_iso
from webui.clock import now, service_clock
from webui.database import get_session, guarded_writes

_case = CaseSchema()


def json_body() -> dict:
    """The request's JSON object body; 422 when it is missing or not an object."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("the request body must be a JSON object")
    return body


def dump_case(case: Case, tasks: list[Task], access: Access | None = None) -> dict:
    """A case as the user may see it: the header always, with owner and members; its READY tasks,
    each with the case's safe-contact instructions where the rule shows them; the closing note
    (free text) only with the content."""
    from webui.api.tasks import dump_tasks  # tasks imports this module's json_body

    session = get_session()
    access = access or access_to(session, case, current_user(), now())
    body = dict(_case.dump(case), tasks=dump_tasks(session, tasks, with_safe_contact=access.safe_contact))
    body["members"] = MemberSchema(many=True).dump(member_rows(session, case.id))
    body["access"] = {"relations": list(access.relations), "content": access.content}
    if not access.content:
        body["closing_note"] = None
    return body


def member_rows(session: Session, case_id: UUID) -> list[dict]:
    """The case's members as MemberSchema dumps them."""
    return [{"username": user.username, "name": user.display_name, "role": member.role, "until": member.until}
            for member, user in case_members(session, case_id)]


def case_for(case_id: UUID, need: str = "header", kind: str | None = None) -> tuple[Case, Access]:
    """The case if the rule grants the current user `need`; a read of `kind` is logged with its purpose."""
    session, user = get_session(), current_user()
    case, access = case_with_access(session, case_id, user, now(), need)
    if kind is not None:
        log_access(session, case_id, user, kind, purpose=access.purpose, reason=access.reason)
    return case, access


def dump_opened(opened: service.OpenedCase) -> dict:
    """A case this request opened, as dump_case shows it, from what was written: a new case has no
    owner, members, closing, reopening or safe contact yet, and the rule's answer follows from the
    user's groups and the first tasks (engine.cases.need_to_know.access_to_new_case)."""
    from webui.api.tasks import task_json  # tasks imports this module's json_body

    case, access = opened.case, access_to_new_case(current_user(), opened.views)
    return {
        "id": str(case.id), "reference": case.reference, "status": case.status,
        "process_key": opened.version.key, "process_version": opened.version.version,
        "opened_at": local_iso(case.opened_at), "closed_at": local_iso(case.closed_at), "owner": None,
        "closing_reason": None, "closing_note": None, "receiving_municipality": None, "closed_by": None,
        "reopened_from": None, "reopened_as": [],
        "tasks": [task_json(task, access.safe_contact, now()) for task in opened.views],
        "members": [], "access": {"relations": list(access.relations), "content": access.content},
    }


_create = CaseCreateSchema()


@bp.post("/cases")
@guarded_writes
@token_required
def open_case() -> ResponseReturnValue:
    """Open a case on the latest version of a process."""
    body = _create.load(json_body())
    opened = service.open_case(get_session(), body["process_key"], body["data"], current_user(), service_clock())
    return dump_opened(opened), 201


@bp.get("/cases/<uuid:case_id>")
@token_required
def get_case(case_id: UUID) -> ResponseReturnValue:
    """A case (its header for everyone involved) and its READY tasks."""
    case, access = case_for(case_id)
    body = dump_case(case, service.ready_tasks(get_session(), case_id), access)
    log_access(get_session(), case_id, current_user(), READ_CASE, purpose=access.purpose, reason=access.reason)
    return body


@bp.get("/cases/<uuid:case_id>/events")
@token_required
def case_events(case_id: UUID) -> ResponseReturnValue:
    """The case's timeline, oldest first (its content: those working on the case)."""
    case_for(case_id, "content", READ_TIMELINE)
    return {"events": CaseEventSchema().dump(events.list_events(get_session(), case_id), many=True)}


@bp.get("/cases/<uuid:case_id>/access-log")
@token_required
def case_access_log(case_id: UUID) -> ResponseReturnValue:
    """Who used the case, when and why (team leads and administrators; for a person's request for insight)."""
    rows = access_log(get_session(), case_id, current_user(), now())
    return {"access": [{"at": local_iso(r.at), "username": r.username, "kind": r.kind, "channel": r.channel,
                        "purpose": r.purpose, "reason": r.reason} for r in rows]}
