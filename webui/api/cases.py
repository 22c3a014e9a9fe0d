"""Opening and reading cases."""

from __future__ import annotations

from uuid import UUID

from flask import request
from flask.typing import ResponseReturnValue

from engine.cases import service
from engine.cases.access import READ_CASE, READ_TIMELINE, access_log, log_access
from engine.cases.models import Case
from engine.errors import InvalidInput
from engine.tasks.models import Task
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.schemas import CaseCreateSchema, CaseEventSchema, CaseSchema, local_iso
from webui.clock import service_clock
from webui.database import get_session

_case = CaseSchema()


def json_body() -> dict:
    """The request's JSON object body; 422 when it is missing or not an object."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("the request body must be a JSON object")
    return body


def dump_case(case: Case, tasks: list[Task]) -> dict:
    """A case with its READY tasks (each with the case's safe-contact instructions)."""
    from webui.api.tasks import dump_tasks  # tasks imports this module's json_body

    return dict(_case.dump(case), tasks=dump_tasks(get_session(), tasks))


@bp.post("/cases")
@token_required
def open_case() -> ResponseReturnValue:
    """Open a case on the latest version of a process."""
    body = CaseCreateSchema().load(json_body())
    opened = service.open_case(get_session(), body["process_key"], body["data"], current_user(), service_clock())
    return dump_case(opened.case, opened.tasks), 201


@bp.get("/cases/<uuid:case_id>")
@token_required
def get_case(case_id: UUID) -> ResponseReturnValue:
    """A case and its READY tasks."""
    session = get_session()
    case = service.get_case(session, case_id, current_user())
    body = dump_case(case, service.ready_tasks(session, case_id))
    log_access(session, case_id, current_user(), READ_CASE)
    return body


@bp.get("/cases/<uuid:case_id>/events")
@token_required
def case_events(case_id: UUID) -> ResponseReturnValue:
    """The case's timeline, oldest first."""
    session = get_session()
    events = service.case_events(session, case_id, current_user())
    body = {"events": CaseEventSchema().dump(events, many=True)}
    log_access(session, case_id, current_user(), READ_TIMELINE)
    return body


@bp.get("/cases/<uuid:case_id>/access-log")
@token_required
def case_access_log(case_id: UUID) -> ResponseReturnValue:
    """Who used the case and when (administrators; for a person's request for insight)."""
    session = get_session()
    service.get_case(session, case_id, current_user())
    rows = access_log(session, case_id, current_user())
    return {"access": [{"at": local_iso(r.at), "username": r.username, "kind": r.kind, "channel": r.channel}
                       for r in rows]}

